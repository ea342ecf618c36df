// The customer side of a conversation: an inbound message appended to the contact's open
// conversation (most often one statement, many messages at once for webhooks), or its contact and
// conversation opened first.
import { and, eq, sql } from "drizzle-orm";
import { fixedStatement, inOrder, type DbOrTx, type Tx } from "@db/client";
import { contactIdentities, contacts, conversations, messages, type MessageKind } from "@db/schema";
import { recordEvent } from "../realtime/events";
import { preview, type Change } from "./changes";
import { openConversationFor } from "./opening";
import { openBulkConversation } from "../bulk/replies";
import { answerAfterClose } from "../bot/polls";
import { botFor, startBotSession } from "../bot/sessions";

export interface Inbound {
  orgId: number;
  channelId: number;
  externalId: string;
  contactName: string;
  phone?: string | null;
  kind?: MessageKind;
  body: string;
  providerMessageId: string | null;
  at: Date;
  metadata?: Record<string, unknown>;
  /** Until when free-form replies may follow this message (channels with reply windows). */
  replyWindowEndsAt?: Date | null;
  /** The provider id of the message this one answers, when the customer replied to one. */
  replyToProviderId?: string | null;
}

/** A customer's first message about to open a conversation, for a contact with no owner. */
export interface Opening {
  orgId: number;
  channelId: number;
  contactId: number;
  text: string;
  at: Date;
}

/**
 * A conversation atOpening opened (src/routing/at-opening.ts), with its creation's event: assigned
 * to an agent, when `finish` is given, which writes the rest once the message is stored and returns
 * the events it wrote.
 */
export interface OpenedAt {
  conversationId: number;
  createdEventId: number;
  finish: ((tx: Tx, appended: { messageEventId: number | null }) => Promise<number[]>) | null;
}

/** Opens a customer's first conversation, routed as it opens; null leaves the opening to ingestInbound. */
export type AtOpening = (tx: Tx, opening: Opening) => Promise<OpenedAt | null>;

/**
 * An inbound message: the contact (new contacts arrive unassigned), its open conversation (a new
 * one goes to the contact's owner, if any), and the message. The same provider message id twice is
 * stored once. Most messages come from a contact whose conversation is open: that is one statement
 * (appendInbound); only a first message, or the first after a closing, opens a transaction, where
 * `atOpening` may open a conversation for a contact with no owner, routed as it opens.
 */
export async function ingestInbound(db: DbOrTx, input: Inbound, atOpening?: AtOpening): Promise<Change & { duplicate: boolean; messageId: number | null }> {
  const appended = await appendInbound(db, input);
  if (appended) return appended;
  if (input.providerMessageId) {
    // Seen before, its conversation closed since (a provider's late redelivery): nothing to open.
    const [seen] = await db
      .select({ conversationId: messages.conversationId })
      .from(messages)
      .where(and(eq(messages.channelId, input.channelId), eq(messages.providerMessageId, input.providerMessageId)));
    if (seen) return { conversationId: seen.conversationId, eventIds: [], duplicate: true, messageId: null };
  }
  return db.transaction(async (tx) => {
    const contact = await contactFor(tx, input);
    if (contact.blocked) {
      const spam = await openSpamConversation(tx, input, contact.id);
      const change = await appendInbound(tx, input);
      if (!change) throw new Error(`spam conversation ${spam} not found for a message of its contact`);
      return change;
    }
    // An answer to a closed conversation's survey or poll is stored there and opens nothing.
    const answered = await answerAfterClose(tx, input, contact.id);
    if (answered) return answered;
    // An answer to a bulk message opens the bulk conversation that carried it (src/bulk/replies.ts).
    const bulk = await openBulkConversation(tx, { contactId: contact.id, channelId: input.channelId, ownerId: contact.ownerId, at: input.at });
    // With the channel's bot on, the bot has a new conversation first: in no queue, assigned to nobody.
    const bot = bulk ? null : await botFor(tx, input.channelId);
    // A contact with no owner: its conversation may open assigned, routed as it opens.
    const routed =
      atOpening && !bulk && !bot && contact.ownerId === null
        ? await atOpening(tx, { orgId: input.orgId, channelId: input.channelId, contactId: contact.id, text: input.body, at: input.at })
        : null;
    let conversationId: number;
    const eventIds: number[] = [];
    if (routed) {
      conversationId = routed.conversationId;
      eventIds.push(routed.createdEventId);
    } else {
      const opened = bulk
        ? { ...bulk, created: true }
        : await openConversationFor(tx, {
            orgId: input.orgId,
            contactId: contact.id,
            channelId: input.channelId,
            startedBy: "contact",
            ...(bot ? { type: "bot" as const, assigneeId: null } : { assigneeId: contact.ownerId, toChannelQueue: true }),
            at: input.at,
          });
      conversationId = opened.id;
      if (opened.created) {
        if (bot) await startBotSession(tx, { id: opened.id, orgId: input.orgId }, bot, input.at);
        const data = { startedBy: "contact", ...(opened.workgroupId ? { workgroupId: opened.workgroupId } : {}), ...(bulk ? { type: "bulk", bulkSendId: bulk.bulkSendId } : {}), ...(bot ? { type: "bot" } : {}) };
        eventIds.push(await recordEvent(tx, { orgId: input.orgId, type: "conversation_created", conversationId: opened.id, subjectUserId: opened.assigneeId, data, createdAt: input.at }));
      }
    }
    const change = await appendInbound(tx, input);
    // Closed by an agent between the two statements: the delivery is retried and opens a new one.
    if (!change) throw new Error(`conversation ${conversationId} closed while a message for it arrived`);
    const more = routed?.finish ? await routed.finish(tx, { messageEventId: change.eventIds[0] ?? null }) : [];
    return { ...change, eventIds: [...eventIds, ...change.eventIds, ...more] };
  });
}

