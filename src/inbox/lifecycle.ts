// A conversation's life: it starts (inbound message, agent, automation), agents join, it is
// assigned or forwarded, replied to, and closed. Each change writes its events in the same transaction.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { fixedStatement, type DbOrTx, type Tx } from "@db/client";
import {
  attachments,
  channels,
  closingMessages,
  contactIdentities,
  contacts,
  conversationParticipants,
  conversations,
  memberships,
  messages,
  outbox,
  workgroups,
  type ConversationType,
  type MessageKind,
} from "@db/schema";
import type { Actor } from "../context";
import { catalogs } from "../i18n/catalog";
import { recordEvent } from "../realtime/events";
import { canReactivate, capabilitiesOf } from "../channels/capabilities";
import { mayGoOut } from "../channels/windows";
import { visibility } from "./conversations";

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
      | "empty",
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
const preview = (body: string) => body.replace(/\s+/g, " ").trim().slice(0, PREVIEW_LENGTH);

/**
 * Finds the contact's open conversation or opens one. The partial unique index decides races:
 * two concurrent first messages from one contact create exactly one open conversation.
 */
async function openConversationFor(
  tx: Tx,
  input: { orgId: number; contactId: number; channelId: number; startedBy: "contact" | "agent" | "automation"; type?: ConversationType; assigneeId: string | null; at: Date; reactivatedFromId?: number },
): Promise<{ id: number; created: boolean; assigneeId: string | null }> {
  // Callers come here when none is open, as a rule: insert first (one round trip); the partial
  // unique index refuses a second open one, and then the one already open is used.
  const inserted = await tx
    .insert(conversations)
    .values({
      orgId: input.orgId,
      contactId: input.contactId,
      channelId: input.channelId,
      startedBy: input.startedBy,
      type: input.type ?? "chat",
      assigneeId: input.assigneeId,
      assignedAt: input.assigneeId ? input.at : null,
      createdAt: input.at,
      lastMessageAt: input.at,
      reactivatedFromId: input.reactivatedFromId,
    })
    .onConflictDoNothing({ target: conversations.contactId, where: sql`status = 'open'` })
    .returning({ id: conversations.id, assigneeId: conversations.assigneeId });
  if (inserted[0]) return { ...inserted[0], created: true };
  // One was open already, or another transaction opened it meanwhile: the index let only one in.
  const [existing] = await tx
    .select({ id: conversations.id, assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(and(eq(conversations.contactId, input.contactId), eq(conversations.status, "open")));
  return { ...existing, created: false };
}

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

/**
 * An inbound message: the contact (new contacts arrive unassigned), its open conversation (a new
 * one goes to the contact's owner, if any), and the message. The same provider message id twice is
 * stored once. Most messages come from a contact whose conversation is open: that is one statement
 * (appendInbound); only a first message, or the first after a closing, opens a transaction.
 */
export async function ingestInbound(db: DbOrTx, input: Inbound): Promise<Change & { duplicate: boolean; messageId: number | null }> {
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
    const opened = await openConversationFor(tx, {
      orgId: input.orgId,
      contactId: contact.id,
      channelId: input.channelId,
      startedBy: "contact",
      assigneeId: contact.ownerId,
      at: input.at,
    });
    const eventIds: number[] = [];
    if (opened.created) {
      eventIds.push(await recordEvent(tx, { orgId: input.orgId, type: "conversation_created", conversationId: opened.id, subjectUserId: opened.assigneeId, data: { startedBy: "contact" }, createdAt: input.at }));
    }
    const change = await appendInbound(tx, input);
    // Closed by an agent between the two statements: the delivery is retried and opens a new one.
    if (!change) throw new Error(`conversation ${opened.id} closed while a message for it arrived`);
    return { ...change, eventIds: [...eventIds, ...change.eventIds] };
  });
}

type Appended = Change & { duplicate: boolean; messageId: number | null };

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

/** Rows of a statement that reads APPENDED, one per input, put in input order. */
export function inOrder<Row extends { n: number }>(count: number, rows: Row[]): Row[] {
  const byN = new Map(rows.map((r) => [Number(r.n), r]));
  return Array.from({ length: count }, (_, n) => {
    const row = byN.get(n);
    if (!row) throw new Error(`no row for input ${n}`);
    return row;
  });
}

