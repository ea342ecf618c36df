// Bulk messages: the organization's sends, newest first, and (for admins) the bulk settings.
import type { BulkSendRow } from "../../src/bulk/progress";
import { Layout } from "../layout";
import { Alert } from "../components/form";
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";

export interface BulkListRow {
  send: BulkSendRow;
  channel: string;
  recipients: number;
  sent: number;
}

export function BulkListPage({ ui, rows, flash, settings }: { ui: Ui; rows: BulkListRow[]; flash: Flash; settings: { maxPace: number; keywords: string[] } | null }) {
  const tz = ui.actor!.timezone;
  return (
    <Layout ui={ui} title={ui.t("bulk.title")}>
      <div class="page">
        <div class="page-head">
          <h1>{ui.t("bulk.title")}</h1>
          <a class="button" href="/bulk/new">
            {ui.t("bulk.new")}
          </a>
        </div>
        <p class="intro">{ui.t("bulk.intro")}</p>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        {rows.length === 0 ? (
          <p class="empty">{ui.t("bulk.empty")}</p>
        ) : (
          <div class="table-scroll" tabindex={0}>
            <table class="list">
              <thead>
                <tr>
                  <th>{ui.t("common.name")}</th>
                  <th>{ui.t("bulk.template")}</th>
                  <th>{ui.t("bulk.channel")}</th>
                  <th>{ui.t("bulk.statusLabel")}</th>
                  <th>{ui.t("bulk.count.sent")}</th>
                  <th>{ui.t("bulk.startAt")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <td>
                      <a href={`/bulk/${r.send.id}`}>{r.send.name}</a>
                    </td>
                    <td>{`${r.send.template.name} (${r.send.template.language})`}</td>
                    <td>{r.channel}</td>
                    <td>
                      <span class={`badge bulk-${r.send.status}`}>{ui.t(`bulk.status.${r.send.status}` as "bulk.status.done")}</span>
                    </td>
                    <td>{`${r.sent} / ${r.recipients}`}</td>
                    <td>{fullTime(r.send.startAt, ui.locale, tz)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {settings ? (
          <form method="post" action="/bulk/settings" class="bulk-settings">
            <h2>{ui.t("bulk.settings")}</h2>
            <div class="field">
              <label for="f-maxPace">{ui.t("bulk.maxPace")}</label>
              <input id="f-maxPace" name="maxPace" type="number" min="1" max="1000" value={String(settings.maxPace)} required />
            </div>
            <div class="field">
              <label for="f-keywords">{ui.t("bulk.keywords")}</label>
              <input id="f-keywords" name="keywords" value={settings.keywords.join(", ")} maxlength={500} />
              <small class="hint">{ui.t("bulk.keywordsHint")}</small>
            </div>
            <button type="submit">{ui.t("common.save")}</button>
          </form>
        ) : null}
      </div>
    </Layout>
  );
}
