// The cockpit's metrics job for one organization: ~200 agents and a day of 50,000 conversations'
// events (first responses, resolutions, forwards, reactivations) already counted, then a run every
// minute over the events committed since (a busy minute's worth, some of them late ones of yesterday).
// Target (issue 6): ≤ 100 ms per organization per run, job time and database time. Baseline: a bare
// count of the day's events. Also the first run for an organization, which rebuilds today.
import { sql } from "drizzle-orm";
import { rows, type Db } from "@db/client";
import { refreshOrganizationStats, todayIn } from "../../../src/cockpit/metrics";
import { percentile, write, type BenchCase, type BenchContext } from "../harness";

const CONVERSATIONS_TODAY = 50_000;
/** Events committed between two runs: about three times a minute of 50,000 conversations over a ten-hour day. */
const EVENTS_PER_MINUTE = 500;
const RUNS = 15;
const REBUILDS = 5;
const TZ = "Europe/Istanbul";
const COUNTED = sql.raw(`('first_response', 'closed', 'reactivated', 'forwarded')`);


/** Milliseconds on the database server's clock. */
async function serverMs(db: Parameters<typeof rows>[0]) {
  const [{ ms }] = await rows<{ ms: number }>(db, sql`select extract(epoch from clock_timestamp()) * 1000 as ms`);
  return Number(ms);
}

export default {
  name: "cockpit-metrics",
  description: `metrics job for one organization: ~200 agents, a day of 50,000 conversations' events counted, then runs over ${EVENTS_PER_MINUTE} new events each (job and database time beside a bare count of the day's events); the first run's rebuild of today`,
  async run(ctx) {
    const data = await ctx.dataset();
    const db = ctx.database.db;
    const { start } = todayIn(TZ, new Date());
    const from = start.toISOString();
    const agents = sql`(select user_id, row_number() over (order by user_id) - 1 as k from memberships where org_id = ${data.orgId} and role = 'agent')`;

    /**
     * Events for conversation numbers [first, first + n), each assigned to an agent and dated from
     * `since` to `until`: a first response and a resolution each, every tenth forwarded, every
     * twenty-fifth reactivated. The data set's conversations are reused when there are fewer.
     */
    const writeEvents = (first: number, n: number, since: string, until: string) =>
      write(db, sql`
        with agents as ${agents},
             na as (select count(*) as n from agents),
             convs as (select id, row_number() over (order by id) - 1 as k from conversations where org_id = ${data.orgId}),
             nc as (select count(*) as n from convs),
             spread as (
               select g, c.id, a.user_id,
                      ${since}::timestamptz + make_interval(secs => ((g * 997) % greatest(1, extract(epoch from (${until}::timestamptz - ${since}::timestamptz))::bigint))::float8) as happened
               from generate_series(${first}::bigint, ${first + n - 1}::bigint) g, na, nc
               join convs c on true join agents a on true
               where c.k = g % nc.n and a.k = g % na.n)
        insert into events (org_id, type, conversation_id, actor_id, subject_user_id, data, created_at)
        select ${data.orgId}::bigint, t.type, d.id, d.user_id, d.user_id, jsonb_build_object('ms', 60000 + (d.g % 600) * 1000), d.happened
        from spread d cross join (values ('first_response'), ('closed')) t(type)
        union all
        select ${data.orgId}::bigint, 'forwarded', d.id, d.user_id, d.user_id, '{}'::jsonb, d.happened from spread d where d.g % 10 = 0
        union all
        select ${data.orgId}::bigint, 'reactivated', d.id, d.user_id, d.user_id, '{}'::jsonb, d.happened from spread d where d.g % 25 = 0`);

    ctx.log(`  writing a day of events for ${CONVERSATIONS_TODAY.toLocaleString("en")} conversations…`);
    await writeEvents(0, CONVERSATIONS_TODAY, from, new Date().toISOString());
    // As autovacuum would have by then: the visibility map lets a count read the index alone.
    await db.execute(sql`vacuum analyze events`);
    const [{ day }] = await rows<{ day: number }>(db, sql`select count(*)::int as day from events where org_id = ${data.orgId} and created_at >= ${from}::timestamptz and type in ${COUNTED}`);
    ctx.log(`  ${day.toLocaleString("en")} events today`);

    const job = () => refreshOrganizationStats(db, data.orgId, TZ, new Date());
    const count = () => rows(db, sql`select count(*) from events where org_id = ${data.orgId} and created_at >= ${from}::timestamptz and type in ${COUNTED}`);
    /** The job's statements on the server's clock: the job inside a transaction bracketed by two clock readings. */
    const jobOnServer = async () => {
      let ms = 0;
      await db.transaction(async (tx) => {
        const began = await serverMs(tx);
        await refreshOrganizationStats(tx, data.orgId, TZ, new Date());
        ms = (await serverMs(tx)) - began;
      });
      return ms;
    };
    const timed = async (fn: () => Promise<unknown>) => {
      const t = performance.now();
      await fn();
      return performance.now() - t;
    };
    const forget = () => db.execute(sql`delete from agent_stats_watermarks where org_id = ${data.orgId}`);

    // The first run for an organization: today from scratch.
    await count();
    const bare: number[] = [];
    const rebuild: number[] = [];
    for (let i = 0; i < REBUILDS; i++) {
      bare.push(await timed(count));
      await forget();
      rebuild.push(await timed(job));
    }

    // Every minute after: the events committed since, one in twenty a late one of yesterday.
    let next = CONVERSATIONS_TODAY;
    const perConversation = 2 + 1 / 10 + 1 / 25;
    const minute = Math.round(EVENTS_PER_MINUTE / perConversation);
    const yesterday = new Date(start.getTime() - 3_600_000).toISOString();
    const aMinute = async () => {
      const late = Math.round(minute / 20);
      await writeEvents(next, minute - late, new Date(Date.now() - 60_000).toISOString(), new Date().toISOString());
      await writeEvents(next + minute - late, late, yesterday, from);
      next += minute;
    };
    const times: number[] = [];
    const dbTimes: number[] = [];
    await aMinute();
    await job();
    for (let i = 0; i < RUNS; i++) {
      bare.push(await timed(count));
      await aMinute();
      times.push(await timed(job));
      await aMinute();
      dbTimes.push(await jobOnServer());
    }
    await checkCounts(ctx, db, data.orgId, from);

    for (const list of [times, dbTimes, bare, rebuild]) list.sort((a, b) => a - b);
    const [{ stats }] = await rows<{ stats: number }>(db, sql`select count(*)::int as stats from agent_daily_stats where org_id = ${data.orgId}`);
    ctx.log(`  ${stats} agent_daily_stats rows; ${(next - CONVERSATIONS_TODAY).toLocaleString("en")} conversations' events added over ${2 * RUNS + 1} runs`);
    const baseline = { label: "bare count of the day's events", metric: "p95" };
    const row = (variant: string, list: number[]) =>
      ctx.report({
        variant,
        figures: [
          { metric: "p50", label: "p50", value: percentile(list, 50), unit: "ms", baseline: percentile(bare, 50) },
          { metric: "p95", label: "p95", value: percentile(list, 95), unit: "ms", baseline: percentile(bare, 95) },
        ],
        baseline,
      });
    row("job", times);
    row("db", dbTimes);
    row("first-run", rebuild);
  },
} satisfies BenchCase;

