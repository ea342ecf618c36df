// What every change to a conversation shares: the rule it may break, what it returns (the events to
// publish after commit), the row lock it takes first, and the preview a new message leaves on the list.
import { and, eq } from "drizzle-orm";
import type { Tx } from "@db/client";
import { conversationParticipants, conversations } from "@db/schema";
import type { Actor } from "../context";
import { conversationScope } from "./visibility";

export class ConversationRuleBroken extends Error {
  constructor(
    public reason:
      | "not_found"
      | "already_open"
      | "closed"
      | "not_joined"
      | "bad_target"
      | "not_failed"
      | "window_passed"
      | "outside_window"
      | "too_long"
      | "no_template"
      | "empty"
      | "spam"
      | "not_spam"
      // Comment threads (src/comments/): no comment left to answer, one private reply per comment
      // within its window, and the contact's chat open on another channel.
      | "comment_gone"
      | "already_replied"
      | "reply_too_late"
      | "open_elsewhere",
    public conversationId?: number,
  ) {
    super(reason);
  }
}

/** What a change produced: event ids to publish after commit, and the conversation it touched. */
export interface Change {
  conversationId: number;
  eventIds: number[];
}

const PREVIEW_LENGTH = 160;
export const preview = (body: string) => body.replace(/\s+/g, " ").trim().slice(0, PREVIEW_LENGTH);

/**
 * The conversation, locked for this transaction, before any change is made to it: not_found outside
 * the actor's organization or hidden from them by the visibility rule, so every change checks it.
 */
export async function lockConversation(tx: Tx, actor: Actor, conversationId: number) {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), await conversationScope(tx, actor)))
    .for("update");
  if (!row) throw new ConversationRuleBroken("not_found");
  return row;
}

export async function isParticipant(tx: Tx, conversationId: number, userId: string) {
  const [row] = await tx
    .select({ userId: conversationParticipants.userId })
    .from(conversationParticipants)
    .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, userId)));
  return !!row;
}
