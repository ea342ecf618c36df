// Routing: who in a workgroup gets a waiting conversation. One short transaction per assignment, its
// state in the database (the queue is the conversations in a group with nobody assigned, in
// waiting-since order; a member's turn is their last assignment), so any process may route.
import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { rows, type DbOrTx, type Tx } from "@db/client";
import { contacts, conversations, memberships, messages, workgroups, type RoutingMethod } from "@db/schema";
import { recordEvent } from "../realtime/events";

/** Who made an automatic change: routing itself, or a workflow rule (later features). */
export type RoutedBy = { kind: "routing" } | { kind: "rule"; ruleId: number; ruleName: string };

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
  | { outcome: "queued"; reason: "manual" | "no_agent" | "owner_wait"; eventIds: number[] }
  /** Nothing to route: closed, not in a group, or assigned already. */
  | { outcome: "unchanged"; eventIds: number[] };

interface Candidate {
  user_id: string;
  name: string;
  member: boolean;
  capacity: number;
  active: number;
  last_assignment_id: number | null;
}

/**
 * Routes one conversation, inside the caller's transaction: the sticky owner first when Online and
 * under capacity, else (unless the group waits for the owner) the group's method among its Online
 * members under capacity; a group routed by hand leaves it waiting. The candidates' membership rows
 * are locked in id order, so two processes routing to the same agents take turns and never both
 * count the same free place.
 */
