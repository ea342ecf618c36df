// Assigning a conversation to an agent or a workgroup (a forward, when its assignee hands it on).
import { and, asc, eq, gte } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, conversations, events, memberships, users, workgroupMembers, workgroups } from "@db/schema";
import { todayIn } from "../cockpit/metrics";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { ConversationRuleBroken, lockConversation, type Change } from "./changes";

export type AssignTarget = { userId: string } | { workgroupId: number } | { unassign: true };

/**
 * Manual assignment to a user or a workgroup. A workgroup takes the conversation into its queue (no
 * agent); an agent keeps its group when they are a member of it, and clears it otherwise. Handing
 * the conversation to another user by hand is a forward, whoever held it before (a supervisor's
 * reassignment too): the cockpit counts it for the one who forwarded, once per conversation a day.
 * Routing, rules and joining are not forwards. Any assignment is activity: the conversation moves
 * up the lists ordered by last activity.
 */
export async function assignConversation(db: DbOrTx, actor: Actor, conversationId: number, target: AssignTarget, now: Date, by: "person" | "rule" = "person"): Promise<Change> {
  return db.transaction(async (tx) => {
    const conv = await lockConversation(tx, actor, conversationId);
    if (conv.status !== "open") throw new ConversationRuleBroken("closed");
    const eventIds: number[] = [];
    if ("userId" in target) {
      // Locked like routing locks its candidates, so routing never counts a place this takes.
      const [member] = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, target.userId), eq(memberships.active, true)))
        .for("update");
      if (!member) throw new ConversationRuleBroken("bad_target");
      if (conv.assigneeId === target.userId) return { conversationId: conv.id, eventIds };
      const inGroup = conv.workgroupId !== null && (await isWorkgroupMember(tx, conv.workgroupId, target.userId));
      await tx
        .update(conversations)
        .set({ assigneeId: target.userId, assignedAt: now, firstResponseAt: null, workgroupId: inGroup ? conv.workgroupId : null, lastMessageAt: now })
        .where(eq(conversations.id, conv.id));
      await tx.update(contacts).set({ ownerId: target.userId }).where(eq(contacts.id, conv.contactId));
      const assignedId = await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, subjectUserId: target.userId, data: { manual: true, from: conv.assigneeId }, createdAt: now });
      eventIds.push(assignedId);
      await tx.update(memberships).set({ lastAssignmentId: assignedId }).where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, target.userId)));
      if (by === "person" && target.userId !== actor.userId && !(await forwardedToday(tx, actor, conv.id, now))) {
        eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "forwarded", conversationId: conv.id, actorId: actor.userId, subjectUserId: target.userId, data: { from: conv.assigneeId }, createdAt: now }));
      }
    } else if ("workgroupId" in target) {
      const [group] = await tx.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, target.workgroupId)));
      if (!group) throw new ConversationRuleBroken("bad_target");
      if (conv.workgroupId === group.id && conv.assigneeId === null) return { conversationId: conv.id, eventIds };
      // The group's queue: nobody assigned, waiting from now unless the customer already waits.
      await tx.update(conversations).set({ workgroupId: group.id, assigneeId: null, assignedAt: null, waitingSince: conv.waitingSince ?? now, lastMessageAt: now }).where(eq(conversations.id, conv.id));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, data: { manual: true, workgroupId: group.id, workgroupName: group.name, from: conv.assigneeId }, createdAt: now }));
    } else {
      await tx.update(conversations).set({ assigneeId: null, assignedAt: null, workgroupId: null, lastMessageAt: now }).where(eq(conversations.id, conv.id));
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "assigned", conversationId: conv.id, actorId: actor.userId, data: { manual: true, from: conv.assigneeId, unassigned: true }, createdAt: now }));
    }
    return { conversationId: conv.id, eventIds };
  });
}

/**
 * Whether the actor already forwarded this conversation today (their organization's day): the
 * cockpit counts conversations forwarded, so handing the same one on twice counts once.
 */
async function forwardedToday(tx: DbOrTx, actor: Actor, conversationId: number, now: Date) {
  const { start } = todayIn(actor.timezone, now);
  const [row] = await tx
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.conversationId, conversationId), eq(events.type, "forwarded"), eq(events.actorId, actor.userId), gte(events.createdAt, start)))
    .limit(1);
  return !!row;
}

async function isWorkgroupMember(tx: DbOrTx, workgroupId: number, userId: string) {
  const [row] = await tx.select({ userId: workgroupMembers.userId }).from(workgroupMembers).where(and(eq(workgroupMembers.workgroupId, workgroupId), eq(workgroupMembers.userId, userId)));
  return !!row;
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
