// The workflow engine. Committed events that match enabled rules become run rows, exactly once
// across processes: a pass reads the events committed since the snapshot the previous pass stored
// (the cockpit's watermark, see src/cockpit/metrics.ts) under the cursor row's lock. Steps then
// move the due runs on, one action each per transaction (steps.ts), so a crash resumes at the next
// action and never applies one twice.
import { sql } from "drizzle-orm";
import { rows, type Database, type Db, type DbOrTx, type Tx } from "@db/client";
import { automatedReplies, workflowRuns } from "@db/schema";
import type { Deps } from "../context";
import { PassWorker } from "../jobs/pass-worker";
import { commit } from "../realtime/changes";
import { stepRuns, type Stepped } from "./steps";
import type { Rule } from "./rules";
import { scheduledRuns } from "./schedule";
import { checkConditions, seenHolds, situationOf, type Glimpse } from "./situation";
import { enabledReplies, enabledRules, glimpses } from "./glance";
import { assigns, decidedAtAGlance, delayOf, depthOf, MAX_DEPTH, opensConversation, rulesFiredBy, rulesMayAssign, runKey, waitsInQueue, worthChecking } from "./triggers";
import { routeBatch } from "../routing/assign";

export { MAX_DEPTH } from "./triggers";
export { RUNS_KEPT, stepRun, stepRuns } from "./steps";

