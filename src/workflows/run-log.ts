// A rule's run log: its last RUNS_KEPT finished runs, kept as runs finish (by the engine's steps,
// or by routing at a conversation's opening, which finishes a rule's run in one step).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";

/** Runs kept per rule for its log. */
export const RUNS_KEPT = 100;

/**
 * Keeps the logs of the rules whose runs just finished to their last RUNS_KEPT runs. Older ones are
 * deleted when a run whose id ends in 0 finishes, so at most a few more are kept meanwhile, at one
 * statement a tenth of the runs.
 */
export async function pruneAfter(db: DbOrTx, finished: { id: number; workflowId: number | null }[]) {
  const workflowIds = new Set(finished.flatMap((run) => (run.workflowId !== null && run.id % 10 === 0 ? [run.workflowId] : [])));
  for (const workflowId of workflowIds) {
    await db.execute(sql`delete from workflow_runs where workflow_id = ${workflowId} and status <> 'pending'
      and id <= (select id from workflow_runs where workflow_id = ${workflowId} order by id desc offset ${RUNS_KEPT} limit 1)`);
  }
}
