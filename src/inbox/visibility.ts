// The visibility rule: which conversations an actor may see. Every read and write that depends on
// it asks here, so the rule has one home.
import { and, eq, inArray, isNull, or, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { conversations, workgroupMembers } from "@db/schema";
import type { Actor } from "../context";

/**
 * With the organization setting "agents see only their own", an agent sees conversations assigned
 * to them, to their workgroups, or to nobody. Supervisors and admins see everything.
 */
export async function visibility(db: DbOrTx, actor: Actor): Promise<SQL | undefined> {
  // The setting arrives with the session (standingColumns), so most pages ask nothing more here.
  if (actor.role !== "agent" || !actor.agentsSeeOnlyOwn) return undefined;
  const myGroups = db.select({ id: workgroupMembers.workgroupId }).from(workgroupMembers).where(eq(workgroupMembers.userId, actor.userId));
  return or(
    eq(conversations.assigneeId, actor.userId),
    inArray(conversations.workgroupId, myGroups),
    and(isNull(conversations.assigneeId), isNull(conversations.workgroupId)),
  );
}

/** Whether `visibility` lets the actor see this conversation (its organization the caller has checked). */
export async function maySeeConversation(db: DbOrTx, actor: Actor, conversationId: number): Promise<boolean> {
  const visible = await visibility(db, actor);
  if (!visible) return true;
  return (await db.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, conversationId), visible))).length > 0;
}