/**
 * The append as the steps of one WITH statement, for any number of messages at once (webhooks are
 * applied in batches, their deliveries marked processed in the same statement: src/channels/inbound.ts).
 * Its one value is `rows`, from appendRows. The steps:
 * - `input`: the messages, numbered `n` from 0 in the order given;
 * - `found`, `locked`, `conv`: each message's open conversation (`n`, `id`; no row when its
 *   identity has none), looked up message by message (the planner, which takes a JSON argument for
 *   a hundred rows, would otherwise scan the identities of a small organization whole), then locked
 *   in id order, so that two statements wait for each other rather than deadlock, and still open;
 * - `fresh`: the messages that get a row, each provider id once per statement, with ids taken in
 *   order (an answer to one earlier in the same statement finds it there);
 * - `msg`: the messages stored (no row for a provider id seen before);
 * - `touched`: each conversation's activity, waiting and reply-window columns, once per conversation;
 * - `ev`: a message_created event per stored message.
 * `select ${APPENDED} from input` reads them, one row per message, in input order.
 */
export const APPEND_STEPS = sql`input as (
    select * from json_to_recordset(${sql.placeholder("rows")}::json) as t(
      n int, org_id bigint, channel_id bigint, external_id text, kind text, body text, provider_message_id text,
      reply_to_provider_id text, metadata jsonb, at timestamptz, preview text, reply_window_ends_at timestamptz)
  ),
  found as (
    select t.n, f.id from input t
    cross join lateral (
      select v.id from contact_identities i
      join conversations v on v.contact_id = i.contact_id and v.status = 'open'
      where i.channel_id = t.channel_id and i.external_id = t.external_id
      limit 1
    ) f
  ),
  locked as (
    select v.id from conversations v
    where v.id = any(array(select id from found)) and v.status = 'open'
    order by v.id
    for update
  ),
  conv as (
    select f.n, f.id from found f join locked l on l.id = f.id
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
      last_message_preview = a.preview,
      last_inbound_at = greatest(v.last_inbound_at, a.last_at),
      waiting_since = coalesce(v.waiting_since, a.first_at),
      reply_window_ends_at = greatest(v.reply_window_ends_at, a.window_ends_at)
    from (
      select m.conversation_id, max(f.at) as last_at, min(f.at) as first_at, max(f.reply_window_ends_at) as window_ends_at,
        (array_agg(f.preview order by f.n desc))[1] as preview
      from msg m join fresh f on f.id = m.id
      group by m.conversation_id
    ) a
    where v.id = a.conversation_id
    returning v.id
  ),
  ev as (
    insert into events (org_id, type, conversation_id, data, created_at)
    select f.org_id, 'message_created', m.conversation_id, jsonb_build_object('messageId', m.id, 'direction', 'in'), f.at
    from msg m join fresh f on f.id = m.id
    order by f.n
    returning id, (data->>'messageId')::bigint as message_id
  )`;