/** An inbound message appended: its conversation, and whether it was stored or seen before. */
export type Appended = Change & { duplicate: boolean; messageId: number | null };

const appendStatement = fixedStatement<AppendedRow>(() => sql`with ${APPEND_STEPS} select ${APPENDED} from input`);

/** Appends to the identity's open conversation; null when it has none (nothing is written then). */
export async function appendInbound(db: DbOrTx, input: Inbound): Promise<Appended | null> {
  const [appended] = await appendInbounds(db, [input]);
  return appended;
}

/** appendInbound for several messages in one statement, in the order given: each one's outcome. */
export async function appendInbounds(db: DbOrTx, inputs: Inbound[]): Promise<(Appended | null)[]> {
  const rows = await appendStatement(db, appendRows(inputs));
  return inOrder(inputs.length, rows).map(appendedFrom);
}

/**
 * appendInbounds for webhooks: each delivery (`deliveryId`, in the same order) whose message found
 * its conversation is marked processed in the same statement, one commit for all of them.
 */
export async function appendInboundDeliveries(db: DbOrTx, items: { deliveryId: number; input: Inbound }[], processedAt: Date): Promise<(Appended | null)[]> {
  const rows = await appendDeliveriesStatement(db, {
    ...appendRows(items.map((i) => i.input)),
    deliveries: JSON.stringify(items.map((i) => i.deliveryId)),
    processedAt: processedAt.toISOString(),
  });
  return inOrder(items.length, rows).map(appendedFrom);
}

/** APPEND_STEPS, and each delivery (`deliveries`, a JSON array of ids in the same order) whose message found its conversation marked processed. */
const appendDeliveriesStatement = fixedStatement<AppendedRow>(
  () => sql`with ${APPEND_STEPS},
    processed as (
      update webhook_deliveries w set processed_at = ${sql.placeholder("processedAt")}::timestamptz, attempts = w.attempts + 1, last_error = null
      from json_array_elements_text(${sql.placeholder("deliveries")}::json) with ordinality as d(id, k)
      join conv c on c.n = d.k - 1
      where w.id = d.id::bigint
    )
    select ${APPENDED} from input`,
);

/**
 * The append as the steps of one WITH statement, for any number of messages at once (webhooks are
 * applied in batches, their deliveries marked processed in the same statement: appendInboundDeliveries).
 * Its one value is `rows`, from appendRows. The steps:
 * - `input`: the messages, numbered `n` from 0 in the order given;
 * - `found`, `locked`, `conv`: each message's open conversation (`n`, `id`, `type`; no row when its
 *   identity has none) or, for a blocked contact without one, its latest spam conversation on the
 *   channel (closed: the message is stored and marked `spam` on its event, and nothing waits for an
 *   answer), looked up message by message (the planner, which takes a JSON argument for
 *   a hundred rows, would otherwise scan the identities of a small organization whole), then locked
 *   in id order, so that two statements wait for each other rather than deadlock, and still open;
 * - `fresh`: the messages that get a row, each provider id once per statement, with ids taken in
 *   order (an answer to one earlier in the same statement finds it there);
 * - `msg`: the messages stored (no row for a provider id seen before);
 * - `touched`: each conversation's activity, preview (its newest message's: one delivered late,
 *   older than the last one here, leaves it), waiting and reply-window columns, once per conversation
 *   (standby messages, which another app answers, start no wait);
 * - `ev`: a message_created event per stored message.
 * `select ${APPENDED} from input` reads them, one row per message, in input order.
 */
