// What agents write into a conversation: replies (text, files, WhatsApp templates), internal notes,
// and a failed send tried again. Outbound messages go out through the outbox.
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { attachments, channels, conversations, messages, outbox, type MessageKind } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { capabilitiesOf } from "../channels/capabilities";
import { mayGoOut } from "../channels/windows";
import { conversationScope } from "./visibility";
import { ConversationRuleBroken, isParticipant, lockConversation, preview, type Change } from "./changes";
import { asPublicReply } from "../comments/targets";
import { recordMentions } from "./mentions";
import { filledReply } from "./reply-variables";

/** What an agent sends: text, or files already uploaded (attachments not yet on a message) with a caption. */
export interface Outgoing {
  body: string;
  kind?: MessageKind;
  /** Uploaded attachments (rows without a message yet) that go out with this message. */
  attachmentIds?: number[];
  metadata?: Record<string, unknown>;
  /** The message this one answers (a comment thread's public reply names its comment). */
  replyToId?: number;
}

/** Queues an outbound message: visible at once as pending, sent by the outbox worker. */
export async function queueOutbound(tx: Tx, actor: Actor, conv: { id: number; channelId: number; contactId: number }, out: Outgoing, now: Date) {
  const [message] = await tx
    .insert(messages)
    .values({
      orgId: actor.orgId,
      conversationId: conv.id,
      channelId: conv.channelId,
      direction: "out",
      authorId: actor.userId,
      kind: out.kind ?? "text",
      body: out.body,
      metadata: out.metadata ?? {},
      replyToId: out.replyToId,
      delivery: "pending",
      createdAt: now,
    })
    .returning({ id: messages.id });
  if (out.attachmentIds?.length) {
    const linked = await tx
      .update(attachments)
      .set({ messageId: message.id, contactId: conv.contactId })
      .where(and(eq(attachments.orgId, actor.orgId), eq(attachments.uploadedBy, actor.userId), inArray(attachments.id, out.attachmentIds), isNull(attachments.messageId)))
      .returning({ id: attachments.id });
    if (linked.length !== out.attachmentIds.length) throw new ConversationRuleBroken("bad_target");
  }
  await tx.insert(outbox).values({ orgId: actor.orgId, messageId: message.id, nextAttemptAt: now, createdAt: now });
  return message.id;
}

/** An agent's reply. Only agents who joined may write; the assignee's first reply is the first response. */
export async function reply(db: DbOrTx, actor: Actor, conversationId: number, content: string | Outgoing, now: Date): Promise<Change & { messageId: number }> {
  const out: Outgoing = typeof content === "string" ? { body: content } : content;
  const typed = out.body.trim();
  if (!typed && !out.attachmentIds?.length) throw new ConversationRuleBroken("empty");
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    if (conv.assigneeId !== actor.userId && !(await isParticipant(tx, conv.id, actor.userId))) throw new ConversationRuleBroken("not_joined");
    // Templates fill their own {{n}} parameters; a reply's {{contact.name}} and the like are filled here.
    const text = out.kind === "template" ? typed : await filledReply(tx, actor, conv.id, typed);
    const [channel] = await tx.select({ kind: channels.kind, config: channels.config }).from(channels).where(eq(channels.id, conv.channelId));
    const caps = capabilitiesOf(channel.kind, channel.config);
    if (text.length > caps.textMaxLength) throw new ConversationRuleBroken("too_long");
    // A comment thread's reply answers a comment publicly (src/comments/targets.ts); it has no reply window.
    const sent = conv.type === "comment" ? await asPublicReply(tx, conv.id, out) : out;
    // Outside the reply window only a template may go out (WhatsApp); Messenger/Instagram tag replies until 7 days.
    if (conv.type !== "comment" && !mayGoOut(channel.kind, conv.lastInboundAt, out.kind ?? "text", now)) throw new ConversationRuleBroken("outside_window");
    const messageId = await queueOutbound(tx, actor, conv, { ...sent, body: text }, now);
    const firstResponse = conv.assigneeId === actor.userId && !conv.firstResponseAt;
    await tx
      .update(conversations)
      .set({ lastMessageAt: now, lastMessagePreview: preview(text || `[${out.kind ?? "file"}]`), waitingSince: null, ...(firstResponse ? { firstResponseAt: now } : {}) })
      .where(eq(conversations.id, conv.id));
    const eventIds = [await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId, direction: "out" }, createdAt: now })];
    if (firstResponse) {
      eventIds.push(
        await recordEvent(tx, { orgId: actor.orgId, type: "first_response", conversationId: conv.id, actorId: actor.userId, subjectUserId: actor.userId, data: { ms: now.getTime() - (conv.assignedAt ?? conv.createdAt).getTime() }, createdAt: now }),
      );
    }
    return { conversationId: conv.id, eventIds, messageId };
  });
}

