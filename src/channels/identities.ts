// One customer, several ids on one channel: WhatsApp names a person by phone number and by
// business-scoped user id (BSUID), and shows the phone only sometimes. Whichever id came first made
// the contact; when a webhook names both, they are joined so the customer stays one contact with one
// conversation history, whichever id the next message carries.
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { attachments, contactIdentities, contacts, conversations } from "@db/schema";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import type { ChannelAccount } from "./types";

/**
 * Joins `externalId` (the key the message is stored under) with its `aliases` on this channel:
 * - only an alias known: the key joins the alias's contact (before the message is stored, so it
 *   lands in that contact's conversation rather than a new contact's);
 * - only the key known: the aliases join its contact;
 * - both known on two contacts: the alias's identity and its conversations on this channel move to
 *   the key's contact (an open one is closed first when the key's contact has its own open), and
 *   each conversation moved gets a `contact_updated` event naming the join.
 * Nothing when neither is known (the message makes the contact, and the next call joins the rest).
 */
export async function joinIdentities(database: Database, account: ChannelAccount, externalId: string, aliases: string[], phone: string | null, at: Date): Promise<void> {
  if (aliases.length === 0) return;
  const ids = [externalId, ...aliases];
  const known = await database.db
    .select({ externalId: contactIdentities.externalId, contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.channelId, account.id), inArray(contactIdentities.externalId, ids)));
  const key = known.find((k) => k.externalId === externalId);
  const others = known.filter((k) => k.externalId !== externalId);
  if (!key && others.length === 0) return;
  if (key && others.length === aliases.length && others.every((o) => o.contactId === key.contactId)) return;
  await commit(database, account.orgId, (db) =>
    db.transaction(async (tx) => {
      const eventIds: number[] = [];
      const target = key?.contactId ?? others[0].contactId;
      const missing = ids.filter((id) => !known.some((k) => k.externalId === id));
      if (missing.length) {
        await tx
          .insert(contactIdentities)
          .values(missing.map((id) => ({ orgId: account.orgId, contactId: target, channelId: account.id, externalId: id, createdAt: at })))
          .onConflictDoNothing();
      }
      // The phone shows up: the contact made from a username alone learns it.
      if (phone) await tx.update(contacts).set({ phone }).where(and(eq(contacts.id, target), sql`${contacts.phone} is null`));
      for (const other of others.filter((o) => o.contactId !== target)) {
        const [open] = await tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(and(eq(conversations.contactId, target), eq(conversations.status, "open"), ne(conversations.type, "comment")));
        if (open) {
          await tx
            .update(conversations)
            .set({ status: "closed", closedAt: at, waitingSince: null })
            .where(and(eq(conversations.contactId, other.contactId), eq(conversations.channelId, account.id), eq(conversations.status, "open"), ne(conversations.type, "comment")));
        }
        const moved = await tx
          .update(conversations)
          .set({ contactId: target })
          .where(and(eq(conversations.contactId, other.contactId), eq(conversations.channelId, account.id)))
          .returning({ id: conversations.id });
        await tx.update(contactIdentities).set({ contactId: target }).where(and(eq(contactIdentities.channelId, account.id), eq(contactIdentities.externalId, other.externalId)));
        if (moved.length) {
          await tx.update(attachments).set({ contactId: target }).where(and(eq(attachments.contactId, other.contactId), sql`${attachments.messageId} in (select id from messages where conversation_id in ${moved.map((m) => m.id)})`));
          for (const m of moved) eventIds.push(await recordEvent(tx, { orgId: account.orgId, type: "contact_updated", conversationId: m.id, data: { contactId: target, joinedFrom: other.contactId, identity: other.externalId }, createdAt: at }));
        }
      }
      return { eventIds };
    }),
  );
}
