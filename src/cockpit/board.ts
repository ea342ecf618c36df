// The cockpit's live board: every active member by status, with their open assigned conversations.
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { conversations, memberships, users, type AgentStatus, type Role } from "@db/schema";
import type { Actor } from "../context";

export interface BoardRow {
  userId: string;
  name: string;
  role: Role;
  status: AgentStatus;
  statusChangedAt: Date;
  active: number;
}

export async function agentBoard(db: DbOrTx, actor: Actor): Promise<BoardRow[]> {
  const active = db
    .select({ assigneeId: conversations.assigneeId, n: sql<number>`count(*)`.mapWith(Number).as("n") })
    .from(conversations)
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.status, "open")))
    .groupBy(conversations.assigneeId)
    .as("active");
  return db
    .select({
      userId: users.id,
      name: users.name,
      role: memberships.role,
      status: memberships.status,
      statusChangedAt: memberships.statusChangedAt,
      active: sql<number>`coalesce(${active.n}, 0)`.mapWith(Number),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(active, eq(active.assigneeId, memberships.userId))
    .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.active, true)))
    .orderBy(asc(users.name));
}
