// Request budgets for the public widget API, counted per visitor and per address in fixed windows.
// Kept in the database (widget_budgets), so every process behind a load balancer spends the same
// budget: one statement per request counts the hit and says whether it is over.
import { lt, sql } from "drizzle-orm";
import { fixedStatement, type DbOrTx } from "@db/client";
import { widgetBudgets } from "@db/schema";

export const WIDGET_LIMITS = {
  /** Any widget API request from one address (many visitors can share an office address). */
  perAddress: { max: 240, windowMs: 60_000 },
  /** Messages, files and pre-chat forms from one visitor. */
  perVisitor: { max: 20, windowMs: 60_000 },
  /** New visitor identities handed to one address. */
  newVisitors: { max: 30, windowMs: 60_000 },
} as const;

export type Budget = keyof typeof WIDGET_LIMITS;
export type Spent = { ok: true } | { ok: false; retryAfter: number };

/** Counts one hit on the key, starting a new window when the last one has passed. */
const hitStatement = fixedStatement<{ window_start: string | Date; hits: number }>(
  () => sql`insert into widget_budgets as b (key, window_start, hits)
    values (${sql.placeholder("key")}, ${sql.placeholder("now")}::timestamptz, 1)
    on conflict (key) do update set
      window_start = case when b.window_start <= excluded.window_start - ${sql.placeholder("windowMs")}::int * interval '1 millisecond' then excluded.window_start else b.window_start end,
      hits = case when b.window_start <= excluded.window_start - ${sql.placeholder("windowMs")}::int * interval '1 millisecond' then 1 else b.hits + 1 end
    returning window_start, hits`,
);

/** Spends one request of a budget (`key` names the channel and the visitor or address); when over, the seconds until the window frees up. */
export async function spend(db: DbOrTx, budget: Budget, key: string, now: Date): Promise<Spent> {
  const { max, windowMs } = WIDGET_LIMITS[budget];
  const [row] = await hitStatement(db, { key: `${budget}:${key}`, now: now.toISOString(), windowMs });
  if (row.hits <= max) return { ok: true };
  const start = new Date(row.window_start).getTime();
  return { ok: false, retryAfter: Math.max(1, Math.ceil((start + windowMs - now.getTime()) / 1000)) };
}

/** Drops budgets whose window has passed; run by a periodic job. */
export async function pruneBudgets(db: DbOrTx, now: Date) {
  const longest = Math.max(...Object.values(WIDGET_LIMITS).map((l) => l.windowMs));
  await db.delete(widgetBudgets).where(lt(widgetBudgets.windowStart, new Date(now.getTime() - longest)));
}
