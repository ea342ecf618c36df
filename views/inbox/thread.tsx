// An open conversation: head, the contact's earlier conversations, messages and footer; htmx
// actions swap it whole (#thread).
import type { ThreadOptions } from "../../src/inbox/composer";
import type { Draft, Earlier, ThreadData } from "../../src/inbox/thread";
import { fullTime } from "../format";
import type { Ui } from "../ui";
import { ChannelIcon } from "./channel-icon";
import { MessageItem } from "./message";
import { ThreadFooter } from "./thread-footer";
import { ThreadHead } from "./thread-head";
import { TypingIndicator } from "./typing";
import { PostContext } from "../comments/post";
import { ReferralCard } from "./referral";

export function Thread({ ui, thread, options, draft, back, earlier, now }: { ui: Ui; thread: ThreadData; options: ThreadOptions; draft?: Draft; back: string; earlier?: Earlier | null; now: Date }) {
  const c = thread.conversation;
  return (
    <section class="thread" id="thread" data-conversation={String(c.id)}>
      <ThreadHead ui={ui} c={c} options={options} back={back} now={now} />
      <PostContext ui={ui} c={c} />
      <ReferralCard ui={ui} c={c} />
      {earlier && earlier.total > 0 ? <EarlierConversations ui={ui} earlier={earlier} contactId={c.contactId} /> : null}
      <ol class="messages" id="messages">
        {thread.messages.map((m) => (
          <MessageItem ui={ui} m={m} conversationId={c.id} />
        ))}
      </ol>
      <TypingIndicator ui={ui} />
      <ThreadFooter ui={ui} c={c} draft={draft} options={options} now={now} />
    </section>
  );
}

function EarlierConversations({ ui, earlier, contactId }: { ui: Ui; earlier: Earlier; contactId: number }) {
  const tz = ui.actor!.timezone;
  return (
    <details class="earlier">
      <summary>{ui.t("widgets.earlier", { count: earlier.total })}</summary>
      {earlier.items.map((conv) => (
        <section class="earlier-conversation">
          <h3>
            <ChannelIcon ui={ui} kind={conv.channelKind} /> <a href={`/inbox/${conv.id}?tab=all`}>{fullTime(conv.createdAt, ui.locale, tz)}</a>
          </h3>
          <ol class="messages">
            {conv.messages.map((m) => (
              <MessageItem ui={ui} m={m} />
            ))}
          </ol>
        </section>
      ))}
      {earlier.total > earlier.items.length ? (
        <p>
          <a href={`/contacts/${contactId}`}>{ui.t("contacts.title")} →</a>
        </p>
      ) : null}
    </details>
  );
}
