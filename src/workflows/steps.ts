// Moving runs on: a step claims due runs (FOR UPDATE SKIP LOCKED), at most one per conversation and
// never one while an earlier run of its conversation is still pending, so a conversation's rules
// act in their order. It checks a delayed rule, or applies each run's next action, and moves the
// runs on in the same transaction: a crash resumes at the next action and never applies one twice.
// The runs that route their conversation to a workgroup are routed together, in one routing batch.
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { rows, type Db, type DbOrTx, type Tx } from "@db/client";
import { workflowRuns, workflows } from "@db/schema";
import { routeBatch, type Instant, type RouteOutcome, type RouteRequest } from "../routing/assign";
import { applyAction, ActionRefused, assignToWorkgroups, type ActionOutcome, type RunContext } from "./actions";
import { actionSchema, parseRule, type Action, type Trigger } from "./rules";
import { checkConditions, situationOf } from "./situation";
import { assigns } from "./triggers";
import { pruneAfter } from "./run-log";

export { RUNS_KEPT } from "./run-log";

/** Runs one step claims: each moves one action on, in one transaction. */
export const STEP_BATCH = 50;

type Run = typeof workflowRuns.$inferSelect;
type Result = Run["results"][number];

/** What a step did: its organization's runs moved on and the events they wrote, to publish after commit. */
export interface Stepped {
  orgId: number;
  eventIds: number[];
  runs: number;
}

/**
 * Still true when a delayed trigger comes due: the wait its message started is not over. Only the
 * message that started a wait counts (the first unanswered customer message, or the latest agent
 * message), so a rule fires once per wait however many messages came meanwhile.
 */
async function stillWaiting(db: DbOrTx, run: Run, trigger: Trigger): Promise<boolean> {
  const [event] = await rows<{ created_at: Date; message_id: number | null }>(db, sql`select created_at, (data->>'messageId')::bigint as message_id from events where id = ${run.eventId}`);
  const [conv] = await rows<{ status: string; waiting_since: Date | null; last_inbound_at: Date | null }>(db, sql`select status, waiting_since, last_inbound_at from conversations where id = ${run.conversationId}`);
  if (!event || !conv || conv.status !== "open" || event.message_id === null) return false;
  const since = new Date(event.created_at).getTime();
  if (trigger.type === "no_agent_reply") {
    if (conv.waiting_since === null || new Date(conv.waiting_since).getTime() > since) return false;
    const [earlier] = await rows(db, sql`select 1 from messages where conversation_id = ${run.conversationId} and direction = 'in' and id < ${event.message_id} and created_at >= ${new Date(conv.waiting_since).toISOString()}::timestamptz limit 1`);
    return !earlier;
  }
  if (conv.last_inbound_at !== null && new Date(conv.last_inbound_at).getTime() >= since) return false;
  const [later] = await rows(db, sql`select 1 from messages where conversation_id = ${run.conversationId} and direction = 'out' and id > ${event.message_id} limit 1`);
  return !later;
}

/** A delayed rule come due: checked now, or dropped (answered meanwhile, or the rule changed: nothing to log). */
async function checkDelayed(tx: Tx, run: Run, now: Date) {
  const [row] = run.workflowId ? await tx.select().from(workflows).where(and(eq(workflows.id, run.workflowId), eq(workflows.enabled, true))) : [];
  const rule = row ? parseRule(row) : null;
  const situation = rule && run.conversationId !== null && (await stillWaiting(tx, run, rule.trigger)) ? await situationOf(tx, run.orgId, run.conversationId, null, now) : null;
  const checks = rule && situation ? await checkConditions(tx, situation, rule.conditions) : [];
  if (!rule || !situation || !checks.every((c) => c.holds)) {
    await tx.delete(workflowRuns).where(eq(workflowRuns.id, run.id));
    return;
  }
  await tx.update(workflowRuns).set({ checked: true, matched: [rule.trigger.type, ...checks.map((c) => c.condition.type)] }).where(eq(workflowRuns.id, run.id));
}

const contextOf = (run: Run): RunContext => ({ orgId: run.orgId, runId: run.id, ruleId: run.workflowId, ruleName: run.ruleName, depth: run.depth, conversationId: run.conversationId, contactId: run.contactId });

/** What went wrong, for the log: the database's own words rather than drizzle's "Failed query: <the statement>". */
const reason = (error: unknown): string => (error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error));

const refusal = (action: string, error: unknown): Result => ({ action, outcome: "error", detail: error instanceof ActionRefused ? error.message : reason(error).slice(0, 300) });

const resultOf = (action: string, outcome: ActionOutcome): Result => ({ action, outcome: outcome.outcome, ...(outcome.detail ? { detail: outcome.detail } : {}) });

/** One action in a savepoint of its own: one that fails leaves nothing behind, and its run still moves on. */
async function applyOne(tx: Tx, run: Run, action: Action, now: Date): Promise<{ result: Result; eventIds: number[] }> {
  try {
    const outcome = await tx.transaction((inner) => applyAction(inner, contextOf(run), action, now));
    return { result: resultOf(action.type, outcome), eventIds: outcome.eventIds };
  } catch (error) {
    return { result: refusal(action.type, error), eventIds: [] };
  }
}

/**
 * Each run's next action: those routing to a workgroup together, with routing's own requests
 * (`alongside`) in the same batch, in a savepoint (should it fail, the runs go one by one as the
 * rest, and routing's requests alone); the others one by one.
 */
