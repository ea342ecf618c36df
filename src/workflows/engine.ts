// The workflow engine. Committed events that match enabled rules become run rows, exactly once
// across processes: a pass reads the events committed since the snapshot the previous pass stored
// (the cockpit's watermark, see src/cockpit/metrics.ts) under the cursor row's lock. Workers then
// claim due runs with FOR UPDATE SKIP LOCKED and apply one action per transaction together with
// moving the run on, so a crash resumes at the next action and never applies one twice.
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { rows, type Database, type Db, type DbOrTx } from "@db/client";
import { automatedReplies, workflowRuns, workflows } from "@db/schema";
import type { Deps } from "../context";
import { PassWorker } from "../jobs/pass-worker";
import { commit } from "../realtime/changes";
import { applyAction, ActionRefused, type RunContext } from "./actions";
import { actionSchema, parseRule, type Rule, type Trigger } from "./rules";
import { scheduledRuns } from "./schedule";
import { checkConditions, situationOf, type Glimpse } from "./situation";
import { enabledReplies, glimpses, worthChecking } from "./glance";

/** A chain of rules firing on each other's changes stops here. */
export const MAX_DEPTH = 3;
/** Runs kept per rule for its log. */
export const RUNS_KEPT = 100;

interface CommittedEvent {
  id: number;
  org_id: number;
  type: string;
  conversation_id: number | null;
  data: Record<string, unknown>;
  created_at: Date;
}

async function enabledRules(db: DbOrTx, orgId: number): Promise<Rule[]> {
  const found = await db.select().from(workflows).where(and(eq(workflows.orgId, orgId), eq(workflows.enabled, true))).orderBy(asc(workflows.position), asc(workflows.id));
  return found.map(parseRule).filter((r): r is Rule => r !== null);
}

/** Whether an event is what a trigger waits for (delayed triggers start waiting on it). */
function triggeredBy(trigger: Trigger, e: CommittedEvent): boolean {
  const direction = e.data.direction;
  switch (trigger.type) {
    case "conversation_opened":
      return e.type === "conversation_created";
    case "message_received":
    case "no_agent_reply":
      return e.type === "message_created" && direction === "in";
    case "no_customer_reply":
      return e.type === "message_created" && direction === "out";
    case "assigned":
      return e.type === "assigned" && e.data.unassigned !== true;
    case "closed":
      return e.type === "closed";
    case "tag_added":
      return e.type === "tagged" && (trigger.tagId === undefined || e.data.tagId === trigger.tagId);
    case "tag_removed":
      return e.type === "untagged" && (trigger.tagId === undefined || e.data.tagId === trigger.tagId);
    case "contact_field_changed":
      return e.type === "contact_updated";
    case "schedule":
      // Its times make its runs (schedule.ts), not events.
      return false;
  }
}

const delayOf = (trigger: Trigger) => (trigger.type === "no_agent_reply" || trigger.type === "no_customer_reply" ? trigger.minutes * 60_000 : 0);

/**
 * One pass over the events committed since the last one: each becomes the runs of the rules it
 * triggers. Returns how many runs were made.
 */
export async function collectRuns(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const at = now.toISOString();
    // The cursor row's lock makes passes of every process take turns.
    const [mark] = await rows<{ previous: string | null; current: string }>(
      tx,
      sql`with locked as (
            insert into workflow_cursor (name, updated_at) values ('events', ${at}::timestamptz)
            on conflict (name) do update set updated_at = excluded.updated_at returning snapshot)
          select snapshot::text as previous, pg_current_snapshot()::text as current from locked`,
    );
    let found: CommittedEvent[] = [];
    if (mark.previous !== null) {
      // Committed in `current` (taken before this read) and not in `previous`: each event once.
      found = await rows<CommittedEvent>(
        tx,
        sql`select e.id, e.org_id, e.type, e.conversation_id, e.data, e.created_at from events e
            where e.type in ('conversation_created', 'message_created', 'assigned', 'closed', 'tagged', 'untagged', 'contact_updated')
              and e.txid >= pg_snapshot_xmin(${mark.previous}::pg_snapshot) and e.txid < pg_snapshot_xmax(${mark.current}::pg_snapshot)
              and pg_visible_in_snapshot(e.txid, ${mark.current}::pg_snapshot) and not pg_visible_in_snapshot(e.txid, ${mark.previous}::pg_snapshot)
            order by e.id`,
      );
    }
    await tx.execute(sql`update workflow_cursor set snapshot = ${mark.current}::pg_snapshot where name = 'events'`);
    const committed = found
      .map((r) => ({ ...r, id: Number(r.id), org_id: Number(r.org_id), conversation_id: r.conversation_id === null ? null : Number(r.conversation_id), created_at: new Date(r.created_at) }))
      .filter((e) => depthOf(e) < MAX_DEPTH);
    // Each organization's rules and replies once a pass; then only the events one of them waits for,
    // glanced at together, and read in full only where a rule may match.
    const orgs = [...new Set(committed.map((e) => e.org_id))];
    const loaded = await Promise.all(orgs.map(async (orgId) => [orgId, { rules: await enabledRules(tx, orgId), replies: await enabledReplies(tx, orgId) }] as const));
    const automation = new Map(loaded);
    const wanted = committed.filter((e) => {
      const { rules, replies } = automation.get(e.org_id)!;
      return rules.some((r) => triggeredBy(r.trigger, e) && e.data.ruleId !== r.id) || (replies.length > 0 && repliesAnswer(e));
    });
    const seen = await glimpses(tx, wanted);
    let made = 0;
    for (const e of wanted) made += await runsFor(tx, e, automation.get(e.org_id)!, seen.get(e.id), now);
    return made + (await scheduledRuns(tx, now));
  });
}

