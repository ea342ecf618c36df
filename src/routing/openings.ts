// New conversations in a group's queue, heard after their first message committed: who takes each
// first, the rules or routing (judgeOpening). A conversation one rule clearly sends to a workgroup
// gets that rule's run made and its first step taken here, routed in the same batch as the others:
// one hop, the rule as actor, the same run and log the engine would have made. One a rule may assign
// but a glance cannot tell is left to the engine, which routes it if no rule does.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@db/client";
import { workflowRuns } from "@db/schema";
import type { Glance } from "../workflows/glance";
import { moveOn } from "../workflows/steps";
import { judgeOpening, opensConversation, ruleRun, runKey, type Opening } from "../workflows/triggers";
import { routeBatch } from "./assign";

/** An event routing heard, as it reads them. */
export interface HeardEvent {
  id: number;
  type: string;
  conversation_id: number | null;
  created_at: Date;
  data: Record<string, unknown>;
}

/** Each new conversation's judgement, from the organization's rules and a glance at its opening events. */
async function judge({ seen, rules: read }: Glance, fresh: number[], heard: HeardEvent[]): Promise<Map<number, Opening<HeardEvent>>> {
  const judged = new Map<number, Opening<HeardEvent>>(fresh.map((id) => [id, { by: "routing" }]));
  const rules = await read();
  if (rules.length === 0) return judged;
  const opening = heard.filter((e) => e.conversation_id !== null && judged.has(e.conversation_id) && opensConversation(e));
  for (const id of fresh) judged.set(id, judgeOpening(rules, opening.filter((e) => e.conversation_id === id).map((event) => ({ event, glimpse: seen.get(event.id) }))));
  return judged;
}

/**
 * Routes the new conversations heard together, in one transaction: routing's own, and those a rule
 * clearly sends elsewhere (their runs made here). Returns the events, and whether any conversation
 * (or a run's further actions) waits for the workflow engine.
 */
export async function routeOpenings(
  db: Db,
  orgId: number,
  fresh: number[],
  heard: HeardEvent[],
  glance: Glance,
  clock: () => Date,
  /** Of the new conversations, those with older ones waiting in their group (by conversation, the group). */
  behind: Map<number, number> = new Map(),
): Promise<{ eventIds: number[]; forRules: boolean; drain: number[] }> {
  const judged = await judge(glance, fresh, heard);
  const byRule = fresh.flatMap((id) => {
    const j = judged.get(id)!;
    return j.by === "rule" ? [{ conversationId: id, ...j }] : [];
  });
  const routing = fresh.filter((id) => judged.get(id)!.by === "routing");
  // Left to the engine: the conversations it is to judge, and runs with actions still to take.
  let forRules = byRule.length + routing.length < fresh.length;
  // One with older conversations waiting in its group goes behind them: the caller drains the group, in order.
  const drain = [...new Set(routing.flatMap((id) => (behind.has(id) ? [behind.get(id)!] : [])))];
  const byRouting = routing.filter((id) => !behind.has(id));
  if (byRule.length === 0 && byRouting.length === 0) return { eventIds: [], forRules, drain };
  const requests = byRouting.map((conversationId) => ({ conversationId, by: { kind: "routing" as const } }));
  const eventIds = await db.transaction(async (tx) => {
    // Assigned at the moment routing decides, under the candidates' locks.
    if (byRule.length === 0) return (await routeBatch(tx, orgId, requests, clock)).flatMap((r) => r.eventIds);
    const now = clock();
    // The runs, as the engine makes them (same keys: whichever comes first makes each once).
    const keys = byRule.map(({ rule, event }) => runKey(rule.id, event.id));
    const made = await tx
      .insert(workflowRuns)
      .values(
        byRule.map(({ conversationId, ...fired }) => ruleRun(orgId, fired, { conversationId, contactId: sql`(select contact_id from conversations where id = ${conversationId})` }, now)),
      )
      .onConflictDoNothing()
      .returning();
    // One the engine made first (its pass read the event before routing did) is still routing's to
    // step here, unless a step of the engine holds it already: then that conversation is left to it.
    const taken =
      made.length < keys.length
        ? await tx
            .select()
            .from(workflowRuns)
            .where(
              and(
                eq(workflowRuns.orgId, orgId),
                inArray(workflowRuns.key, keys.filter((k) => !made.some((r) => r.key === k))),
                eq(workflowRuns.status, "pending"),
                eq(workflowRuns.nextAction, 0),
                eq(workflowRuns.checked, true),
                // As a step takes them: never before an earlier run of its conversation (a welcome reply made by the same pass).
                sql`not exists (select 1 from workflow_runs earlier where earlier.conversation_id = ${workflowRuns.conversationId} and earlier.status = 'pending'
                  and (earlier.due_at, earlier.id) < (${workflowRuns.dueAt}, ${workflowRuns.id}))`,
              ),
            )
            .orderBy(asc(workflowRuns.id))
            .for("update", { skipLocked: true })
        : [];
    const runs = [...made, ...taken].sort((a, b) => keys.indexOf(a.key) - keys.indexOf(b.key));
    if (runs.length < byRule.length || runs.some((r) => r.actions.length > 1)) forRules = true;
    const moved = await moveOn(tx, orgId, runs, now, requests, clock);
    return moved.eventIds;
  });
  return { eventIds, forRules, drain };
}
