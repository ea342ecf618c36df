// One bulk send: what it sends to whom, its live progress, pause/resume/cancel, and every
// recipient's result with filters, "Load more" and a CSV export.
import type { BulkCounts, BulkSendRow, RecipientFilter, RecipientRow } from "../../src/bulk/progress";
import { recipientFilters } from "../../src/bulk/progress";
import { Layout } from "../layout";
import { Alert } from "../components/form";
import { LoadMore } from "../admin/shell";
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";
import { BulkProgress } from "./progress";

export interface BulkDetail {
  send: BulkSendRow;
  channel: string;
  counts: BulkCounts;
  rows: RecipientRow[];
  next: number | null;
  filter: RecipientFilter;
}

export function BulkControls({ ui, send }: { ui: Ui; send: BulkSendRow }) {
  const action = (name: "pause" | "resume" | "cancel", label: string, confirm?: string) => (
    <form method="post" action={`/bulk/${send.id}/${name}`} data-confirm={confirm}>
      <button type="submit" class={name === "cancel" ? "danger" : undefined}>
        {label}
      </button>
    </form>
  );
  const running = send.status === "running" || send.status === "scheduled";
  return (
    <div id="bulk-controls" class="actions bulk-controls">
      {running ? action("pause", ui.t("bulk.pause")) : null}
      {send.status === "paused" ? action("resume", ui.t("bulk.resume")) : null}
      {running || send.status === "paused" ? action("cancel", ui.t("bulk.cancel"), ui.t("bulk.confirmCancel")) : null}
    </div>
  );
}

function state(ui: Ui, r: RecipientRow): string {
  if (r.state === "skipped") return `${ui.t("bulk.count.skipped")}: ${ui.t(`bulk.skip.${r.skipReason}` as "bulk.skip.blocked")}`;
  if (r.state !== "sent") return ui.t(`bulk.count.${r.state}` as "bulk.count.queued");
  return ui.t(`bulk.count.${r.delivery === "pending" ? "sending" : r.delivery}` as "bulk.count.sent");
}

export function RecipientRows({ ui, send, rows, next, filter }: { ui: Ui; send: BulkSendRow; rows: RecipientRow[]; next: number | null; filter: RecipientFilter }) {
  const tz = ui.actor!.timezone;
  return (
    <>
      {rows.map((r) => (
        <tr class={`bulk-row bulk-row-${r.delivery ?? r.state}`}>
          <td>
            <a href={`/contacts/${r.contactId}`}>{r.name}</a>
          </td>
          <td>{r.phone ?? "—"}</td>
          <td>
            {state(ui, r)}
            {r.delivery === "failed" && r.errorText ? <small class="error">{` ${r.errorCode ?? ""} ${r.errorText}`}</small> : null}
          </td>
          <td>{r.sentAt ? fullTime(r.sentAt, ui.locale, tz) : "—"}</td>
          <td>{r.replied && r.conversationId ? <a href={`/inbox/${r.conversationId}?tab=all`}>{ui.t("bulk.count.replied")}</a> : "—"}</td>
        </tr>
      ))}
      {next !== null ? <LoadMore ui={ui} href={`/bulk/${send.id}?filter=${filter}&after=${next}`} /> : null}
    </>
  );
}

export function BulkSendPage({ ui, detail, flash }: { ui: Ui; detail: BulkDetail; flash: Flash }) {
  const { send } = detail;
  const tz = ui.actor!.timezone;
  return (
    <Layout ui={ui} title={send.name} live={`view=bulk&send=${send.id}`}>
      <div class="page bulk-page">
        <p>
          <a href="/bulk">← {ui.t("bulk.title")}</a>
        </p>
        <h1>{send.name}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <dl class="bulk-facts">
          <dt>{ui.t("bulk.template")}</dt>
          <dd>{`${send.template.name} (${send.template.language}) · ${detail.channel}`}</dd>
          <dt>{ui.t("bulk.startAt")}</dt>
          <dd>{fullTime(send.startAt, ui.locale, tz)}</dd>
          <dt>{ui.t("bulk.pace")}</dt>
          <dd>{ui.t("bulk.paceValue", { pace: send.pace })}</dd>
        </dl>
        <p class="bubble bulk-body">{send.template.body}</p>
        <BulkControls ui={ui} send={send} />
        <BulkProgress ui={ui} counts={detail.counts} status={send.status} pace={send.currentPace} />
        <h2>{ui.t("bulk.recipients")}</h2>
        <nav class="bulk-filters" aria-label={ui.t("bulk.recipients")}>
          {recipientFilters.map((f) => (
            <a href={`/bulk/${send.id}?filter=${f}`} aria-current={detail.filter === f ? "page" : undefined}>
              {ui.t(f === "all" ? "bulk.all" : (`bulk.count.${f}` as "bulk.count.sent"))}
            </a>
          ))}
          <a class="button" href={`/bulk/${send.id}/recipients.csv?filter=${detail.filter}`} download>
            {ui.t("bulk.export")}
          </a>
        </nav>
        <div class="table-scroll" tabindex={0}>
          <table class="list bulk-recipients">
            <thead>
              <tr>
                <th>{ui.t("common.name")}</th>
                <th>{ui.t("inbox.phone")}</th>
                <th>{ui.t("bulk.statusLabel")}</th>
                <th>{ui.t("bulk.sentAt")}</th>
                <th>{ui.t("bulk.count.replied")}</th>
              </tr>
            </thead>
            <tbody>
              <RecipientRows ui={ui} send={send} rows={detail.rows} next={detail.next} filter={detail.filter} />
            </tbody>
          </table>
        </div>
      </div>
    </Layout>
  );
}
