// Routing's one transaction: who gets each of a list of conversations, decided in order as if each
// were routed alone, with about ten statements however many there are. Routing one at a time cost
// about a dozen round trips per conversation, and a busy inbox's first messages then queued behind
// routing; routed together (everything one process heard meanwhile, or a queue's drain) they
// share one lock of the candidates, one count of their load and one write of each kind.
import { asc, and, eq, inArray, sql } from "drizzle-orm";
import { rows, type Tx } from "@db/client";
import { contacts, conversations, memberships, messages, events, users, workgroups, type RoutingMethod } from "@db/schema";
import { writeRoutes } from "./writes";

/** Who made an automatic change: routing itself, or a workflow rule. */
export type RoutedBy = { kind: "routing" } | { kind: "rule"; ruleId: number | null; ruleName: string; depth?: number };

export interface RouteRequest {
  orgId: number;
  conversationId: number;
  /** Put the conversation in this group's queue first (a rule's "route to workgroup"). */
  workgroupId?: number;
  by: RoutedBy;
  /** Re-routing: this agent (the one who did not answer) is not picked again. */
  passOver?: string;
}

export type RouteOutcome =
  | { outcome: "assigned"; userId: string; eventIds: number[] }
  /** Waiting in the group's queue: nobody can take it now, or the group routes by hand. */
  | { outcome: "queued"; reason: "manual" | "no_agent" | "owner_wait"; workgroupId: number; workgroupName: string; eventIds: number[] }
  /**
   * Nothing to route: assigned already, or not in a group; `refused` when it cannot be (no such
   * conversation in the organization, closed, or the group it is to go to does not exist).
   */
  | { outcome: "unchanged"; eventIds: number[]; refused?: Refusal };

export type Refusal = "no_conversation" | "closed" | "no_workgroup";

/** What an automatic assignment's system line says, kept in the message's metadata. */
export type SystemLine = {
  system: "routed";
  assigneeName: string;
  workgroupName: string;
  method: RoutingMethod | "owner";
  ruleName?: string;
  rerouted?: boolean;
};

interface Candidate {
  user_id: string;
  name: string;
  /** The member's own capacity; the group's when null. */
  capacity: number | null;
  last_assignment_id: number | null;
  /** Which of the batch's groups the member belongs to. */
  groups: number[];
}

interface Pick {
  userId: string;
  name: string;
  member: boolean;
  active: number;
  capacity: number;
  turn: number;
}

type Group = typeof workgroups.$inferSelect;
type NewEvent = typeof events.$inferInsert;

/** A rule's move of a conversation to another group's queue: its event's data. */
export const movedData = (by: RoutedBy, group: { id: number; name: string }, from: string | null) => ({ ...byData(by), workgroupId: group.id, workgroupName: group.name, from, queued: true });

/** An assignment's thread line and event data (the line's id goes in the data as `messageId` once known). */
export function assignedRecords(a: { by: RoutedBy; group: { id: number; name: string }; method: RoutingMethod | "owner"; from: string | null; assigneeName: string; rerouted: boolean }): { line: SystemLine; data: Record<string, unknown> } {
  return {
    line: { system: "routed", assigneeName: a.assigneeName, workgroupName: a.group.name, method: a.method, ...(a.by.kind === "rule" ? { ruleName: a.by.ruleName } : {}), ...(a.rerouted ? { rerouted: true } : {}) },
    data: { ...byData(a.by), workgroupId: a.group.id, workgroupName: a.group.name, method: a.method, from: a.from, assigneeName: a.assigneeName, ...(a.rerouted ? { rerouted: true } : {}) },
  };
}

const byData = (by: RoutedBy) => (by.kind === "routing" ? { by: "routing" } : { by: "rule", ruleId: by.ruleId, ruleName: by.ruleName, ...(by.depth === undefined ? {} : { depth: by.depth }) });
const textArray = (values: Iterable<string>) => `{${[...values].map((v) => `"${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;
const idArray = (values: Iterable<number>) => `{${[...values].join(",")}}`;

/** A time, or the clock to read it from when the decision is taken (after waiting for the locks). */
export type Instant = Date | (() => Date);

export interface BatchOptions {
  /** A queue's drain: once one conversation must wait for want of an agent, the later ones are not tried. */
  untilFull?: boolean;
}

/**
 * Routes conversations of one organization, inside the caller's transaction, in the order given:
 * the sticky owner first when Online and under capacity, else (unless the group waits for the
 * owner) the group's method among its Online members under capacity; a group routed by hand leaves
 * it waiting. Each decision sees the ones before it. The conversations are locked (in id order),
 * then every candidate's membership row (in id order), so two processes routing to the same agents
 * take turns and never both count the same free place; the conversations are written last, as
 * that write also takes the organization's tab-count row (a trigger), held only until the commit.
 */
