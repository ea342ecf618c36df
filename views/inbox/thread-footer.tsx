// Below the messages: the composer for an agent who joined, a join button otherwise, or the
// closed notice with reactivation (a spam conversation's notice instead); live updates swap it (#thread-footer).
import { canReactivate } from "../../src/channels/capabilities";
import type { ThreadOptions } from "../../src/inbox/composer";
import type { Draft, ThreadData } from "../../src/inbox/thread";
import type { Ui } from "../ui";
import { Composer } from "./composer";
import { QuickReplies } from "./quick-replies";
import { PollForm } from "../bot/poll-form";
import { threadForm } from "./thread-form";
import { WindowNotice } from "./window";
import { capabilities } from "../../src/channels/capabilities";
import { CommentComposer } from "../comments/composer";

export function ThreadFooter({ ui, c, draft, options, now }: { ui: Ui; c: ThreadData["conversation"]; draft?: Draft; options: ThreadOptions; now: Date }) {
  const base = `/inbox/${c.id}`;
  return (
    <footer class="composer-area" id="thread-footer">
      {draft?.error ? (
        <p class="alert error" role="alert">
          {draft.error}
        </p>
      ) : null}
      {c.type === "spam" ? (
        <div class="closed-notice">
          <p class="muted center">{ui.t("inbox.spamNotice")}</p>
        </div>
      ) : c.status === "closed" ? (
        <div class="closed-notice">
          <p class="muted center">{ui.t("inbox.closedNotice")}</p>
          {canReactivate(c.channelKind, c.lastInboundAt, now) ? (
            <form method="post" action={`${base}/reactivate`} hx-post={`${base}/reactivate`} class="center">
              <button type="submit" class="primary">
                {ui.t("inbox.reactivate")}
              </button>
            </form>
          ) : null}
        </div>
      ) : c.joined && c.type === "comment" && capabilities[c.channelKind].comments ? (
        <>
          <QuickReplies ui={ui} base={base} options={options} />
          <CommentComposer ui={ui} base={base} draft={draft} c={c} />
        </>
      ) : c.joined ? (
        <>
          <WindowNotice ui={ui} channelKind={c.channelKind} lastInboundAt={c.lastInboundAt} templates={options.templates ?? []} base={base} now={now} />
          <QuickReplies ui={ui} base={base} options={options} />
          <PollForm ui={ui} base={base} />
          <Composer ui={ui} base={base} draft={draft} c={c} aids={{ people: options.mentionable ?? [], variables: options.variables ?? {} }} />
        </>
      ) : (
        <form {...threadForm(`${base}/join`)} class="join">
          <button type="submit" class="primary">
            {ui.t("inbox.join")}
          </button>
        </form>
      )}
    </footer>
  );
}
