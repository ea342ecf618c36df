// What a channel's webhooks carried that Kanal did not handle (src/channels/unhandled.ts): a
// warning when the channel's configured id never matches, and the count per kind with an example.
import type { UnhandledSummary } from "../../src/channels/unhandled";
import { Alert } from "../components/form";
import { fullTime } from "../format";
import type { Ui } from "../ui";

/** The id a channel of this kind is configured with, which webhooks must name. */
export function configuredIdOf(kind: string, config: Record<string, unknown>): string {
  const id = kind === "whatsapp" ? config.phoneNumberId : kind === "messenger" ? config.pageId : kind === "instagram" ? config.accountId : null;
  return id === null || id === undefined ? "" : String(id);
}

export function UnmatchedIdNotice({ ui, summary, configuredId }: { ui: Ui; summary: UnhandledSummary; configuredId: string }) {
  if (!summary.unmatchedId) return null;
  const key = summary.matchedEver ? "channels.unmatched.some" : "channels.unmatched.never";
  return (
    <div id="unmatched-id">
      <Alert kind="error">{ui.t(key, { id: summary.unmatchedId, configured: configuredId || "—" })}</Alert>
    </div>
  );
}

export function UnhandledWebhooks({ ui, summary }: { ui: Ui; summary: UnhandledSummary }) {
  const tz = ui.actor?.timezone ?? "UTC";
  const total = summary.kinds.reduce((sum, k) => sum + k.count, 0);
  return (
    <section class="card stack" id="unhandled-webhooks">
      <h2>{ui.t("channels.unhandled.title")}</h2>
      {summary.kinds.length === 0 ? (
        <small class="hint">{ui.t("channels.unhandled.none")}</small>
      ) : (
        <>
          <small class="hint">{ui.t("channels.unhandled.intro", { count: total })}</small>
          <div class="table-scroll">
            <table class="list">
              <thead>
                <tr>
                  <th>{ui.t("channels.unhandled.kind")}</th>
                  <th>{ui.t("channels.unhandled.count")}</th>
                  <th>{ui.t("channels.unhandled.last")}</th>
                  <th>{ui.t("channels.unhandled.example")}</th>
                </tr>
              </thead>
              <tbody>
                {summary.kinds.map((k) => (
                  <tr>
                    <td>
                      <code>{k.kind}</code>
                    </td>
                    <td>{k.count}</td>
                    <td>{fullTime(k.lastAt, ui.locale, tz)}</td>
                    <td>
                      <code class="example">{k.example.length > 300 ? `${k.example.slice(0, 300)}…` : k.example}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
