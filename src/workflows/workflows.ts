// Admin → Workflows: the organization's rules in order (create, edit, delete), what they can name
// (channels, tags, workgroups…), a rule's run log, and its test against a conversation without acting.
import { and, asc, desc, eq, isNull, max, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { brands, channels, closingMessages, conversations, customFields, memberships, quickReplies, tags, users, workflowRuns, workflows, workgroups } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { channelTemplates } from "../inbox/replies";
import { RUNS_KEPT } from "./engine";
import { checkConditions, situationOf } from "./situation";
import { parseRule, type RuleInput } from "./rules";

export class WorkflowNotFound extends Error {}

export async function listWorkflows(db: DbOrTx, orgId: number) {
  return db
    .select({ id: workflows.id, name: workflows.name, enabled: workflows.enabled, stopAfter: workflows.stopAfter, trigger: workflows.trigger, position: workflows.position, lastRunAt: sql<Date | null>`(select max(r.created_at) from workflow_runs r where r.workflow_id = ${workflows.id})`.mapWith((v) => (v ? new Date(v) : null)) })
    .from(workflows)
    .where(eq(workflows.orgId, orgId))
    .orderBy(asc(workflows.position), asc(workflows.id));
}
export type WorkflowRow = Awaited<ReturnType<typeof listWorkflows>>[number];

export async function getWorkflow(db: DbOrTx, orgId: number, id: number) {
  const [row] = await db.select().from(workflows).where(and(eq(workflows.orgId, orgId), eq(workflows.id, id)));
  if (!row) throw new WorkflowNotFound();
  return row;
}

/** A new rule goes last in the order. */
export async function createWorkflow(db: DbOrTx, actor: Actor, input: RuleInput, now: Date) {
  return db.transaction(async (tx) => {
    const [last] = await tx.select({ position: max(workflows.position) }).from(workflows).where(eq(workflows.orgId, actor.orgId));
    const [row] = await tx
      .insert(workflows)
      .values({ orgId: actor.orgId, ...input, position: (last?.position ?? -1) + 1, createdAt: now, updatedAt: now })
      .returning({ id: workflows.id });
    await recordEvent(tx, { orgId: actor.orgId, type: "workflow_changed", actorId: actor.userId, data: { workflowId: row.id }, createdAt: now });
    return row.id;
  });
}

export async function updateWorkflow(db: DbOrTx, actor: Actor, id: number, input: RuleInput & { position?: number }, now: Date) {
  return db.transaction(async (tx) => {
    const updated = await tx.update(workflows).set({ ...input, updatedAt: now }).where(and(eq(workflows.orgId, actor.orgId), eq(workflows.id, id))).returning({ id: workflows.id });
    if (!updated.length) throw new WorkflowNotFound();
    await recordEvent(tx, { orgId: actor.orgId, type: "workflow_changed", actorId: actor.userId, data: { workflowId: id }, createdAt: now });
  });
}

export async function deleteWorkflow(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const removed = await tx.delete(workflows).where(and(eq(workflows.orgId, actor.orgId), eq(workflows.id, id))).returning({ id: workflows.id });
    if (!removed.length) throw new WorkflowNotFound();
    await recordEvent(tx, { orgId: actor.orgId, type: "workflow_changed", actorId: actor.userId, data: { workflowId: id, deleted: true }, createdAt: now });
  });
}

/** The rule's last runs, newest first: the conversation, what matched, what each action did. */
export async function workflowRunLog(db: DbOrTx, orgId: number, id: number) {
  return db
    .select({ id: workflowRuns.id, conversationId: workflowRuns.conversationId, status: workflowRuns.status, matched: workflowRuns.matched, results: workflowRuns.results, createdAt: workflowRuns.createdAt, dueAt: workflowRuns.dueAt })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.orgId, orgId), eq(workflowRuns.workflowId, id)))
    .orderBy(desc(workflowRuns.id))
    .limit(RUNS_KEPT);
}
export type RunLogRow = Awaited<ReturnType<typeof workflowRunLog>>[number];

export interface TestOutcome {
  conversationId: number;
  conditions: { type: string; holds: boolean }[];
  matches: boolean;
  actions: string[];
}

/** What the rule would do to a conversation now, judged as a run would judge it, changing nothing. */
export async function testWorkflow(db: DbOrTx, orgId: number, id: number, conversationId: number, now: Date): Promise<TestOutcome | null> {
  const rule = parseRule(await getWorkflow(db, orgId, id));
  const situation = await situationOf(db, orgId, conversationId, null, now);
  if (!rule || !situation) return null;
  const checks = await checkConditions(db, situation, rule.conditions);
  return { conversationId, conditions: checks.map((c) => ({ type: c.condition.type, holds: c.holds })), matches: checks.every((c) => c.holds), actions: rule.actions.map((a) => a.type) };
}

/** Everything a rule can name, for the editor's choices. */
export async function workflowChoices(db: DbOrTx, orgId: number) {
  const [channelRows, brandRows, groupRows, tagRows, people, closings, replies, fields] = await Promise.all([
    db.select({ id: channels.id, name: channels.name, kind: channels.kind, config: channels.config }).from(channels).where(and(eq(channels.orgId, orgId), sql`${channels.kind} <> 'support'`)).orderBy(asc(channels.name)),
    db.select({ id: brands.id, name: brands.name }).from(brands).where(eq(brands.orgId, orgId)).orderBy(asc(brands.name)),
    db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, orgId)).orderBy(asc(workgroups.name)),
    db.select({ id: tags.id, name: tags.name }).from(tags).where(eq(tags.orgId, orgId)).orderBy(asc(tags.name)),
    db.select({ id: users.id, name: users.name }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(and(eq(memberships.orgId, orgId), eq(memberships.active, true))).orderBy(asc(users.name)),
    db.select({ id: closingMessages.id, body: closingMessages.body, builtinKey: closingMessages.builtinKey }).from(closingMessages).where(eq(closingMessages.orgId, orgId)).orderBy(asc(closingMessages.position)),
    db.select({ id: quickReplies.id, title: quickReplies.title }).from(quickReplies).where(and(eq(quickReplies.orgId, orgId), isNull(quickReplies.userId))).orderBy(asc(quickReplies.title)),
    db.select({ key: customFields.key, label: customFields.label, type: customFields.type }).from(customFields).where(eq(customFields.orgId, orgId)),
  ]);
  return {
    channels: channelRows.map(({ config, ...c }) => ({ ...c, templates: channelTemplates(config) })),
    brands: brandRows,
    workgroups: groupRows,
    tags: tagRows,
    people,
    closings,
    quickReplies: replies,
    fields,
  };
}
export type WorkflowChoices = Awaited<ReturnType<typeof workflowChoices>>;

/** A conversation of the organization, for the test form. */
export async function conversationExists(db: DbOrTx, orgId: number, id: number) {
  const [row] = await db.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.orgId, orgId), eq(conversations.id, id)));
  return !!row;
}
