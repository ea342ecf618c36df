// Messages the business sent to a customer outside Kanal (the Facebook Page inbox, the Instagram or
// WhatsApp Business app), learnt from the provider's echoes: kept as outgoing messages by another
// app so agents see the whole conversation. Kanal's own sends are recognised by their outbox tag
// or their provider message id and never stored twice.
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { contactIdentities, conversations, messages } from "@db/schema";
import { contactFor } from "../inbox/customer-messages";
import { preview } from "../inbox/changes";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { confirmSend } from "./outbox";
import type { ChannelAccount, InboundEcho } from "./types";

/**
 * Applies an echo. "known": Kanal's own send (confirmed by its tag, or its provider id recorded).
 * "unknown": Kanal is sending to this customer right now and may not have recorded the send's id
 * yet — the delivery is tried again, and on its `last` try the echo is kept as sent elsewhere.
 * "stored": kept as an outgoing message by another app, in the customer's open conversation (or
 * their latest one, which stays closed; a new closed one when they have none). It counts as an
 * answer (the customer no longer waits) but not as an agent's first response, and it opens,
 * reopens, queues nothing, nor moves the reply window.
 */
export async function applyEcho(database: Database, account: ChannelAccount, echo: InboundEcho, now: Date, last: boolean): Promise<"known" | "unknown" | "stored"> {
  if (echo.outboxTag) await confirmSend(database, account, echo.outboxTag, echo.providerMessageId, now);
  const { db } = database;
  const [known] = await db.select({ id: messages.id }).from(messages).where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, echo.providerMessageId)));
  if (known) return "known";
  const theirs = db
    .select({ id: conversations.id })
    .from(conversations)
    .innerJoin(contactIdentities, eq(contactIdentities.contactId, conversations.contactId))
    .where(and(eq(contactIdentities.channelId, account.id), eq(contactIdentities.externalId, echo.externalId)));
  if (!last) {
    const [sending] = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.channelId, account.id), eq(messages.direction, "out"), isNull(messages.providerMessageId), inArray(messages.delivery, ["pending", "failed"]), inArray(messages.conversationId, theirs)))
      .limit(1);
    if (sending) return "unknown";
  }
  const at = echo.at.toISOString();
  const stored = await commit(database, account.orgId, (db) => db.transaction(async (tx) => {
    const contact = await contactFor(tx, { orgId: account.orgId, channelId: account.id, externalId: echo.externalId, contactName: "", phone: account.kind === "whatsapp" && /^\d+$/.test(echo.externalId) ? `+${echo.externalId}` : null, at: echo.at });
    const [conversation] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.contactId, contact.id), eq(conversations.channelId, account.id)))
      .orderBy(sql`${conversations.status} = 'open' desc`, desc(conversations.createdAt), desc(conversations.id))
      .limit(1);
    const conversationId =
      conversation?.id ??
      (
        await tx
          .insert(conversations)
          .values({ orgId: account.orgId, contactId: contact.id, channelId: account.id, status: "closed", startedBy: "agent", createdAt: echo.at, lastMessageAt: echo.at, closedAt: echo.at })
          .returning({ id: conversations.id })
      )[0].id;
    const [message] = await tx
      .insert(messages)
      .values({
        orgId: account.orgId,
        conversationId,
        channelId: account.id,
        direction: "out",
        kind: echo.kind,
        body: echo.body,
        providerMessageId: echo.providerMessageId,
        delivery: "sent",
        sentAt: echo.at,
        metadata: { ...echo.metadata, sentElsewhere: true },
        createdAt: echo.at,
      })
      .onConflictDoNothing()
      .returning({ id: messages.id });
    if (!message) return null;
    await tx
      .update(conversations)
      .set({
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${at}::timestamptz)`,
        lastMessagePreview: sql`case when ${conversations.lastMessageAt} <= ${at}::timestamptz then ${preview(echo.body || `[${echo.kind}]`)} else ${conversations.lastMessagePreview} end`,
        waitingSince: sql`case when ${conversations.waitingSince} <= ${at}::timestamptz then null else ${conversations.waitingSince} end`,
      })
      .where(eq(conversations.id, conversationId));
    return recordEvent(tx, { orgId: account.orgId, type: "message_created", conversationId, data: { messageId: message.id, direction: "out" }, createdAt: echo.at });
  }));
  return stored === null ? "known" : "stored";
}
