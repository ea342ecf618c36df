// Timing helpers the benchmark cases share: durations measured in turns, Postgres's own time for a
// call's statements, and percentiles reported beside a floor measured in the same run.
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "@db/client";
import * as schema from "@db/schema";
import { percentile, type BenchContext } from "./harness";

export { percentile };

/**
 * Warm-up calls first: Postgres plans a prepared statement for its parameters on each of its first
 * five runs per connection, before it settles on the generic plan; the pool has ten connections.
 */
const WARM_UP = 60;

/**
 * Each function's durations, ascending, measured in turns (one call of each per round), so that
 * whatever else the machine does at some moment falls on every one of them alike.
 */
export async function timings(n: number, fns: (() => Promise<unknown>)[], warmUp = WARM_UP): Promise<number[][]> {
  for (const fn of fns) for (let i = 0; i < warmUp; i++) await fn();
  const out = fns.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (const [k, fn] of fns.entries()) {
      const started = performance.now();
      await fn();
      out[k].push(performance.now() - started);
    }
  }
  return out.map((times) => times.sort((a, b) => a - b));
}

export function reportTimes(ctx: BenchContext, variant: string, times: number[], floor: number[], floorLabel = "select 1 round trip") {
  ctx.report({
    variant,
    figures: [
      { metric: "p50", label: "p50", value: percentile(times, 50), unit: "ms", baseline: percentile(floor, 50) },
      { metric: "p95", label: "p95", value: percentile(times, 95), unit: "ms", baseline: percentile(floor, 95) },
    ],
    baseline: { label: floorLabel, metric: "p95" },
  });
}

/**
 * Postgres's own time (planning and execution, from EXPLAIN ANALYZE) for each call's statements,
 * summed per call, over `samples` calls in turns. The statements are the ones each call sends, taken
 * from a separate connection's query log after a warm-up call, then prepared and executed with
 * their values as the app's driver does (named statements, whose plan Postgres keeps after a few
 * runs), after the same warm-up as the round trips.
 */
export async function databaseTimes(url: string, samples: number, calls: ((db: Db) => Promise<unknown>)[]): Promise<number[][]> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    let log: { query: string; params: unknown[] }[] = [];
    const spy = drizzle(client, { schema, logger: { logQuery: (query, params) => log.push({ query, params }) } }) as unknown as Db;
    const statements: { name: string; args: string }[][] = [];
    for (const call of calls) {
      await call(spy);
      log = [];
      await call(spy);
      const named: { name: string; args: string }[] = [];
      for (const { query, params } of log) {
        const name = `bench_db_time_${statements.length}_${named.length}`;
        await client.unsafe(`prepare ${name} as ${query}`).simple();
        // EXPLAIN takes no bound values: EXECUTE's arguments are written out, as literals of the statement's parameter types.
        const [{ types }] = await client<{ types: string[] }[]>`select parameter_types::text[] as types from pg_prepared_statements where name = ${name}`;
        named.push({ name, args: params.map((value, i) => (value === null ? "null" : `'${String(value).replaceAll("'", "''")}'::${types[i]}`)).join(", ") });
      }
      statements.push(named);
    }
    const explain = async (list: { name: string; args: string }[]) => {
      let ms = 0;
      for (const { name, args } of list) {
        const [row] = await client.unsafe(`explain (analyze, timing off, summary on, format json) execute ${name}${args ? `(${args})` : ""}`).simple();
        const [plan] = row["QUERY PLAN"] as { "Planning Time": number; "Execution Time": number }[];
        ms += plan["Planning Time"] + plan["Execution Time"];
      }
      return ms;
    };
    const out = statements.map(() => [] as number[]);
    for (const list of statements) for (let i = 0; i < WARM_UP; i++) await explain(list);
    for (let i = 0; i < samples; i++) for (const [k, list] of statements.entries()) out[k].push(await explain(list));
    return out.map((ms) => ms.sort((a, b) => a - b));
  } finally {
    await client.end({ timeout: 5 });
  }
}

