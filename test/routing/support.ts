// Routing's world: a workgroup of agents with a method and capacity, and conversations waiting in it.
import { eq, sql } from "drizzle-orm";
import type { Db } from "@db/client";
import { contacts, conversations, memberships, users, workgroupMembers, workgroups, type AgentStatus, type RoutingMethod } from "@db/schema";
import type { World } from "../support/world";

let seq = 0;

export async function team(db: Db, w: World, size: number, settings: { routing: RoutingMethod; capacity?: number; ownerWaitMinutes?: number; returnOnAway?: boolean; rerouteMinutes?: number; status?: AgentStatus }) {
  const n = ++seq;
  const [group] = await db
    .insert(workgroups)
    .values({ orgId: w.orgId, name: `Team ${n}`, routing: settings.routing, capacity: settings.capacity ?? 5, ownerWaitMinutes: settings.ownerWaitMinutes ?? 0, returnOnAway: settings.returnOnAway ?? false, rerouteMinutes: settings.rerouteMinutes ?? null })
    .returning();
  const agents = Array.from({ length: size }, (_, i) => ({ id: crypto.randomUUID(), email: `team${n}-agent${i}@routing.test`, name: `Agent ${n}.${i}` }));
  if (size > 0) {
    await db.insert(users).values(agents.map((a) => ({ ...a, passwordHash: "x" })));
    await db.insert(memberships).values(agents.map((a) => ({ orgId: w.orgId, userId: a.id, role: "agent" as const, status: settings.status ?? ("online" as const) })));
    await db.insert(workgroupMembers).values(agents.map((a) => ({ workgroupId: group.id, userId: a.id })));
  }
  return { groupId: group.id, agents: agents.map((a) => a.id) };
}

/** Conversations waiting in a group's queue, the first waiting longest (a minute apart). */
export async function waiting(db: Db, w: World, groupId: number, count: number, at: Date, ownerId: string | null = null): Promise<number[]> {
  const made = await db
    .insert(contacts)
    .values(Array.from({ length: count }, (_, i) => ({ orgId: w.orgId, name: `Customer ${++seq}.${i}`, ownerId })))
    .returning({ id: contacts.id });
  const rows = await db
    .insert(conversations)
    .values(made.map((c, i) => ({ orgId: w.orgId, contactId: c.id, channelId: w.supportChannelId, workgroupId: groupId, waitingSince: new Date(at.getTime() - (count - i) * 60_000), createdAt: at })))
    .returning({ id: conversations.id });
  return rows.map((r) => r.id);
}

export async function setStatus(db: Db, orgId: number, userId: string, status: AgentStatus) {
  await db.update(memberships).set({ status }).where(sql`${memberships.orgId} = ${orgId} and ${memberships.userId} = ${userId}`);
}

/** Open conversations per agent of the list, in its order. */
export async function loads(db: Db, agents: string[]) {
  const found = await db
    .select({ assigneeId: conversations.assigneeId, n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(eq(conversations.status, "open"))
    .groupBy(conversations.assigneeId);
  return agents.map((id) => found.find((r) => r.assigneeId === id)?.n ?? 0);
}

export async function assigneeOf(db: Db, conversationId: number) {
  const [c] = await db.select({ assigneeId: conversations.assigneeId, workgroupId: conversations.workgroupId }).from(conversations).where(eq(conversations.id, conversationId));
  return c;
}
