// How a conversation opens: an agent starts one, an automation does, or an agent brings a closed one
// back (reactivation). A customer's first message opens one too (customer-messages.ts).
import { and, eq, ne, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { channels, contacts, conversations, type ConversationType } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { canReactivate } from "../channels/capabilities";
import { ConversationRuleBroken, lockConversation, type Change } from "./changes";
import { contactVisibility } from "./visibility";

/**
 * Finds the contact's open conversation or opens one (comment threads, one per post, stand apart:
 * src/comments/threads.ts). The partial unique index decides races:
 * two concurrent first messages from one contact create exactly one open conversation.
 */
export async function openConversationFor(
  tx: Tx,
  input: {
    orgId: number;
    contactId: number;
    channelId: number;
    startedBy: "contact" | "agent" | "automation";
    type?: ConversationType;
    assigneeId: string | null;
    at: Date;
    reactivatedFromId?: number;
    /** Into the channel's workgroup queue, if it has one (routing assigns it then), instead of `assigneeId`. */
    toChannelQueue?: boolean;
    /** A comment thread's post (type `comment`): one open thread per contact and post. */
    postId?: number;
  },
): Promise<{ id: number; created: boolean; assigneeId: string | null; workgroupId: number | null }> {
  const channelGroup = sql`(select c.workgroup_id from channels c where c.id = ${input.channelId})`;
  const queued = input.toChannelQueue === true;
  const comment = input.type === "comment";
  // Callers come here when none is open, as a rule: insert first (one round trip); the partial
  // unique index refuses a second open one, and then the one already open is used.
  const inserted = await tx
    .insert(conversations)
    .values({
      orgId: input.orgId,
      contactId: input.contactId,
      channelId: input.channelId,
      startedBy: input.startedBy,
      type: input.type ?? "chat",
      assigneeId: queued ? sql`case when ${channelGroup} is null then ${input.assigneeId}::text end` : input.assigneeId,
      assignedAt: !input.assigneeId ? null : queued ? sql`case when ${channelGroup} is null then ${input.at.toISOString()}::timestamptz end` : input.at,
      workgroupId: queued ? channelGroup : undefined,
      createdAt: input.at,
      lastMessageAt: input.at,
      reactivatedFromId: input.reactivatedFromId,
      postId: input.postId,
    })
    .onConflictDoNothing(
      comment
        ? { target: [conversations.contactId, conversations.postId], where: sql`status = 'open' and type = 'comment'` }
        : { target: conversations.contactId, where: sql`status = 'open' and type <> 'comment'` },
    )
    .returning({ id: conversations.id, assigneeId: conversations.assigneeId, workgroupId: conversations.workgroupId });
  if (inserted[0]) return { ...inserted[0], created: true };
  // One was open already, or another transaction opened it meanwhile: the index let only one in.
  const [existing] = await tx
    .select({ id: conversations.id, assigneeId: conversations.assigneeId, workgroupId: conversations.workgroupId })
    .from(conversations)
    .where(
      and(
        eq(conversations.contactId, input.contactId),
        eq(conversations.status, "open"),
        comment ? and(eq(conversations.type, "comment"), eq(conversations.postId, input.postId!)) : ne(conversations.type, "comment"),
      ),
    );
  return { ...existing, created: false };
}

/** An agent starts a conversation with a contact on a channel; it is theirs from the start. */
export async function startConversation(db: DbOrTx, actor: Actor, input: { contactId: number; channelId: number }, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const [contact] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, input.contactId), await contactVisibility(tx, actor)));
    const [channel] = await tx.select({ id: channels.id }).from(channels).where(and(eq(channels.orgId, actor.orgId), eq(channels.id, input.channelId), eq(channels.active, true)));
    if (!contact || !channel) throw new ConversationRuleBroken("not_found");
    const opened = await openConversationFor(tx, { orgId: actor.orgId, contactId: contact.id, channelId: channel.id, startedBy: "agent", assigneeId: actor.userId, at: now });
    if (!opened.created) throw new ConversationRuleBroken("already_open", opened.id);
    // The provider's reply window runs from the customer's last message on the channel, whichever
    // conversation it came in: a customer who wrote an hour ago may be answered in free text.
    await tx
      .update(conversations)
      .set({ lastInboundAt: sql`(select max(c.last_inbound_at) from conversations c where c.contact_id = ${contact.id} and c.channel_id = ${channel.id})` })
      .where(eq(conversations.id, opened.id));
    await tx.update(contacts).set({ ownerId: actor.userId }).where(eq(contacts.id, contact.id));
    const eventIds = [
      await recordEvent(tx, { orgId: actor.orgId, type: "conversation_created", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { startedBy: "agent" }, createdAt: now }),
      await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { manual: false }, createdAt: now }),
    ];
    return { conversationId: opened.id, eventIds };
  });
}

/**
 * For automations (later features call this): open a conversation of a given type unless the
 * contact already has one open, in which case that one is returned.
 */
export async function startByAutomation(db: DbOrTx, orgId: number, input: { contactId: number; channelId: number; type: ConversationType }, now: Date): Promise<Change & { created: boolean }> {
  return db.transaction(async (tx) => {
    const [contact] = await tx.select({ id: contacts.id, ownerId: contacts.ownerId }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, input.contactId)));
    if (!contact) throw new ConversationRuleBroken("not_found");
    const opened = await openConversationFor(tx, { orgId, contactId: contact.id, channelId: input.channelId, startedBy: "automation", type: input.type, assigneeId: contact.ownerId, at: now });
    const eventIds = opened.created
      ? [await recordEvent(tx, { orgId, type: "conversation_created", conversationId: opened.id, subjectUserId: contact.ownerId, data: { startedBy: "automation", type: input.type }, createdAt: now })]
      : [];
    return { conversationId: opened.id, eventIds, created: opened.created };
  });
}

/**
 * Brings a closed conversation back from the archive as a new open one linked to it, assigned to
 * the agent, while the channel still allows it (WhatsApp 24 h, Messenger and Instagram 7 days
 * after the customer's last message). Counted as a reactivation for the agent today.
 */
export async function reactivateConversation(db: DbOrTx, actor: Actor, archivedId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const archived = await lockConversation(tx, actor, archivedId);
    if (archived.status !== "closed") throw new ConversationRuleBroken("already_open", archived.id);
    const [channel] = await tx.select({ kind: channels.kind }).from(channels).where(eq(channels.id, archived.channelId));
    if (!canReactivate(channel.kind, archived.lastInboundAt, now)) throw new ConversationRuleBroken("window_passed");
    const opened = await openConversationFor(tx, {
      orgId: actor.orgId,
      contactId: archived.contactId,
      channelId: archived.channelId,
      startedBy: "agent",
      assigneeId: actor.userId,
      at: now,
      reactivatedFromId: archived.id,
    });
    if (!opened.created) throw new ConversationRuleBroken("already_open", opened.id);
    await tx
      .update(conversations)
      .set({ lastInboundAt: archived.lastInboundAt, lastMessagePreview: archived.lastMessagePreview, workgroupId: archived.workgroupId })
      .where(eq(conversations.id, opened.id));
    await tx.update(contacts).set({ ownerId: actor.userId }).where(eq(contacts.id, archived.contactId));
    const eventIds = [
      await recordEvent(tx, { orgId: actor.orgId, type: "conversation_created", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { startedBy: "agent", reactivatedFrom: archived.id }, createdAt: now }),
      await recordEvent(tx, { orgId: actor.orgId, type: "reactivated", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { from: archived.id }, createdAt: now }),
    ];
    return { conversationId: opened.id, eventIds };
  });
}
