// Workgroups: teams of the organization's members that conversations can be assigned to.
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { memberships, users, workgroupMembers, workgroups, type RoutingMethod } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import { claimingName } from "./unique-names";

export const WORKGROUP_NAME_MAX = 80;

export interface WorkgroupMember {
  id: string;
  name: string;
  /** Deactivated members stay in their workgroups until an admin takes them out. */
  active: boolean;
}

/** How a workgroup routes its queue (see src/routing/routing.ts). */
export interface RoutingSettings {
  routing: RoutingMethod;
  capacity: number;
  ownerWaitMinutes: number;
  returnOnAway: boolean;
  rerouteMinutes: number | null;
}

export interface WorkgroupRow extends RoutingSettings {
  id: number;
  name: string;
  members: WorkgroupMember[];
}

export interface WorkgroupInput extends RoutingSettings {
  name: string;
  memberIds: string[];
}

const settingsColumns = {
  routing: workgroups.routing,
  capacity: workgroups.capacity,
  ownerWaitMinutes: workgroups.ownerWaitMinutes,
  returnOnAway: workgroups.returnOnAway,
  rerouteMinutes: workgroups.rerouteMinutes,
};

const settingsOf = (input: WorkgroupInput): RoutingSettings => ({
  routing: input.routing,
  capacity: input.capacity,
  ownerWaitMinutes: input.ownerWaitMinutes,
  returnOnAway: input.returnOnAway,
  rerouteMinutes: input.rerouteMinutes,
});

const sortKey = sql<string>`lower(${workgroups.name})`;
const own = (actor: Actor, id: number) => and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, id));

/** Members of many workgroups in one query, grouped in memory; only people of this organization. */
async function membersOf(db: DbOrTx, orgId: number, workgroupIds: number[]) {
  const map = new Map<number, WorkgroupMember[]>();
  if (workgroupIds.length === 0) return map;
  const found = await db
    .select({ workgroupId: workgroupMembers.workgroupId, id: users.id, name: users.name, active: memberships.active })
    .from(workgroupMembers)
    .innerJoin(users, eq(users.id, workgroupMembers.userId))
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, orgId)))
    .where(inArray(workgroupMembers.workgroupId, workgroupIds))
    .orderBy(asc(sql`lower(${users.name})`), asc(users.id));
  for (const { workgroupId, ...member } of found) map.set(workgroupId, [...(map.get(workgroupId) ?? []), member]);
  return map;
}

export async function listWorkgroups(db: DbOrTx, actor: Actor, cursor: Cursor | null = null, limit = PAGE_SIZE) {
  const found = await db
    .select({ id: workgroups.id, name: workgroups.name, ...settingsColumns, sortKey })
    .from(workgroups)
    .where(and(eq(workgroups.orgId, actor.orgId), after(sortKey, workgroups.id, cursor)))
    .orderBy(asc(sortKey), asc(workgroups.id))
    .limit(limit + 1);
  const members = await membersOf(db, actor.orgId, found.map((r) => r.id));
  return page(
    found.map((r) => ({ ...r, members: members.get(r.id) ?? [] })),
    limit,
    (r) => ({ key: r.sortKey, id: r.id }),
  );
}

export async function getWorkgroup(db: DbOrTx, actor: Actor, id: number): Promise<WorkgroupRow | null> {
  const [found] = await db.select({ id: workgroups.id, name: workgroups.name, ...settingsColumns }).from(workgroups).where(own(actor, id));
  if (!found) return null;
  return { ...found, members: (await membersOf(db, actor.orgId, [id])).get(id) ?? [] };
}

const currentMemberIds = (db: DbOrTx, workgroupId: number) =>
  db.select({ id: workgroupMembers.userId }).from(workgroupMembers).where(eq(workgroupMembers.workgroupId, workgroupId));

/**
 * Who can be ticked on a workgroup's form: the organization's active members, plus its current
 * members even if deactivated (so saving the form does not silently drop them).
 */
export async function memberChoices(db: DbOrTx, actor: Actor, workgroupId?: number): Promise<WorkgroupMember[]> {
  return db
    .select({ id: users.id, name: users.name, active: memberships.active })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, actor.orgId),
        workgroupId ? or(eq(memberships.active, true), inArray(memberships.userId, currentMemberIds(db, workgroupId))) : eq(memberships.active, true),
      ),
    )
    .orderBy(asc(sql`lower(${users.name})`), asc(users.id));
}

/**
 * Replaces a workgroup's members with the chosen ones that may join it (see memberChoices); any
 * other id, such as another organization's user in a forged form, is left out.
 */
async function setMembers(tx: DbOrTx, actor: Actor, workgroupId: number, userIds: string[]) {
  const before = (await currentMemberIds(tx, workgroupId)).map((r) => r.id);
  const wanted = [...new Set(userIds)];
  const allowed = wanted.length
    ? (
        await tx
          .select({ id: memberships.userId })
          .from(memberships)
          .where(
            and(
              eq(memberships.orgId, actor.orgId),
              inArray(memberships.userId, wanted),
              or(eq(memberships.active, true), before.length ? inArray(memberships.userId, before) : undefined),
            ),
          )
      ).map((r) => r.id)
    : [];
  await tx.delete(workgroupMembers).where(eq(workgroupMembers.workgroupId, workgroupId));
  if (allowed.length) await tx.insert(workgroupMembers).values(allowed.map((userId) => ({ workgroupId, userId })));
  return { added: allowed.filter((id) => !before.includes(id)), removed: before.filter((id) => !allowed.includes(id)) };
}

async function changed(tx: DbOrTx, actor: Actor, workgroupId: number, data: Record<string, unknown>, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "workgroup_changed", actorId: actor.userId, data: { workgroupId, ...data }, createdAt: now });
}

/** Throws NameTaken when the organization already has a workgroup of that name in any case. */
export async function createWorkgroup(db: DbOrTx, actor: Actor, input: WorkgroupInput, now: Date): Promise<{ id: number; name: string }> {
  return claimingName("workgroups_org_name_uq", () =>
    db.transaction(async (tx) => {
      const [group] = await tx.insert(workgroups).values({ orgId: actor.orgId, name: input.name, ...settingsOf(input), createdAt: now }).returning({ id: workgroups.id, name: workgroups.name });
      const { added } = await setMembers(tx, actor, group.id, input.memberIds);
      await changed(tx, actor, group.id, { change: "created", name: group.name, added }, now);
      return group;
    }),
  );
}

/**
 * Renames the workgroup and sets its members and routing; false when it is not this organization's.
 * Its event lets routing drain the queue at once when the change makes room (more capacity, a method).
 */
export async function updateWorkgroup(db: DbOrTx, actor: Actor, id: number, input: WorkgroupInput, now: Date): Promise<boolean> {
  return claimingName("workgroups_org_name_uq", () =>
    db.transaction(async (tx) => {
      const [group] = await tx.update(workgroups).set({ name: input.name, ...settingsOf(input) }).where(own(actor, id)).returning({ id: workgroups.id });
      if (!group) return false;
      const { added, removed } = await setMembers(tx, actor, id, input.memberIds);
      await changed(tx, actor, id, { change: "updated", name: input.name, added, removed }, now);
      return true;
    }),
  );
}

/** Conversations of a deleted workgroup keep their agent and lose only the group (the FK sets it null). */
export async function deleteWorkgroup(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [group] = await tx.delete(workgroups).where(own(actor, id)).returning({ name: workgroups.name });
    if (!group) return false;
    await changed(tx, actor, id, { change: "deleted", name: group.name }, now);
    return true;
  });
}
