// Routing: who in a workgroup gets a waiting conversation. Short transactions that route one
// conversation or a batch of them (assign.ts), its state in the database (the queue is the conversations in a group with nobody assigned, in
// waiting-since order; a member's turn is their last assignment), so any process may route.
import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { rows, type DbOrTx, type Tx } from "@db/client";
import { conversations, workgroups } from "@db/schema";
import { recordEvent } from "../realtime/events";
import { routeBatch, type RouteOutcome, type RouteRequest } from "./assign";

export { routeBatch, type RoutedBy, type RouteOutcome, type RouteRequest, type SystemLine } from "./assign";

/** Routes one conversation, inside the caller's transaction (see routeBatch). */
export async function routeConversation(tx: Tx, request: RouteRequest, now: Date): Promise<RouteOutcome> {
  const [outcome] = await routeBatch(tx, request.orgId, [request], now);
  return outcome;
}

/** At most this many conversations per drain; the next trigger or the sweep goes on from there. */
const DRAIN_BATCH = 200;

/**
 * Assigns a routed group's waiting conversations, oldest waiting first, in one transaction, until
 * nobody can take the next one. Ones held for their owner are passed over. Returns the events,
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
  if (waiting.length === 0) return [];
  // One transaction, in waiting order, until nobody can take the next (one held for its owner is passed over).
  const routed = await db.transaction((tx) => routeBatch(tx, orgId, waiting.map(({ id }) => ({ conversationId: id, by: { kind: "routing" as const } })), now, { untilFull: true }));
  return routed.flatMap((r) => r.eventIds);
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
      sql`update conversations c set assignee_id = null, assigned_at = null, waiting_since = coalesce(c.waiting_since, ${now.toISOString()}::timestamptz)
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
