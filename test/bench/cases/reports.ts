// Reports on the default data set (100,000 conversations, 1,000,000 messages, ~200 agents over 90
// days): the data set's history written as the events the app writes, counted by the metrics job's
// first run (all history), then a 90-day report: its two reads of the aggregates as Postgres spends
// them (`db`, planning and execution) and as the app waits for them (`round-trip`), both beside a
// `select 1` round trip; the whole /reports page over HTTP beside a bare Bun.serve; and the export of
// every conversation (~100,000 rows) as CSV, streamed, with the growth of the process's live heap
// and resident set (RSS) while it streams beside those of a 7-day export.
// Targets (issue 23): page p95 ≤ 100 ms, database ≤ 30 ms; the export's memory flat.
import { sql } from "drizzle-orm";
import { rows } from "@db/client";
import { actorFor } from "../../../src/auth/accounts";
import { refreshOrganizationStats, todayIn } from "../../../src/cockpit/metrics";
import { buildReport, previousRange, reportQuery, reportScope, resolveRange } from "../../../src/reports/figures";
import { reportStatements } from "../../../src/reports/grains";
import type { BenchCase, BenchContext } from "../harness";
import { databaseTimes, reportTimes, timings } from "../timing";

const SAMPLES = 40;

/** The data set's conversations and messages as the events the app would have written for them. */
async function writeHistory(ctx: BenchContext, orgId: number) {
  // Statements of minutes: the pool's page timeout (10 s) is lifted for this transaction.
  await ctx.database.db.transaction(async (db) => {
  await db.execute(sql`set local statement_timeout = 0`);
  await db.execute(sql`delete from events where org_id = ${orgId} and type in ('conversation_created', 'message_created', 'first_response', 'closed')`);
  await db.execute(sql`
    insert into events (org_id, type, conversation_id, actor_id, subject_user_id, data, created_at)
    select org_id, 'conversation_created', id, null, assignee_id, jsonb_build_object('startedBy', started_by), created_at from conversations where org_id = ${orgId}
    union all
    select org_id, 'first_response', id, assignee_id, assignee_id, jsonb_build_object('ms', (extract(epoch from first_response_at - assigned_at) * 1000)::bigint), first_response_at
    from conversations where org_id = ${orgId} and first_response_at is not null and assigned_at is not null
    union all
    select org_id, 'closed', id, closed_by, assignee_id,
           jsonb_build_object('ms', case when assigned_at is not null then (extract(epoch from closed_at - assigned_at) * 1000)::bigint end), closed_at
    from conversations where org_id = ${orgId} and status = 'closed' and closed_at is not null`);
  await db.execute(sql`
    insert into events (org_id, type, conversation_id, actor_id, data, created_at)
    select org_id, 'message_created', conversation_id, author_id, jsonb_build_object('messageId', id, 'direction', direction), created_at
    from messages where org_id = ${orgId} and direction in ('in', 'out')`);
  });
  await ctx.database.db.execute(sql`vacuum analyze events`);
}

/**
 * Reads a response to its end, keeping nothing but counts; meanwhile the process's live heap (after
 * a full collection, so garbage not yet collected does not count) every 100 ms.
 */
async function drain(url: string, headers: Record<string, string>) {
  const live = () => {
    Bun.gc(true);
    return process.memoryUsage().heapUsed;
  };
  const before = live();
  const rssBefore = process.memoryUsage.rss();
  let peak = before;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, live());
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 100);
  const started = performance.now();
  const res = await fetch(url, { headers });
  if (res.status !== 200 || !res.body) throw new Error(`${url} answered ${res.status}`);
  let bytes = 0;
  let lines = 0;
  const reader = res.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    bytes += next.value.byteLength;
    for (const b of next.value) if (b === 10) lines++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  return { ms, bytes, rows: lines - 1, growth: peak - before, rssGrowth: rssPeak - rssBefore, rssPeak };
}

