// Counting tables (agent_daily_stats, report_daily_stats) add each new count to the row already kept.
import { sql, type SQL } from "drizzle-orm";

/**
 * The SET list of `insert … as <alias> … on conflict … do update set`: each column becomes its kept
 * value plus the one being inserted. Column names are the caller's own identifiers, never input.
 */
export function addingOnConflict(alias: string, columns: readonly string[]): SQL {
  if (!/^[a-z_]+$/.test(alias) || columns.some((c) => !/^[a-z_]+$/.test(c))) throw new Error("addingOnConflict takes plain identifiers");
  return sql.raw(columns.map((c) => `${c} = ${alias}.${c} + excluded.${c}`).join(", "));
}