export async function routeBatch(tx: Tx, orgId: number, requests: Omit<RouteRequest, "orgId">[], at: Instant, options: BatchOptions = {}): Promise<RouteOutcome[]> {
  if (requests.length === 0) return [];
  const ids = [...new Set(requests.map((r) => r.conversationId))];
  // The conversations, locked, and the groups they or the requests name, read in one round trip
  // (pipelined: the lock is taken first).
  const named = [...new Set(requests.flatMap((r) => (r.workgroupId === undefined ? [] : [r.workgroupId])))];
  // Every candidate any request may need is locked in the same round trip: the members of the groups
  // named and of the conversations' own groups, and the contacts' owners (a few more rows than a
  // decision may need, for one round trip less before it).
  const [found, groupRows, lockedRows] = await Promise.all([
    tx
      .select({ id: conversations.id, channelId: conversations.channelId, status: conversations.status, assigneeId: conversations.assigneeId, workgroupId: conversations.workgroupId, contactId: conversations.contactId, createdAt: conversations.createdAt, firstResponseAt: conversations.firstResponseAt, waitingSince: conversations.waitingSince, ownerId: contacts.ownerId })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(conversations.orgId, orgId), inArray(conversations.id, ids)))
      .orderBy(asc(conversations.id))
      // Not "for update": that waits for every insert referencing the conversation (a message, a rule's
      // run) to commit, as their foreign keys hold a key-share lock on it; routing changes no key.
      .for("no key update", { of: conversations }),
    tx
      .select()
      .from(workgroups)
      .where(and(eq(workgroups.orgId, orgId), sql`(${workgroups.id} = any(${idArray(named)}::bigint[]) or ${workgroups.id} in (select c.workgroup_id from conversations c where c.id = any(${idArray(ids)}::bigint[])))`)),
    lockCandidates(tx, orgId, named, ids),
  ]);
  const state = new Map(found.map((c) => [c.id, { ...c }]));
  const locked: Candidate[] = lockedRows.map((c) => ({ ...c, groups: (c.groups ?? []).map(Number) }));
  const existing = new Set(groupRows.map((g) => g.id));
  const unchanged = (r: Omit<RouteRequest, "orgId">): RouteOutcome => {
    const conv = state.get(r.conversationId);
    const refused = !conv ? "no_conversation" : conv.status !== "open" ? "closed" : r.workgroupId !== undefined && !existing.has(r.workgroupId) ? "no_workgroup" : undefined;
    return { outcome: "unchanged", eventIds: [], ...(refused ? { refused } : {}) };
  };
  // What each request would route to as things stand: nothing to do for the rest.
  const target = (r: Omit<RouteRequest, "orgId">) => {
    const conv = state.get(r.conversationId);
    if (!conv || conv.status !== "open") return null;
    if (r.passOver && (conv.assigneeId !== r.passOver || conv.firstResponseAt)) return null;
    const moving = r.workgroupId !== undefined && r.workgroupId !== conv.workgroupId;
    if (!moving && conv.assigneeId && !r.passOver) return null;
    return moving ? r.workgroupId! : conv.workgroupId;
  };
  const groupIds = new Set(requests.map(target).filter((g): g is number => g !== null));
  if (groupIds.size === 0) return requests.map((r) => unchanged(r));
  const groups = new Map<number, Group>(groupRows.filter((g) => groupIds.has(g.id)).map((g) => [g.id, g]));
  if (groups.size === 0) return requests.map((r) => unchanged(r));
  // Each request writes at most one line and two events: their ids are taken with the counts, so
  // the writes below need nothing back and go out together.
  const { active, lineIds: freeLineIds, eventIds: freeEventIds } = await openCounts(tx, orgId, locked, requests.length, 2 * requests.length);
  // The decisions are taken now, under the locks: the time they bear (given, or read now).
  const now = typeof at === "function" ? at() : at;
  const turns = new Map(locked.map((c) => [c.user_id, c.last_assignment_id ?? 0]));
  let nextTurn = Number.MAX_SAFE_INTEGER / 2;

  const outcomes: RouteOutcome[] = [];
  const newEvents: NewEvent[] = [];
  /** Per new event: the request it answers, and whether it is the assignment (whose id is the agent's turn). */
  const eventOwners: { request: number; assignedTo: string | null; line: number | null }[] = [];
  const lines: (typeof messages.$inferInsert)[] = [];
  const convWrites = new Map<number, { assigneeId: string | null; assignedAt: string | null; workgroupId: number | null; waitingSince: string | null; clearFirstResponse: boolean }>();
  const ownerWrites = new Map<number, string>();
  let full = false;

  for (const [index, r] of requests.entries()) {
    const groupId = full ? null : target(r);
    const group = groupId === null ? undefined : groups.get(groupId);
    if (!group) {
      outcomes.push(unchanged(r));
      continue;
    }
    const conv = state.get(r.conversationId)!;
    const from = conv.assigneeId;
    const moving = r.workgroupId !== undefined && r.workgroupId !== conv.workgroupId;
    // The sticky owner gets a returning customer first; a conversation a rule moves to another group
    // goes back to them only if they are in it (else "iade → Returns" would return it to whoever had it).
    const ownerIn = (userId: string) => locked.some((c) => c.user_id === userId && c.groups.includes(group.id));
    const ownerId = conv.ownerId && conv.ownerId !== r.passOver && (!moving || ownerIn(conv.ownerId)) ? conv.ownerId : null;
    const outcome: RouteOutcome & { eventIds: number[] } = { outcome: "unchanged", eventIds: [] };
    const write = convWrites.get(conv.id) ?? { assigneeId: conv.assigneeId, assignedAt: null, workgroupId: conv.workgroupId, waitingSince: null, clearFirstResponse: false };
    if (moving) {
      newEvents.push({ orgId, type: "assigned", conversationId: conv.id, data: movedData(r.by, group, conv.assigneeId), createdAt: now });
      eventOwners.push({ request: index, assignedTo: null, line: null });
      // The conversation no longer weighs on the one it leaves.
      if (conv.assigneeId && active.has(conv.assigneeId)) active.set(conv.assigneeId, active.get(conv.assigneeId)! - 1);
      const waitingSince = conv.waitingSince ?? now;
      Object.assign(conv, { workgroupId: group.id, assigneeId: null, waitingSince });
      Object.assign(write, { workgroupId: group.id, assigneeId: null, assignedAt: null, waitingSince: waitingSince.toISOString() });
    }
    const candidates: Pick[] = locked
      .filter((c) => (c.groups.includes(group.id) || c.user_id === ownerId) && c.user_id !== r.passOver)
      .map((c) => ({ userId: c.user_id, name: c.name, member: c.groups.includes(group.id), active: active.get(c.user_id) ?? 0, capacity: c.capacity ?? group.capacity, turn: turns.get(c.user_id) ?? 0 }));
    const free = candidates.filter((c) => c.active < c.capacity);
    const owner = free.find((c) => c.userId === ownerId);
    let pick = owner;
    let queued: "manual" | "no_agent" | "owner_wait" | null = null;
    if (!pick) {
      const waitsForOwner = ownerId !== null && !r.passOver && group.routing !== "manual" && group.ownerWaitMinutes > 0 && now.getTime() < conv.createdAt.getTime() + group.ownerWaitMinutes * 60_000;
      if (waitsForOwner) queued = "owner_wait";
      else if (group.routing === "manual") queued = "manual";
      else {
        pick = choose(group.routing, free.filter((c) => c.member));
        if (!pick) queued = "no_agent";
      }
    }
    if (moving) convWrites.set(conv.id, write);
    if (!pick) {
      outcomes.push({ outcome: "queued", reason: queued!, workgroupId: group.id, workgroupName: group.name, eventIds: outcome.eventIds });
      if (options.untilFull && queued !== "owner_wait") full = true;
      continue;
    }
    active.set(pick.userId, pick.active + 1);
    turns.set(pick.userId, nextTurn++);
    const workgroupId = pick.member ? group.id : null;
    Object.assign(conv, { assigneeId: pick.userId, workgroupId, firstResponseAt: null, ownerId: pick.userId });
    convWrites.set(conv.id, { ...write, assigneeId: pick.userId, assignedAt: now.toISOString(), workgroupId, clearFirstResponse: true });
    ownerWrites.set(conv.contactId, pick.userId);
    const method = pick === owner ? "owner" : group.routing;
    const { line, data } = assignedRecords({ by: r.by, group, method, from, assigneeName: pick.name, rerouted: Boolean(r.passOver) });
    // The thread's system line ("Assigned to Okan by routing (Sales, round-robin)"), drawn in each reader's language.
    lines.push({ orgId, conversationId: conv.id, channelId: conv.channelId, direction: "event", metadata: line, createdAt: now });
    newEvents.push({ orgId, type: "assigned", conversationId: conv.id, subjectUserId: pick.userId, data, createdAt: now });
    eventOwners.push({ request: index, assignedTo: pick.userId, line: lines.length - 1 });
    outcomes.push({ outcome: "assigned", userId: pick.userId, eventIds: outcome.eventIds });
  }

  // The writes, in one statement: their ids were taken with the counts, so it needs nothing back.
  const lineIds = lines.map((_, k) => freeLineIds[k]);
  eventOwners.forEach((o, k) => {
    if (o.line !== null) newEvents[k].data = { ...newEvents[k].data, messageId: lineIds[o.line] };
  });
  const eventIds = newEvents.map((_, k) => freeEventIds[k]);
  const lastTurn = new Map<string, number>();
  eventIds.forEach((id, k) => {
    const { request, assignedTo } = eventOwners[k];
    outcomes[request].eventIds.push(id);
    if (assignedTo) lastTurn.set(assignedTo, id);
  });
  await writeRoutes(
    tx,
    orgId,
    {
      lines: lines.map((line, k) => ({ id: lineIds[k], conversation_id: line.conversationId, channel_id: line.channelId!, metadata: line.metadata as Record<string, unknown> })),
      events: newEvents.map((e, k) => ({ id: eventIds[k], conversation_id: e.conversationId!, subject_user_id: e.subjectUserId ?? null, data: e.data as Record<string, unknown> })),
      turns: [...lastTurn].map(([user_id, id]) => ({ user_id, id })),
      owners: [...ownerWrites].map(([id, owner_id]) => ({ id, owner_id })),
      conversations: [...convWrites].map(([id, w]) => ({ id, assignee_id: w.assigneeId, assigned_at: w.assignedAt, workgroup_id: w.workgroupId, waiting_since: w.waitingSince, clear: w.clearFirstResponse })),
    },
    now,
  );
  return outcomes;
}