/** APPEND_STEPS's one value, `rows`: these messages as JSON, numbered in order. */
export function appendRows(inputs: Inbound[]) {
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
export const APPENDED = sql`input.n,
  (select c.id::float8 from conv c where c.n = input.n) as conversation_id,
  (select m.id::float8 from fresh f join msg m on m.id = f.id where f.n = input.n) as message_id,
  (select e.id::float8 from fresh f join ev e on e.message_id = f.id where f.n = input.n) as event_id`;
export interface AppendedRow {
  n: number;
  conversation_id: number | null;
  message_id: number | null;
  event_id: number | null;
}

export function appendedFrom(row: AppendedRow | undefined): Appended | null {
  if (!row || row.conversation_id === null) return null;
  const conversationId = Number(row.conversation_id);
  if (row.message_id === null) return { conversationId, eventIds: [], duplicate: true, messageId: null };
  return { conversationId, eventIds: [Number(row.event_id)], duplicate: false, messageId: Number(row.message_id) };
}

/** The contact behind a channel identity, created (unassigned) on first contact: one statement. */
export async function contactFor(tx: Tx, input: Pick<Inbound, "orgId" | "channelId" | "externalId" | "contactName" | "phone" | "at">): Promise<{ id: number; ownerId: string | null }> {
  const [row] = await contactStatement(tx, {
    orgId: input.orgId,
    channelId: input.channelId,
    externalId: input.externalId,
    name: input.contactName || input.externalId,
    phone: input.phone ?? null,
    at: input.at.toISOString(),
  });
  if (row.id !== null) return { id: Number(row.id), ownerId: row.owner_id };
  // Another transaction registered this identity first: use its contact, drop ours.
  await tx.delete(contacts).where(eq(contacts.id, Number(row.made_id)));
  const [winner] = await tx
    .select({ id: contacts.id, ownerId: contacts.ownerId })
    .from(contactIdentities)
    .innerJoin(contacts, eq(contacts.id, contactIdentities.contactId))
    .where(and(eq(contactIdentities.channelId, input.channelId), eq(contactIdentities.externalId, input.externalId)));
  return winner;
}

/** The known contact, or a new one with its identity; `id` null (and `made_id` to drop) when another transaction won the identity. */
const contactStatement = fixedStatement<{ id: number | null; owner_id: string | null; made_id: number | null }>(() => {
  const value = (name: string) => sql.placeholder(name);
  return sql`with known as (
      select c.id, c.owner_id from contact_identities i join contacts c on c.id = i.contact_id
      where i.channel_id = ${value("channelId")} and i.external_id = ${value("externalId")}
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
      (select id from made)::float8 as made_id`;
});

async function lockConversation(tx: Tx, actor: Actor, conversationId: number) {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId)))
    .for("update");
  if (!row) throw new ConversationRuleBroken("not_found");
  return row;
}

async function isParticipant(tx: Tx, conversationId: number, userId: string) {
  const [row] = await tx
    .select({ userId: conversationParticipants.userId })
    .from(conversationParticipants)
    .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, userId)));
  return !!row;
}

/** Whether the actor has joined: the assignee, or a participant who joined someone else's session. */
export async function hasJoined(db: DbOrTx, actor: Actor, conversation: { id: number; assigneeId: string | null }) {
  if (conversation.assigneeId === actor.userId) return true;
  return db.transaction((tx) => isParticipant(tx, conversation.id, actor.userId));
}

/** An agent starts a conversation with a contact on a channel; it is theirs from the start. */
export async function startConversation(db: DbOrTx, actor: Actor, input: { contactId: number; channelId: number }, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const [contact] = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, input.contactId)));
    const [channel] = await tx.select({ id: channels.id }).from(channels).where(and(eq(channels.orgId, actor.orgId), eq(channels.id, input.channelId), eq(channels.active, true)));
    if (!contact || !channel) throw new ConversationRuleBroken("not_found");
    const opened = await openConversationFor(tx, { orgId: actor.orgId, contactId: contact.id, channelId: channel.id, startedBy: "agent", assigneeId: actor.userId, at: now });
    if (!opened.created) throw new ConversationRuleBroken("already_open", opened.id);
    await tx.update(contacts).set({ ownerId: actor.userId }).where(eq(contacts.id, contact.id));
    const eventIds = [
      await recordEvent(tx, { orgId: actor.orgId, type: "conversation_created", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { startedBy: "agent" }, createdAt: now }),
      await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { manual: false }, createdAt: now }),
    ];
    return { conversationId: opened.id, eventIds };
  });
}

/**
 * For automations (later features call this): open a conversation of a given type unless the
 * contact already has one open, in which case that one is returned.
 */
export async function startByAutomation(db: DbOrTx, orgId: number, input: { contactId: number; channelId: number; type: ConversationType }, now: Date): Promise<Change & { created: boolean }> {
  return db.transaction(async (tx) => {
    const [contact] = await tx.select({ id: contacts.id, ownerId: contacts.ownerId }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, input.contactId)));
    if (!contact) throw new ConversationRuleBroken("not_found");
    const opened = await openConversationFor(tx, { orgId, contactId: contact.id, channelId: input.channelId, startedBy: "automation", type: input.type, assigneeId: contact.ownerId, at: now });
    const eventIds = opened.created
      ? [await recordEvent(tx, { orgId, type: "conversation_created", conversationId: opened.id, subjectUserId: contact.ownerId, data: { startedBy: "automation", type: input.type }, createdAt: now })]
      : [];
    return { conversationId: opened.id, eventIds, created: opened.created };
  });
}