/** The counted figures must equal a count from scratch, for today and for yesterday's late events. */
async function checkCounts(ctx: BenchContext, db: Db, orgId: number, from: string) {
  const [found] = await rows<{ counted: string; today: string; late_counted: string; late: string }>(
    db,
    sql`select
      (select sum(resolved + forwarded + reactivated + first_response_count) from agent_daily_stats where org_id = ${orgId} and day = (${from}::timestamptz at time zone 'Europe/Istanbul')::date) as counted,
      (select count(*) from events where org_id = ${orgId} and created_at >= ${from}::timestamptz and type in ('first_response', 'closed', 'reactivated', 'forwarded')) as today,
      (select sum(resolved + forwarded + reactivated + first_response_count) from agent_daily_stats where org_id = ${orgId} and day = (${from}::timestamptz at time zone 'Europe/Istanbul')::date - 1) as late_counted,
      (select count(*) from events e where org_id = ${orgId} and created_at >= ${from}::timestamptz - interval '1 day' and created_at < ${from}::timestamptz and type in ('first_response', 'closed', 'reactivated', 'forwarded')) as late`,
  );
  if (Number(found.counted) !== Number(found.today) || Number(found.late_counted ?? 0) !== Number(found.late)) {
    throw new Error(`counted ${found.counted} of today's ${found.today} events and ${found.late_counted} of yesterday's ${found.late}`);
  }
  ctx.log(`  counted exactly: ${Number(found.today).toLocaleString("en")} events today, ${Number(found.late).toLocaleString("en")} late ones of yesterday`);
}