/**
 * The Online, active members of the groups (and the contacts' owners), locked in id order, with the
 * groups of the batch each belongs to. Locking every Online member of a group serializes routing
 * within it, which is what keeps counts true; an agent in two groups is one row, so their capacity
 * holds across.
 */
function lockCandidates(tx: Tx, orgId: number, named: number[], conversationIds: number[]) {
  const ids = idArray(conversationIds);
  const groups = sql`${idArray(named)}::bigint[] || array(select c.workgroup_id from conversations c where c.id = any(${ids}::bigint[]) and c.workgroup_id is not null)`;
  // A query builder, not yet sent, as the conversations' read: Promise.all sends them in its order
  // (drizzle would send a raw statement, or one awaited here, before them).
  return tx
    .select({
      user_id: memberships.userId,
      name: users.name,
      capacity: memberships.capacity,
      last_assignment_id: memberships.lastAssignmentId,
      groups: sql<number[] | null>`array(select w.workgroup_id::float8 from workgroup_members w where w.user_id = ${memberships.userId} and w.workgroup_id = any(${groups}))`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        eq(memberships.active, true),
        eq(memberships.status, "online"),
        sql`(${memberships.userId} in (select w.user_id from workgroup_members w where w.workgroup_id = any(${groups}))
          or ${memberships.userId} in (select k.owner_id from conversations c join contacts k on k.id = c.contact_id where c.id = any(${ids}::bigint[])))`,
      ),
    )
    .orderBy(asc(memberships.id))
    .for("update", { of: memberships });
}