export async function routeConversation(tx: Tx, request: RouteRequest, now: Date): Promise<RouteOutcome> {
  const { orgId, by } = request;
  const [conv] = await tx
    .select({ id: conversations.id, channelId: conversations.channelId, status: conversations.status, assigneeId: conversations.assigneeId, workgroupId: conversations.workgroupId, contactId: conversations.contactId, createdAt: conversations.createdAt, firstResponseAt: conversations.firstResponseAt, waitingSince: conversations.waitingSince })
    .from(conversations)
    .where(and(eq(conversations.orgId, orgId), eq(conversations.id, request.conversationId)))
    // Not "for update": that waits for every insert referencing the conversation (a message, a rule's
    // run) to commit, as their foreign keys hold a key-share lock on it; routing changes no key.
    .for("no key update");
  if (!conv || conv.status !== "open") return { outcome: "unchanged", eventIds: [] };
  // Answered or handed on since the sweep found it overdue: nothing to re-route.
  if (request.passOver && (conv.assigneeId !== request.passOver || conv.firstResponseAt)) return { outcome: "unchanged", eventIds: [] };
  const eventIds: number[] = [];
  const moving = request.workgroupId !== undefined && request.workgroupId !== conv.workgroupId;
  if (!moving && conv.assigneeId && !request.passOver) return { outcome: "unchanged", eventIds };
  const groupId = moving ? request.workgroupId! : conv.workgroupId;
  if (groupId === null) return { outcome: "unchanged", eventIds };
  const [group] = await tx.select().from(workgroups).where(and(eq(workgroups.orgId, orgId), eq(workgroups.id, groupId)));
  if (!group) return { outcome: "unchanged", eventIds };
  const [contact] = await tx.select({ ownerId: contacts.ownerId }).from(contacts).where(eq(contacts.id, conv.contactId));
  const ownerId = contact?.ownerId && contact.ownerId !== request.passOver ? contact.ownerId : null;
  // The members are locked before this transaction writes anything: a write to a conversation also
  // takes the organization's tab-count rows (a trigger), and holding those while waiting for a member
  // another routing holds (which then waits for the counts) would deadlock.
  const candidates = await lockCandidates(tx, orgId, group.id, group.capacity, ownerId, request.passOver ?? null);
  if (moving) {
    await tx.update(conversations).set({ workgroupId: group.id, assigneeId: null, assignedAt: null, waitingSince: conv.waitingSince ?? now, lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${now.toISOString()}::timestamptz)` }).where(eq(conversations.id, conv.id));
    eventIds.push(await recordEvent(tx, { orgId, type: "assigned", conversationId: conv.id, data: { ...byData(by), workgroupId: group.id, workgroupName: group.name, from: conv.assigneeId, queued: true }, createdAt: now }));
  }
  // Counted before the move: the conversation no longer weighs on the one it leaves.
  const free = candidates.filter((c) => c.active - (moving && c.user_id === conv.assigneeId ? 1 : 0) < c.capacity);
  const owner = free.find((c) => c.user_id === ownerId);
  let pick: Candidate | undefined = owner;
  if (!pick) {
    const waitsForOwner = ownerId !== null && !request.passOver && group.routing !== "manual" && group.ownerWaitMinutes > 0 && now.getTime() < conv.createdAt.getTime() + group.ownerWaitMinutes * 60_000;
    if (waitsForOwner) return { outcome: "queued", reason: "owner_wait", eventIds };
    if (group.routing === "manual") return { outcome: "queued", reason: "manual", eventIds };
    pick = choose(group.routing, free.filter((c) => c.member));
  }
  if (!pick) return { outcome: "queued", reason: "no_agent", eventIds };
  // An assignment is activity: the conversation moves up the lists ordered by it.
  await tx
    .update(conversations)
    .set({ assigneeId: pick.user_id, assignedAt: now, firstResponseAt: null, workgroupId: pick.member ? group.id : null, lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(conversations.id, conv.id));
  await tx.update(contacts).set({ ownerId: pick.user_id }).where(eq(contacts.id, conv.contactId));
  const reason = pick === owner ? "owner" : group.routing;
  const line: SystemLine = { system: "routed", assigneeName: pick.name, workgroupName: group.name, method: reason, ...(by.kind === "rule" ? { ruleName: by.ruleName } : {}), ...(request.passOver ? { rerouted: true } : {}) };
  // The thread's system line ("Assigned to Okan by routing (Sales, round-robin)"), drawn in each reader's language.
  const [systemLine] = await tx.insert(messages).values({ orgId, conversationId: conv.id, channelId: conv.channelId, direction: "event", metadata: line, createdAt: now }).returning({ id: messages.id });
  const assignedId = await recordEvent(tx, {
    orgId,
    type: "assigned",
    conversationId: conv.id,
    subjectUserId: pick.user_id,
    data: { ...byData(by), workgroupId: group.id, workgroupName: group.name, method: reason, from: conv.assigneeId, assigneeName: pick.name, messageId: systemLine.id, ...(request.passOver ? { rerouted: true } : {}) },
    createdAt: now,
  });
  eventIds.push(assignedId);
  await tx.update(memberships).set({ lastAssignmentId: assignedId }).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, pick.user_id)));
  return { outcome: "assigned", userId: pick.user_id, eventIds };
}

/** What an automatic assignment's system line says, kept in the message's metadata. */
export type SystemLine = {
  system: "routed";
  assigneeName: string;
  workgroupName: string;
  method: RoutingMethod | "owner";
  ruleName?: string;
  rerouted?: boolean;
};

const byData = (by: RoutedBy) => (by.kind === "routing" ? { by: "routing" } : { by: "rule", ruleId: by.ruleId, ruleName: by.ruleName });

/**
 * The group's Online, active members (and the contact's owner), locked, with their capacity and
 * open conversations now. Locking every Online member of the group serializes routing within it,
 * which is what keeps counts true; an agent in two groups is one row, so their capacity holds across.
 * The counts are a second statement: under read committed, one that waited for a lock still reads
 * with the snapshot it started with, and would miss the assignment the lock holder just committed.
 */
async function lockCandidates(tx: Tx, orgId: number, groupId: number, groupCapacity: number, ownerId: string | null, passOver: string | null): Promise<Candidate[]> {
  const locked = await rows<Omit<Candidate, "active">>(
    tx,
    sql`select m.user_id, u.name, exists(select 1 from workgroup_members w where w.workgroup_id = ${groupId} and w.user_id = m.user_id) as member,
        coalesce(m.capacity, ${groupCapacity})::int as capacity, m.last_assignment_id::float8 as last_assignment_id
      from memberships m join users u on u.id = m.user_id
      where m.org_id = ${orgId} and m.active and m.status = 'online'
        and (m.user_id in (select w.user_id from workgroup_members w where w.workgroup_id = ${groupId}) or m.user_id = ${ownerId})
        and m.user_id is distinct from ${passOver}
      order by m.id
      for update of m`,
  );
  if (locked.length === 0) return [];
  const open = await rows<{ user_id: string; active: number }>(
    tx,
    sql`select c.assignee_id as user_id, count(*)::int as active from conversations c
      where c.org_id = ${orgId} and c.status = 'open' and c.assignee_id = any(${`{${locked.map((c) => `"${c.user_id}"`).join(",")}}`}::text[])
      group by c.assignee_id`,
  );
  return locked.map((c) => ({ ...c, active: open.find((o) => o.user_id === c.user_id)?.active ?? 0 }));
}

/** Round-robin: whoever's last assignment is oldest. Least-busy: fewest open, then the same. */
function choose(method: RoutingMethod, free: Candidate[]): Candidate | undefined {
  const waited = (a: Candidate, b: Candidate) => (a.last_assignment_id ?? 0) - (b.last_assignment_id ?? 0);
  const order = method === "least_busy" ? (a: Candidate, b: Candidate) => a.active - b.active || waited(a, b) : waited;
  return [...free].sort(order)[0];
}

/** At most this many conversations per drain; the next trigger or the sweep goes on from there. */
const DRAIN_BATCH = 200;

/**
 * Assigns a routed group's waiting conversations, oldest waiting first, each in its own transaction,
 * until nobody can take the next one. Ones held for their owner are passed over. Returns the events,
 * for the caller to publish through the after-commit seam.
 */
export async function drainWorkgroup(db: DbOrTx, orgId: number, workgroupId: number, now: Date): Promise<number[]> {
  const [group] = await db.select({ routing: workgroups.routing }).from(workgroups).where(and(eq(workgroups.orgId, orgId), eq(workgroups.id, workgroupId)));
  // A group routed by hand waits for a person; routing only gave a returning customer to their owner.
  if (!group || group.routing === "manual") return [];
  const waiting = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.workgroupId, workgroupId), eq(conversations.status, "open"), isNull(conversations.assigneeId), isNotNull(conversations.workgroupId)))
    .orderBy(sql`${conversations.waitingSince} asc nulls last`, asc(conversations.id))
    .limit(DRAIN_BATCH);
  const eventIds: number[] = [];
  for (const { id } of waiting) {
    const routed = await routeOne(db, { orgId, conversationId: id, by: { kind: "routing" } }, now);
    eventIds.push(...routed.eventIds);
    if (routed.outcome === "queued" && routed.reason !== "owner_wait") break;
  }
  return eventIds;
}

/** routeConversation in a transaction of its own. */
export function routeOne(db: DbOrTx, request: RouteRequest, now: Date): Promise<RouteOutcome> {
  return db.transaction((tx) => routeConversation(tx, request, now));
}

/** The workgroups a member belongs to that have conversations waiting: what their free place may drain. */
export async function waitingGroupsOf(db: DbOrTx, orgId: number, userId: string): Promise<number[]> {
  const found = await rows<{ id: number }>(
    db,
    sql`select g.id::float8 as id from workgroups g join workgroup_members w on w.workgroup_id = g.id and w.user_id = ${userId}
      where g.org_id = ${orgId} and g.routing <> 'manual' and exists (select 1 from conversations c where c.workgroup_id = g.id and c.status = 'open' and c.assignee_id is null)`,
  );
  return found.map((r) => Number(r.id));
}

/**
 * A member gone Break or Offline gives back, in groups that ask for it, the conversations routed
 * to them that they have not answered yet: they wait in the queue again, where they were.
 */
export async function returnUnanswered(db: DbOrTx, orgId: number, userId: string, now: Date): Promise<{ eventIds: number[]; workgroupIds: number[] }> {
  return db.transaction(async (tx) => {
    const returned = await rows<{ id: number; workgroup_id: number; name: string }>(
      tx,
      sql`update conversations c set assignee_id = null, assigned_at = null, waiting_since = coalesce(c.waiting_since, ${now.toISOString()}::timestamptz),
          last_message_at = greatest(c.last_message_at, ${now.toISOString()}::timestamptz)
        from workgroups g
        where c.org_id = ${orgId} and c.assignee_id = ${userId} and c.status = 'open' and c.first_response_at is null
          and g.id = c.workgroup_id and g.return_on_away
        returning c.id::float8 as id, g.id::float8 as workgroup_id, g.name`,
    );
    const eventIds: number[] = [];
    for (const r of returned) {
      eventIds.push(await recordEvent(tx, { orgId, type: "assigned", conversationId: Number(r.id), data: { by: "routing", workgroupId: Number(r.workgroup_id), workgroupName: r.name, from: userId, queued: true, returned: true }, createdAt: now }));
    }
    return { eventIds, workgroupIds: [...new Set(returned.map((r) => Number(r.workgroup_id)))] };
  });
}

/**
 * The periodic pass that needs no trigger: re-routes conversations nobody answered in their group's
 * time, then drains every queue someone may take from (conversations created just before a crash,
 * owners' waits that ran out). Returns the events per organization, to publish through the seam.
 */
export async function sweepRouting(db: DbOrTx, now: Date): Promise<Map<number, number[]>> {
  const byOrg = new Map<number, number[]>();
  const add = (orgId: number, ids: number[]) => ids.length && byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), ...ids]);
  const overdue = await rows<{ id: number; org_id: number; assignee_id: string }>(
    db,
    sql`select c.id::float8 as id, c.org_id::float8 as org_id, c.assignee_id from conversations c join workgroups g on g.id = c.workgroup_id
      where g.reroute_minutes is not null and g.routing <> 'manual' and c.status = 'open' and c.assignee_id is not null and c.first_response_at is null
        and c.assigned_at < ${now.toISOString()}::timestamptz - make_interval(mins => g.reroute_minutes)
      order by c.assigned_at limit ${DRAIN_BATCH}`,
  );
  for (const c of overdue) {
    const routed = await routeOne(db, { orgId: Number(c.org_id), conversationId: Number(c.id), by: { kind: "routing" }, passOver: c.assignee_id }, now);
    add(Number(c.org_id), routed.eventIds);
  }
  const queues = await rows<{ id: number; org_id: number }>(
    db,
    sql`select g.id::float8 as id, g.org_id::float8 as org_id from workgroups g
      where g.routing <> 'manual' and exists (select 1 from conversations c where c.workgroup_id = g.id and c.status = 'open' and c.assignee_id is null)`,
  );
  for (const g of queues) add(Number(g.org_id), await drainWorkgroup(db, Number(g.org_id), Number(g.id), now));
  return byOrg;
}
