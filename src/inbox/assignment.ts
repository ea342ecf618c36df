// Assigning a conversation to an agent or a workgroup (a forward, when its assignee hands it on).
import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, conversations, memberships, users, workgroups } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { ConversationRuleBroken, lockConversation, type Change } from "./changes";

export type AssignTarget = { userId: string } | { workgroupId: number } | { unassign: true };

/**
 * Manual assignment to a user or a workgroup. When the current assignee hands the conversation to
 * another agent, that is a forward (the cockpit counts it for the one who forwarded).
 */
export async function assignConversation(db: DbOrTx, actor: Actor, conversationId: number, target: AssignTarget, now: Date): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    const eventIds: number[] = [];
    if ("userId" in target) {
      const [member] = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, target.userId), eq(memberships.active, true)));
      if (!member) throw new ConversationRuleBroken("bad_target");
      if (conv.assigneeId === target.userId) return { conversationId: conv.id, eventIds };
      await tx.update(conversations).set({ assigneeId: target.userId, assignedAt: now, firstResponseAt: null }).where(eq(conversations.id, conv.id));
      await tx.update(contacts).set({ ownerId: target.userId }).where(eq(contacts.id, conv.contactId));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, subjectUserId: target.userId, data: { manual: true, from: conv.assigneeId }, createdAt: now }));
      if (conv.assigneeId === actor.userId && target.userId !== actor.userId) {
        eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "forwarded", conversationId: conv.id, actorId: actor.userId, subjectUserId: target.userId, createdAt: now }));
      }
    } else if ("workgroupId" in target) {
      const [group] = await tx.select({ id: workgroups.id }).from(workgroups).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, target.workgroupId)));
      if (!group) throw new ConversationRuleBroken("bad_target");
      await tx.update(conversations).set({ workgroupId: group.id }).where(eq(conversations.id, conv.id));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, data: { manual: true, workgroupId: group.id }, createdAt: now }));
    } else {
      await tx.update(conversations).set({ assigneeId: null, assignedAt: null, workgroupId: null }).where(eq(conversations.id, conv.id));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, data: { manual: true, from: conv.assigneeId, unassigned: true }, createdAt: now }));
    }
    return { conversationId: conv.id, eventIds };
  });
}

/** Everyone and every workgroup a conversation can be assigned to, for the assignment dropdown. */
export async function assignmentChoices(db: DbOrTx, actor: Actor) {
  const [people, groups] = await Promise.all([
    db
      .select({ id: users.id, name: users.name, status: memberships.status })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.active, true)))
      .orderBy(asc(users.name)),
    db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, actor.orgId)).orderBy(asc(workgroups.name)),
  ]);
  return { people, groups };
}
