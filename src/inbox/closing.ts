// Closing a conversation: the closing message goes to the contact, and the contact stays with its agent.
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { closingMessages, contacts, conversations } from "@db/schema";
import type { Actor } from "../context";
import { catalogs } from "../i18n/catalog";
import { recordEvent } from "../realtime/events";
import { ConversationRuleBroken, lockConversation, preview, type Change } from "./changes";
import { queueOutbound } from "./replies";

/**
 * Ends the session: the chosen closing message goes to the contact and the conversation closes.
 * The contact stays with the assignee, so its next conversation arrives assigned to them.
 */
export async function closeConversation(db: DbOrTx, actor: Actor, conversationId: number, closingMessageId: number, locale: "en" | "tr", now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    const [closing] = await tx
      .select()
      .from(closingMessages)
      .where(and(eq(closingMessages.orgId, actor.orgId), eq(closingMessages.id, closingMessageId)));
    if (!closing) throw new ConversationRuleBroken("bad_target");
    const text = closing.builtinKey ? ((catalogs[locale] as Record<string, string>)[closing.builtinKey] ?? closing.body) : closing.body;
    const messageId = await queueOutbound(tx, actor, conv, { body: text }, now);
    await tx
      .update(conversations)
      .set({ status: "closed", closedAt: now, closedBy: actor.userId, closingMessageId: closing.id, lastMessageAt: now, lastMessagePreview: preview(text), waitingSince: null })
      .where(eq(conversations.id, conv.id));
    if (conv.assigneeId) await tx.update(contacts).set({ ownerId: conv.assigneeId }).where(eq(contacts.id, conv.contactId));
    const eventIds = [
      await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId, direction: "out" }, createdAt: now }),
      await recordEvent(tx, {
        orgId: actor.orgId,
        type: "closed",
        conversationId: conv.id,
        actorId: actor.userId,
        subjectUserId: conv.assigneeId,
        data: { ms: conv.assignedAt ? now.getTime() - conv.assignedAt.getTime() : null },
        createdAt: now,
      }),
    ];
    return { conversationId: conv.id, eventIds };
  });
}

/** Built-in closing messages first, then the organization's own. */
export async function closingChoices(db: DbOrTx, actor: Actor) {
  return db
    .select({ id: closingMessages.id, builtinKey: closingMessages.builtinKey, body: closingMessages.body })
    .from(closingMessages)
    .where(eq(closingMessages.orgId, actor.orgId))
    .orderBy(sql`${closingMessages.builtinKey} is null`, asc(closingMessages.position), asc(closingMessages.id));
}