/**
 * The conversation an event concerns: its own, or for a contact's change, the contact's open one
 * (their chat, never a comment thread under a post: those are answered there, not by rules).
 */
async function conversationOf(tx: DbOrTx, e: CommittedEvent): Promise<{ conversationId: number; contactId: number } | null> {
  const [row] = await rows<{ id: number; contact_id: number }>(
    tx,
    e.conversation_id !== null
      ? sql`select id, contact_id from conversations where id = ${e.conversation_id}`
      : sql`select id, contact_id from conversations where contact_id = ${Number(e.data.contactId ?? 0)} and status = 'open' and type <> 'comment'`,
  );
  return row ? { conversationId: Number(row.id), contactId: Number(row.contact_id) } : null;
}

const depthOf = (e: CommittedEvent) => (typeof e.data.depth === "number" ? e.data.depth : 0);

/** A customer's message, not one a rule's change led to: what the automated replies answer. */
const repliesAnswer = (e: CommittedEvent) => e.type === "message_created" && e.data.direction === "in" && depthOf(e) === 0;

type Reply = typeof automatedReplies.$inferSelect;

async function runsFor(tx: DbOrTx, e: CommittedEvent, automation: { rules: Rule[]; replies: Reply[] }, glimpse: Glimpse | undefined, now: Date): Promise<number> {
  const depth = depthOf(e);
  // A rule never fires on its own changes; other rules may, up to MAX_DEPTH. A delayed one is
  // checked when it comes due; the others only when a glance does not rule them out.
  const triggered = automation.rules.filter((r) => triggeredBy(r.trigger, e) && e.data.ruleId !== r.id);
  const candidates = triggered.filter((r) => delayOf(r.trigger) > 0 || worthChecking([r], glimpse).length > 0);
  const replies = repliesAnswer(e) && glimpse ? automation.replies.filter((r) => r.channelId === glimpse.channelId) : [];
  if (candidates.length === 0 && replies.length === 0) return 0;
  const target = await conversationOf(tx, e);
  if (!target) return 0;
  const messageId = typeof e.data.messageId === "number" ? e.data.messageId : null;
  const situation = await situationOf(tx, e.org_id, target.conversationId, messageId, e.created_at);
  if (!situation) return 0;
  const made: (typeof workflowRuns.$inferInsert)[] = [];
  const base = { orgId: e.org_id, conversationId: target.conversationId, contactId: target.contactId, eventId: e.id, depth: depth + 1, createdAt: now };
  for (const reply of replies) {
    // The out-of-office reply goes only while closed; the welcome message whenever its gap allows.
    if (reply.kind === "out_of_office" && situation.open) continue;
    made.push({ ...base, key: `reply:${reply.id}:${e.id}`, ruleName: reply.kind, actions: [{ type: "automated_reply", replyId: reply.id }], dueAt: e.created_at, depth: MAX_DEPTH });
  }
  for (const rule of candidates) {
    const delay = delayOf(rule.trigger);
    if (delay > 0) {
      made.push({ ...base, key: `${rule.id}:${e.id}`, workflowId: rule.id, ruleName: rule.name, actions: rule.actions, checked: false, dueAt: new Date(e.created_at.getTime() + delay) });
      continue;
    }
    const checks = await checkConditions(tx, situation, rule.conditions);
    if (!checks.every((c) => c.holds)) continue;
    made.push({ ...base, key: `${rule.id}:${e.id}`, workflowId: rule.id, ruleName: rule.name, actions: rule.actions, matched: [rule.trigger.type, ...checks.map((c) => c.condition.type)], dueAt: e.created_at });
    if (rule.stopAfter) break;
  }
  if (made.length === 0) return 0;
  const inserted = await tx.insert(workflowRuns).values(made).onConflictDoNothing().returning({ id: workflowRuns.id });
  return inserted.length;
}

/**
 * Still true when a delayed trigger comes due: the wait its message started is not over. Only the
 * message that started a wait counts (the first unanswered customer message, or the latest agent
 * message), so a rule fires once per wait however many messages came meanwhile.
 */
