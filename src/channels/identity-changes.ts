// WhatsApp's system messages about a customer: a new phone number moves the contact's identity to it
// (so the next message from the new number lands on the same contact and conversation, not a new
// one), and a changed security identity is noted. Each is a notice in the thread, never a customer
// message: nothing opens, reopens or queues, and no reply window, waiting time or unread marker moves.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { contactIdentities, contacts, conversations, messages } from "@db/schema";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import type { ChannelAccount, InboundIdentityChange } from "./types";

/** What a notice holds in metadata: `system` names it (views/inbox/notices.tsx draws it). */
export interface IdentityNotice {
  system: "number_changed" | "identity_changed";
  from?: string;
  to?: string;
  /** Whether the contact took the new number (false: another contact already had it). */
  moved?: boolean;
}

/**
 * Applies a system message. "moved": the identity now has the new number; "noted": only a notice
 * (identity change, or a number change whose new number Kanal already knows as another identity —
 * the two stay apart for an agent to see); "unknown": no contact has this identity.
 * A redelivered system message changes nothing twice (its provider id is the notice's).
 */
export async function applyIdentityChange(database: Database, account: ChannelAccount, change: InboundIdentityChange): Promise<"moved" | "noted" | "unknown"> {
  const { outcome } = await commit(database, account.orgId, (db) => db.transaction(async (tx) => {
    const [seen] = await tx.select({ id: messages.id }).from(messages).where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, change.providerMessageId)));
    if (seen) return { eventIds: [], outcome: "noted" as const };
    const [identity] = await tx
      .select({ id: contactIdentities.id, contactId: contactIdentities.contactId })
      .from(contactIdentities)
      .where(and(eq(contactIdentities.channelId, account.id), eq(contactIdentities.externalId, change.externalId)))
      .for("update");
    if (!identity) return { eventIds: [], outcome: "unknown" as const };
    let moved = false;
    const notice: IdentityNotice = { system: change.change === "number" ? "number_changed" : "identity_changed" };
    if (change.change === "number" && change.newExternalId) {
      const [taken] = await tx.select({ id: contactIdentities.id }).from(contactIdentities).where(and(eq(contactIdentities.channelId, account.id), eq(contactIdentities.externalId, change.newExternalId)));
      notice.from = `+${change.externalId}`;
      notice.to = `+${change.newExternalId}`;
      if (!taken) {
        await tx.update(contactIdentities).set({ externalId: change.newExternalId }).where(eq(contactIdentities.id, identity.id));
        // The phone Kanal took from the old number follows; one an agent typed in stays.
        await tx.update(contacts).set({ phone: notice.to }).where(and(eq(contacts.id, identity.contactId), sql`(${contacts.phone} is null or ${contacts.phone} = ${notice.from})`));
        moved = true;
      }
    }
    if (notice.system === "number_changed") notice.moved = moved;
    const [conversation] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.contactId, identity.contactId), eq(conversations.channelId, account.id)))
      .orderBy(sql`${conversations.status} = 'open' desc`, desc(conversations.createdAt), desc(conversations.id))
      .limit(1);
    if (!conversation) return { eventIds: [], outcome: moved ? ("moved" as const) : ("noted" as const) };
    const [line] = await tx
      .insert(messages)
      .values({ orgId: account.orgId, conversationId: conversation.id, channelId: account.id, direction: "event", body: change.body, providerMessageId: change.providerMessageId, metadata: { ...notice }, createdAt: change.at })
      .onConflictDoNothing()
      .returning({ id: messages.id });
    if (!line) return { eventIds: [], outcome: "noted" as const };
    const eventId = await recordEvent(tx, { orgId: account.orgId, type: "message_created", conversationId: conversation.id, data: { messageId: line.id, direction: "event" }, createdAt: change.at });
    return { eventIds: [eventId], conversationId: conversation.id, outcome: moved ? ("moved" as const) : ("noted" as const) };
  }));
  return outcome;
}
