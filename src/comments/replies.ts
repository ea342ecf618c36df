// A private reply from a comment thread: one direct message to the commenter (Meta's private
// replies, by comment id), written into the contact's chat conversation on the same Page/account
// (continued, or opened for the agent), sent through the outbox; the comment thread keeps a line
// linking that chat, and the comment remembers it was answered (one private reply per comment).
import { and, eq, ne, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { channels, conversations, messages } from "@db/schema";
import type { Actor } from "../context";
import { capabilitiesOf } from "../channels/capabilities";
import { recordEvent } from "../realtime/events";
import { ConversationRuleBroken, isParticipant, lockConversation, preview, type Change } from "../inbox/changes";
import { openConversationFor } from "../inbox/opening";
import { queueOutbound } from "../inbox/replies";
import { commentTarget } from "./targets";

export async function replyPrivately(db: DbOrTx, actor: Actor, conversationId: number, input: { body: string; messageId?: number }, now: Date): Promise<Change & { chatId: number }> {
  const text = input.body.trim();
  if (!text) throw new ConversationRuleBroken("empty");
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.type !== "comment") throw new ConversationRuleBroken("bad_target");
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    if (conv.assigneeId !== actor.userId && !(await isParticipant(tx, conv.id, actor.userId))) throw new ConversationRuleBroken("not_joined");
    const [channel] = await tx.select({ kind: channels.kind, config: channels.config }).from(channels).where(eq(channels.id, conv.channelId));
    const caps = capabilitiesOf(channel.kind, channel.config);
    if (text.length > caps.textMaxLength) throw new ConversationRuleBroken("too_long");
    const target = await commentTarget(tx, conv.id, input.messageId);
    if (target.metadata.privateReplyConversationId) throw new ConversationRuleBroken("already_replied");
    if (caps.privateReplyWindowMs === null || now.getTime() - target.createdAt.getTime() > caps.privateReplyWindowMs) throw new ConversationRuleBroken("reply_too_late");

    const eventIds: number[] = [];
    const chat = await chatFor(tx, actor, conv, now, eventIds);
    const messageId = await queueOutbound(tx, actor, chat, { body: text, metadata: { commentReply: "private", replyToCommentId: target.commentId, commentConversationId: conv.id } }, now);
    await tx.update(conversations).set({ lastMessageAt: now, lastMessagePreview: preview(text), waitingSince: null }).where(eq(conversations.id, chat.id));
    eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: chat.id, actorId: actor.userId, data: { messageId, direction: "out" }, createdAt: now }));

    // The comment thread: the comment is answered, and a line links the chat.
    await tx.update(messages).set({ metadata: sql`${messages.metadata} || ${JSON.stringify({ privateReplyConversationId: chat.id })}::jsonb` }).where(eq(messages.id, target.id));
    const [line] = await tx
      .insert(messages)
      .values({ orgId: actor.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "event", authorId: actor.userId, body: preview(text), replyToId: target.id, metadata: { commentLine: "private_reply", chatConversationId: chat.id, privateMessageId: messageId }, createdAt: now })
      .returning({ id: messages.id });
    const firstResponse = conv.assigneeId === actor.userId && !conv.firstResponseAt;
    await tx.update(conversations).set({ lastMessageAt: now, waitingSince: null, ...(firstResponse ? { firstResponseAt: now } : {}) }).where(eq(conversations.id, conv.id));
    eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId: line.id, direction: "event" }, createdAt: now }));
    if (firstResponse) {
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "first_response", conversationId: conv.id, actorId: actor.userId, subjectUserId: actor.userId, data: { ms: now.getTime() - (conv.assignedAt ?? conv.createdAt).getTime() }, createdAt: now }));
    }
    return { conversationId: conv.id, eventIds, chatId: chat.id };
  });
}

/**
 * The contact's chat on the comment's Page/account: the open one, or a new one the agent starts
 * (theirs, like any conversation an agent starts). A chat open on another channel stays the one
 * open conversation of the contact: the agent closes it first.
 */
async function chatFor(tx: Tx, actor: Actor, conv: { contactId: number; channelId: number }, now: Date, eventIds: number[]) {
  const [open] = await tx
    .select({ id: conversations.id, channelId: conversations.channelId })
    .from(conversations)
    .where(and(eq(conversations.contactId, conv.contactId), eq(conversations.status, "open"), ne(conversations.type, "comment")));
  if (open && open.channelId !== conv.channelId) throw new ConversationRuleBroken("open_elsewhere", open.id);
  if (open) return { id: open.id, channelId: open.channelId, contactId: conv.contactId };
  const opened = await openConversationFor(tx, { orgId: actor.orgId, contactId: conv.contactId, channelId: conv.channelId, startedBy: "agent", assigneeId: actor.userId, at: now });
  if (opened.created) {
    eventIds.push(
      await recordEvent(tx, { orgId: actor.orgId, type: "conversation_created", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { startedBy: "agent", fromComment: true }, createdAt: now }),
      await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { manual: false }, createdAt: now }),
    );
  }
  return { id: opened.id, channelId: conv.channelId, contactId: conv.contactId };
}
