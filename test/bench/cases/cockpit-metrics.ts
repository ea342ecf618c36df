// The cockpit's metrics job for one organization: ~200 agents and a day of 50,000 conversations'
// events (first responses, resolutions, forwards, reactivations) rebuilt into agent_daily_stats.
// Target (issue 6): ≤ 100 ms per organization per run. Baseline: a bare count of the same events.
import { sql, type SQL } from "drizzle-orm";
import { rows } from "@db/client";
import { refreshOrganizationStats, todayIn } from "../../../src/cockpit/metrics";
import type { BenchCase } from "../harness";

const CONVERSATIONS_TODAY = 50_000;
const RUNS = 15;

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Drizzle wraps the database's own message; show it. */
async function writeDay(ctx: { database: { db: { execute(q: SQL): Promise<unknown> } } }, query: SQL) {
  try {
    await ctx.database.db.execute(query);
  } catch (e) {
    throw new Error(String((e as { cause?: unknown }).cause ?? e));
  }
}

export default {
  name: "cockpit-metrics",
  description: "metrics job for one organization: ~200 agents, a day of 50,000 conversations' events into agent_daily_stats (job time beside a bare count of the day's events)",
  async run(ctx) {
    const data = await ctx.dataset();
    const db = ctx.database.db;
    const now = new Date();
    const { start } = todayIn("Europe/Istanbul", now);
    const from = start.toISOString();
    // A day's worth of events on the data set's conversations, spread over today so far, assigned
    // to its agents: each conversation gets a first response and a resolution; some are forwards
    // and reactivations. Written once, set-based.
    ctx.log(`  writing a day of events for ${CONVERSATIONS_TODAY.toLocaleString("en")} conversations…`);
    await writeDay(ctx, sql`
      with agents as (select user_id, row_number() over (order by user_id) - 1 as k from memberships where org_id = ${data.orgId} and role = 'agent'),
           n as (select count(*) as n from agents),
           picked as (
             select c.id, (row_number() over (order by c.id) - 1) as g from conversations c where c.org_id = ${data.orgId} limit ${CONVERSATIONS_TODAY}
           ),
           spread as (select p.id, p.g, a.user_id,
                          ${from}::timestamptz + make_interval(secs => ((p.g * 997) % greatest(1, extract(epoch from (${now.toISOString()}::timestamptz - ${from}::timestamptz))::bigint))::float8) as happened
                   from picked p, n join agents a on true where a.k = p.g % n.n)
      insert into events (org_id, type, conversation_id, actor_id, subject_user_id, data, created_at)
      select ${data.orgId}::bigint, t.type, d.id, d.user_id, d.user_id, jsonb_build_object('ms', 60000 + (d.g % 600) * 1000), d.happened
      from spread d cross join (values ('first_response'), ('closed')) t(type)
      union all
      select ${data.orgId}::bigint, 'forwarded', d.id, d.user_id, d.user_id, '{}'::jsonb, d.happened from spread d where d.g % 10 = 0
      union all
      select ${data.orgId}::bigint, 'reactivated', d.id, d.user_id, d.user_id, '{}'::jsonb, d.happened from spread d where d.g % 25 = 0`);
    // As autovacuum would have by then: the visibility map lets the job read the index alone.
    await ctx.database.db.execute(sql`vacuum analyze events`);

    const count = async () => rows(db, sql`select count(*) from events where org_id = ${data.orgId} and created_at >= ${from}::timestamptz and type in ('first_response','closed','reactivated','forwarded')`);
    const job = async () => refreshOrganizationStats(db, data.orgId, "Europe/Istanbul", new Date());
    await job();
    await count();
    const times: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await count();
      bare.push(performance.now() - t);
      t = performance.now();
      await job();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    bare.sort((a, b) => a - b);
    const [{ stats }] = await rows<{ stats: number }>(db, sql`select count(*)::int as stats from agent_daily_stats where org_id = ${data.orgId}`);
    ctx.log(`  ${stats} agent_daily_stats rows`);
    ctx.report({
      variant: "job",
      figures: [
        { metric: "p50", label: "p50", value: percentile(times, 50), unit: "ms", baseline: percentile(bare, 50) },
        { metric: "p95", label: "p95", value: percentile(times, 95), unit: "ms", baseline: percentile(bare, 95) },
      ],
      baseline: { label: "bare count of the day's events", metric: "p95" },
    });
  },
} satisfies BenchCase;