/** Joining an unassigned conversation takes it; joining someone else's adds the agent beside them. */
export async function joinConversation(db: DbOrTx, actor: Actor, conversationId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    // "Agents see only their own": a conversation they cannot see is not theirs to join.
    const visible = await visibility(tx, actor);
    if (visible && !(await tx.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, conv.id), visible))).length) throw new ConversationRuleBroken("not_found");
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    const eventIds: number[] = [];
    if (!conv.assigneeId) {
      await tx.update(conversations).set({ assigneeId: actor.userId, assignedAt: now }).where(eq(conversations.id, conv.id));
      await tx.update(contacts).set({ ownerId: actor.userId }).where(eq(contacts.id, conv.contactId));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, subjectUserId: actor.userId, data: { manual: false, via: "join" }, createdAt: now }));
    } else if (conv.assigneeId !== actor.userId) {
      await tx.insert(conversationParticipants).values({ conversationId: conv.id, userId: actor.userId, joinedAt: now }).onConflictDoNothing();
    }
    eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "joined", conversationId: conv.id, actorId: actor.userId, subjectUserId: actor.userId, createdAt: now }));
    return { conversationId: conv.id, eventIds };
  });
}

export type AssignTarget = { userId: string } | { workgroupId: number } | { unassign: true };

/**
 * Manual assignment to a user or a workgroup. When the current assignee hands the conversation to
 * another agent, that is a forward (the cockpit counts it for the one who forwarded).
 */
export async function assignConversation(db: DbOrTx, actor: Actor, conversationId: number, target: AssignTarget, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    const eventIds: number[] = [];
    if ("userId" in target) {
      const [member] = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, target.userId), eq(memberships.active, true)));
      if (!member) throw new ConversationRuleBroken("bad_target");
      if (conv.assigneeId === target.userId) return { conversationId: conv.id, eventIds };
      await tx.update(conversations).set({ assigneeId: target.userId, assignedAt: now, firstResponseAt: null }).where(eq(conversations.id, conv.id));
      await tx.update(contacts).set({ ownerId: target.userId }).where(eq(contacts.id, conv.contactId));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, subjectUserId: target.userId, data: { manual: true, from: conv.assigneeId }, createdAt: now }));
      if (conv.assigneeId === actor.userId && target.userId !== actor.userId) {
        eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "forwarded", conversationId: conv.id, actorId: actor.userId, subjectUserId: target.userId, createdAt: now }));
      }
    } else if ("workgroupId" in target) {
      const [group] = await tx.select({ id: workgroups.id }).from(workgroups).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, target.workgroupId)));
      if (!group) throw new ConversationRuleBroken("bad_target");
      await tx.update(conversations).set({ workgroupId: group.id }).where(eq(conversations.id, conv.id));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, data: { manual: true, workgroupId: group.id }, createdAt: now }));
    } else {
      await tx.update(conversations).set({ assigneeId: null, assignedAt: null, workgroupId: null }).where(eq(conversations.id, conv.id));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, data: { manual: true, from: conv.assigneeId, unassigned: true }, createdAt: now }));
    }
    return { conversationId: conv.id, eventIds };
  });
}

/** Queues an outbound message: visible at once as pending, sent by the outbox worker. */
/** What an agent sends: text, or files already uploaded (attachments not yet on a message) with a caption. */
export interface Outgoing {
  body: string;
  kind?: MessageKind;
  /** Uploaded attachments (rows without a message yet) that go out with this message. */
  attachmentIds?: number[];
  metadata?: Record<string, unknown>;
}