interface CommittedEvent {
  id: number;
  org_id: number;
  type: string;
  conversation_id: number | null;
  subject_user_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

/** What a pass did: the runs it made, and the events of the new conversations it routed itself. */
export interface Collected {
  made: number;
  /** Whether any run is due now: the steps have work. */
  due: boolean;
  /** Per organization: routing's events, to publish once the pass has committed. */
  routed: Map<number, number[]>;
}

/**
 * One pass over the events committed since the last one: each becomes the runs of the rules it
 * triggers. A new conversation that routing left to the rules (one of them might assign it) and
 * that no rule's run will assign after all is routed here, in the pass's transaction.
 */
export async function collectRuns(db: Db, now: Date): Promise<Collected> {
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
        sql`select e.id, e.org_id, e.type, e.conversation_id, e.subject_user_id, e.data, e.created_at from events e
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
    const loaded = await Promise.all(orgs.map(async (orgId) => [orgId, await Promise.all([enabledRules(tx, orgId), enabledReplies(tx, orgId)]).then(([rules, replies]) => ({ rules, replies }))] as const));
    const automation = new Map(loaded);
    const wanted = committed.filter((e) => {
      const { rules, replies } = automation.get(e.org_id)!;
      return rulesFiredBy(rules, e).length > 0 || (replies.length > 0 && repliesAnswer(e));
    });
    const seen = await glimpses(tx, wanted);
    // The runs of every event, inserted together: one statement a pass.
    const runs: NewRun[] = [];
    for (const e of wanted) runs.push(...(await runsFor(tx, e, automation.get(e.org_id)!, seen.get(e.id))));
    // Before routing anything (routeUnclaimed locks the candidates): routing makes a run of the same
    // key and then locks them, so the other order could deadlock with it.
    const made = runs.length ? (await tx.insert(workflowRuns).values(runs.map((r) => ({ ...r, createdAt: now }))).onConflictDoNothing().returning({ id: workflowRuns.id })).length : 0;
    // The conversations these runs assign at once. A run whose key was taken was made already, by
    // routing (which made it and took its first step): its conversation is as much the rule's.
    const assigning = new Set(runs.filter((r) => r.checked !== false && r.conversationId && r.actions.some(assigns)).map((r) => r.conversationId!));
    const routed = await routeUnclaimed(tx, committed, automation, seen, assigning, now);
    // Whether the steps have anything to do (a delayed rule come due, a run left by a crash), asked alongside.
    const [scheduled, [waiting]] = await Promise.all([scheduledRuns(tx, now), rows<{ due: boolean }>(tx, sql`select exists (select 1 from workflow_runs where status = 'pending' and due_at <= ${at}::timestamptz) as due`)]);
    return { made: made + scheduled, routed, due: made + scheduled > 0 || waiting.due };
  });
}

/**
 * Routes the new conversations routing left to the rules (rulesMayAssign, decided as routing decided
 * it) that no run of this pass will assign: their rules' conditions did not hold after all.
 */
async function routeUnclaimed(tx: Tx, committed: CommittedEvent[], automation: Map<number, { rules: Rule[] }>, seen: Map<number, Glimpse>, assigning: Set<number>, now: Date): Promise<Map<number, number[]>> {
  const routed = new Map<number, number[]>();
  for (const [orgId, { rules }] of automation) {
    const left = committed.filter((e) => e.org_id === orgId && waitsInQueue(e) && !assigning.has(e.conversation_id!));
    const unclaimed = left.filter((opened) => {
      const opening = committed.filter((e) => e.conversation_id === opened.conversation_id && opensConversation(e));
      return rulesMayAssign(rules, opening.map((event) => ({ event, glimpse: seen.get(event.id) })));
    });
    if (unclaimed.length === 0) continue;
    const outcomes = await routeBatch(tx, orgId, unclaimed.map((e) => ({ conversationId: e.conversation_id!, by: { kind: "routing" as const } })), now);
    routed.set(orgId, outcomes.flatMap((o) => o.eventIds));
  }
  return routed;
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

/** A customer's message, not one a rule's change led to: what the automated replies answer. */
const repliesAnswer = (e: CommittedEvent) => e.type === "message_created" && e.data.direction === "in" && depthOf(e) === 0;

type Reply = typeof automatedReplies.$inferSelect;
type NewRun = typeof workflowRuns.$inferInsert;

/** The runs an event makes (inserted once a pass, once whichever pass or process gets there first). */
async function runsFor(tx: DbOrTx, e: CommittedEvent, automation: { rules: Rule[]; replies: Reply[] }, glimpse: Glimpse | undefined): Promise<NewRun[]> {
  const depth = depthOf(e);
  // A rule never fires on its own changes; other rules may, up to MAX_DEPTH. A delayed one is
  // checked when it comes due; the others only when a glance does not rule them out.
  const triggered = rulesFiredBy(automation.rules, e);
  const candidates = triggered.filter((r) => delayOf(r.trigger) > 0 || worthChecking([r], glimpse).length > 0);
  const replies = repliesAnswer(e) && glimpse ? automation.replies.filter((r) => r.channelId === glimpse.channelId) : [];
  if (candidates.length === 0 && replies.length === 0) return [];
  // What a glance decides needs no reading: the conversation is the event's own, and its situation
  // is read only for a condition a glance cannot tell, or for a reply (which asks the business hours).
  const atAGlance = glimpse !== undefined && e.conversation_id !== null && replies.length === 0 && candidates.every((r) => delayOf(r.trigger) > 0 || decidedAtAGlance(r, glimpse));
  const target = atAGlance ? { conversationId: e.conversation_id!, contactId: glimpse.contactId } : await conversationOf(tx, e);
  if (!target) return [];
  const messageId = typeof e.data.messageId === "number" ? e.data.messageId : null;
  const situation = atAGlance ? null : await situationOf(tx, e.org_id, target.conversationId, messageId, e.created_at);
  if (!atAGlance && !situation) return [];
  const made: NewRun[] = [];
  const base = { orgId: e.org_id, conversationId: target.conversationId, contactId: target.contactId, eventId: e.id, depth: depth + 1 };
  for (const reply of replies) {
    // The out-of-office reply goes only while closed; the welcome message whenever its gap allows.
    if (reply.kind === "out_of_office" && situation!.open) continue;
    made.push({ ...base, key: `reply:${reply.id}:${e.id}`, ruleName: reply.kind, actions: [{ type: "automated_reply", replyId: reply.id }], dueAt: e.created_at, depth: MAX_DEPTH });
  }
  for (const rule of candidates) {
    const delay = delayOf(rule.trigger);
    if (delay > 0) {
      made.push({ ...base, key: runKey(rule.id, e.id), workflowId: rule.id, ruleName: rule.name, actions: rule.actions, checked: false, dueAt: new Date(e.created_at.getTime() + delay) });
      continue;
    }
    const checks = situation ? await checkConditions(tx, situation, rule.conditions) : rule.conditions.map((condition) => ({ condition, holds: seenHolds(condition, glimpse!) === true }));
    if (!checks.every((c) => c.holds)) continue;
    made.push({ ...base, key: runKey(rule.id, e.id), workflowId: rule.id, ruleName: rule.name, actions: rule.actions, matched: [rule.trigger.type, ...checks.map((c) => c.condition.type)], dueAt: e.created_at });
    if (rule.stopAfter) break;
  }
  return made;
}

/** Makes runs from new events and applies what is due, publishing each step's events after its commit. */
export async function runWorkflows(database: Database, now: () => Date, limit = 200): Promise<number> {
  const collected = await collectRuns(database.db, now());
  for (const [orgId, eventIds] of collected.routed) await commit(database, orgId, async () => ({ eventIds }));
  if (!collected.due) return 0;
  let steps = 0;
  while (steps < limit) {
    const done = await commit<Stepped | null>(database, (d) => d.orgId, (db) => stepRuns(db as Db, now()));
    if (!done) break;
    steps += done.runs;
  }
  return steps;
}

/**
 * Runs the engine every interval and when any process commits events (told through the bus), 100 ms
 * after a wake-up, so that under load a pass takes what a few dozen changes wrote; routing wakes it
 * at once (wakeNow) for a new conversation it leaves to the rules. A rule that clearly sends a new
 * conversation to a workgroup does not wait for it: routing takes that rule's first step itself.
 * (At 50 ms, a pass of about nine round trips every 50 ms took the cores routing waited for: in the
 * routing bench with its 20 rules, added p95 16 and 20 ms, against 13 and 8 ms at 100 ms.)
 */
const PASS_SPACING_MS = 100;

export class WorkflowWorker extends PassWorker {
  constructor(deps: Deps) {
    super(deps, "workflow", (d) => runWorkflows(d.database, () => d.clock.now()), PASS_SPACING_MS);
  }
}
