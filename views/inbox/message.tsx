// One message of a thread (text, files, reaction, location, delivery state, retry); live updates
// append or redraw it (#m-<id>), a retry swaps it.
import type { ThreadData } from "../../src/inbox/thread";
import type { SystemLine } from "../../src/routing/routing";
import type { MergeLine } from "../../src/contacts/merging";
import { MergeLineItem } from "../contacts/merge-line";
import type { ClosingLine } from "../../src/inbox/closing";
import { fullTime } from "../format";
import { Attachments } from "../media/attachments";
import type { Ui } from "../ui";
import { paidLine } from "../billing/lines";
import { CommentActions, CommentMarks, isCommentMessage, PrivateReplyLine } from "../comments/marks";
import { BotLineItem, botLineOf, isBotMessage } from "../bot/line";
import { isSnoozeLine, SnoozeLineItem } from "./snooze";
import { ContactsCard, FlowAnswers, OrderCard, ShareCard, StoryCard } from "./cards";
import { IdentityNoticeItem, isIdentityNotice } from "./notices";
import { DeletedBody, EditedMark, isDeleted, LinkShare, MediaState, metaOf, StandbyMark } from "./message-marks";

/** A card drawn above the message's text: the story a reply answers, a story mention, a shared post. */
function CardAbove({ ui, m, conversationId }: { ui: Ui; m: ThreadData["messages"][number]; conversationId?: number }) {
  const meta = metaOf(m);
  if (meta.story) return <StoryCard ui={ui} meta={meta} conversationId={conversationId} messageId={m.id} />;
  if (m.kind === "share") return <ShareCard ui={ui} meta={meta} />;
  return null;
}

/** A card that is the whole message (its text only a summary for lists and search): contacts, an order, a Flow's answers. */
function WholeCard({ ui, m, conversationId }: { ui: Ui; m: ThreadData["messages"][number]; conversationId?: number }) {
  const meta = metaOf(m);
  if (m.kind === "contacts") return <ContactsCard ui={ui} meta={meta} conversationId={conversationId} messageId={m.id} />;
  if (m.kind === "order") return <OrderCard ui={ui} meta={meta} />;
  if (meta.flow) return <FlowAnswers ui={ui} meta={meta} />;
  return null;
}

const hasWholeCard = (m: ThreadData["messages"][number]) => m.kind === "contacts" || m.kind === "order" || !!metaOf(m).flow;

/** Where to see what Kanal cannot show: the provider's own app, named. */
const unsupportedWhere = (m: ThreadData["messages"][number]) => {
  const kind = "channelKind" in m ? m.channelKind : null;
  return kind === "whatsapp" || kind === "instagram" || kind === "messenger" ? (`message.unsupportedWhere.${kind}` as const) : null;
};

function LocationBody({ ui, body, meta }: { ui: Ui; body: string; meta: Record<string, unknown> }) {
  const lat = Number(meta.latitude);
  const lon = Number(meta.longitude);
  const href = Number.isFinite(lat) && Number.isFinite(lon) ? `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}` : null;
  return (
    <span class="body location">
      {ui.t("message.location")}: {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer">
          {body}
        </a>
      ) : (
        body
      )}
    </span>
  );
}

/** The customer's reaction kept on this message (channels/reactions.ts), if any. */
const reactionOf = (m: ThreadData["messages"][number]) => {
  const r = "metadata" in m ? (m.metadata as Record<string, unknown> | null)?.reaction : undefined;
  return r && typeof r === "object" && typeof (r as { emoji?: unknown }).emoji === "string" ? (r as { emoji: string }).emoji : null;
};

type AutomationLine = { action: string; rule: string | null; key?: string; workgroupName?: string; queued?: boolean };

/** A rule's (or a channel's automated reply's) system line, stored as what happened and drawn in the reader's language. */
const automationOf = (m: ThreadData["messages"][number]) => ("metadata" in m ? ((m.metadata as Record<string, unknown> | null)?.automation as AutomationLine | undefined) : undefined);

