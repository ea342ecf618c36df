// Which comment of a thread an agent's reply answers: the one they chose, or the latest one still
// there (not removed by its author, not deleted). Used by public and private replies alike.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "@db/client";
import { messages } from "@db/schema";
import { ConversationRuleBroken } from "../inbox/changes";

/** The part of an agent's send (inbox/replies.ts `Outgoing`) a comment reply reads and writes. */
interface Outgoing {
  body: string;
  attachmentIds?: number[];
  metadata?: Record<string, unknown>;
  replyToId?: number;
}

export interface CommentTarget {
  id: number;
  commentId: string;
  createdAt: Date;
  metadata: Record<string, unknown>;
}

export async function commentTarget(tx: Tx, conversationId: number, messageId?: number): Promise<CommentTarget> {
  const [row] = await tx
    .select({ id: messages.id, createdAt: messages.createdAt, metadata: messages.metadata })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.direction, "in"),
        messageId === undefined ? undefined : eq(messages.id, messageId),
        sql`${messages.metadata} ? 'commentId'`,
        // Containment, not a cast: an unsent chat message keeps an object under "deleted".
        sql`not ${messages.metadata} @> '{"removed": true}'::jsonb`,
        sql`not ${messages.metadata} @> '{"deleted": true}'::jsonb`,
      ),
    )
    .orderBy(desc(messages.id))
    .limit(1);
  if (!row) throw new ConversationRuleBroken("comment_gone");
  return { ...row, commentId: String(row.metadata.commentId) };
}

/**
 * An agent's reply in a comment thread is a public reply under the chosen (or latest) comment:
 * text only, no reply window (comments can be answered as long as they stand).
 */
export async function asPublicReply(tx: Tx, conversationId: number, out: Outgoing): Promise<Outgoing> {
  if (out.attachmentIds?.length) throw new ConversationRuleBroken("bad_target");
  const chosen = Number(out.metadata?.replyToMessageId);
  const target = await commentTarget(tx, conversationId, Number.isSafeInteger(chosen) && chosen > 0 ? chosen : undefined);
  return { body: out.body, replyToId: target.id, metadata: { commentReply: "public", replyToCommentId: target.commentId } };
}
