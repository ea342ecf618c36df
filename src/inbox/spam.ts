// Spam: a conversation marked as spam closes without a closing message and its contact is blocked.
// A blocked contact's later messages are still stored, in a spam conversation (customer-messages.ts)
// that nothing notifies, routes, runs workflows on or counts; "Not spam" and unblocking undo both.
import { and, desc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { contacts, conversations } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { ConversationRuleBroken, lockConversation, type Change } from "./changes";

/** A workflow rule acting on its own (no person): the rule's id is kept on the events it writes. */
export interface AutomationActor {
  orgId: number;
  ruleId: number;
}

/** Who marks or unmarks spam: an agent, or an automation rule. */
export type SpamActor = Actor | AutomationActor;

const byPerson = (by: SpamActor): string | null => ("userId" in by ? by.userId : null);
const byRule = (by: SpamActor): { ruleId?: number } => ("ruleId" in by ? { ruleId: by.ruleId } : {});

/** Routing and workflows leave spam conversations alone: a conversation of type spam is never routed. */
export function neverRouted(conversation: { type: string }): boolean {
  return conversation.type === "spam";
}

/** neverRouted as a condition on `conversations`, for queries that pick conversations to route. */
export const routable: SQL = sql`${conversations.type} <> 'spam'`;

/**
 * The conversation, locked: a person's must be one they may see (the visibility rule), a rule's one
 * of its organization; not_found otherwise, so nothing is changed or told.
 */
async function lockFor(tx: Tx, by: SpamActor, conversationId: number) {
  if ("userId" in by) return lockConversation(tx, by, conversationId);
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.orgId, by.orgId), eq(conversations.id, conversationId)))
    .for("update");
  if (!row) throw new ConversationRuleBroken("not_found");
  return row;
}

/**
 * Marks a conversation as spam: it closes without a closing message (nothing is sent) and becomes
 * type spam, and its contact is blocked. Not a resolution: no "closed" event, so the cockpit does
 * not count it as resolved.
 */
export async function markAsSpam(db: DbOrTx, by: SpamActor, conversationId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockFor(tx, by, conversationId);
    if (conv.type === "spam") throw new ConversationRuleBroken("spam");
    const wasOpen = conv.status === "open";
    await tx
      .update(conversations)
      .set({
        type: "spam",
        status: "closed",
        waitingSince: null,
        ...(wasOpen ? { closedAt: now, closedBy: byPerson(by) } : {}),
      })
      .where(eq(conversations.id, conv.id));
    await tx.update(contacts).set({ blockedAt: now, blockedBy: byPerson(by), updatedAt: now }).where(eq(contacts.id, conv.contactId));
    const eventId = await recordEvent(tx, {
      orgId: by.orgId,
      type: "marked_spam",
      conversationId: conv.id,
      actorId: byPerson(by),
      subjectUserId: conv.assigneeId,
      data: { contactId: conv.contactId, wasOpen, previousType: conv.type, ...byRule(by) },
      createdAt: now,
    });
    return { conversationId: conv.id, eventIds: [eventId] };
  });
}

/** "Not spam": the contact is unblocked and its spam conversations (this one among them) are chats again. */
export async function unmarkSpam(db: DbOrTx, by: SpamActor, conversationId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockFor(tx, by, conversationId);
    if (conv.type !== "spam") throw new ConversationRuleBroken("not_spam");
    const eventIds = await unblock(tx, by, conv.contactId, now);
    return { conversationId: conv.id, eventIds };
  });
}

/** Admin → Blocked contacts: unblocks a contact, as "Not spam" on its conversation would. */
export async function unblockContact(db: DbOrTx, by: SpamActor, contactId: number, now: Date): Promise<{ name: string; eventIds: number[] }> {
  return db.transaction(async (tx) => {
    const [contact] = await tx
      .select({ id: contacts.id, name: contacts.name })
      .from(contacts)
      .where(and(eq(contacts.orgId, by.orgId), eq(contacts.id, contactId), isNotNull(contacts.blockedAt)))
      .for("update");
    if (!contact) throw new ConversationRuleBroken("not_found");
    return { name: contact.name, eventIds: await unblock(tx, by, contact.id, now) };
  });
}

async function unblock(tx: Tx, by: SpamActor, contactId: number, now: Date): Promise<number[]> {
  await tx.update(contacts).set({ blockedAt: null, blockedBy: null, updatedAt: now }).where(eq(contacts.id, contactId));
  const restored = await tx
    .update(conversations)
    // A comment thread marked as spam is a comment thread again.
    .set({ type: sql`case when ${conversations.postId} is null then 'chat' else 'comment' end` })
    .where(and(eq(conversations.contactId, contactId), eq(conversations.type, "spam")))
    .returning({ id: conversations.id, assigneeId: conversations.assigneeId });
  const eventIds: number[] = [];
  for (const c of restored) {
    eventIds.push(
      await recordEvent(tx, { orgId: by.orgId, type: "unmarked_spam", conversationId: c.id, actorId: byPerson(by), subjectUserId: c.assigneeId, data: { contactId, ...byRule(by) }, createdAt: now }),
    );
  }
  return eventIds;
}

/** The organization's blocked contacts, most recently blocked first. */
export async function blockedContacts(db: DbOrTx, orgId: number) {
  return db
    .select({ id: contacts.id, name: contacts.name, phone: contacts.phone, email: contacts.email, blockedAt: contacts.blockedAt })
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), isNotNull(contacts.blockedAt)))
    .orderBy(desc(contacts.blockedAt), desc(contacts.id));
}