/**
 * A WhatsApp template (the only thing that may go out after the 24-hour window): one of the
 * channel's approved templates, with its {{n}} parameters filled in, sent through the outbox.
 */
export async function sendTemplate(db: DbOrTx, actor: Actor, conversationId: number, input: { name: string; language: string; parameters: string[] }, now: Date) {
  const [row] = await db
    .select({ config: channels.config })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
  if (!row) throw new ConversationRuleBroken("not_found");
  const template = channelTemplates(row.config).find((t) => t.name === input.name && t.language === input.language);
  if (!template || input.parameters.length !== template.params) throw new ConversationRuleBroken("no_template");
  const body = template.body.replace(/\{\{(\d+)\}\}/g, (_, n) => input.parameters[Number(n) - 1] ?? "");
  return reply(db, actor, conversationId, { body, kind: "template", metadata: { template: { name: template.name, language: template.language, parameters: input.parameters } } }, now);
}

/** The approved templates a channel has (synchronized from the provider into its config). */
export function channelTemplates(config: Record<string, unknown>): { name: string; language: string; body: string; params: number }[] {
  const list = Array.isArray(config.templates) ? (config.templates as Record<string, unknown>[]) : [];
  return list
    .filter((t) => typeof t.name === "string" && typeof t.language === "string" && typeof t.body === "string")
    .map((t) => ({ name: String(t.name), language: String(t.language), body: String(t.body), params: Number(t.params) || 0 }));
}

/** A private note to colleagues inside the conversation; never sent to the contact. */
export async function addInternalNote(db: DbOrTx, actor: Actor, conversationId: number, body: string, now: Date): Promise<Change> {
  const text = body.trim();
  if (!text) throw new ConversationRuleBroken("empty");
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    const [message] = await tx
      .insert(messages)
      .values({ orgId: actor.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "note", authorId: actor.userId, body: text, createdAt: now })
      .returning({ id: messages.id });
    const eventIds = [await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId: message.id, direction: "note" }, createdAt: now })];
    eventIds.push(...(await recordMentions(tx, actor, { id: message.id, conversationId: conv.id, body: text }, now)));
    return { conversationId: conv.id, eventIds };
  });
}

/** A failed send goes back to the outbox as pending, from the first attempt. */
export async function retryMessage(db: DbOrTx, actor: Actor, conversationId: number, messageId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    await lockConversation(tx, actor, conversationId);
    const [message] = await tx
      .update(messages)
      .set({ delivery: "pending", errorCode: null, errorText: null })
      .where(and(eq(messages.orgId, actor.orgId), eq(messages.conversationId, conversationId), eq(messages.id, messageId), eq(messages.direction, "out"), eq(messages.delivery, "failed")))
      .returning({ id: messages.id });
    if (!message) throw new ConversationRuleBroken("not_failed");
    // A retry is a new send: outside the reply window only a template may go again.
    const [state] = await tx
      .select({ kind: channels.kind, lastInboundAt: conversations.lastInboundAt, messageKind: messages.kind })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(eq(messages.id, messageId));
    if (!mayGoOut(state.kind, state.lastInboundAt, state.messageKind, now)) throw new ConversationRuleBroken("outside_window");
    await tx
      .insert(outbox)
      .values({ orgId: actor.orgId, messageId, nextAttemptAt: now, createdAt: now })
      .onConflictDoUpdate({ target: outbox.messageId, set: { attempts: 0, nextAttemptAt: now, doneAt: null, lastError: null, lockedUntil: null, interruptedAt: null } });
    const eventIds = [await recordEvent(tx, { orgId: actor.orgId, type: "delivery_changed", conversationId, actorId: actor.userId, data: { messageId, delivery: "pending", retry: true }, createdAt: now })];
    return { conversationId, eventIds };
  });
}