async function stillWaiting(db: DbOrTx, run: typeof workflowRuns.$inferSelect, trigger: Trigger): Promise<boolean> {
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

/**
 * Claims one due run and moves it one step: checks a delayed rule, or applies its next action. An
 * action that cannot be applied is logged on the run, and the run goes on with the next one.
 * Returns the run's organization and the events written, or null when nothing was due.
 */
export async function stepRun(db: Db, now: Date): Promise<{ orgId: number; eventIds: number[] } | null> {
  return db.transaction(async (tx) => {
    const [run] = await tx
      .select()
      .from(workflowRuns)
      .where(and(eq(workflowRuns.status, "pending"), lte(workflowRuns.dueAt, now)))
      .orderBy(asc(workflowRuns.dueAt), asc(workflowRuns.id))
      .limit(1)
      .for("update", { skipLocked: true });
    if (!run) return null;
    if (!run.checked) {
      const [row] = run.workflowId ? await tx.select().from(workflows).where(and(eq(workflows.id, run.workflowId), eq(workflows.enabled, true))) : [];
      const rule = row ? parseRule(row) : null;
      const situation = rule && run.conversationId !== null && (await stillWaiting(tx, run, rule.trigger)) ? await situationOf(tx, run.orgId, run.conversationId, null, now) : null;
      const checks = rule && situation ? await checkConditions(tx, situation, rule.conditions) : [];
      if (!rule || !situation || !checks.every((c) => c.holds)) {
        // Not a run after all (answered meanwhile, or the rule changed): nothing to log.
        await tx.delete(workflowRuns).where(eq(workflowRuns.id, run.id));
        return { orgId: run.orgId, eventIds: [] };
      }
      await tx.update(workflowRuns).set({ checked: true, matched: [rule.trigger.type, ...checks.map((c) => c.condition.type)] }).where(eq(workflowRuns.id, run.id));
      return { orgId: run.orgId, eventIds: [] };
    }
    const parsed = actionSchema.safeParse(run.actions[run.nextAction]);
    const context: RunContext = { orgId: run.orgId, runId: run.id, ruleId: run.workflowId, ruleName: run.ruleName, depth: run.depth, conversationId: run.conversationId, contactId: run.contactId };
    let result: { action: string; outcome: "done" | "skipped" | "error"; detail?: string };
    let eventIds: number[] = [];
    if (!parsed.success) {
      result = { action: String(run.actions[run.nextAction]?.type ?? "?"), outcome: "error", detail: "invalid" };
    } else {
      try {
        // A savepoint: an action that fails leaves nothing behind, and the run still moves on.
        const outcome = await tx.transaction((inner) => applyAction(inner, context, parsed.data, now));
        eventIds = outcome.eventIds;
        result = { action: parsed.data.type, outcome: outcome.outcome, ...(outcome.detail ? { detail: outcome.detail } : {}) };
      } catch (error) {
        result = { action: parsed.data.type, outcome: "error", detail: error instanceof ActionRefused ? error.message : error instanceof Error ? error.message.slice(0, 300) : String(error) };
      }
    }
    const next = run.nextAction + 1;
    const finished = next >= run.actions.length;
    const results = [...run.results, result];
    await tx
      .update(workflowRuns)
      .set({ nextAction: next, results, ...(finished ? { status: results.some((r) => r.outcome === "error") ? "failed" : "done", finishedAt: now } : {}) })
      .where(eq(workflowRuns.id, run.id));
    if (finished && run.workflowId !== null) await pruneLog(tx, run.workflowId);
    return { orgId: run.orgId, eventIds };
  });
}

async function pruneLog(db: DbOrTx, workflowId: number) {
  await db.execute(sql`delete from workflow_runs where workflow_id = ${workflowId} and status <> 'pending'
    and id <= (select id from workflow_runs where workflow_id = ${workflowId} order by id desc offset ${RUNS_KEPT} limit 1)`);
}

/** Makes runs from new events and applies what is due, publishing each step's events after its commit. */
export async function runWorkflows(database: Database, now: () => Date, limit = 200): Promise<number> {
  await collectRuns(database.db, now());
  let steps = 0;
  while (steps < limit) {
    const done = await commit<{ orgId: number; eventIds: number[] } | null>(database, (d) => d.orgId, (db) => stepRun(db as Db, now()));
    if (!done) break;
    steps++;
  }
  return steps;
}

/**
 * Runs the engine every interval and when any process commits events (told through the bus), 10 ms
 * after a wake-up: a rule that routes a customer's first message to its group acts within the
 * moment routing does, and under load the passes run back to back, each taking all that came.
 */
export class WorkflowWorker extends PassWorker {
  constructor(deps: Deps) {
    super(deps, "workflow", (d) => runWorkflows(d.database, () => d.clock.now()), 10);
  }
}
