// Closing a conversation: the closing message goes to the contact where the channel's reply window
// allows it (else its WhatsApp template, else nothing, said in the thread), and the contact stays
// with its agent.
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, closingMessages, contacts, conversations, events, messages, type ClosingTemplate } from "@db/schema";
import { mayGoOut } from "../channels/windows";
import type { Actor } from "../context";
import { catalogs } from "../i18n/catalog";
import { recordEvent } from "../realtime/events";
import { contactForVariables } from "../workflows/situation";
import { fillVariables } from "../workflows/rules";
import { ConversationRuleBroken, lockConversation, preview, type Change } from "./changes";
import { channelTemplates, queueOutbound, type Outgoing } from "./replies";

/** How the closing message went: as text, as its template, not at all (the window had passed), or none was chosen. */
export type ClosingSent = "text" | "template" | "not_sent" | "none";

/** The thread's line when the closing message could not go: drawn in the reader's language. */
export type ClosingLine = {
  system: "closing_not_sent";
  /** The closing message has a template, but the conversation's channel has no such approved template. */
  template: string | null;
};

type Tx = Parameters<Parameters<DbOrTx["transaction"]>[0]>[0];

/** The closing message's template as the channel has it, filled for the contact; null when the channel has no such template. */
async function closingTemplate(tx: Tx, config: Record<string, unknown>, contactId: number, template: ClosingTemplate): Promise<Outgoing | null> {
  const found = channelTemplates(config).find((t) => t.name === template.name && t.language === template.language);
  if (!found || found.params !== template.parameters.length) return null;
  const contact = await contactForVariables(tx, contactId);
  const parameters = template.parameters.map((p) => fillVariables(p, contact));
  const body = found.body.replace(/\{\{(\d+)\}\}/g, (_, n) => parameters[Number(n) - 1] ?? "");
  return { body, kind: "template", metadata: { template: { name: found.name, language: found.language, parameters } } };
}

/**
 * Ends the session and closes the conversation. The chosen closing message goes to the contact as
 * text while the reply window allows it; once it has passed (WhatsApp's 24 hours), its template if
 * it has one the channel approved; otherwise nothing goes and a line in the thread says so.
 * `closingMessageId` null closes without a message. The contact stays with the assignee, so its
 * next conversation arrives assigned to them.
 */
export async function closeConversation(db: DbOrTx, actor: Actor, conversationId: number, closingMessageId: number | null, locale: "en" | "tr", now: Date): Promise<Change & { sent: ClosingSent }> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    const eventIds: number[] = [];
    let sent: ClosingSent = "none";
    let closing: typeof closingMessages.$inferSelect | undefined;
    if (closingMessageId !== null) {
      [closing] = await tx
        .select()
        .from(closingMessages)
        .where(and(eq(closingMessages.orgId, actor.orgId), eq(closingMessages.id, closingMessageId)));
      if (!closing) throw new ConversationRuleBroken("bad_target");
      const text = closing.builtinKey ? ((catalogs[locale] as Record<string, string>)[closing.builtinKey] ?? closing.body) : closing.body;
      const [channel] = await tx.select({ kind: channels.kind, config: channels.config }).from(channels).where(eq(channels.id, conv.channelId));
      const out: Outgoing | null = mayGoOut(channel.kind, conv.lastInboundAt, "text", now)
        ? { body: text }
        : closing.template && mayGoOut(channel.kind, conv.lastInboundAt, "template", now)
          ? await closingTemplate(tx, channel.config, conv.contactId, closing.template)
          : null;
      if (out) {
        const messageId = await queueOutbound(tx, actor, conv, out, now);
        sent = out.kind === "template" ? "template" : "text";
        await tx.update(conversations).set({ lastMessagePreview: preview(out.body) }).where(eq(conversations.id, conv.id));
        eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId, direction: "out" }, createdAt: now }));
      } else {
        sent = "not_sent";
        const line: ClosingLine = { system: "closing_not_sent", template: closing.template ? `${closing.template.name} (${closing.template.language})` : null };
        const [row] = await tx.insert(messages).values({ orgId: actor.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "event", metadata: line, createdAt: now }).returning({ id: messages.id });
        eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId: row.id, direction: "event" }, createdAt: now }));
      }
    }
    await tx
      .update(conversations)
      .set({ status: "closed", closedAt: now, closedBy: actor.userId, closingMessageId: closing?.id ?? null, lastMessageAt: now, waitingSince: null })
      .where(eq(conversations.id, conv.id));
    if (conv.assigneeId) await tx.update(contacts).set({ ownerId: conv.assigneeId }).where(eq(contacts.id, conv.contactId));
    eventIds.push(
      await recordEvent(tx, {
        orgId: actor.orgId,
        type: "closed",
        conversationId: conv.id,
        actorId: actor.userId,
        subjectUserId: conv.assigneeId,
        data: { ms: await resolutionMs(tx, actor.userId, conv, now), closing: sent },
        createdAt: now,
      }),
    );
    return { conversationId: conv.id, eventIds, sent };
  });
}

/**
 * How long the one who resolves the conversation had it: from when it was assigned to them to now.
 * Null when it never was theirs (a supervisor closing an agent's conversation resolves it without
 * a resolution time of their own).
 */
async function resolutionMs(tx: Tx, userId: string, conv: { id: number; assigneeId: string | null; assignedAt: Date | null }, now: Date): Promise<number | null> {
  if (conv.assigneeId === userId) return conv.assignedAt ? now.getTime() - conv.assignedAt.getTime() : null;
  const [last] = await tx
    .select({ at: events.createdAt })
    .from(events)
    .where(and(eq(events.conversationId, conv.id), eq(events.type, "assigned"), eq(events.subjectUserId, userId)))
    .orderBy(desc(events.createdAt))
    .limit(1);
  return last ? now.getTime() - last.at.getTime() : null;
}

/** Built-in closing messages first, then the organization's own. */
export async function closingChoices(db: DbOrTx, actor: Actor) {
  return db
    .select({ id: closingMessages.id, builtinKey: closingMessages.builtinKey, body: closingMessages.body, template: closingMessages.template })
    .from(closingMessages)
    .where(eq(closingMessages.orgId, actor.orgId))
    .orderBy(sql`${closingMessages.builtinKey} is null`, asc(closingMessages.position), asc(closingMessages.id));
}
