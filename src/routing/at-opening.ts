// Routing a new conversation as it opens, in the transaction that opens it: the customer's first
// message is committed with its conversation already assigned (inserted so, in the statement that
// picks the agent: no second write of it), with no second transaction, queue or worker behind it.
// Only what is sure at that moment is done here; anything else is left to the routing worker, which
// hears the conversation's creation after commit as before (src/routing/worker.ts):
// - the contact has no owner (a returning customer's owner, and the group's wait for them, are the
//   worker's), and the group routes by round-robin or least-busy;
// - the rules (as this process last read them, their fingerprint checked in the same statement)
//   leave the conversation to routing, or one rule clearly sends it to a group with its one action;
// - no conversation has been waiting in the group's queue (it goes behind them, for the worker to
//   drain in order);
// - an Online member with room is free to lock: the first in the group's order whose row no other
//   transaction holds (FOR UPDATE SKIP LOCKED). Concurrent first messages never wait for each
//   other's agents, so they never queue behind one another as a batch's locks of every candidate
//   would make them. The member's open conversations are counted again after the lock
//   (finishStatement), as routeBatch counts after its locks, and every routed assignment to them
//   holds that lock until its commit: routing never takes them over capacity. One found full is
//   passed over for a moment.
// The worker routes the rest as before: it hears the conversation's creation, in its channel's queue.
import { sql } from "drizzle-orm";
import { fixedStatement, rows, type Tx } from "@db/client";
import { workflowRuns, type ChannelKind, type RoutingMethod } from "@db/schema";
import type { OpenedAt, Opening } from "../inbox/customer-messages";
import { forgetRules, rulesKept, rulesPrint } from "../workflows/glance";
import { pruneAfter } from "../workflows/run-log";
import { depthOf, judgeOpening, ruleRun } from "../workflows/triggers";
import { assignedRecords, movedData, type RoutedBy } from "./assign";

/**
 * Each channel's kind, brand and workgroup as this process last read them: checked against the table
 * by the statement that locks a member. A channel without a group has nothing to check them: read
 * again after NO_GROUP_KEPT_MS, so one given a group is routed here from then on (the worker routes
 * its first conversations meanwhile).
 */
const channelFacts = new Map<number, Facts>();
const NO_GROUP_KEPT_MS = 100;

interface Facts {
  kind: ChannelKind;
  brandId: number | null;
  workgroupId: number | null;
  readAt: number;
}

/**
 * The events of conversations routed at their opening, which the routing worker hears after commit
 * and need not read: nothing in them is routing's to do (src/routing/worker.ts). Each is forgotten
 * once heard; a transaction rolled back leaves its ids unheard, so the oldest go past SETTLED_KEPT.
 */
