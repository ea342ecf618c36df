// Hide, unhide or delete a comment from its thread. Moderation is immediate: the provider is asked
// at once (no outbox: nothing is composed, and the agent wants the answer now), and only what it
// confirmed is recorded, as an event with the agent as its actor; a refusal is shown with its code.
import { and, eq } from "drizzle-orm";
import { channels, conversationParticipants, conversations, messages } from "@db/schema";
import type { Actor, Deps } from "../context";
import { accountOf } from "../channels/accounts";
import { adaptersFor } from "../channels/adapters";
import { commit } from "../realtime/changes";
import { ConversationRuleBroken, type Change } from "../inbox/changes";
import { conversationScope } from "../inbox/visibility";
import { recordModeration, type CommentMeta } from "./ingest";

export type Moderation = "hide" | "unhide" | "delete";

export async function moderateComment(deps: Deps, actor: Actor, conversationId: number, messageId: number, action: Moderation): Promise<void> {
  const { db } = deps.database;
  const [row] = await db
    .select({ message: messages, conversation: conversations, channel: channels })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId), eq(messages.orgId, actor.orgId), await conversationScope(db, actor)));
  if (!row) throw new ConversationRuleBroken("not_found");
  const meta = row.message.metadata as Partial<CommentMeta>;
  if (row.message.direction !== "in" || typeof meta.commentId !== "string") throw new ConversationRuleBroken("bad_target");
  if (meta.removed || meta.deleted) throw new ConversationRuleBroken("comment_gone");
  const joined = row.conversation.assigneeId === actor.userId || (await db.select({ at: conversationParticipants.joinedAt }).from(conversationParticipants).where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, actor.userId)))).length > 0;
  if (!joined) throw new ConversationRuleBroken("not_joined");
  const adapter = adaptersFor(deps.config)[row.channel.kind];
  if (!adapter.moderate) throw new ConversationRuleBroken("bad_target");
  await adapter.moderate(accountOf(deps.config, row.channel), meta.commentId, action);
  const now = deps.clock.now();
  await commit(deps.database, actor.orgId, (db): Promise<Change> =>
    db.transaction(async (tx) => ({ conversationId, eventIds: [await recordModeration(tx, { orgId: actor.orgId, conversationId, messageId, actorId: actor.userId, action, now })] })),
  );
}

