// A rule's run log: its last RUNS_KEPT finished runs, kept as runs finish (by the engine's steps,
// or by routing at a conversation's opening, which finishes a rule's run in one step).
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";

/** Runs kept per rule for its log. */
export const RUNS_KEPT = 100;

/** Keeps each rule's last RUNS_KEPT finished runs, its log. */
export async function pruneLogs(db: DbOrTx, workflowIds: number[]) {
  for (const workflowId of workflowIds) {
    await db.execute(sql`delete from workflow_runs where workflow_id = ${workflowId} and status <> 'pending'
      and id <= (select id from workflow_runs where workflow_id = ${workflowId} order by id desc offset ${RUNS_KEPT} limit 1)`);
  }
}