async function queueOutbound(tx: Tx, actor: Actor, conv: { id: number; channelId: number; contactId: number }, out: Outgoing, now: Date) {
  const [message] = await tx
    .insert(messages)
    .values({
      orgId: actor.orgId,
      conversationId: conv.id,
      channelId: conv.channelId,
      direction: "out",
      authorId: actor.userId,
      kind: out.kind ?? "text",
      body: out.body,
      metadata: out.metadata ?? {},
      delivery: "pending",
      createdAt: now,
    })
    .returning({ id: messages.id });
  if (out.attachmentIds?.length) {
    const linked = await tx
      .update(attachments)
      .set({ messageId: message.id, contactId: conv.contactId })
      .where(and(eq(attachments.orgId, actor.orgId), eq(attachments.uploadedBy, actor.userId), inArray(attachments.id, out.attachmentIds), isNull(attachments.messageId)))
      .returning({ id: attachments.id });
    if (linked.length !== out.attachmentIds.length) throw new ConversationRuleBroken("bad_target");
  }
  await tx.insert(outbox).values({ orgId: actor.orgId, messageId: message.id, nextAttemptAt: now, createdAt: now });
  return message.id;
}

/** An agent's reply. Only agents who joined may write; the assignee's first reply is the first response. */
export async function reply(db: DbOrTx, actor: Actor, conversationId: number, content: string | Outgoing, now: Date): Promise<Change & { messageId: number }> {
  const out: Outgoing = typeof content === "string" ? { body: content } : content;
  const text = out.body.trim();
  if (!text && !out.attachmentIds?.length) throw new ConversationRuleBroken("empty");
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    if (conv.assigneeId !== actor.userId && !(await isParticipant(tx, conv.id, actor.userId))) throw new ConversationRuleBroken("not_joined");
    const [channel] = await tx.select({ kind: channels.kind, config: channels.config }).from(channels).where(eq(channels.id, conv.channelId));
    const caps = capabilitiesOf(channel.kind, channel.config);
    if (text.length > caps.textMaxLength) throw new ConversationRuleBroken("too_long");
    // Outside the reply window only a template may go out (WhatsApp); Messenger/Instagram tag replies until 7 days.
    if (!mayGoOut(channel.kind, conv.lastInboundAt, out.kind ?? "text", now)) throw new ConversationRuleBroken("outside_window");
    const messageId = await queueOutbound(tx, actor, conv, { ...out, body: text }, now);
    const firstResponse = conv.assigneeId === actor.userId && !conv.firstResponseAt;
    await tx
      .update(conversations)
      .set({ lastMessageAt: now, lastMessagePreview: preview(text || `[${out.kind ?? "file"}]`), waitingSince: null, ...(firstResponse ? { firstResponseAt: now } : {}) })
      .where(eq(conversations.id, conv.id));
    const eventIds = [await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId, direction: "out" }, createdAt: now })];
    if (firstResponse) {
      eventIds.push(
        await recordEvent(tx, { orgId: actor.orgId, type: "first_response", conversationId: conv.id, actorId: actor.userId, subjectUserId: actor.userId, data: { ms: now.getTime() - (conv.assignedAt ?? conv.createdAt).getTime() }, createdAt: now }),
      );
    }
    return { conversationId: conv.id, eventIds, messageId };
  });
}

/**
 * A WhatsApp template (the only thing that may go out after the 24-hour window): one of the
 * channel's approved templates, with its {{n}} parameters filled in, sent through the outbox.
 */
export async function sendTemplate(db: DbOrTx, actor: Actor, conversationId: number, input: { name: string; language: string; parameters: string[] }, now: Date) {
  const [row] = await db
    .select({ config: channels.config })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId)));
  if (!row) throw new ConversationRuleBroken("not_found");
  const template = channelTemplates(row.config).find((t) => t.name === input.name && t.language === input.language);
  if (!template || input.parameters.length !== template.params) throw new ConversationRuleBroken("no_template");
  const body = template.body.replace(/\{\{(\d+)\}\}/g, (_, n) => input.parameters[Number(n) - 1] ?? "");
  return reply(db, actor, conversationId, { body, kind: "template", metadata: { template: { name: template.name, language: template.language, parameters: input.parameters } } }, now);
}

/** The approved templates a channel has (synchronized from the provider into its config). */
export function channelTemplates(config: Record<string, unknown>): { name: string; language: string; body: string; params: number }[] {
  const list = Array.isArray(config.templates) ? (config.templates as Record<string, unknown>[]) : [];
  return list
    .filter((t) => typeof t.name === "string" && typeof t.language === "string" && typeof t.body === "string")
    .map((t) => ({ name: String(t.name), language: String(t.language), body: String(t.body), params: Number(t.params) || 0 }));
}

