// Invitations to an existing account: its owner sees them after signing in and accepts or declines.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { invitations, memberships, organizations, workgroupMembers, workgroups } from "@db/schema";
import { recordEvent } from "../realtime/events";

export async function invitationsFor(db: DbOrTx, userId: string) {
  return db
    .select({ id: invitations.id, orgName: organizations.name, role: invitations.role })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(eq(invitations.userId, userId))
    .orderBy(asc(organizations.name), asc(invitations.id));
}

/** Turns the user's own invitation into a membership; null when it is not theirs or is gone. */
export async function acceptInvitation(db: DbOrTx, userId: string, invitationId: number, now: Date) {
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .delete(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.userId, userId)))
      .returning();
    if (!invitation) return null;
    const [joined] = await tx
      .insert(memberships)
      .values({ orgId: invitation.orgId, userId, role: invitation.role, createdAt: now, statusChangedAt: now })
      .onConflictDoNothing()
      .returning({ id: memberships.id });
    if (!joined) return { orgId: invitation.orgId, eventId: null };
    // Workgroups deleted since the invitation was sent are skipped rather than failing the join.
    const groups = invitation.workgroupIds.length
      ? await tx.select({ id: workgroups.id }).from(workgroups).where(and(eq(workgroups.orgId, invitation.orgId), inArray(workgroups.id, invitation.workgroupIds)))
      : [];
    if (groups.length) await tx.insert(workgroupMembers).values(groups.map((g) => ({ workgroupId: g.id, userId })));
    const eventId = await recordEvent(tx, {
      orgId: invitation.orgId,
      type: "user_invited",
      actorId: userId,
      subjectUserId: userId,
      data: { role: invitation.role, accepted: true },
      createdAt: now,
    });
    return { orgId: invitation.orgId, eventId };
  });
}

export async function declineInvitation(db: DbOrTx, userId: string, invitationId: number) {
  const gone = await db.delete(invitations).where(and(eq(invitations.id, invitationId), eq(invitations.userId, userId))).returning({ id: invitations.id });
  return gone.length > 0;
}
