// Contacts agents make, correct and erase: a new contact (its phone in E.164), a corrected name,
// phone or email, and deletion with everything it said and sent (a privacy request).
import { and, eq, inArray, isNotNull, ne, or, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { attachments, contactIdentities, contacts, conversations, messages, webhookDeliveries } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { keysNoRowUses } from "../media/uploads";
import type { Storage } from "../media/storage";
import { assertMaySeeContact, contactVisibility } from "../inbox/visibility";
import { whatsappId } from "./phone";

export interface ContactFields {
  name: string;
  /** E.164, checked by the form. */
  phone: string | null;
  email: string | null;
}

/** Why a contact change was refused: `phone_taken` names the contact that has the number when the actor may see it. */
export class ContactRefused extends Error {
  constructor(
    public reason: "not_found" | "phone_taken" | "same_contact" | "both_open",
    public details: { contactId?: number; conversationIds?: number[] } = {},
  ) {
    super(reason);
  }
}

/**
 * The organization's contact with this number in any writing (digits compared), and whether the
 * actor may see it. One number, one contact: a new contact or an edit may not take a number in use.
 */
export async function contactByPhone(db: DbOrTx, actor: Actor, phone: string, except?: number): Promise<{ id: number; name: string; visible: boolean } | null> {
  const digits = sql`regexp_replace(${contacts.phone}, '\\D', '', 'g')`;
  const [found] = await db
    .select({ id: contacts.id, name: contacts.name, visible: sql<boolean>`coalesce(${(await contactVisibility(db, actor)) ?? sql`true`}, false)` })
    .from(contacts)
    .where(and(eq(contacts.orgId, actor.orgId), eq(digits, whatsappId(phone)), except ? ne(contacts.id, except) : undefined))
    .orderBy(contacts.id)
    .limit(1);
  return found ?? null;
}

async function refuseTakenPhone(tx: Tx, actor: Actor, phone: string | null, except?: number) {
  if (!phone) return;
  const taken = await contactByPhone(tx, actor, phone, except);
  if (taken) throw new ContactRefused("phone_taken", taken.visible ? { contactId: taken.id } : {});
}

/** A new contact, made by an agent; nobody's owner until a conversation makes it someone's. */
export async function createContact(db: DbOrTx, actor: Actor, fields: ContactFields, now: Date): Promise<{ contactId: number; eventIds: number[] }> {
  return db.transaction(async (tx) => {
    await refuseTakenPhone(tx, actor, fields.phone);
    const [made] = await tx
      .insert(contacts)
      .values({ orgId: actor.orgId, name: fields.name, phone: fields.phone, email: fields.email, createdAt: now, updatedAt: now })
      .returning({ id: contacts.id });
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "contact_created", actorId: actor.userId, data: { contactId: made.id }, createdAt: now });
    return { contactId: made.id, eventIds: [eventId] };
  });
}

/** Corrects a contact's name, phone and email (CRM fields are the profile widget's, src/contacts/profile.ts). */
export async function updateContact(db: DbOrTx, actor: Actor, contactId: number, fields: ContactFields, now: Date): Promise<{ eventIds: number[] }> {
  return db.transaction(async (tx) => {
    await assertMaySeeContact(tx, actor, contactId);
    await refuseTakenPhone(tx, actor, fields.phone, contactId);
    await tx.update(contacts).set({ name: fields.name, phone: fields.phone, email: fields.email, updatedAt: now }).where(eq(contacts.id, contactId));
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "contact_updated", actorId: actor.userId, data: { contactId, by: "agent", fields: ["name", "phone", "email"] }, createdAt: now });
    return { eventIds: [eventId] };
  });
}

/** What deleting a contact erases, shown on the confirmation page before anything goes. */
export async function deletionSummary(db: DbOrTx, actor: Actor, contactId: number) {
  await assertMaySeeContact(db, actor, contactId);
  const [counts] = await db
    .select({
      conversations: sql<number>`(select count(*)::int from ${conversations} where ${conversations.contactId} = ${contactId})`,
      messages: sql<number>`(select count(*)::int from ${messages} m join ${conversations} c on c.id = m.conversation_id where c.contact_id = ${contactId} and m.direction in ('in', 'out'))`,
      files: sql<number>`(select count(*)::int from ${attachments} a where a.contact_id = ${contactId} or a.message_id in (select m.id from ${messages} m join ${conversations} c on c.id = m.conversation_id where c.contact_id = ${contactId}))`,
    })
    .from(contacts)
    .where(eq(contacts.id, contactId));
  return counts;
}

/**
 * Erases a contact for a privacy request: its conversations with their messages, notes, identities,
 * ledger, payment links and files go with it (the foreign keys cascade), the provider's processed
 * webhook deliveries that name one of its identities are deleted, and the stored bytes no
 * other row uses are removed from storage once the rows are gone. The `contact_deleted` event keeps
 * ids only, so the live inboxes can drop its rows; nothing the person said stays behind.
 */
export async function deleteContact(db: DbOrTx, storage: Storage, actor: Actor, contactId: number, now: Date): Promise<{ eventIds: number[]; removedFiles: number }> {
  const done = await db.transaction(async (tx) => {
    await assertMaySeeContact(tx, actor, contactId);
    await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.id, contactId)).for("update");
    const gone = await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId));
    const conversationIds = gone.map((c) => c.id);
    const files = await tx
      .select({ storageKey: attachments.storageKey })
      .from(attachments)
      .where(
        and(
          eq(attachments.orgId, actor.orgId),
          or(
            eq(attachments.contactId, contactId),
            conversationIds.length ? inArray(attachments.messageId, tx.select({ id: messages.id }).from(messages).where(inArray(messages.conversationId, conversationIds))) : undefined,
          ),
        ),
      );
    // The provider's raw deliveries kept after processing hold what the person wrote, and their number:
    // those naming one of their identities go too (one still waiting to be processed, or parked, stays).
    const identities = await tx.select({ channelId: contactIdentities.channelId, externalId: contactIdentities.externalId }).from(contactIdentities).where(eq(contactIdentities.contactId, contactId));
    for (const identity of identities) {
      await tx
        .delete(webhookDeliveries)
        .where(and(eq(webhookDeliveries.channelId, identity.channelId), isNotNull(webhookDeliveries.processedAt), sql`strpos(${webhookDeliveries.body}, ${identity.externalId}) > 0`));
    }
    // The attachments go by cascade from their messages and from the contact.
    await tx.delete(contacts).where(eq(contacts.id, contactId));
    const unused = await keysNoRowUses(tx, [...new Set(files.map((f) => f.storageKey))]);
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "contact_deleted", actorId: actor.userId, data: { contactId, conversationIds, files: files.length }, createdAt: now });
    return { eventIds: [eventId], unused };
  });
  // After commit: a rollback must not leave rows pointing at removed bytes.
  for (const key of done.unused) await storage.delete(key);
  return { eventIds: done.eventIds, removedFiles: done.unused.length };
}
