// A comment webhook applied: a new comment becomes a message of its author's comment thread on that
// post (one open thread per commenter and post, opened like a chat: the channel's queue, or the
// contact's owner); an edit, a removal, a hide or an unhide changes the stored comment and says so
// in the thread. The commenter is the contact behind the same channel identity as their direct
// messages. The same comment twice is stored once.
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "@db/client";
import { conversations, messages } from "@db/schema";
import type { Deps } from "../context";
import type { ChannelAccount, InboundComment } from "../channels/types";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { contactFor, ingestInbound } from "../inbox/customer-messages";
import { openConversationFor } from "../inbox/opening";
import { preview } from "../inbox/changes";
import { neutralise } from "../names";
import { postFor } from "./posts";

/** What a stored comment's message carries (metadata), beside its text. */
export interface CommentMeta {
  commentId: string;
  postId: string;
  parentCommentId?: string | null;
  photoUrl?: string | null;
  edited?: boolean;
  /** Removed by its author (or by the Page outside Kanal). */
  removed?: boolean;
  hidden?: boolean;
  /** Deleted from Kanal. */
  deleted?: boolean;
  /** The conversation the private reply to it went into. */
  privateReplyConversationId?: number;
}

export async function storeComment(deps: Deps, account: ChannelAccount, event: InboundComment): Promise<void> {
  const { db } = deps.database;
  const [known] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, event.commentId)));
  if (known) {
    if (event.verb !== "add") await updateComment(deps, account, known.id, event);
    return;
  }
  // Removed, hidden or unhidden before Kanal stored it: nothing to show.
  if (event.verb !== "add" && event.verb !== "edited") return;
  const postId = await postFor(deps, account, event.post);
  await commit(deps.database, account.orgId, (db) => db.transaction((tx) => addComment(tx, account, event, postId)));
}

async function addComment(tx: Tx, account: ChannelAccount, event: InboundComment, postId: number) {
  const metadata: CommentMeta = { commentId: event.commentId, postId: event.post.id, parentCommentId: event.parentId, photoUrl: safePhoto(event.photoUrl), ...(event.verb === "edited" ? { edited: true } : {}) };
  const who = { orgId: account.orgId, channelId: account.id, externalId: event.externalId, contactName: neutralise(event.contactName), phone: null, at: event.at };
  const contact = await contactFor(tx, who);
  // A blocked contact's comments are kept, in its spam conversation, like its messages.
  if (contact.blocked) return ingestInbound(tx, { ...who, body: event.body, providerMessageId: event.commentId, metadata: { ...metadata } });
  const opened = await openConversationFor(tx, { orgId: account.orgId, contactId: contact.id, channelId: account.id, startedBy: "contact", type: "comment", postId, assigneeId: contact.ownerId, at: event.at, toChannelQueue: true });
  const [parent] = event.parentId
    ? await tx.select({ id: messages.id }).from(messages).where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, event.parentId)))
    : [];
  const [message] = await tx
    .insert(messages)
    .values({ orgId: account.orgId, conversationId: opened.id, channelId: account.id, direction: "in", body: event.body, providerMessageId: event.commentId, replyToId: parent?.id ?? null, metadata: { ...metadata }, createdAt: event.at })
    .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
    .returning({ id: messages.id });
  // Stored meanwhile by another delivery of the same comment: that one said so.
  if (!message) return { conversationId: opened.id, eventIds: [] };
  await tx
    .update(conversations)
    .set({
      lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${event.at.toISOString()}::timestamptz)`,
      lastInboundAt: sql`greatest(${conversations.lastInboundAt}, ${event.at.toISOString()}::timestamptz)`,
      lastMessagePreview: preview(event.body),
      waitingSince: sql`coalesce(${conversations.waitingSince}, ${event.at.toISOString()}::timestamptz)`,
    })
    .where(eq(conversations.id, opened.id));
  const eventIds: number[] = [];
  if (opened.created) {
    eventIds.push(await recordEvent(tx, { orgId: account.orgId, type: "conversation_created", conversationId: opened.id, subjectUserId: opened.assigneeId, data: { startedBy: "contact", type: "comment", ...(opened.workgroupId ? { workgroupId: opened.workgroupId } : {}) }, createdAt: event.at }));
  }
  eventIds.push(await recordEvent(tx, { orgId: account.orgId, type: "message_created", conversationId: opened.id, data: { messageId: message.id, direction: "in" }, createdAt: event.at }));
  return { conversationId: opened.id, eventIds };
}

/** A picture attached to a comment is linked, never loaded into the page: only https links are kept. */
function safePhoto(url: string | null): string | null {
  return url && /^https:\/\//i.test(url) ? url.slice(0, 2000) : null;
}

const VERB_CHANGE: Record<Exclude<InboundComment["verb"], "add">, Partial<CommentMeta>> = {
  edited: { edited: true },
  remove: { removed: true },
  hide: { hidden: true },
  unhide: { hidden: false },
};

async function updateComment(deps: Deps, account: ChannelAccount, messageId: number, event: InboundComment) {
  const change = VERB_CHANGE[event.verb as keyof typeof VERB_CHANGE];
  await commit(deps.database, account.orgId, (db) =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .update(messages)
        .set({ metadata: sql`${messages.metadata} || ${JSON.stringify(change)}::jsonb`, ...(event.verb === "edited" ? { body: event.body } : {}) })
        .where(and(eq(messages.id, messageId), eq(messages.orgId, account.orgId)))
        .returning({ conversationId: messages.conversationId });
      if (!row) return null;
      if (event.verb === "edited") {
        await tx.update(conversations).set({ lastMessagePreview: preview(event.body) }).where(and(eq(conversations.id, row.conversationId), sql`not exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.id > ${messageId})`));
      }
      return recordEvent(tx, { orgId: account.orgId, type: "message_updated", conversationId: row.conversationId, data: { messageId, comment: event.verb }, createdAt: deps.clock.now() });
    }),
  );
}

/** Moderation done from Kanal, once the provider confirmed it: the comment's new state and its event. */
export async function recordModeration(tx: Tx, input: { orgId: number; conversationId: number; messageId: number; actorId: string; action: "hide" | "unhide" | "delete"; now: Date }) {
  const change: Partial<CommentMeta> = input.action === "delete" ? { deleted: true } : { hidden: input.action === "hide" };
  await tx.update(messages).set({ metadata: sql`${messages.metadata} || ${JSON.stringify(change)}::jsonb` }).where(and(eq(messages.id, input.messageId), eq(messages.orgId, input.orgId)));
  return recordEvent(tx, { orgId: input.orgId, type: "message_updated", conversationId: input.conversationId, actorId: input.actorId, data: { messageId: input.messageId, comment: input.action }, createdAt: input.now });
}

