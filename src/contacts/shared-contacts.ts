// A contact card a customer shared (WhatsApp `contacts` message): saved as a Kanal contact, with its
// WhatsApp number as the contact's identity on the channel it came through, so the person's own
// messages later land on that contact (and an agent can start a conversation with them there).
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contactIdentities, contacts, messages } from "@db/schema";
import type { Actor } from "../context";
import type { SharedContact } from "../channels/whatsapp-kinds";
import { recordEvent } from "../realtime/events";
import { NotFound } from "../not-found";
import { assertMaySee } from "../inbox/visibility";

/**
 * The Kanal contact for card `index` of a shared-contacts message: the one already holding its
 * WhatsApp number on the channel, or a new one (unassigned, as every new contact) with the card's
 * name, phone and email. The card remembers it (`contactId`) and redraws with "Open contact".
 */
export async function saveSharedContact(db: DbOrTx, actor: Actor, conversationId: number, messageId: number, index: number, now: Date) {
  await assertMaySee(db, actor, conversationId);
  return db.transaction(async (tx) => {
    const [message] = await tx
      .select({ id: messages.id, channelId: messages.channelId, metadata: messages.metadata })
      .from(messages)
      .where(and(eq(messages.orgId, actor.orgId), eq(messages.conversationId, conversationId), eq(messages.id, messageId), eq(messages.kind, "contacts")))
      .for("update");
    const cards = (message?.metadata.contacts ?? []) as (SharedContact & { contactId?: number })[];
    const card = cards[index];
    if (!message || !card) throw new NotFound("message");
    if (card.contactId) return { contactId: card.contactId, channelId: message.channelId, eventIds: [] as number[] };
    const waId = card.phones.find((p) => p.waId)?.waId ?? null;
    let contactId: number | null = null;
    if (waId) {
      const [known] = await tx.select({ contactId: contactIdentities.contactId }).from(contactIdentities).where(and(eq(contactIdentities.channelId, message.channelId), eq(contactIdentities.externalId, waId)));
      // A contact an agent typed in with this number gets the identity instead of a twin.
      const [typed] = known ? [] : await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.orgId, actor.orgId), eq(contacts.phone, `+${waId}`))).limit(1);
      contactId = known?.contactId ?? typed?.id ?? null;
      if (typed) await tx.insert(contactIdentities).values({ orgId: actor.orgId, contactId: typed.id, channelId: message.channelId, externalId: waId, createdAt: now });
    }
    if (!contactId) {
      const [made] = await tx
        .insert(contacts)
        .values({ orgId: actor.orgId, name: card.name || card.phones[0]?.phone || "?", phone: waId ? `+${waId}` : (card.phones[0]?.phone ?? null), email: card.emails[0]?.email ?? null, createdAt: now, updatedAt: now })
        .returning({ id: contacts.id });
      contactId = made.id;
      if (waId) await tx.insert(contactIdentities).values({ orgId: actor.orgId, contactId, channelId: message.channelId, externalId: waId, createdAt: now });
    }
    await tx
      .update(messages)
      .set({ metadata: sql`jsonb_set(${messages.metadata}, ${`{contacts,${index},contactId}`}::text[], to_jsonb(${contactId}::bigint))` })
      .where(eq(messages.id, message.id));
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "message_updated", conversationId, actorId: actor.userId, data: { messageId, sharedContactSaved: contactId }, createdAt: now });
    return { contactId, channelId: message.channelId, eventIds: [eventId] };
  });
}
