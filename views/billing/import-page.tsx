// One import: its preview (how the file was read, the first lines judged, the problems, Import and
// Discard), then its progress, drawn live and on every reload, then its outcome and problem report.
import { raw } from "hono/html";
import { isProblemLine, type Judged } from "../../src/billing/import-check";
import type { ImportProblem, ImportRow, ImportView } from "../../src/billing/imports";
import { progressOf } from "../../src/billing/imports";
import type { Header } from "../../src/billing/import-lines";
import type { MessageKey } from "../../src/i18n";
import { Alert, Select, type FormState } from "../components/form";
import { AdminLayout } from "../admin/shell";
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";
import { decimalOptions, delimiterOptions, ImportStatusBadge } from "./imports";

const n = (ui: Ui, value: number) => value.toLocaleString(ui.locale);

export function problemText(ui: Ui, p: Pick<ImportProblem, "reason" | "detail">): string {
  return ui.t(`imports.reason.${p.reason}` as MessageKey, { detail: p.detail });
}

function ProblemTable({ ui, problems, count, importId }: { ui: Ui; problems: ImportProblem[]; count: number; importId: number }) {
  if (count === 0) return <p class="muted">{ui.t("imports.noProblems")}</p>;
  return (
    <>
      <div class="table-scroll">
        <table class="list import-problems">
          <thead>
            <tr>
              <th class="num">{ui.t("imports.line")}</th>
              <th>{ui.t("imports.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p) => (
              <tr>
                <td class="num">{p.line}</td>
                <td>{problemText(ui, p)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {count > problems.length ? <p class="muted">{ui.t("imports.problemsMore", { shown: problems.length, count: n(ui, count) })}</p> : null}
      <p>
        <a href={`/admin/imports/${importId}/problems.csv`} download>
          {ui.t("imports.downloadReport")}
        </a>
      </p>
    </>
  );
}

/** The part live updates redraw while a run goes and once it is done (the page draws it too). */
export function ImportStatus({ ui, row, problems }: { ui: Ui; row: ImportRow; problems: ImportProblem[] }) {
  const done = row.status === "done";
  return (
    <section id="import-status" class="import-status" aria-live="polite">
      {done ? (
        <Alert kind={row.problemLines > 0 ? "error" : "ok"}>{ui.t("imports.done", { added: n(ui, row.added), unchanged: n(ui, row.unchangedLines), problems: n(ui, row.problemLines) })}</Alert>
      ) : (
        <div class="card">
          <p>
            <strong>{ui.t(row.status === "queued" ? "imports.queued" : "imports.running")}</strong>
          </p>
          <progress max={Math.max(row.totalLines, 1)} value={row.processed} aria-label={ui.t("imports.progress", { processed: n(ui, row.processed), total: n(ui, row.totalLines) })}>
            {progressOf(row)} %
          </progress>
          <p class="import-progress-text">
            {ui.t("imports.progress", { processed: n(ui, row.processed), total: n(ui, row.totalLines) })} · {progressOf(row)} % · {ui.t("imports.added")}: {n(ui, row.added)} · {ui.t("imports.problemCount")}:{" "}
            {n(ui, row.problemLines)}
          </p>
          {/* Written raw: hono/jsx would hoist a <meta> into the head, out of <noscript>, and reload pages that update live too. */}
          {raw('<noscript><meta http-equiv="refresh" content="3"></noscript>')}
          <noscript>
            <p class="muted">
              {ui.t("imports.noscript")} <a href={`/admin/imports/${row.id}`}>{ui.t("imports.reload")}</a>
            </p>
          </noscript>
        </div>
      )}
      <h2>{ui.t("imports.problems")}</h2>
      <ProblemTable ui={ui} problems={problems} count={row.problemLines} importId={row.id} />
    </section>
  );
}

function HeaderNotes({ ui, header }: { ui: Ui; header: Header }) {
  const missing = header.missing.map((m) => (m === "contact" ? ui.t("imports.missing.contact") : m));
  return (
    <>
      {missing.length ? <Alert kind="error">{ui.t("imports.missingColumns", { columns: missing.join(", ") })}</Alert> : null}
      {header.duplicated.length ? <Alert kind="error">{ui.t("imports.duplicatedColumns", { columns: header.duplicated.join(", ") })}</Alert> : null}
      {header.ignored.length ? <p class="muted">{ui.t("imports.ignoredColumns", { columns: header.ignored.join(", ") })}</p> : null}
    </>
  );
}

function JudgedCell({ ui, judged }: { ui: Ui; judged: Judged | null }) {
  if (!judged) return <td></td>;
  if (isProblemLine(judged)) return <td class="error">{problemText(ui, { reason: judged.reason, detail: judged.detail ?? "" })}</td>;
  return (
    <td>
      <span class={`badge ${judged.state === "new" ? "paid" : "muted"}`}>{ui.t(`imports.state.${judged.state}`)}</span>
    </td>
  );
}

function Preview({ ui, view, form }: { ui: Ui; view: ImportView; form: FormState }) {
  const { row, header } = view;
  const usable = header.missing.length === 0 && header.duplicated.length === 0;
  const ready = row.totalLines - row.problemLines - row.unchangedLines;
  const delimiterLabel = delimiterOptions(ui).find((o) => o.value === (row.delimiter === "\t" ? "tab" : row.delimiter))!.label;
  return (
    <>
      <form method="post" action={`/admin/imports/${row.id}/settings`} class="card stack">
        <p>{ui.t("imports.readAs", { encoding: ui.t(`imports.encoding.${row.encoding}`), delimiter: delimiterLabel, example: row.decimalMark === "comma" ? "1.234,56" : "1,234.56" })}</p>
        <div class="import-settings">
          <Select form={form} name="delimiter" label={ui.t("imports.delimiter")} options={delimiterOptions(ui)} />
          <Select form={form} name="decimalMark" label={ui.t("imports.decimalMark")} options={decimalOptions(ui)} />
          <div>
            <button type="submit">{ui.t("imports.reread")}</button>
          </div>
        </div>
      </form>
      <HeaderNotes ui={ui} header={header} />
      {usable ? <p class="import-summary">{ui.t("imports.summary", { total: n(ui, row.totalLines), ready: n(ui, ready), unchanged: n(ui, row.unchangedLines), problems: n(ui, row.problemLines) })}</p> : null}
      <h2>{ui.t("imports.firstLines")}</h2>
      <div class="table-scroll">
        <table class="list import-sample">
          <thead>
            <tr>
              <th class="num">{ui.t("imports.line")}</th>
              {usable ? <th>{ui.t("imports.check")}</th> : null}
              {view.headerCells.map((h) => (
                <th>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.sample.map((s) => (
              <tr>
                <td class="num">{s.line}</td>
                {usable ? <JudgedCell ui={ui} judged={s.judged} /> : null}
                {view.headerCells.map((_, i) => (
                  <td>{s.cells[i] ?? ""}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {usable ? (
        <>
          <h2>{ui.t("imports.problems")}</h2>
          <ProblemTable ui={ui} problems={view.problems} count={row.problemLines} importId={row.id} />
        </>
      ) : null}
      <div class="import-actions">
        {usable && row.totalLines > 0 ? (
          <form method="post" action={`/admin/imports/${row.id}/start`}>
            <button type="submit" class="primary">
              {ui.t("imports.start")} ({n(ui, ready)})
            </button>
            <small class="hint">{ui.t("imports.startHint")}</small>
          </form>
        ) : null}
        <form method="post" action={`/admin/imports/${row.id}/discard`} data-confirm={ui.t("imports.confirmDiscard")}>
          <button type="submit" class="link danger-link">
            {ui.t("imports.discard")}
          </button>
        </form>
      </div>
    </>
  );
}

export function ImportTitle({ ui, row }: { ui: Ui; row: ImportRow }) {
  return (
    <h1 id="import-title" class="import-title">
      {row.fileName} <ImportStatusBadge ui={ui} status={row.status} />
    </h1>
  );
}

export function ImportPage({ ui, view, form, flash }: { ui: Ui; view: ImportView; form: FormState; flash: Flash }) {
  const { row } = view;
  const tz = ui.actor!.timezone;
  return (
    <AdminLayout ui={ui} title={`${ui.t("imports.title")}: ${row.fileName}`} live={`view=import&import=${row.id}`}>
      <p>
        <a href="/admin/imports">← {ui.t("imports.allImports")}</a>
      </p>
      <ImportTitle ui={ui} row={row} />
      {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
      {row.status === "draft" ? (
        <Preview ui={ui} view={view} form={form} />
      ) : (
        <>
          {view.startedByName && row.startedAt ? <p class="muted">{ui.t("imports.startedBy", { name: view.startedByName, time: fullTime(row.startedAt, ui.locale, tz) })}</p> : null}
          <ImportStatus ui={ui} row={row} problems={view.problems} />
        </>
      )}
    </AdminLayout>
  );
}