export default {
  name: "reports",
  description: "90-day report for ~200 agents: database time and round trip of its reads beside select 1, the /reports page beside a bare Bun.serve; a ~100,000-row CSV export streamed, with its memory growth beside a small export's",
  async run(ctx) {
    const data = await ctx.dataset();
    const db = ctx.database.db;
    const [{ timezone }] = await rows<{ timezone: string }>(db, sql`select timezone from organizations where id = ${data.orgId}`);
    ctx.log("  writing the data set's history as events…");
    let t = performance.now();
    await writeHistory(ctx, data.orgId);
    ctx.log(`  events written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await db.execute(sql`delete from agent_stats_watermarks where org_id = ${data.orgId}`);
    t = performance.now();
    // As the job runs it (src/jobs: a 120 s statement timeout), not within a page's 10 s.
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local statement_timeout = 0`);
      await refreshOrganizationStats(tx, data.orgId, timezone, new Date());
    });
    const rebuild = performance.now() - t;
    await db.execute(sql`vacuum analyze report_daily_stats, report_daily_histograms`);
    const [sizes] = await rows<{ stats: number; buckets: number; agents: number }>(
      db,
      sql`select (select count(*)::int from report_daily_stats where org_id = ${data.orgId}) as stats,
                 (select count(*)::int from report_daily_stats where org_id = ${data.orgId} and grain in (0, 1, 2, 4)) as buckets,
                 (select count(distinct user_id)::int from report_daily_stats where org_id = ${data.orgId} and grain = 4) as agents`,
    );
    ctx.log(`  the job's first run counted all history in ${(rebuild / 1000).toFixed(1)} s: ${sizes.stats.toLocaleString("en")} daily rows of every grain, ${sizes.buckets.toLocaleString("en")} of them by agent, channel, workgroup or none (what an unfiltered report reads), ${sizes.agents} agents`);

    const admin = (await actorFor(db, data.admin.userId, data.orgId))!;
    const query = reportQuery.parse({ range: "90d" });
    const now = new Date();
    const report = await buildReport(db, admin, query, now);
    ctx.log(`  90 days: ${report.totals.current.opened.toLocaleString("en")} opened, ${report.agents.length} agents, ${report.channels.length} channels, ${report.workgroups.length} workgroups`);
    if (report.agents.length < 150) throw new Error(`the report lists ${report.agents.length} agents`);

    const [floor, roundTrip] = await timings(SAMPLES, [() => rows(db, sql`select 1`), () => buildReport(db, admin, query, now)], 5);
    reportTimes(ctx, "round-trip.90d", roundTrip, floor);
    if (ctx.options.databaseUrl) {
      const range = resolveRange(query, timezone, now);
      const scope = await reportScope(db, data.orgId, query);
      const statements = reportStatements(data.orgId, { ...range, previousFrom: previousRange(range).from }, scope);
      const [own] = await databaseTimes(ctx.options.databaseUrl, SAMPLES, [(spy) => Promise.all([rows(spy, statements.keyed), rows(spy, statements.days)])]);
      reportTimes(ctx, "db.90d", own, floor);
    }

    const app = await ctx.app();
    const headers = await app.signIn(data.admin.email, data.admin.password, data.orgId);
    await ctx.compare("page.90d.c1", "/reports?range=90d", { concurrency: 1, headers, requests: 200 });

    const today = todayIn(timezone, now).day;
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 99 * 86_400_000).toISOString().slice(0, 10);
    const small = await drain(`${app.origin}/reports/export/conversations.csv?range=7d`, headers);
    const large = await drain(`${app.origin}/reports/export/conversations.csv?range=custom&from=${from}&to=${today}`, headers);
    ctx.log(`  CSV: ${large.rows.toLocaleString("en")} rows, ${(large.bytes / 1e6).toFixed(1)} MB in ${(large.ms / 1000).toFixed(1)} s; ${small.rows.toLocaleString("en")} rows, ${(small.bytes / 1e6).toFixed(2)} MB in ${(small.ms / 1000).toFixed(2)} s`);
    if (large.rows < 90_000) throw new Error(`the export had ${large.rows} rows`);
    const mb = (n: number) => Math.round((n / 1e6) * 10) / 10;
    ctx.report({
      variant: "csv",
      figures: [
        { metric: "rows", label: "rows", value: large.rows, unit: "rows", baseline: small.rows },
        { metric: "seconds", label: "time", value: Math.round(large.ms), unit: "ms", baseline: Math.round(small.ms) },
        { metric: "memory-growth", label: "live heap growth", value: mb(large.growth), unit: "MB", baseline: mb(small.growth) },
        { metric: "rss-growth", label: "RSS growth", value: mb(large.rssGrowth), unit: "MB", baseline: mb(small.rssGrowth) },
        { metric: "rss-peak", label: "RSS peak", value: mb(large.rssPeak), unit: "MB", baseline: mb(small.rssPeak) },
      ],
      baseline: { label: `the same export of ${small.rows.toLocaleString("en")} rows (7 days)`, metric: "memory-growth" },
    });
    ctx.report({
      variant: "first-run",
      figures: [{ metric: "ms", label: "all history counted", value: Math.round(rebuild), unit: "ms", baseline: null }],
    });
  },
} satisfies BenchCase;
