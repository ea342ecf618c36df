// One step of a running bulk send: the next recipients in order, each either skipped with its reason
// or given its template message and outbox row, in one transaction that also marks it sent. A
// recipient is sent once or never: it is picked only while queued, under a row lock, and the outbox
// (never re-sending on a guess) makes one message one send.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "@db/client";
import { bulkRecipients, bulkSends, contactIdentities, contacts, conversations, messages, outbox, type BulkSkipReason } from "@db/schema";
import { recordEvent } from "../realtime/events";
import { preview } from "../inbox/changes";
import { e164 } from "../contacts/phone";
import { renderTemplate } from "./sends";
import type { BulkSendRow } from "./progress";

export interface Enqueued {
  sent: number;
  skipped: number;
  /** No recipient is left queued. */
  finished: boolean;
  eventIds: number[];
}

/**
 * Sends to at most `limit` recipients of a send this runner holds (`owner`); nothing when its lease
 * passed to another process meanwhile.
 */
export async function enqueueNext(tx: Tx, send: BulkSendRow, owner: string, limit: number, now: Date): Promise<Enqueued> {
  const [held] = await tx
    .select({ id: bulkSends.id })
    .from(bulkSends)
    .where(and(eq(bulkSends.id, send.id), eq(bulkSends.leaseOwner, owner), eq(bulkSends.status, "running")))
    .for("update");
  if (!held) return { sent: 0, skipped: 0, finished: false, eventIds: [] };
  const rows = await tx
    .select({
      id: bulkRecipients.id,
      contactId: contacts.id,
      name: contacts.name,
      phone: contacts.phone,
      email: contacts.email,
      customFields: contacts.customFields,
      blocked: sql<boolean>`${contacts.blockedAt} is not null`,
      optedOut: sql<boolean>`${contacts.bulkOptedOutAt} is not null`,
      identity: sql<string | null>`(select i.external_id from contact_identities i where i.contact_id = ${contacts.id} and i.channel_id = ${send.channelId} limit 1)`,
      open: sql<{ id: number; channelId: number } | null>`(select json_build_object('id', v.id, 'channelId', v.channel_id) from conversations v where v.contact_id = ${contacts.id} and v.status = 'open')`,
    })
    .from(bulkRecipients)
    .innerJoin(contacts, eq(contacts.id, bulkRecipients.contactId))
    .where(and(eq(bulkRecipients.bulkSendId, send.id), eq(bulkRecipients.state, "queued")))
    .orderBy(bulkRecipients.id)
    .limit(limit + 1)
    .for("update", { of: bulkRecipients, skipLocked: true });
  const batch = rows.slice(0, limit);
  const skips = new Map<BulkSkipReason, number[]>();
  const eventIds: number[] = [];
  let sent = 0;
  for (const r of batch) {
    const number = r.identity ? `+${r.identity}` : r.phone ? e164(r.phone) : null;
    const reason: BulkSkipReason | null = r.blocked ? "blocked" : r.optedOut ? "opted_out" : !number ? "invalid_number" : r.open && send.skipOpen ? "open_conversation" : null;
    if (reason) {
      skips.set(reason, [...(skips.get(reason) ?? []), r.id]);
      continue;
    }
    if (!r.identity) {
      await tx.insert(contactIdentities).values({ orgId: send.orgId, contactId: r.contactId, channelId: send.channelId, externalId: number!.slice(1), createdAt: now }).onConflictDoNothing();
    }
    const { body, values } = renderTemplate(send.template.body, send.parameters, r);
    // Into the contact's open conversation on this channel, where agents see it; else a closed
    // conversation of type bulk, which the customer's reply opens (see replies.ts).
    const into = r.open && r.open.channelId === send.channelId ? r.open.id : null;
    let conversationId = into;
    if (conversationId === null) {
      const [made] = await tx
        .insert(conversations)
        .values({ orgId: send.orgId, contactId: r.contactId, channelId: send.channelId, status: "closed", type: "bulk", startedBy: "automation", createdAt: now, lastMessageAt: now, lastMessagePreview: preview(body), closedAt: now })
        .returning({ id: conversations.id });
      conversationId = made.id;
    }
    const [message] = await tx
      .insert(messages)
      .values({
        orgId: send.orgId,
        conversationId,
        channelId: send.channelId,
        direction: "out",
        kind: "template",
        body,
        metadata: { template: { name: send.template.name, language: send.template.language, parameters: values }, bulk: { id: send.id, name: send.name } },
        delivery: "pending",
        createdAt: now,
      })
      .returning({ id: messages.id });
    await tx.insert(outbox).values({ orgId: send.orgId, messageId: message.id, nextAttemptAt: now, createdAt: now });
    await tx.update(bulkRecipients).set({ state: "sent", messageId: message.id, conversationId, sentAt: now }).where(eq(bulkRecipients.id, r.id));
    if (into !== null) {
      await tx.update(conversations).set({ lastMessageAt: now, lastMessagePreview: preview(body) }).where(eq(conversations.id, into));
      eventIds.push(await recordEvent(tx, { orgId: send.orgId, type: "message_created", conversationId: into, data: { messageId: message.id, direction: "out", by: "bulk", bulkSendId: send.id }, createdAt: now }));
    }
    sent++;
  }
  let skipped = 0;
  for (const [reason, ids] of skips) {
    await tx.update(bulkRecipients).set({ state: "skipped", skipReason: reason }).where(inArray(bulkRecipients.id, ids));
    skipped += ids.length;
  }
  const finished = rows.length <= limit;
  if (finished) {
    await tx.update(bulkSends).set({ status: "done", finishedAt: now }).where(and(eq(bulkSends.id, send.id), isNull(bulkSends.finishedAt)));
    eventIds.push(await recordEvent(tx, { orgId: send.orgId, type: "bulk_changed", data: { bulkSendId: send.id, status: "done" }, createdAt: now }));
  }
  return { sent, skipped, finished, eventIds };
}