const APPEND_STEPS = sql`input as (
    select * from json_to_recordset(${sql.placeholder("rows")}::json) as t(
      n int, org_id bigint, channel_id bigint, external_id text, kind text, body text, provider_message_id text,
      reply_to_provider_id text, metadata jsonb, at timestamptz, preview text, reply_window_ends_at timestamptz)
  ),
  found as (
    select t.n, f.id from input t
    cross join lateral (
      (select v.id from contact_identities i
      join conversations v on v.contact_id = i.contact_id and v.status = 'open' and v.type <> 'comment'
      where i.channel_id = t.channel_id and i.external_id = t.external_id)
      union all
      (select s.id from contact_identities i
      join contacts k on k.id = i.contact_id and k.blocked_at is not null
      cross join lateral (
        select s.id from conversations s
        where s.contact_id = i.contact_id and s.channel_id = i.channel_id and s.type = 'spam'
        order by s.created_at desc limit 1
      ) s
      where i.channel_id = t.channel_id and i.external_id = t.external_id)
      limit 1
    ) f
  ),
  locked as (
    select v.id, v.type from conversations v
    where v.id = any(array(select id from found)) and (v.status = 'open' or v.type = 'spam')
    order by v.id
    for update
  ),
  conv as (
    select f.n, f.id, l.type from found f join locked l on l.id = f.id
  ),
  fresh as (
    select f.*, nextval('messages_id_seq') as id from (
      select distinct on (t.channel_id, coalesce(t.provider_message_id, '#' || t.n)) t.*, c.id as conversation_id
      from input t join conv c on c.n = t.n
      order by t.channel_id, coalesce(t.provider_message_id, '#' || t.n), t.n
    ) f
    order by f.n
  ),
  msg as (
    insert into messages (id, org_id, conversation_id, channel_id, direction, kind, body, provider_message_id, reply_to_id, metadata, created_at)
    select f.id, f.org_id, f.conversation_id, f.channel_id, 'in', f.kind, f.body, f.provider_message_id,
      coalesce(
        (select r.id from messages r where r.channel_id = f.channel_id and r.provider_message_id = f.reply_to_provider_id),
        (select e.id from fresh e where e.channel_id = f.channel_id and e.provider_message_id = f.reply_to_provider_id and e.n < f.n)),
      f.metadata, f.at
    from fresh f
    order by f.n
    on conflict (channel_id, provider_message_id) do nothing
    returning id, conversation_id
  ),
  touched as (
    update conversations v set
      last_message_at = greatest(v.last_message_at, a.last_at),
      -- A message the provider delivered late (older than the customer's last one here) does not take
      -- the preview. (An agent's reply newer than it is not looked at: its time is not kept apart.)
      last_message_preview = case when a.last_at >= coalesce(v.last_inbound_at, '-infinity') then a.preview else v.last_message_preview end,
      last_inbound_at = greatest(v.last_inbound_at, a.last_at),
      waiting_since = case when v.type = 'spam' then null when a.standby_only then v.waiting_since else coalesce(v.waiting_since, a.first_at) end,
      reply_window_ends_at = greatest(v.reply_window_ends_at, a.window_ends_at)
    from (
      select m.conversation_id, max(f.at) as last_at, min(f.at) as first_at, max(f.reply_window_ends_at) as window_ends_at,
        -- Messages another app holds the thread for (Messenger standby) are kept, but nobody here is waited on.
        bool_and(coalesce(f.metadata->>'standby', '') = 'true') as standby_only,
        (array_agg(f.preview order by f.at desc, f.n desc))[1] as preview
      from msg m join fresh f on f.id = m.id
      group by m.conversation_id
    ) a
    where v.id = a.conversation_id
    returning v.id
  ),
  ev as (
    insert into events (org_id, type, conversation_id, data, created_at)
    select f.org_id, 'message_created', m.conversation_id,
      jsonb_build_object('messageId', m.id, 'direction', 'in') || case when c.type = 'spam' then '{"spam": true}'::jsonb else '{}'::jsonb end, f.at
    from msg m join fresh f on f.id = m.id join conv c on c.n = f.n
    order by f.n
    returning id, (data->>'messageId')::bigint as message_id
  )`;

/** APPEND_STEPS's one value, `rows`: these messages as JSON, numbered in order. */
function appendRows(inputs: Inbound[]) {
  return {
    rows: JSON.stringify(
      inputs.map((input, n) => ({
        n,
        org_id: input.orgId,
        channel_id: input.channelId,
        external_id: input.externalId,
        kind: input.kind ?? "text",
        body: input.body,
        provider_message_id: input.providerMessageId,
        reply_to_provider_id: input.replyToProviderId ?? null,
        metadata: input.metadata ?? {},
        at: input.at.toISOString(),
        preview: preview(input.body),
        reply_window_ends_at: input.replyWindowEndsAt?.toISOString() ?? null,
      })),
    ),
  };
}

/**
 * What APPEND_STEPS produced for the message `input.n`, as the columns of a row read from `input`
 * (ids as float8: bigint would arrive as text).
 */
