// Agents joining a conversation: taking an unassigned one, or sitting in beside its assignee.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, conversationParticipants, conversations } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { endBotOnJoin } from "../bot/sessions";
import { ConversationRuleBroken, isParticipant, lockConversation, type Change } from "./changes";

/** Whether the actor has joined: the assignee, or a participant who joined someone else's session. */
export async function hasJoined(db: DbOrTx, actor: Actor, conversation: { id: number; assigneeId: string | null }) {
  if (conversation.assigneeId === actor.userId) return true;
  return db.transaction((tx) => isParticipant(tx, conversation.id, actor.userId));
}

/**
 * Joining an unassigned conversation takes it; joining someone else's adds the agent beside them.
 * Either is activity: the conversation moves up the lists ordered by it.
 */
export async function joinConversation(db: DbOrTx, actor: Actor, conversationId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    // Joining ends the bot's part: the conversation is a chat from here.
    const eventIds: number[] = await endBotOnJoin(tx, conv, actor.name, now);
    if (!conv.assigneeId) {
      await tx.update(conversations).set({ assigneeId: actor.userId, assignedAt: now, lastMessageAt: now }).where(eq(conversations.id, conv.id));
      await tx.update(contacts).set({ ownerId: actor.userId }).where(eq(contacts.id, conv.contactId));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, subjectUserId: actor.userId, data: { manual: false, via: "join" }, createdAt: now }));
    } else if (conv.assigneeId !== actor.userId) {
      await tx.insert(conversationParticipants).values({ conversationId: conv.id, userId: actor.userId, joinedAt: now }).onConflictDoNothing();
      await tx.update(conversations).set({ lastMessageAt: now }).where(eq(conversations.id, conv.id));
    }
    eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "joined", conversationId: conv.id, actorId: actor.userId, subjectUserId: actor.userId, createdAt: now }));
    return { conversationId: conv.id, eventIds };
  });
}
