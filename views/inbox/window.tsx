// Above the composer: how long free-form replies may still go out on this channel, and, once the
// window has closed on WhatsApp, the approved templates that may re-open the conversation.
import type { Ui } from "../ui";
import { replyWindow } from "../../src/channels/windows";
import type { ChannelKind } from "@db/schema";
import type { TemplateChoice } from "../../src/inbox/composer";
import { duration } from "../cockpit/page";
import { fullTime } from "../format";

export function WindowNotice({ ui, channelKind, lastInboundAt, templates, base, now }: { ui: Ui; channelKind: ChannelKind; lastInboundAt: Date | null; templates: TemplateChoice[]; base: string; now: Date }) {
  const window = replyWindow(channelKind, lastInboundAt, now);
  if (window.state === "always") return <div id="window-notice" hidden></div>;
  if (window.state === "open") {
    const left = window.endsAt.getTime() - now.getTime();
    return (
      <div id="window-notice" class="window-notice muted" data-state="open">
        {ui.t("window.open", { left: duration(ui, left) })}
      </div>
    );
  }
  if (window.state === "tagged") {
    return (
      <div id="window-notice" class="window-notice" data-state="tagged">
        {ui.t("window.tagged", { until: fullTime(window.endsAt, ui.locale, ui.actor?.timezone ?? "UTC") })}
      </div>
    );
  }
  return (
    <div id="window-notice" class="window-notice alert" data-state="closed" role="status">
      <p>{window.templates ? ui.t("window.closedTemplates") : ui.t("window.closed")}</p>
      {window.templates ? (
        templates.length ? (
          <details class="templates">
            <summary>{ui.t("window.sendTemplate")}</summary>
            <div class="template-list">
              {templates.map((tpl) => (
                <details class="template">
                  <summary>
                    <strong>{tpl.name}</strong> <span class="muted">({tpl.language})</span> <span class="template-preview">{tpl.body}</span>
                  </summary>
                  <form method="post" action={`${base}/template`} hx-post={`${base}/template`} hx-target="#thread" hx-swap="outerHTML" class="template-form">
                    <input type="hidden" name="name" value={tpl.name} />
                    <input type="hidden" name="language" value={tpl.language} />
                    <p class="template-body">{tpl.body}</p>
                    {Array.from({ length: tpl.params }, (_, i) => (
                      <label class="template-param">
                        <span>{`{{${i + 1}}}`}</span> <input name="param" required maxlength={1024} />
                      </label>
                    ))}
                    <button type="submit" class="primary">
                      {ui.t("window.sendThisTemplate")}
                    </button>
                  </form>
                </details>
              ))}
            </div>
          </details>
        ) : (
          <p class="muted">{ui.t("window.noTemplates")}</p>
        )
      ) : null}
    </div>
  );
}
