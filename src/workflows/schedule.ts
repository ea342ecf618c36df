// Scheduled rules: at each time of a rule's croner expression (in the organization's time zone) the
// rule runs once for every contact its filter selects: the contact's latest conversation must meet
// the rule's conditions (channel, tags, CRM fields…) and, with `quietDays`, its last message be at
// least that old. The last time a rule fired is kept in its own workflow_cursor row, written in the
// engine's cursor-locked pass, and each run's key names the rule, the time and the contact, so a
// time fires once across processes and restarts; times missed while nothing ran fire once, late.
import { Cron } from "croner";
import { and, eq, inArray, sql } from "drizzle-orm";
import { rows, type Tx } from "@db/client";
import { organizations, workflowCursor, workflowRuns, workflows } from "@db/schema";
import { parseRule, type Rule } from "./rules";
import { checkConditions, situationOf } from "./situation";

/** At most this many contacts per firing: a schedule is for a campaign's few, not a bulk send. */
export const SCHEDULE_BATCH = 500;

const cursorName = (ruleId: number) => `schedule:${ruleId}`;

/** The latest time of `cron` after `since` and not after `now`, or null when none is due. */
export function dueTime(expression: string, timeZone: string, since: Date, now: Date): Date | null {
  const cron = new Cron(expression, { timezone: timeZone, paused: true });
  // Times missed long ago are not worth walking one by one: start from a day back at most.
  let fire = cron.nextRun(new Date(Math.max(since.getTime(), now.getTime() - 86_400_000)));
  if (!fire || fire > now) return null;
  for (let next = cron.nextRun(fire); next && next <= now; next = cron.nextRun(fire)) fire = next;
  return fire;
}

/** Makes the runs of every scheduled rule whose time has come; inside the engine's locked pass. */
export async function scheduledRuns(tx: Tx, now: Date): Promise<number> {
  const found = await tx
    .select({ row: workflows, timeZone: organizations.timezone })
    .from(workflows)
    .innerJoin(organizations, eq(organizations.id, workflows.orgId))
    .where(and(eq(workflows.enabled, true), sql`${workflows.trigger}->>'type' = 'schedule'`));
  if (found.length === 0) return 0;
  const marks = await tx
    .select()
    .from(workflowCursor)
    .where(inArray(workflowCursor.name, found.map((f) => cursorName(f.row.id))));
  let made = 0;
  for (const { row, timeZone } of found) {
    const rule = parseRule(row);
    if (!rule || rule.trigger.type !== "schedule") continue;
    const mark = marks.find((m) => m.name === cursorName(rule.id));
    // A new or edited rule counts its times from when it was saved.
    const since = new Date(Math.max(mark?.updatedAt.getTime() ?? 0, row.updatedAt.getTime()));
    const fire = dueTime(rule.trigger.cron, timeZone, since, now);
    if (!fire) continue;
    await tx
      .insert(workflowCursor)
      .values({ name: cursorName(rule.id), updatedAt: fire })
      .onConflictDoUpdate({ target: workflowCursor.name, set: { updatedAt: fire } });
    made += await fireRule(tx, row.orgId, rule, rule.trigger.quietDays ?? null, fire, now);
  }
  return made;
}

async function fireRule(tx: Tx, orgId: number, rule: Rule, quietDays: number | null, fire: Date, now: Date): Promise<number> {
  const quietSince = quietDays === null ? null : new Date(now.getTime() - quietDays * 86_400_000).toISOString();
  // Each contact's latest conversation (blocked contacts and spam left out), oldest activity first.
  const latest = await rows<{ id: number; contact_id: number }>(
    tx,
    sql`select id::float8 as id, contact_id::float8 as contact_id from (
          select distinct on (c.contact_id) c.id, c.contact_id, c.last_message_at
          from conversations c join contacts k on k.id = c.contact_id
          where c.org_id = ${orgId} and k.blocked_at is null and c.type <> 'spam'
          order by c.contact_id, c.created_at desc, c.id desc) x
        where ${quietSince}::timestamptz is null or x.last_message_at <= ${quietSince}::timestamptz
        order by x.last_message_at, x.id limit ${SCHEDULE_BATCH}`,
  );
  const made: (typeof workflowRuns.$inferInsert)[] = [];
  for (const c of latest) {
    const situation = await situationOf(tx, orgId, Number(c.id), null, now);
    if (!situation) continue;
    const checks = await checkConditions(tx, situation, rule.conditions);
    if (!checks.every((x) => x.holds)) continue;
    made.push({
      orgId,
      key: `schedule:${rule.id}:${fire.toISOString()}:${c.contact_id}`,
      workflowId: rule.id,
      ruleName: rule.name,
      conversationId: Number(c.id),
      contactId: Number(c.contact_id),
      depth: 1,
      actions: rule.actions,
      matched: ["schedule", ...checks.map((x) => x.condition.type)],
      dueAt: now,
      createdAt: now,
    });
  }
  if (made.length === 0) return 0;
  const inserted = await tx.insert(workflowRuns).values(made).onConflictDoNothing().returning({ id: workflowRuns.id });
  return inserted.length;
}
