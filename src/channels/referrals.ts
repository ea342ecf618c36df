// Where a customer came from, kept on the conversation: the ad or post of a click-to-WhatsApp or
// click-to-Messenger ad (or an m.me link's ref), from the message it came with or from a referral
// event of its own. The first one a conversation gets stays; later clicks are kept on their message.
import { and, desc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "@db/client";
import { contactIdentities, conversations } from "@db/schema";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import type { ChannelAccount, InboundReferral, Referral } from "./types";

/**
 * Keeps the referral on the conversation unless it has one already; when it was kept, a
 * `referral_kept` event (its id returned, else null), from which open threads draw the card live.
 */
export async function keepReferral(db: DbOrTx, orgId: number, conversationId: number, referral: Referral, now: Date): Promise<number | null> {
  const kept = await db
    .update(conversations)
    .set({ referral: { ...referral } as Record<string, unknown> })
    .where(and(eq(conversations.id, conversationId), isNull(conversations.referral)))
    .returning({ id: conversations.id });
  if (kept.length === 0) return null;
  return recordEvent(db, { orgId, type: "referral_kept", conversationId, data: { source: referral.source }, createdAt: now });
}

/**
 * A referral without a message (the customer opened an existing thread from an ad): kept on their
 * open conversation, else their latest on the channel. "none" when the customer has no conversation
 * yet (the message that follows carries its own referral).
 */
export async function applyReferral(database: Database, account: ChannelAccount, event: InboundReferral, now: Date): Promise<"kept" | "none"> {
  const [conversation] = await database.db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(contactIdentities, eq(contactIdentities.contactId, conversations.contactId))
    .where(and(eq(contactIdentities.channelId, account.id), eq(contactIdentities.externalId, event.externalId), eq(conversations.channelId, account.id), ne(conversations.type, "comment")))
    .orderBy(sql`${conversations.status} = 'open' desc`, desc(conversations.createdAt))
    .limit(1);
  if (!conversation) return "none";
  await commit(database, account.orgId, (db) => db.transaction((tx) => keepReferral(tx, account.orgId, conversation.id, event.referral, now)));
  return "kept";
}
