// Hand-ordered admin lists (closing messages, CRM fields): moving one row a place up or down.
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

export const directions = ["up", "down"] as const;
export type Direction = (typeof directions)[number];

/** The ids in their new order, or null when `id` is not in the list. Moving past an end changes nothing. */
export function reordered<T>(ids: T[], id: T, direction: Direction): T[] | null {
  const at = ids.indexOf(id);
  if (at < 0) return null;
  const to = direction === "up" ? at - 1 : at + 1;
  if (to < 0 || to >= ids.length) return ids;
  const order = [...ids];
  [order[at], order[to]] = [order[to], order[at]];
  return order;
}

/**
 * `case id when … then 1 … end`: the whole list renumbered from `start` in one statement, so rows that
 * shared a position can never make a move a no-op.
 */
export function positionsFor(idColumn: AnyPgColumn, ids: number[], start: number): SQL<number> {
  const whens = ids.map((id, i) => sql`when ${id} then ${start + i}`);
  return sql<number>`(case ${idColumn} ${sql.join(whens, sql` `)} end)::integer`;
}
