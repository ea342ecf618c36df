// A channel's parked webhooks: what the provider sent that could not be processed, with the reason
// and a button to try it again (src/channels/failed-webhooks.ts).
import { fullTime } from "../format";
import type { Ui } from "../ui";

export interface FailedWebhook {
  id: number;
  receivedAt: Date;
  failedAt: Date | null;
  attempts: number;
  lastError: string | null;
}

export function FailedWebhooks({ ui, href, failed }: { ui: Ui; href: string; failed: FailedWebhook[] }) {
  if (failed.length === 0) return null;
  const tz = ui.actor?.timezone ?? "UTC";
  return (
    <section class="card stack" id="failed-webhooks">
      <h2>{ui.t("channels.failedWebhooks", { count: failed.length })}</h2>
      <small class="hint">{ui.t("channels.failedWebhooksHint")}</small>
      <table class="list">
        <thead>
          <tr>
            <th>{ui.t("channels.failedReceived")}</th>
            <th>{ui.t("channels.failedAttempts")}</th>
            <th>{ui.t("channels.failedReason")}</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {failed.map((f) => (
            <tr id={`failed-webhook-${f.id}`}>
              <td>{fullTime(f.receivedAt, ui.locale, tz)}</td>
              <td>{f.attempts}</td>
              <td>
                <code>{f.lastError ?? "—"}</code>
              </td>
              <td>
                <form method="post" action={`${href}/webhooks/${f.id}/retry`}>
                  <button type="submit">{ui.t("channels.failedRetry")}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