const APPENDED = sql`input.n,
  (select c.id::float8 from conv c where c.n = input.n) as conversation_id,
  (select m.id::float8 from fresh f join msg m on m.id = f.id where f.n = input.n) as message_id,
  (select e.id::float8 from fresh f join ev e on e.message_id = f.id where f.n = input.n) as event_id`;
interface AppendedRow {
  n: number;
  conversation_id: number | null;
  message_id: number | null;
  event_id: number | null;
}

function appendedFrom(row: AppendedRow | undefined): Appended | null {
  if (!row || row.conversation_id === null) return null;
  const conversationId = Number(row.conversation_id);
  if (row.message_id === null) return { conversationId, eventIds: [], duplicate: true, messageId: null };
  return { conversationId, eventIds: [Number(row.event_id)], duplicate: false, messageId: Number(row.message_id) };
}

/**
 * Where a blocked contact's messages go when it has no spam conversation on the channel yet: a new
 * one, closed and unassigned, that no event announces (nothing routes, counts or notifies it; the
 * message's own event, marked spam, draws it for whoever has the Spam filter on).
 */
export async function openSpamConversation(tx: Tx, input: Inbound, contactId: number): Promise<number> {
  const [row] = await tx
    .insert(conversations)
    .values({ orgId: input.orgId, contactId, channelId: input.channelId, status: "closed", type: "spam", startedBy: "contact", createdAt: input.at, lastMessageAt: input.at, closedAt: input.at })
    .returning({ id: conversations.id });
  return row.id;
}

/** The contact behind a channel identity, created (unassigned) on first contact: one statement. */
export async function contactFor(tx: Tx, input: Pick<Inbound, "orgId" | "channelId" | "externalId" | "contactName" | "phone" | "at">): Promise<{ id: number; ownerId: string | null; blocked: boolean }> {
  const [row] = await contactStatement(tx, {
    orgId: input.orgId,
    channelId: input.channelId,
    externalId: input.externalId,
    name: input.contactName || input.externalId,
    phone: input.phone ?? null,
    at: input.at.toISOString(),
  });
  let found: { id: number; ownerId: string | null; blocked: boolean };
  if (row.id !== null) found = { id: Number(row.id), ownerId: row.owner_id, blocked: row.blocked };
  else {
    // Another transaction registered this identity first: use its contact, drop ours.
    await tx.delete(contacts).where(eq(contacts.id, Number(row.made_id)));
    [found] = await tx
      .select({ id: contacts.id, ownerId: contacts.ownerId, blocked: sql<boolean>`${contacts.blockedAt} is not null` })
      .from(contactIdentities)
      .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
      .where(and(eq(contactIdentities.channelId, input.channelId), eq(contactIdentities.externalId, input.externalId)));
    // The winner may have made it without a name (an echo): the statement names known contacts, this one too.
    if (input.contactName && input.contactName !== input.externalId) {
      await tx.update(contacts).set({ name: input.contactName }).where(and(eq(contacts.id, found.id), eq(contacts.name, input.externalId)));
    }
  }
  return found;
}

/** The known contact, or a new one with its identity; `id` null (and `made_id` to drop) when another transaction won the identity. */
const contactStatement = fixedStatement<{ id: number | null; owner_id: string | null; blocked: boolean; made_id: number | null }>(() => {
  const value = (name: string) => sql.placeholder(name);
  return sql`with known as (
      select c.id, c.owner_id, c.blocked_at is not null as blocked from contact_identities i join contacts c on c.id = i.contact_id
      where i.channel_id = ${value("channelId")} and i.external_id = ${value("externalId")}
    ),
    -- A contact first made without a name (by an echo of a reply sent from another app, say) takes
    -- the customer's own name when it comes.
    named as (
      update contacts c set name = ${value("name")} from known
      where c.id = known.id and c.name = ${value("externalId")} and ${value("name")} <> ${value("externalId")}
    ),
    made as (
      insert into contacts (org_id, name, phone, created_at, updated_at)
      select ${value("orgId")}, ${value("name")}, ${value("phone")}, ${value("at")}::timestamptz, ${value("at")}::timestamptz
      where not exists (select from known)
      returning id, owner_id
    ),
    identity as (
      insert into contact_identities (org_id, contact_id, channel_id, external_id, created_at)
      select ${value("orgId")}, made.id, ${value("channelId")}, ${value("externalId")}, ${value("at")}::timestamptz from made
      on conflict (channel_id, external_id) do nothing
      returning contact_id
    )
    select coalesce((select id from known), (select contact_id from identity))::float8 as id,
      coalesce((select owner_id from known), (select owner_id from made)) as owner_id,
      coalesce((select blocked from known), false) as blocked,
      (select id from made)::float8 as made_id`;
});