/**
 * Open conversations per locked member, now, and ids for the lines and events the batch may write
 * (in rising order: a later assignment's event is a later turn). A second statement: under read
 * committed, one that waited for a lock still reads with the snapshot it started with, and would
 * miss the assignment the lock holder just committed.
 */
async function openCounts(tx: Tx, orgId: number, locked: Candidate[], lines: number, events: number): Promise<{ active: Map<string, number>; lineIds: number[]; eventIds: number[] }> {
  const [row] = await rows<{ counts: { user_id: string; active: number }[] | null; line_ids: number[] | null; event_ids: number[] | null }>(
    tx,
    sql`select
        (select json_agg(x) from (select c.assignee_id as user_id, count(*)::int as active from conversations c
          where c.org_id = ${orgId} and c.status = 'open' and c.assignee_id = any(${textArray(locked.map((c) => c.user_id))}::text[])
          group by c.assignee_id) x) as counts,
        (select array_agg(nextval('messages_id_seq')::float8 order by n) from generate_series(1, ${lines}::int) n) as line_ids,
        (select array_agg(nextval('events_id_seq')::float8 order by n) from generate_series(1, ${events}::int) n) as event_ids`,
  );
  return { active: new Map((row.counts ?? []).map((o) => [o.user_id, Number(o.active)])), lineIds: (row.line_ids ?? []).map(Number).sort((a, b) => a - b), eventIds: (row.event_ids ?? []).map(Number).sort((a, b) => a - b) };
}

/** Round-robin: whoever's last assignment is oldest. Least-busy: fewest open, then the same. */
function choose(method: RoutingMethod, free: Pick[]): Pick | undefined {
  const waited = (a: Pick, b: Pick) => a.turn - b.turn;
  const order = method === "least_busy" ? (a: Pick, b: Pick) => a.active - b.active || waited(a, b) : waited;
  return [...free].sort(order)[0];
}