function automationLine(ui: Ui, line: AutomationLine): string {
  // Sent to a group's queue with nobody free: the line says which ("Waiting in Returns' queue").
  if (line.action === "assign_workgroup" && line.queued && line.workgroupName) {
    const possessive = ui.locale === "en" ? (/s$/i.test(line.workgroupName) ? `${line.workgroupName}'` : `${line.workgroupName}'s`) : line.workgroupName;
    return ui.t("workflows.line.queued", { group: possessive, rule: line.rule ?? "" });
  }
  const key = `workflows.line.${line.action}` as "workflows.line.close";
  return ui.t(key, { rule: line.rule ?? "", key: line.key ?? "" });
}

/** An automatic change told in the thread: "Assigned to Okan Demir by routing (Sales, round-robin)". */
function SystemLineItem({ ui, m }: { ui: Ui; m: ThreadData["messages"][number] }) {
  const line = ("metadata" in m ? m.metadata : {}) as Partial<SystemLine>;
  const how = `${line.workgroupName ?? ""}, ${ui.t(`routing.method.${line.method ?? "round_robin"}`)}`;
  const text = line.ruleName
    ? ui.t("routing.assignedByRule", { name: line.assigneeName ?? "", rule: line.ruleName, how })
    : ui.t(line.rerouted ? "routing.reroutedTo" : "routing.assignedTo", { name: line.assigneeName ?? "", how });
  return (
    <li class="message event system-line" id={`m-${m.id}`} data-id={String(m.id)}>
      <span>{text}</span> <time datetime={m.createdAt.toISOString()}>{fullTime(m.createdAt, ui.locale, ui.actor!.timezone)}</time>
    </li>
  );
}

/** "Closed without sending the closing message": the reply window had passed. */
function ClosingLineItem({ ui, m }: { ui: Ui; m: ThreadData["messages"][number] }) {
  const line = ("metadata" in m ? m.metadata : {}) as Partial<ClosingLine>;
  return (
    <li class="message event system-line closing-line" id={`m-${m.id}`} data-id={String(m.id)}>
      <span>{line.template ? ui.t("closing.line.noTemplate", { template: line.template }) : ui.t("closing.line.notSent")}</span>{" "}
      <time datetime={m.createdAt.toISOString()}>{fullTime(m.createdAt, ui.locale, ui.actor!.timezone)}</time>
    </li>
  );
}

