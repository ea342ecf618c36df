// A bulk send's figures and its recipients: each recipient's state is its own until it is sent, then
// its message's delivery (moved by the provider's status webhooks); a reply is an inbound message
// after the template in the recipient's conversation.
import { and, asc, eq, gt, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { bulkRecipients, bulkSends, contacts, messages } from "@db/schema";

export type BulkSendRow = typeof bulkSends.$inferSelect;

export interface BulkCounts {
  total: number;
  queued: number;
  /** Handed to the outbox, not yet taken by the provider. */
  sending: number;
  /** Taken by the provider (delivered and read ones included). */
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  cancelled: number;
  replied: number;
}

const replied = sql`exists (select 1 from messages i where i.conversation_id = ${bulkRecipients.conversationId} and i.direction = 'in' and i.id > ${bulkRecipients.messageId})`;

export async function bulkCounts(db: DbOrTx, bulkSendId: number): Promise<BulkCounts> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      queued: sql<number>`(count(*) filter (where ${bulkRecipients.state} = 'queued'))::int`,
      sending: sql<number>`(count(*) filter (where ${messages.delivery} = 'pending'))::int`,
      sent: sql<number>`(count(*) filter (where ${messages.delivery} in ('sent', 'delivered', 'read')))::int`,
      delivered: sql<number>`(count(*) filter (where ${messages.delivery} in ('delivered', 'read')))::int`,
      read: sql<number>`(count(*) filter (where ${messages.delivery} = 'read'))::int`,
      failed: sql<number>`(count(*) filter (where ${messages.delivery} = 'failed'))::int`,
      skipped: sql<number>`(count(*) filter (where ${bulkRecipients.state} = 'skipped'))::int`,
      cancelled: sql<number>`(count(*) filter (where ${bulkRecipients.state} = 'cancelled'))::int`,
      replied: sql<number>`(count(*) filter (where ${bulkRecipients.messageId} is not null and ${replied}))::int`,
    })
    .from(bulkRecipients)
    .leftJoin(messages, eq(messages.id, bulkRecipients.messageId))
    .where(eq(bulkRecipients.bulkSendId, bulkSendId));
  return row;
}

/** What the recipients table can be narrowed to. */
export const recipientFilters = ["all", "queued", "sending", "sent", "delivered", "read", "failed", "skipped", "cancelled", "replied"] as const;
export type RecipientFilter = (typeof recipientFilters)[number];

function filterCondition(filter: RecipientFilter): SQL | undefined {
  switch (filter) {
    case "all":
      return undefined;
    case "queued":
    case "skipped":
    case "cancelled":
      return eq(bulkRecipients.state, filter);
    case "sending":
      return sql`${messages.delivery} = 'pending'`;
    case "sent":
      return sql`${messages.delivery} = 'sent'`;
    case "delivered":
    case "read":
    case "failed":
      return sql`${messages.delivery} = ${filter}`;
    case "replied":
      return and(sql`${bulkRecipients.messageId} is not null`, replied);
  }
}

export interface RecipientRow {
  id: number;
  contactId: number;
  name: string;
  phone: string | null;
  state: string;
  skipReason: string | null;
  delivery: string | null;
  errorCode: string | null;
  errorText: string | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  conversationId: number | null;
  replied: boolean;
}

const recipientColumns = {
  id: bulkRecipients.id,
  contactId: contacts.id,
  name: contacts.name,
  phone: contacts.phone,
  state: bulkRecipients.state,
  skipReason: bulkRecipients.skipReason,
  delivery: messages.delivery,
  errorCode: messages.errorCode,
  errorText: messages.errorText,
  sentAt: messages.sentAt,
  deliveredAt: messages.deliveredAt,
  readAt: messages.readAt,
  conversationId: bulkRecipients.conversationId,
  replied: sql<boolean>`(${bulkRecipients.messageId} is not null and ${replied})`,
};

/** A page of recipients in send order, after the id `after`. */
export async function recipientPage(db: DbOrTx, bulkSendId: number, filter: RecipientFilter, after: number, size = 100): Promise<{ rows: RecipientRow[]; next: number | null }> {
  const rows = await db
    .select(recipientColumns)
    .from(bulkRecipients)
    .innerJoin(contacts, eq(contacts.id, bulkRecipients.contactId))
    .leftJoin(messages, eq(messages.id, bulkRecipients.messageId))
    .where(and(eq(bulkRecipients.bulkSendId, bulkSendId), gt(bulkRecipients.id, after), filterCondition(filter)))
    .orderBy(asc(bulkRecipients.id))
    .limit(size + 1);
  return { rows: rows.slice(0, size), next: rows.length > size ? rows[size - 1].id : null };
}

/** Every recipient, a page at a time, for the CSV export. */
export async function* allRecipients(db: DbOrTx, bulkSendId: number, filter: RecipientFilter): AsyncGenerator<RecipientRow[]> {
  let after = 0;
  for (;;) {
    const page = await recipientPage(db, bulkSendId, filter, after, 1000);
    if (page.rows.length) yield page.rows;
    if (page.next === null) return;
    after = page.next;
  }
}

/** The bulk send a conversation was made for or continues (the thread header links it), if any. */
export async function bulkSendOfConversation(db: DbOrTx, orgId: number, conversationId: number): Promise<{ id: number; name: string } | null> {
  const [row] = await db
    .select({ id: bulkSends.id, name: bulkSends.name })
    .from(bulkRecipients)
    .innerJoin(bulkSends, eq(bulkSends.id, bulkRecipients.bulkSendId))
    .where(and(eq(bulkRecipients.conversationId, conversationId), eq(bulkRecipients.orgId, orgId)))
    .orderBy(sql`${bulkRecipients.id} desc`)
    .limit(1);
  return row ?? null;
}
