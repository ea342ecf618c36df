// A customer's edit or deletion of a message they sent: the original message changes (new text, or
// marked deleted with its text kept for audit only) and the thread redraws that bubble. Never a new
// message, and the conversation stays where it was: no queue, waiting time, reply window or unread
// marker moves. Shared by every channel whose provider reports edits and deletions.
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { conversations, messages } from "@db/schema";
import { preview } from "../inbox/changes";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import type { ChannelAccount } from "./types";

/** What a message holds in metadata.edited: when it was last edited and its earlier texts, oldest first. */
export interface Edited {
  at: string;
  earlier: { body: string; at: string }[];
}

/** What a message holds in metadata.deleted: when the customer deleted it. */
export interface Deleted {
  at: string;
}

export interface Revision {
  action: "edit" | "delete";
  /** The provider's id of the message changed. */
  targetProviderMessageId: string;
  /** The customer who changed it: only their own messages are theirs to change. */
  externalId: string;
  body?: string;
  at: Date;
}

/**
 * Applies an edit or a deletion to the customer's message it names, announced as message_updated.
 * "unknown": Kanal has not recorded that message (yet). "stale": an edit older than the one held,
 * or any change to a message already deleted (providers redeliver out of order).
 */
export async function reviseMessage(database: Database, account: ChannelAccount, revision: Revision): Promise<"applied" | "stale" | "unknown"> {
  const at = revision.at.toISOString();
  const { outcome } = await commit(database, account.orgId, (db) => db.transaction(async (tx) => {
    const [target] = await tx
      .select({ id: messages.id, conversationId: messages.conversationId, body: messages.body, metadata: messages.metadata, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, revision.targetProviderMessageId), eq(messages.direction, "in")))
      .for("update");
    if (!target) return { eventIds: [], outcome: "unknown" as const };
    const held = target.metadata as { edited?: Edited; deleted?: Deleted };
    if (held.deleted || (revision.action === "edit" && held.edited && held.edited.at >= at)) return { eventIds: [], outcome: "stale" as const };
    if (revision.action === "edit") {
      const body = revision.body ?? "";
      const edited: Edited = { at, earlier: [...(held.edited?.earlier ?? []), { body: target.body, at: held.edited?.at ?? target.createdAt.toISOString() }] };
      await tx.update(messages).set({ body, metadata: sql`${messages.metadata} || ${JSON.stringify({ edited })}::jsonb` }).where(eq(messages.id, target.id));
      // The list shows the conversation's last message as it reads now.
      await tx
        .update(conversations)
        .set({ lastMessagePreview: preview(body) })
        .where(and(eq(conversations.id, target.conversationId), eq(conversations.lastMessageAt, target.createdAt)));
    } else {
      const deleted: Deleted = { at };
      await tx.update(messages).set({ metadata: sql`${messages.metadata} || ${JSON.stringify({ deleted })}::jsonb` }).where(eq(messages.id, target.id));
    }
    const eventId = await recordEvent(tx, { orgId: account.orgId, type: "message_updated", conversationId: target.conversationId, data: { messageId: target.id, revision: revision.action }, createdAt: revision.at });
    return { eventIds: [eventId], conversationId: target.conversationId, outcome: "applied" as const };
  }));
  return outcome;
}