export function MessageItem({ ui, m, conversationId }: { ui: Ui; m: ThreadData["messages"][number]; conversationId?: number }) {
  // Routing's and closing's lines draw on their own; a rule's, an automated reply's or a payment's stay in a bubble.
  const system = m.direction === "event" && "metadata" in m ? (m.metadata as Record<string, unknown> | null)?.system : undefined;
  if (system === "routed") return <SystemLineItem ui={ui} m={m} />;
  if (system === "closing_not_sent") return <ClosingLineItem ui={ui} m={m} />;
  if (system === "contact_merged") return <MergeLineItem ui={ui} id={m.id} line={("metadata" in m ? m.metadata : {}) as Partial<MergeLine>} createdAt={m.createdAt} />;
  if (isSnoozeLine(m)) return <SnoozeLineItem ui={ui} m={m} />;
  if (m.direction === "event" && isIdentityNotice(metaOf(m))) return <IdentityNoticeItem ui={ui} id={m.id} meta={metaOf(m)} createdAt={m.createdAt} />;
  const bot = m.direction === "event" && "metadata" in m ? botLineOf(m.metadata) : null;
  if (bot) return <BotLineItem ui={ui} id={m.id} line={bot} createdAt={m.createdAt} />;
  const tz = ui.actor!.timezone;
  const retry = `/inbox/${conversationId}/messages/${m.id}/retry`;
  // The provider may have it: say so, and make sending it again a decision, not a reflex.
  const unconfirmed = m.delivery === "failed" && "errorCode" in m && m.errorCode === "unconfirmed";
  return (
    <li class={`message ${m.direction}`} id={`m-${m.id}`} data-id={String(m.id)}>
      <div class="bubble">
        {m.direction === "note" ? <strong class="note-label">{ui.t("inbox.note")}: </strong> : null}
        {"replyToBody" in m && m.replyToBody && m.kind !== "reaction" ? <blockquote class="reply-to">{m.replyToBody}</blockquote> : null}
        {isDeleted(m) ? null : <CardAbove ui={ui} m={m} conversationId={conversationId} />}
        {m.attachments?.length && !isDeleted(m) ? <Attachments ui={ui} items={m.attachments} kind={m.kind ?? "file"} /> : null}
        {metaOf(m).media ? <MediaState ui={ui} m={m} conversationId={conversationId} /> : metaOf(m).mediaError ? <span class="body muted">{ui.t("message.mediaMissing")}</span> : null}
        {isDeleted(m) ? (
          <DeletedBody ui={ui} m={m} />
        ) : m.kind === "reaction" ? (
          <span class="body reaction">
            {m.body ? ui.t("message.reacted", { emoji: m.body }) : ui.t("message.reactionRemoved")}
            {"replyToBody" in m && m.replyToBody ? <q>{m.replyToBody}</q> : null}
          </span>
        ) : m.kind === "location" ? (
          <LocationBody ui={ui} body={m.body} meta={("metadata" in m ? m.metadata : {}) as Record<string, unknown>} />
        ) : m.kind === "unsupported" ? (
          <span class="body muted">
            {ui.t("message.unsupported", { type: String((("metadata" in m ? m.metadata : {}) as Record<string, unknown>).providerType ?? "?") })}
            {unsupportedWhere(m) ? ` ${ui.t(unsupportedWhere(m)!)}` : ""}
            {m.body ? ` ${m.body}` : ""}
          </span>
        ) : hasWholeCard(m) ? (
          <WholeCard ui={ui} m={m} conversationId={conversationId} />
        ) : m.direction === "event" && automationOf(m) ? (
          <span class="body system">{automationLine(ui, automationOf(m)!)}</span>
        ) : m.direction === "event" && isCommentMessage(m) ? (
          <PrivateReplyLine ui={ui} m={m} />
        ) : m.body ? (
          <span class="body">{paidLine(ui, "metadata" in m ? m.metadata : undefined) ?? m.body}</span>
        ) : null}
        {isDeleted(m) ? null : <LinkShare ui={ui} m={m} />}
        {isCommentMessage(m) ? <CommentMarks ui={ui} m={m} /> : null}
        {reactionOf(m) ? (
          <span class="reaction-badge" title={ui.t("message.customerReacted", { emoji: reactionOf(m)! })}>
            {reactionOf(m)}
          </span>
        ) : null}
      </div>
      {isCommentMessage(m) ? <CommentActions ui={ui} m={m} conversationId={conversationId} /> : null}
      <small class="muted">
        {m.authorName
          ? `${m.authorName} · `
          : "metadata" in m && isBotMessage({ ...m, metadata: m.metadata })
            ? `${ui.t("bot.author")} · `
            : "metadata" in m && (m.metadata as Record<string, unknown> | null)?.sentElsewhere
              ? `${ui.t("message.sentElsewhere")} · `
              : ""}
        <time datetime={m.createdAt.toISOString()}>{fullTime(m.createdAt, ui.locale, tz)}</time>
        <EditedMark ui={ui} m={m} />
        <StandbyMark ui={ui} m={m} />
        {m.direction === "out" && m.delivery ? <span class={`delivery ${m.delivery}`}> · {ui.t(`inbox.delivery.${m.delivery as "sent"}`)}</span> : null}
        {unconfirmed ? (
          <span class="delivery failed"> · {ui.t("inbox.unconfirmed")}</span>
        ) : m.errorText ? (
          <span class="delivery failed">
            {" "}
            · {"errorCode" in m && m.errorCode ? `(${m.errorCode}) ` : ""}
            {m.errorText}
          </span>
        ) : null}
      </small>
      {m.direction === "out" && m.delivery === "failed" && conversationId ? (
        <form method="post" action={retry} hx-post={retry} hx-target={`#m-${m.id}`} hx-swap="outerHTML" class="retry" data-confirm={unconfirmed ? ui.t("inbox.retryUnconfirmedAsk") : undefined}>
          <button type="submit" class="link">
            {ui.t(unconfirmed ? "inbox.retryUnconfirmed" : "inbox.retry")}
          </button>
        </form>
      ) : null}
    </li>
  );
}
