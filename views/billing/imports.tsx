// Admin → Import: the upload form (with what each column means) and the organization's imports.
import { importColumns, type ImportColumn } from "../../src/billing/import-lines";
import { MAX_IMPORT_LINES, type ImportListRow } from "../../src/billing/imports";
import type { MessageKey } from "../../src/i18n";
import { Alert, Select, type FormState } from "../components/form";
import { AdminLayout, LoadMore } from "../admin/shell";
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";

/** The names the sample file and the documentation use; readHeader takes Turkish ones too. */
const alsoNamed: Record<ImportColumn, string> = {
  external_id: "harici_id, customer_id",
  phone: "telefon, tel",
  email: "e-posta",
  kind: "tür, işlem, type",
  amount: "tutar",
  currency: "para_birimi, döviz",
  date: "tarih",
  description: "açıklama",
  reference: "referans, ref",
};

export function delimiterOptions(ui: Ui) {
  return [
    { value: "auto", label: ui.t("imports.delimiter.auto") },
    { value: ",", label: ui.t("imports.delimiter.comma") },
    { value: ";", label: ui.t("imports.delimiter.semicolon") },
    { value: "tab", label: ui.t("imports.delimiter.tab") },
  ];
}

export function decimalOptions(ui: Ui) {
  return (["auto", "comma", "dot"] as const).map((v) => ({ value: v, label: ui.t(`imports.decimalMark.${v}`) }));
}

export function ImportStatusBadge({ ui, status }: { ui: Ui; status: ImportListRow["status"] }) {
  const tone = status === "done" ? "paid" : status === "draft" ? "muted" : "pending";
  return <span class={`badge ${tone}`}>{ui.t(`imports.status.${status}`)}</span>;
}

export function ImportRows({ ui, rows, next }: { ui: Ui; rows: ImportListRow[]; next: number | null }) {
  const tz = ui.actor!.timezone;
  return (
    <>
      {rows.map((r) => (
        <tr>
          <td>
            <a href={`/admin/imports/${r.id}`}>{r.fileName}</a>
          </td>
          <td>{fullTime(r.createdAt, ui.locale, tz)}</td>
          <td>{r.byName ?? "—"}</td>
          <td>
            <ImportStatusBadge ui={ui} status={r.status} />
          </td>
          <td class="num">{r.totalLines.toLocaleString(ui.locale)}</td>
          <td class="num">{r.status === "draft" ? "—" : r.added.toLocaleString(ui.locale)}</td>
          <td class="num">{r.unchangedLines.toLocaleString(ui.locale)}</td>
          <td class="num">{r.problemLines.toLocaleString(ui.locale)}</td>
        </tr>
      ))}
      {next ? <LoadMore ui={ui} href={`/admin/imports?before=${next}`} /> : null}
    </>
  );
}

export interface ImportsPageProps {
  ui: Ui;
  form: FormState;
  flash: Flash;
  rows: ImportListRow[];
  next: number | null;
}

export function ImportsPage({ ui, form, flash, rows, next }: ImportsPageProps) {
  const fileError = form.errors.file;
  return (
    <AdminLayout ui={ui} title={ui.t("imports.title")}>
      <h1>{ui.t("imports.title")}</h1>
      <p class="muted">{ui.t("imports.intro")}</p>
      {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
      <form method="post" action="/admin/imports" enctype="multipart/form-data" class="stack card import-upload">
        <div class={fileError ? "field has-error" : "field"}>
          <label for="f-file">{ui.t("imports.file")}</label>
          <input id="f-file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" required aria-invalid={fileError ? "true" : undefined} aria-describedby="f-file-hint" />
          {fileError ? (
            <small class="error" id="f-file-hint">
              {fileError} {ui.t("imports.fileAgain")}
            </small>
          ) : (
            <small class="hint" id="f-file-hint">
              {/* Any refused upload: the browser has forgotten the file chosen. */}
              {Object.keys(form.errors).length > 0 ? ui.t("imports.fileAgain") : ui.t("imports.fileHint", { max: MAX_IMPORT_LINES.toLocaleString(ui.locale) })}
            </small>
          )}
        </div>
        <div class="import-settings">
          <Select form={form} name="delimiter" label={ui.t("imports.delimiter")} options={delimiterOptions(ui)} />
          <Select form={form} name="decimalMark" label={ui.t("imports.decimalMark")} options={decimalOptions(ui)} />
        </div>
        <div>
          <button type="submit" class="primary">
            {ui.t("imports.upload")}
          </button>
        </div>
      </form>
      <ColumnGuide ui={ui} open={Boolean(fileError)} />
      <h2>{ui.t("imports.recent")}</h2>
      {rows.length === 0 ? (
        <p class="empty">{ui.t("imports.empty")}</p>
      ) : (
        <div class="table-scroll">
          <table class="list">
            <thead>
              <tr>
                <th>{ui.t("imports.fileName")}</th>
                <th>{ui.t("imports.uploaded")}</th>
                <th>{ui.t("imports.by")}</th>
                <th>{ui.t("imports.status")}</th>
                <th class="num">{ui.t("imports.lines")}</th>
                <th class="num">{ui.t("imports.added")}</th>
                <th class="num">{ui.t("imports.unchanged")}</th>
                <th class="num">{ui.t("imports.problemCount")}</th>
              </tr>
            </thead>
            <tbody>
              <ImportRows ui={ui} rows={rows} next={next} />
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}

/** What each column means, and the sample file to start from. */
export function ColumnGuide({ ui, open }: { ui: Ui; open?: boolean }) {
  return (
    <details class="card import-guide" open={open || undefined}>
      <summary>
        <h2>{ui.t("imports.columns")}</h2>
      </summary>
      <p class="muted">{ui.t("imports.columnsIntro")}</p>
      <div class="table-scroll">
        <table class="list">
          <thead>
            <tr>
              <th>{ui.t("imports.column")}</th>
              <th>{ui.t("imports.alsoNamed")}</th>
              <th>{ui.t("imports.meaning")}</th>
            </tr>
          </thead>
          <tbody>
            {importColumns.map((c) => (
              <tr>
                <td>
                  <code>{c}</code>
                </td>
                <td class="muted">{alsoNamed[c]}</td>
                <td>{ui.t(`imports.col.${c}` as MessageKey)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href="/admin/imports/sample.csv" download>
          {ui.t("imports.template")}
        </a>
      </p>
    </details>
  );
}
