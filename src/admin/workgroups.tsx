// Admin → Workgroups: teams of agents that conversations can be assigned to.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { memberships, users, workgroupMembers, workgroups } from "@db/schema";
import type { Actor } from "../context";
import { field } from "../forms";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import type { Section } from "./section-routes";

const workgroupInput = z.object({
  name: field.text(80),
  memberIds: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(Boolean))
    .pipe(z.array(z.string().max(64))),
});
type WorkgroupInput = z.infer<typeof workgroupInput>;
type WorkgroupRow = { id: number; name: string; members: string[]; sortKey: string };

const sortKey = sql<string>`lower(${workgroups.name})`;

export async function listWorkgroups(db: DbOrTx, orgId: number, cursor: Cursor | null, limit = PAGE_SIZE) {
  const rows = await db
    .select({ id: workgroups.id, name: workgroups.name, sortKey })
    .from(workgroups)
    .where(and(eq(workgroups.orgId, orgId), after(sortKey, workgroups.id, cursor)))
    .orderBy(asc(sortKey), asc(workgroups.id))
    .limit(limit + 1);
  const members = await membersOf(db, rows.map((r) => r.id));
  return page(
    rows.map((r) => ({ ...r, members: (members.get(r.id) ?? []).map((m) => m.name) })),
    limit,
    (r) => ({ key: r.sortKey, id: r.id }),
  );
}

/** Members of many workgroups in one query, grouped in memory. */
async function membersOf(db: DbOrTx, ids: number[]) {
  const map = new Map<number, { id: string; name: string }[]>();
  if (!ids.length) return map;
  const rows = await db
    .select({ workgroupId: workgroupMembers.workgroupId, id: users.id, name: users.name })
    .from(workgroupMembers)
    .innerJoin(users, eq(users.id, workgroupMembers.userId))
    .where(inArray(workgroupMembers.workgroupId, ids))
    .orderBy(asc(users.name));
  for (const r of rows) map.set(r.workgroupId, [...(map.get(r.workgroupId) ?? []), { id: r.id, name: r.name }]);
  return map;
}

export async function activeMembers(db: DbOrTx, orgId: number) {
  return db
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.active, true)))
    .orderBy(asc(users.name));
}

/** Only this organization's members can join its workgroups; other ids are ignored. */
async function setMembers(db: DbOrTx, orgId: number, workgroupId: number, userIds: string[]) {
  const own = userIds.length
    ? (await db.select({ id: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, userIds)))).map((r) => r.id)
    : [];
  await db.delete(workgroupMembers).where(eq(workgroupMembers.workgroupId, workgroupId));
  if (own.length) await db.insert(workgroupMembers).values(own.map((userId) => ({ workgroupId, userId })));
}

export async function createWorkgroup(db: DbOrTx, actor: Actor, input: WorkgroupInput, now: Date) {
  return db.transaction(async (tx) => {
    const [group] = await tx.insert(workgroups).values({ orgId: actor.orgId, name: input.name, createdAt: now }).returning();
    await setMembers(tx, actor.orgId, group.id, input.memberIds);
    await recordEvent(tx, { orgId: actor.orgId, type: "workgroup_changed", actorId: actor.userId, data: { workgroupId: group.id, change: "created" }, createdAt: now });
    return group;
  });
}

export async function updateWorkgroup(db: DbOrTx, actor: Actor, id: number, input: WorkgroupInput, now: Date) {
  return db.transaction(async (tx) => {
    const [group] = await tx.update(workgroups).set({ name: input.name }).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, id))).returning({ id: workgroups.id });
    if (!group) return false;
    await setMembers(tx, actor.orgId, id, input.memberIds);
    await recordEvent(tx, { orgId: actor.orgId, type: "workgroup_changed", actorId: actor.userId, data: { workgroupId: id, change: "updated" }, createdAt: now });
    return true;
  });
}

/** Conversations assigned to a deleted workgroup keep their agent, without the group. */
export async function deleteWorkgroup(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const [group] = await tx.delete(workgroups).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, id))).returning({ id: workgroups.id });
    if (!group) return false;
    await recordEvent(tx, { orgId: actor.orgId, type: "workgroup_changed", actorId: actor.userId, data: { workgroupId: id, change: "deleted" }, createdAt: now });
    return true;
  });
}

export const workgroupsSection: Section<WorkgroupRow, WorkgroupInput, WorkgroupInput> = {
  view: { base: "/admin/workgroups", title: "workgroups.title", createTitle: "workgroups.create", editTitle: "workgroups.edit", empty: "workgroups.empty", columns: ["common.name", "workgroups.memberCount", "workgroups.members"] },
  fields: async (c) => [
    { name: "name", label: "common.name", kind: "text", max: 80, required: true },
    { name: "memberIds", label: "workgroups.members", kind: "checkboxes", options: (await activeMembers(c.get("deps").database.db, c.get("actor")!.orgId)).map((m) => ({ value: m.id, label: m.name })) },
  ],
  createSchema: workgroupInput,
  updateSchema: workgroupInput,
  uniqueField: "name",
  list: (db, actor, cursor) => listWorkgroups(db, actor.orgId, cursor),
  row: (_ui, r) => ({ id: r.id, cells: [r.name, r.members.length, r.members.join(", ") || "—"] }),
  get: async (db, actor, id) => {
    const [group] = await db.select().from(workgroups).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, id)));
    if (!group) return null;
    const members = (await membersOf(db, [id])).get(id) ?? [];
    return { name: group.name, form: { name: group.name, memberIds: members.map((m) => m.id) } };
  },
  create: createWorkgroup,
  update: updateWorkgroup,
  remove: deleteWorkgroup,
};