async function applyNext(tx: Tx, orgId: number, runs: Run[], now: Date, alongside: Omit<RouteRequest, "orgId">[], routedAt: Instant): Promise<{ applied: Map<number, { result: Result; eventIds: number[] }>; routed: RouteOutcome[] }> {
  const applied = new Map<number, { result: Result; eventIds: number[] }>();
  const parsed = runs.map((run) => ({ run, parsed: actionSchema.safeParse(run.actions[run.nextAction]) }));
  const routing = parsed.flatMap(({ run, parsed }) => (parsed.success && parsed.data.type === "assign_workgroup" ? [{ run, action: parsed.data }] : []));
  let routed: RouteOutcome[] | null = alongside.length ? null : [];
  if (routing.length > 1 || alongside.length > 0) {
    const together = await tx.transaction((inner) => assignToWorkgroups(inner, orgId, routing.map(({ run, action }) => ({ run: contextOf(run), action })), now, alongside, routedAt)).catch(() => null);
    together?.outcomes.forEach((outcome, k) => {
      const { run, action } = routing[k];
      applied.set(run.id, outcome instanceof ActionRefused ? { result: refusal(action.type, outcome), eventIds: [] } : { result: resultOf(action.type, outcome), eventIds: outcome.eventIds });
    });
    if (together) routed = together.alongside;
  }
  for (const { run, parsed: p } of parsed) {
    if (applied.has(run.id)) continue;
    if (!p.success) applied.set(run.id, { result: { action: String(run.actions[run.nextAction]?.type ?? "?"), outcome: "error", detail: "invalid" }, eventIds: [] });
    else applied.set(run.id, await applyOne(tx, run, p.data, now));
  }
  routed ??= await routeBatch(tx, orgId, alongside, routedAt);
  return { applied, routed };
}

/**
 * Claims due runs of one organization and moves each one step: checks a delayed rule, or applies
 * its next action. An action that cannot be applied is logged on its run, which goes on with the
 * next. Returns the events written, or null when nothing was due.
 */
export async function stepRuns(db: Db, now: Date, limit = STEP_BATCH): Promise<Stepped | null> {
  return db.transaction(async (tx) => {
    const claimed = await tx
      .select()
      .from(workflowRuns)
      .where(
        and(
          eq(workflowRuns.status, "pending"),
          lte(workflowRuns.dueAt, now),
          // A conversation's runs go in order: none while an earlier one of it is pending (even one another process holds).
          sql`not exists (select 1 from workflow_runs earlier where earlier.conversation_id = ${workflowRuns.conversationId} and earlier.status = 'pending'
                and (earlier.due_at, earlier.id) < (${workflowRuns.dueAt}, ${workflowRuns.id}))`,
        ),
      )
      .orderBy(asc(workflowRuns.dueAt), asc(workflowRuns.id))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (claimed.length === 0) return null;
    // One organization a step, for its events to be published together.
    const orgId = claimed[0].orgId;
    const mine = claimed.filter((r) => r.orgId === orgId);
    for (const run of mine.filter((r) => !r.checked)) await checkDelayed(tx, run, now);
    const { eventIds } = await moveOn(tx, orgId, mine.filter((r) => r.checked), now);
    return { orgId, eventIds, runs: mine.length };
  });
}

/**
 * Applies the next action of each run (checked, locked or made by the caller's transaction) and
 * moves it on; routing's own requests, when given, are routed in the same batch as the runs'
 * assignments. Returns the events written, and routing's outcomes in the order of its requests.
 */
export async function moveOn(tx: Tx, orgId: number, ready: Run[], now: Date, alongside: Omit<RouteRequest, "orgId">[] = [], routedAt: Instant = now): Promise<{ eventIds: number[]; routed: RouteOutcome[] }> {
  const { applied, routed } = await applyNext(tx, orgId, ready, now, alongside, routedAt);
  const moved = ready.map((run) => {
    const { result } = applied.get(run.id)!;
    const results = [...run.results, result];
    const next = run.nextAction + 1;
    const finished = next >= run.actions.length;
    return { run, next_action: next, results, status: finished ? (results.some((r) => r.outcome === "error") ? "failed" : "done") : "pending", finished };
  });
  if (moved.length > 0) {
    const values = moved.map((m) => ({ id: m.run.id, next_action: m.next_action, results: m.results, status: m.status, finished_at: m.finished ? now.toISOString() : null }));
    await tx.execute(sql`update workflow_runs r set next_action = v.next_action, results = v.results, status = v.status, finished_at = v.finished_at
      from json_to_recordset(${JSON.stringify(values)}::json) as v(id bigint, next_action int, results jsonb, status text, finished_at timestamptz)
      where r.id = v.id`);
  }
  const finished = moved.filter((m) => m.finished);
  // A rule's log shows its last RUNS_KEPT runs.
  await pruneAfter(tx, finished.map((m) => m.run));
  const eventIds = [...ready.flatMap((run) => applied.get(run.id)!.eventIds), ...routed.flatMap((r) => r.eventIds)];
  // A run that meant to assign its conversation and did not (a deleted group or person) leaves it
  // where routing left it for the rules: routing takes it now, as it would have without them.
  const unassigned = finished.filter((m) => m.run.conversationId !== null && m.run.actions.some(assigns) && !m.results.some((r, k) => assigns(m.run.actions[k]) && r.outcome === "done"));
  if (unassigned.length > 0) {
    const rerouted = await routeBatch(tx, orgId, unassigned.map((m) => ({ conversationId: m.run.conversationId!, by: { kind: "routing" as const } })), now);
    eventIds.push(...rerouted.flatMap((r) => r.eventIds));
  }
  return { eventIds, routed };
}

/** One run moved one step: what a crash between two steps leaves behind. */
export const stepRun = (db: Db, now: Date) => stepRuns(db, now, 1);
