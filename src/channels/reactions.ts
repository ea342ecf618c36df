// A customer's reaction (added or removed) kept on the message it names. It changes that message
// only: no conversation is opened, reopened or queued, and no reply window or waiting time moves.
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { messages } from "@db/schema";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import type { ChannelAccount, InboundReaction } from "./types";

/** What a message holds in metadata.reaction: the customer's current emoji and when it was set. */
export interface Reaction {
  emoji: string;
  at: string;
}

/**
 * Sets or removes the reaction on the message it names, announced as message_updated (the thread
 * redraws that bubble). "unknown" for a message Kanal has not recorded (yet). A reaction older than
 * the one held is stale (providers redeliver out of order).
 */
export async function applyReaction(database: Database, account: ChannelAccount, reaction: InboundReaction): Promise<"applied" | "stale" | "unknown"> {
  const at = reaction.at.toISOString();
  const held = sql`(${messages.metadata}->'reaction'->>'at')`;
  const { outcome } = await commit(database, account.orgId, (db) => db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, reaction.targetProviderMessageId)));
    if (!target) return { eventIds: [], outcome: "unknown" as const };
    const value = reaction.emoji ? sql`${messages.metadata} || jsonb_build_object('reaction', jsonb_build_object('emoji', ${reaction.emoji}::text, 'at', ${at}::text))` : sql`${messages.metadata} - 'reaction'`;
    const [updated] = await tx
      .update(messages)
      .set({ metadata: value })
      .where(and(eq(messages.id, target.id), sql`(${held} is null or ${held}::timestamptz <= ${at}::timestamptz)`))
      .returning({ id: messages.id, conversationId: messages.conversationId });
    if (!updated) return { eventIds: [], outcome: "stale" as const };
    const eventId = await recordEvent(tx, { orgId: account.orgId, type: "message_updated", conversationId: updated.conversationId, data: { messageId: updated.id, reaction: reaction.emoji }, createdAt: reaction.at });
    return { eventIds: [eventId], conversationId: updated.conversationId, outcome: "applied" as const };
  }));
  return outcome;
}
