// Agent statuses: who may change whose, and the event each change writes.
import { and, eq, ne } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { type AgentStatus, memberships } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";

export class StatusChangeRefused extends Error {
  constructor(public reason: "forbidden" | "offline_target" | "offline_by_other" | "not_found") {
    super(reason);
  }
}

/**
 * Agents set their own status freely. Supervisors and admins may move another member between
 * online, break and invisible, but nobody but the agent leaves or enters offline for them.
 */
export async function changeStatus(db: DbOrTx, actor: Actor, targetUserId: string, status: AgentStatus, now: Date) {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ status: memberships.status, active: memberships.active })
      .from(memberships)
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, targetUserId)))
      .for("update");
    if (!target || !target.active) throw new StatusChangeRefused("not_found");
    const self = targetUserId === actor.userId;
    if (!self) {
      if (actor.role === "agent") throw new StatusChangeRefused("forbidden");
      if (target.status === "offline") throw new StatusChangeRefused("offline_target");
      if (status === "offline") throw new StatusChangeRefused("offline_by_other");
    }
    if (target.status === status) return { changed: false, eventId: null as number | null };
    await tx
      .update(memberships)
      .set({ status, statusChangedAt: now })
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, targetUserId)));
    const eventId = await recordEvent(tx, {
      orgId: actor.orgId,
      type: "status_changed",
      actorId: actor.userId,
      subjectUserId: targetUserId,
      data: { from: target.status, to: status },
      createdAt: now,
    });
    return { changed: true, eventId };
  });
}

/** Signing out or a session ending takes the agent offline in that organization. */
export async function goOffline(db: DbOrTx, orgId: number, userId: string, now: Date) {
  return db.transaction(async (tx) => {
    const [m] = await tx
      .update(memberships)
      .set({ status: "offline", statusChangedAt: now })
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId), ne(memberships.status, "offline")))
      .returning({ role: memberships.role });
    if (!m) return null;
    return recordEvent(tx, { orgId, type: "status_changed", actorId: userId, subjectUserId: userId, data: { to: "offline" }, createdAt: now });
  });
}
