// "New conversation" from the inbox: an agent writes first, to a contact they pick or to a phone
// number (a new contact when nobody has it), on a channel that can reach them. The conversation
// opens assigned to the agent with its first message in one transaction: a template on WhatsApp
// outside the 24-hour window, free text where the channel's window allows it.
import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { channels, contactIdentities, contacts, conversations } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { contactByPhone } from "../contacts/editing";
import { whatsappId } from "../contacts/phone";
import { startConversation } from "./opening";
import { reply, sendTemplate } from "./replies";
import { ConversationRuleBroken } from "./changes";
import { contactVisibility } from "./visibility";

export type Recipient = { contactId: number } | { phone: string; name?: string };
export type FirstMessage = { kind: "text"; body: string } | { kind: "template"; name: string; language: string; parameters: string[] };

/** Why no conversation could start with this recipient on this channel. */
export class StartRefused extends Error {
  constructor(
    public reason:
      /** A phone number is reached on WhatsApp only. */
      | "phone_needs_whatsapp"
      /** The number is a contact the agent may not see (another agent's, where agents see only their own). */
      | "hidden_contact"
      /** The contact has no identity on the channel (and, for WhatsApp, no phone). */
      | "unreachable",
  ) {
    super(reason);
  }
}

/** Whether the channel can address this contact: an identity on it, or a phone for WhatsApp. */
export async function reachableOn(db: DbOrTx, contact: { id: number; phone: string | null }, channel: { id: number; kind: string }): Promise<boolean> {
  if (channel.kind === "whatsapp" && contact.phone) return true;
  const [identity] = await db
    .select({ id: contactIdentities.id })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, contact.id), eq(contactIdentities.channelId, channel.id)))
    .limit(1);
  return !!identity;
}

/** The contact the agent named, found or (for an unknown number) made, with the channel's identity for it. */
async function recipientContact(tx: Tx, actor: Actor, to: Recipient, channel: { id: number; kind: string }, now: Date): Promise<{ id: number; created: boolean }> {
  if ("contactId" in to) {
    const [contact] = await tx
      .select({ id: contacts.id, phone: contacts.phone })
      .from(contacts)
      .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, to.contactId), await contactVisibility(tx, actor)));
    if (!contact) throw new ConversationRuleBroken("not_found");
    if (!(await reachableOn(tx, contact, channel))) throw new StartRefused("unreachable");
    return { id: contact.id, created: false };
  }
  if (channel.kind !== "whatsapp") throw new StartRefused("phone_needs_whatsapp");
  const digits = whatsappId(to.phone);
  const [byIdentity] = await tx
    .select({ id: contactIdentities.contactId, visible: sql<boolean>`coalesce(${(await contactVisibility(tx, actor)) ?? sql`true`}, false)` })
    .from(contactIdentities)
    .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
    .where(and(eq(contactIdentities.channelId, channel.id), eq(contactIdentities.externalId, digits)));
  const known = byIdentity ?? (await contactByPhone(tx, actor, to.phone));
  if (known) {
    if (!known.visible) throw new StartRefused("hidden_contact");
    return { id: known.id, created: false };
  }
  const [made] = await tx
    .insert(contacts)
    .values({ orgId: actor.orgId, name: to.name?.trim() || to.phone, phone: to.phone, createdAt: now, updatedAt: now })
    .returning({ id: contacts.id });
  // The identity WhatsApp will name them by, so that their answer finds this contact.
  await tx.insert(contactIdentities).values({ orgId: actor.orgId, contactId: made.id, channelId: channel.id, externalId: digits, createdAt: now }).onConflictDoNothing();
  return { id: made.id, created: true };
}

/**
 * Starts the conversation and sends its first message, or changes nothing: a refused message (outside
 * the window, no such template) rolls the new conversation and contact back. An open conversation
 * with the contact is named by `ConversationRuleBroken("already_open", id)`: the agent opens it instead.
 */
export async function startNewConversation(db: DbOrTx, actor: Actor, input: { to: Recipient; channelId: number; first: FirstMessage }, now: Date) {
  if (input.first.kind === "text" && !input.first.body.trim()) throw new ConversationRuleBroken("empty");
  return db.transaction(async (tx) => {
    const [channel] = await tx
      .select({ id: channels.id, kind: channels.kind })
      .from(channels)
      .where(and(eq(channels.orgId, actor.orgId), eq(channels.id, input.channelId), eq(channels.active, true), sql`${channels.kind} <> 'support'`));
    if (!channel) throw new ConversationRuleBroken("not_found");
    const contact = await recipientContact(tx, actor, input.to, channel, now);
    const eventIds: number[] = [];
    if (contact.created) eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "contact_created", actorId: actor.userId, data: { contactId: contact.id }, createdAt: now }));
    const started = await startConversation(tx, actor, { contactId: contact.id, channelId: channel.id }, now);
    eventIds.push(...started.eventIds);
    // The agent wrote first: nobody was waiting, so their opening message is no "first response"
    // (it would count as an answer in no time in the cockpit's average).
    await tx.update(conversations).set({ firstResponseAt: now }).where(eq(conversations.id, started.conversationId));
    const first = input.first;
    const sent = first.kind === "text" ? await reply(tx, actor, started.conversationId, first.body, now) : await sendTemplate(tx, actor, started.conversationId, first, now);
    eventIds.push(...sent.eventIds);
    return { conversationId: started.conversationId, contactId: contact.id, eventIds };
  });
}

/** The contact's open conversation (the one the agent is sent to instead of starting a second), if any. */
export async function openConversationOf(db: DbOrTx, contactId: number) {
  const [open] = await db
    .select({ id: conversations.id, channelId: conversations.channelId })
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), eq(conversations.status, "open"), sql`${conversations.type} <> 'comment'`));
  return open ?? null;
}