class Settled {
  #ids = new Set<number>();
  add(ids: number[]) {
    for (const id of ids) this.#ids.add(id);
    if (this.#ids.size <= SETTLED_KEPT) return;
    for (const id of this.#ids) {
      this.#ids.delete(id);
      if (this.#ids.size <= SETTLED_KEPT / 2) break;
    }
  }
  /** Whether the event was settled here (and forgets it). */
  take(id: number): boolean {
    return this.#ids.delete(id);
  }
}

const SETTLED_KEPT = 10_000;

export const settledAtOpening = new Settled();

/**
 * Members found full lately, by group: offered nothing for a few seconds (their room is checked by
 * every offer anyway), so a full member first in a group's turn does not send each conversation to
 * the worker.
 */
const foundFull = new Map<number, Map<string, number>>();
const FULL_FOR_MS = 2_000;

function fullIn(groupId: number, now: number): string[] {
  const found = foundFull.get(groupId);
  if (!found) return [];
  for (const [userId, until] of found) if (until <= now) found.delete(userId);
  return [...found.keys()];
}

/**
 * Opens a customer's first conversation (no owner to wait for) in the statement that also picks
 * its agent: judged by the rules as this process keeps them, it is inserted assigned to the first
 * free member of its group, locked, or in its channel's queue when there is none (for the worker),
 * and its creation's event is written. Null when a glance cannot tell (rules to check in full, a
 * rule with more to do), or the channel has no group: the caller opens it as usual. `finish` writes
 * the assignment's line and events once the message is stored.
 */
export async function openAtOpening(tx: Tx, opening: Opening, clock: () => Date): Promise<OpenedAt | null> {
  const { orgId } = opening;
  const [{ print, rules }, facts] = await Promise.all([rulesKept(tx, orgId), factsOf(tx, opening.channelId)]);
  const queueId = facts.workgroupId;
  if (queueId === null) return null;
  const glimpse = (text: string | null) => ({ channelId: opening.channelId, contactId: opening.contactId, channelKind: facts.kind, brandId: facts.brandId, workgroupId: queueId, type: "chat" as const, text });
  // The events have no ids yet: a rule one fires gets its event's in `finish`.
  const judged = judgeOpening(rules, [
    { event: { id: 0, type: "conversation_created", data: { startedBy: "contact", workgroupId: queueId } }, glimpse: glimpse(null) },
    { event: { id: 0, type: "message_created", data: { direction: "in" } }, glimpse: glimpse(opening.text) },
  ]);
  // A rule with more to do than routing, or rules a glance cannot decide: the worker's, and the engine's.
  if (judged.by === "rules" || (judged.by === "rule" && judged.rule.actions.length !== 1)) return null;
  const groupId = judged.by === "rule" ? judged.action.workgroupId : queueId;
  const at = clock();
  const [row] = await openStatement(tx, {
    orgId,
    groupId,
    channelId: opening.channelId,
    contactId: opening.contactId,
    full: `{${fullIn(groupId, at.getTime()).map((id) => `"${id}"`).join(",")}}`,
    print,
    kind: facts.kind,
    brandId: facts.brandId,
    queueId,
    at: at.toISOString(),
    createdAt: opening.at.toISOString(),
  });
  if (!row) return null;
  // The rules or the channel changed since this process read them: the next conversation is judged on them read again.
  if (row.kind !== facts.kind || nullable(row.brand_id) !== facts.brandId || nullable(row.queue_id) !== queueId) channelFacts.delete(opening.channelId);
  if (row.print !== print) forgetRules(orgId);
  // One found full is offered nothing for a while.
  const passOver = (userId: string) => foundFull.set(groupId, (foundFull.get(groupId) ?? new Map()).set(userId, at.getTime() + FULL_FOR_MS));
  if (row.locked && row.user_id === null) passOver(row.locked);
  // Another transaction opened the contact's conversation first: the caller finds it.
  if (row.conversation_id === null) return null;
  const conversationId = Number(row.conversation_id);
  const createdEventId = Number(row.created_event_id);
  if (!row.routed) return { conversationId, createdEventId, finish: null };
  const member = { userId: row.user_id!, name: row.name!, capacity: Number(row.room_capacity), previousTurn: nullable(row.previous_turn) };
  const group = { id: groupId, name: row.group_name!, routing: row.routing! };
  return {
    conversationId,
    createdEventId,
    finish: async (tx, { messageEventId }) => {
      const fired = judged.by === "rule" ? { ...judged.event, id: judged.event.type === "message_created" ? messageEventId : createdEventId } : null;
      const by: RoutedBy = judged.by === "rule" ? { kind: "rule", ruleId: judged.rule.id, ruleName: judged.rule.name, depth: depthOf(fired!) + 1 } : { kind: "routing" };
      const moved = judged.by === "rule" && groupId !== queueId;
      const { line, data } = assignedRecords({ by, group, method: group.routing, from: null, assigneeName: member.name, rerouted: false });
      const [written] = await finishStatement(tx, {
        orgId,
        conversationId,
        channelId: opening.channelId,
        contactId: opening.contactId,
        userId: member.userId,
        capacity: member.capacity,
        queueId,
        previousTurn: member.previousTurn,
        at: at.toISOString(),
        line: JSON.stringify(line),
        moved: moved ? JSON.stringify(movedData(by, group, null)) : null,
        data: JSON.stringify(data),
      });
      // The member had no room after all (an agent's own take of a conversation, say, committed as
      // they were picked): the conversation waits in its channel's queue, for the worker.
      if (!written.done) {
        passOver(member.userId);
        return [];
      }
      // (A message stored before, a duplicate, has no event of its own to name the run by.)
      if (judged.by === "rule" && fired!.id !== null) {
        // The rule's run, as the engine would have made and finished it (the same key: the engine's pass
        // then finds it made), for its log.
        const { rule, matched } = judged;
        const [run] = await tx
          .insert(workflowRuns)
          .values({
            ...ruleRun(orgId, { rule, matched, event: { ...fired!, id: fired!.id, created_at: opening.at } }, { conversationId, contactId: opening.contactId }, at),
            nextAction: 1,
            results: [{ action: "assign_workgroup", outcome: "done", detail: "assigned" }],
            status: "done",
            finishedAt: at,
          })
          .returning({ id: workflowRuns.id });
        await pruneAfter(tx, [{ id: run.id, workflowId: rule.id }]);
      }
      const eventIds = [...(written.moved_id === null ? [] : [Number(written.moved_id)]), Number(written.assigned_id!)];
      settledAtOpening.add([createdEventId, ...(messageEventId === null ? [] : [messageEventId]), ...eventIds]);
      return eventIds;
    },
  };
}

const nullable = (n: number | null) => (n === null ? null : Number(n));

/** How long a conversation waits in a group's queue before new ones no longer go ahead of it. */
const QUEUED_FOR = sql.raw(`'2 seconds'`);

/** What openStatement returns. */
interface Opened {
  print: string;
  kind: ChannelKind;
  brand_id: number | null;
  queue_id: number | null;
  group_name: string | null;
  routing: RoutingMethod | null;
  /** The member locked first; `user_id` too when they have room, and the judgement still stands (`routed`). */
  locked: string | null;
  user_id: string | null;
  name: string | null;
  /** Their capacity (their own, or the group's), and their turn before this one. */
  room_capacity: number | null;
  previous_turn: number | null;
  routed: boolean;
  /** Null when another transaction opened the contact's conversation first. */
  conversation_id: number | null;
  created_event_id: number | null;
}

/**
 * The offer, the conversation and its creation's event, in one statement:
 * - `offer`: the channel, the group and the rules' fingerprint as they are now, with the group's
 *   first Online member in its order (least-busy by open conversations, those with room only; then,
 *   as round-robin, whoever's last assignment is oldest: as routeBatch chooses), locked, passing
 *   over members other transactions hold (none when the group routes by hand). A member whose turn
 *   moved since the statement began (routed or assigned by hand meanwhile) is passed over too, for
 *   the next in turn: Postgres rechecks a locked row as it is now against the turn the statement saw
 *   (in a subquery kept apart, which the recheck does not read again). Their room is counted here in
 *   the statement's snapshot, and again after the lock by finishStatement;
 * - `chosen`: whether the offer stands (a member with room, no conversation waiting in the group
 *   for more than a moment, the channel and rules as judged);
 * - `opened`: the conversation, assigned to them in the group, or in the channel's queue;
 * - `turn`: the member's turn, an id from the events' sequence taken as they are picked (not their
 *   assignment event's, written after the message): conversations opening at once take the turns in
 *   the order they picked them, as a batch would;
 * - `created`: its `conversation_created` event, which names the channel's queue either way (the
 *   assignment's own events follow in finishStatement).
 */
const openStatement = fixedStatement<Opened>(() => {
  const p = (name: string) => sql.placeholder(name);
  return sql`with offer as (
      select ${rulesPrint(p("orgId"))} as print, ch.kind, ch.brand_id, ch.workgroup_id as queue_id, g.name as group_name, g.routing,
        f.user_id as locked, r.user_id, r.name, coalesce(f.capacity, g.capacity) as room_capacity, f.last_assignment_id as previous_turn,
        -- Conversations waiting in the group go first: with any waiting for QUEUED_FOR, a new one waits
        -- behind them (the worker drains the queue in order). Ones queued just now are the worker's
        -- already, on their way to an agent: waiting behind those would send every first message
        -- after a busy moment through the worker too.
        exists (select 1 from conversations q where q.workgroup_id = g.id and q.status = 'open' and q.assignee_id is null
          and q.waiting_since < ${p("at")}::timestamptz - ${QUEUED_FOR}::interval) as queued
      from channels ch
      left join workgroups g on g.id = ${p("groupId")}::bigint and g.org_id = ${p("orgId")}::bigint
      left join lateral (
        select m.user_id, u.name, m.capacity, m.last_assignment_id
        from workgroup_members w
        join memberships m on m.org_id = g.org_id and m.user_id = w.user_id
        join users u on u.id = m.user_id
        -- The turn as the statement saw it (a subquery kept apart, which the recheck of a locked row does not read again).
        cross join lateral (select t.last_assignment_id as seen from memberships t where t.id = m.id offset 0) seen
        -- Least-busy counts every member's open conversations to order them; round-robin only its pick's, below.
        cross join lateral (select count(*)::int as active from conversations c where g.routing = 'least_busy' and c.org_id = g.org_id and c.assignee_id = m.user_id and c.status = 'open') a
        where w.workgroup_id = g.id and g.routing in ('round_robin', 'least_busy')
          and m.active and m.status = 'online' and a.active < coalesce(m.capacity, g.capacity)
          and m.user_id <> all(${p("full")}::text[])
          and m.last_assignment_id is not distinct from seen.seen
        order by case when g.routing = 'least_busy' then a.active end, coalesce(m.last_assignment_id, 0), m.id
        limit 1
        for update of m skip locked
      ) f on true
      left join lateral (
        select f.user_id, f.name from (select count(*)::int as active from conversations c where c.org_id = g.org_id and c.assignee_id = f.user_id and c.status = 'open') n
        where n.active < coalesce(f.capacity, g.capacity)
      ) r on true
      where ch.id = ${p("channelId")}::bigint and ch.org_id = ${p("orgId")}::bigint
    ),
    chosen as (
      select o.*, o.user_id is not null and not o.queued and o.print = ${p("print")}::text and o.kind = ${p("kind")}::text and o.brand_id is not distinct from ${p("brandId")}::bigint
        and o.queue_id is not distinct from ${p("queueId")}::bigint as routed
      from offer o
    ),
    opened as (
      insert into conversations (org_id, contact_id, channel_id, started_by, type, assignee_id, assigned_at, workgroup_id, created_at, last_message_at)
      select ${p("orgId")}::bigint, ${p("contactId")}::bigint, ${p("channelId")}::bigint, 'contact', 'chat',
        case when c.routed then c.user_id end, case when c.routed then ${p("at")}::timestamptz end,
        case when c.routed then ${p("groupId")}::bigint else c.queue_id end, ${p("createdAt")}::timestamptz,
        -- An assignment is activity, as routing's update of a waiting conversation makes it.
        case when c.routed then greatest(${p("at")}::timestamptz, ${p("createdAt")}::timestamptz) else ${p("createdAt")}::timestamptz end
      from chosen c
      on conflict (contact_id) where status = 'open' and type <> 'comment' do nothing
      returning id
    ),
    -- The member's turn is taken now, as they are picked: conversations opening at once share the turns in the order they were picked.
    turn as (
      update memberships set last_assignment_id = nextval('events_id_seq')
      where org_id = ${p("orgId")}::bigint and user_id = (select c.user_id from chosen c where c.routed) and exists (select 1 from opened)
    ),
    created as (
      insert into events (org_id, type, conversation_id, data, created_at)
      select ${p("orgId")}::bigint, 'conversation_created', o.id,
        jsonb_build_object('startedBy', 'contact') || case when c.queue_id is null then '{}'::jsonb else jsonb_build_object('workgroupId', c.queue_id) end,
        ${p("createdAt")}::timestamptz
      from opened o, chosen c
      returning id
    )
    select c.print, c.kind, c.brand_id::float8 as brand_id, c.queue_id::float8 as queue_id, c.group_name, c.routing, c.locked, c.user_id, c.name,
      c.room_capacity, c.previous_turn::float8 as previous_turn, c.routed,
      (select id::float8 from opened) as conversation_id, (select id::float8 from created) as created_event_id
    from chosen c`;
});

/**
 * The assignment's records, after the customer's message (their ids after its): the thread's line,
 * a rule's move to its group (when it names another), the assignment's event naming the line, and
 * the contact's owner. (The member's turn was taken as they were picked, in openStatement.)
 * First the member's room, counted in this statement's own snapshot, taken after their lock, as
 * routeBatch counts after its locks: whatever others committed meanwhile, by routing or by hand,
 * counts. With none, nothing is written, and the conversation goes back to its channel's queue and
 * the member's turn to what it was (`done` false).
 */
const finishStatement = fixedStatement<{ done: boolean; moved_id: number | null; assigned_id: number | null }>(() => {
  const p = (name: string) => sql.placeholder(name);
  return sql`with room as (
      -- This conversation among them: it was opened assigned to them.
      select 1 as ok where (select count(*) from conversations c where c.org_id = ${p("orgId")}::bigint and c.status = 'open' and c.assignee_id = ${p("userId")}::text) <= ${p("capacity")}::int
    ),
    line as (
      insert into messages (org_id, conversation_id, channel_id, direction, metadata, created_at)
      select ${p("orgId")}::bigint, ${p("conversationId")}::bigint, ${p("channelId")}::bigint, 'event', ${p("line")}::jsonb, ${p("at")}::timestamptz from room
      returning id
    ),
    moved as (
      insert into events (org_id, type, conversation_id, data, created_at)
      select ${p("orgId")}::bigint, 'assigned', ${p("conversationId")}::bigint, ${p("moved")}::jsonb, ${p("at")}::timestamptz from room
      where ${p("moved")}::jsonb is not null
      returning id
    ),
    assigned as (
      -- Read after the move (its id is the lower): a CTE is run to its end when first read.
      insert into events (org_id, type, conversation_id, subject_user_id, data, created_at)
      select ${p("orgId")}::bigint, 'assigned', ${p("conversationId")}::bigint, ${p("userId")}::text,
        ${p("data")}::jsonb || jsonb_build_object('messageId', l.id), ${p("at")}::timestamptz
      from line l, (select count(*) from moved) m
      returning id
    ),
    owner as (
      update contacts set owner_id = ${p("userId")}::text from room where id = ${p("contactId")}::bigint
    ),
    back as (
      update conversations set assignee_id = null, assigned_at = null, workgroup_id = ${p("queueId")}::bigint
      where id = ${p("conversationId")}::bigint and not exists (select 1 from room)
    ),
    turn as (
      update memberships set last_assignment_id = ${p("previousTurn")}::bigint
      where org_id = ${p("orgId")}::bigint and user_id = ${p("userId")}::text and not exists (select 1 from room)
    )
    select exists (select 1 from room) as done, (select id::float8 from moved) as moved_id, (select id::float8 from assigned) as assigned_id`;
});

async function factsOf(tx: Tx, channelId: number): Promise<Facts> {
  const kept = channelFacts.get(channelId);
  if (kept && (kept.workgroupId !== null || performance.now() - kept.readAt < NO_GROUP_KEPT_MS)) return kept;
  const [row] = await rows<{ kind: ChannelKind; brand_id: number | null; workgroup_id: number | null }>(tx, sql`select kind, brand_id::float8 as brand_id, workgroup_id::float8 as workgroup_id from channels where id = ${channelId}`);
  const facts = { kind: row.kind, brandId: nullable(row.brand_id), workgroupId: nullable(row.workgroup_id), readAt: performance.now() };
  channelFacts.set(channelId, facts);
  return facts;
}