/** A private note to colleagues inside the conversation; never sent to the contact. */
export async function addInternalNote(db: DbOrTx, actor: Actor, conversationId: number, body: string, now: Date): Promise<Change> {
  const text = body.trim();
  if (!text) throw new ConversationRuleBroken("empty");
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    const [message] = await tx
      .insert(messages)
      .values({ orgId: actor.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "note", authorId: actor.userId, body: text, createdAt: now })
      .returning({ id: messages.id });
    const eventIds = [await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: conv.id, actorId: actor.userId, data: { messageId: message.id, direction: "note" }, createdAt: now })];
    return { conversationId: conv.id, eventIds };
  });
}

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

/** A failed send goes back to the outbox as pending, from the first attempt. */
export async function retryMessage(db: DbOrTx, actor: Actor, conversationId: number, messageId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    await lockConversation(tx, actor, conversationId);
    const [message] = await tx
      .update(messages)
      .set({ delivery: "pending", errorCode: null, errorText: null })
      .where(and(eq(messages.orgId, actor.orgId), eq(messages.conversationId, conversationId), eq(messages.id, messageId), eq(messages.direction, "out"), eq(messages.delivery, "failed")))
      .returning({ id: messages.id });
    if (!message) throw new ConversationRuleBroken("not_failed");
    // A retry is a new send: outside the reply window only a template may go again.
    const [state] = await tx
      .select({ kind: channels.kind, lastInboundAt: conversations.lastInboundAt, messageKind: messages.kind })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(eq(messages.id, messageId));
    if (!mayGoOut(state.kind, state.lastInboundAt, state.messageKind, now)) throw new ConversationRuleBroken("outside_window");
    await tx
      .insert(outbox)
      .values({ orgId: actor.orgId, messageId, nextAttemptAt: now, createdAt: now })
      .onConflictDoUpdate({ target: outbox.messageId, set: { attempts: 0, nextAttemptAt: now, doneAt: null, lastError: null, lockedUntil: null } });
    const eventIds = [await recordEvent(tx, { orgId: actor.orgId, type: "delivery_changed", conversationId, actorId: actor.userId, data: { messageId, delivery: "pending", retry: true }, createdAt: now })];
    return { conversationId, eventIds };
  });
}

/**
 * Brings a closed conversation back from the archive as a new open one linked to it, assigned to
 * the agent, while the channel still allows it (WhatsApp 24 h, Messenger and Instagram 7 days
 * after the customer's last message). Counted as a reactivation for the agent today.
 */
export async function reactivateConversation(db: DbOrTx, actor: Actor, archivedId: number, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const archived = await lockConversation(tx, actor, archivedId);
    if (archived.status !== "closed") throw new ConversationRuleBroken("already_open", archived.id);
    const [channel] = await tx.select({ kind: channels.kind }).from(channels).where(eq(channels.id, archived.channelId));
    if (!canReactivate(channel.kind, archived.lastInboundAt, now)) throw new ConversationRuleBroken("window_passed");
    const opened = await openConversationFor(tx, {
      orgId: actor.orgId,
      contactId: archived.contactId,
      channelId: archived.channelId,
      startedBy: "agent",
      assigneeId: actor.userId,
      at: now,
      reactivatedFromId: archived.id,
    });
    if (!opened.created) throw new ConversationRuleBroken("already_open", opened.id);
    await tx
      .update(conversations)
      .set({ lastInboundAt: archived.lastInboundAt, lastMessagePreview: archived.lastMessagePreview, workgroupId: archived.workgroupId })
      .where(eq(conversations.id, opened.id));
    await tx.update(contacts).set({ ownerId: actor.userId }).where(eq(contacts.id, archived.contactId));
    const eventIds = [
      await recordEvent(tx, { orgId: actor.orgId, type: "conversation_created", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { startedBy: "agent", reactivatedFrom: archived.id }, createdAt: now }),
      await recordEvent(tx, { orgId: actor.orgId, type: "reactivated", conversationId: opened.id, actorId: actor.userId, subjectUserId: actor.userId, data: { from: archived.id }, createdAt: now }),
    ];
    return { conversationId: opened.id, eventIds };
  });
}
