// Report aggregates: what the metrics job adds to report_daily_stats and report_daily_histograms
// from the events it counts (src/cockpit/metrics.ts), and the fixed buckets percentiles are read from.
import { eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { addingOnConflict } from "@db/upsert";
import { KEPT_GRAINS, reportDailyHistograms, reportDailyStats } from "@db/schema";

/**
 * Lower edges of the time buckets after the first, in milliseconds: 10 s, then 20 % wider each, up
 * to about 16 days. Bucket 0 holds [0, 10 s), bucket k holds [edge k−1, edge k), the last one
 * everything from 16 days on.
 */
export const TIME_BUCKET_EDGES_MS: readonly number[] = Array.from({ length: 66 }, (_, i) => Math.round(10_000 * 1.2 ** i));

/** What a bucket reads as: its upper edge (the last, open-ended bucket: its lower edge). */
export function bucketValueMs(bucket: number): number {
  return TIME_BUCKET_EDGES_MS[Math.min(bucket, TIME_BUCKET_EDGES_MS.length - 1)];
}

/**
 * The `p`-th percentile (nearest rank) of a histogram (element i: the count of bucket i), as its
 * bucket's upper edge: never below the true percentile of the samples and less than 1.2 times it
 * (at most 10 s when it is under 10 s).
 */
export function percentileMs(counts: readonly number[], p: number): number | null {
  let total = 0;
  for (const n of counts) total += n ?? 0;
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    seen += counts[bucket] ?? 0;
    if (seen >= rank) return bucketValueMs(bucket);
  }
  return null;
}

/** Adds `more` into `into` element by element (growing it as needed), times `sign`. */
export function addCounts(into: number[], more: readonly number[] | null | undefined, sign = 1): number[] {
  if (!more) return into;
  for (let i = 0; i < more.length; i++) into[i] = (into[i] ?? 0) + sign * Number(more[i]);
  return into;
}

const edges = sql.raw(`'{${TIME_BUCKET_EDGES_MS.join(",")}}'::bigint[]`);

/** The key of a report row besides the organization and the day. */
const key = sql.raw("grain, user_id, channel_id, workgroup_id");

/** A fine (agent, channel, workgroup) cell's columns as a grain keeps them ('' and 0: summed over). */
const masked = sql.raw(`g.grain,
          case when g.grain & 4 <> 0 then f.user_id else '' end as user_id,
          case when g.grain & 2 <> 0 then f.channel_id else 0 end as channel_id,
          case when g.grain & 1 <> 0 then f.workgroup_id else 0 end as workgroup_id`);

/** The grains the job keeps (src/reports/grains.ts KEPT_GRAINS), as a table of one column. */
const keptGrains = sql.raw(`(values ${KEPT_GRAINS.map((g) => `(${g})`).join(", ")})`);

/** A day's inbound messages per local hour, 24 counts, folded by the database's own sums. */
const hourCounts = sql.raw(`array[${Array.from({ length: 24 }, (_, h) => `coalesce(sum(n) filter (where kind = 2 and bucket = ${h}), 0)::int`).join(", ")}]`);

const counters = ["opened", "closed", "reactivated", "forwarded", "messages_in", "messages_out", "first_response_ms_sum", "first_response_count", "resolution_ms_sum", "resolution_count", "satisfaction_sum", "satisfaction_count"];

/** The rows already kept from each changed key's first changed day on, and its running totals before. */
function kept(orgId: number): SQL {
  return sql`report_kept as (
        select h.* from report_keys k
        join report_daily_histograms h on h.org_id = ${orgId} and (h.grain, h.user_id, h.channel_id, h.workgroup_id) = (k.grain, k.user_id, k.channel_id, k.workgroup_id) and h.day >= k.since
      ),
      report_base as (
        select k.grain, k.user_id, k.channel_id, k.workgroup_id, b.fr_run, b.res_run from report_keys k
        left join lateral (
          select h.first_response_run as fr_run, h.resolution_run as res_run from report_daily_histograms h
          where h.org_id = ${orgId} and (h.grain, h.user_id, h.channel_id, h.workgroup_id) = (k.grain, k.user_id, k.channel_id, k.workgroup_id) and h.day < k.since
          order by h.day desc limit 1
        ) b on true
      ),`;
}

/**
 * A count from scratch has nothing kept, and must not look: a table read in the statement that fills
 * it is planned as it was before (empty, a scan looked cheap) and scanned per key while it grows
 * (quadratic, minutes on the bench data set).
 */
const nothingKept = sql.raw(`report_kept as (
        select * from report_daily_histograms where false
      ),
      report_base as (
        select grain, user_id, channel_id, workgroup_id, null::integer[] as fr_run, null::integer[] as res_run from report_keys
      ),`);

/**
 * Common table expressions to splice into the metrics job's statement after its `counted` (the new
 * events with their local `day`): they add those events to the report tables, each kept grain. Who a
 * figure belongs to: first responses and openings to the assignee they measure (the event's
 * subject), resolutions, reactivations and forwards to who did them (a rule's closing to the assignee), a reply to its author, an inbound
 * message to whoever has the conversation now; channel and workgroup are the conversation's.
 *
 * Sums are added to the day's row. Histograms are written whole: the day's own plus the new counts,
 * and the running totals of that row and of every later day of its key recomputed from the key's
 * last row before the first changed day. Today's events touch one row per key; a late event of a
 * past day also carries into the days after it. One statement with the job's, under its lock.
 */
export function reportCounting(orgId: number, timeZone: string, fromScratch: boolean): SQL {
  return sql`
      report_facts as (
        select e.day, e.type, (e.data->>'ms')::bigint as ms, e.data->>'direction' as direction,
          extract(hour from e.created_at at time zone ${timeZone})::int as hour,
          case when e.type = 'poll_answered' and e.data->>'kind' = 'survey' then (e.data->>'answer')::int + 1 end as rating,
          coalesce(case when e.type in ('reactivated', 'forwarded') then e.actor_id
               when e.type = 'closed' then coalesce(e.actor_id, e.subject_user_id)
               when e.type = 'message_created' and e.data->>'direction' = 'out' then e.actor_id
               when e.type = 'message_created' then c.assignee_id
               else e.subject_user_id end, '') as user_id,
          c.channel_id, coalesce(c.workgroup_id, 0) as workgroup_id
        from counted e
        join conversations c on c.id = e.conversation_id
        join channels ch on ch.id = c.channel_id
        -- Kanal's own support line is the organization talking to Kanal, not to its customers.
        where ch.kind <> 'support' and (e.type <> 'message_created' or e.data->>'direction' in ('in', 'out'))
          and (e.type <> 'poll_answered' or e.data->>'kind' = 'survey')
      ),
      report_fine as (
        select day, user_id, channel_id, workgroup_id,
          count(*) filter (where type = 'conversation_created')::int as opened,
          count(*) filter (where type = 'closed')::int as closed,
          count(*) filter (where type = 'reactivated')::int as reactivated,
          count(*) filter (where type = 'forwarded')::int as forwarded,
          count(*) filter (where type = 'message_created' and direction = 'in')::int as messages_in,
          count(*) filter (where type = 'message_created' and direction = 'out')::int as messages_out,
          coalesce(sum(ms) filter (where type = 'first_response'), 0)::bigint as first_response_ms_sum,
          count(ms) filter (where type = 'first_response')::int as first_response_count,
          coalesce(sum(ms) filter (where type = 'closed'), 0)::bigint as resolution_ms_sum,
          count(ms) filter (where type = 'closed')::int as resolution_count,
          coalesce(sum(rating), 0)::int as satisfaction_sum,
          count(rating)::int as satisfaction_count
        from report_facts
        group by day, user_id, channel_id, workgroup_id
      ),
      report_sums as (
        select f.day, ${masked}, ${sql.raw(counters.map((c) => `sum(f.${c})::${c.endsWith("_ms_sum") ? "bigint" : "int"} as ${c}`).join(", "))}
        from report_fine f cross join ${keptGrains} g(grain)
        group by 1, 2, 3, 4, 5
      ),
      report_added as (
        insert into report_daily_stats as s (org_id, day, ${key}, ${sql.raw(counters.join(", "))})
        select ${orgId}::bigint, day, ${key}, ${sql.raw(counters.join(", "))} from report_sums
        on conflict on constraint report_daily_stats_pkey do update set ${addingOnConflict("s", counters)}
      ),
      report_samples as (
        select day, user_id, channel_id, workgroup_id, 0 as kind, width_bucket(ms, ${edges}) as bucket, count(*)::int as n
        from report_facts where type = 'first_response' and ms is not null group by 1, 2, 3, 4, 6
        union all
        select day, user_id, channel_id, workgroup_id, 1, width_bucket(ms, ${edges}), count(*)::int
        from report_facts where type = 'closed' and ms is not null group by 1, 2, 3, 4, 6
        union all
        select day, user_id, channel_id, workgroup_id, 2, hour, count(*)::int
        from report_facts where type = 'message_created' and direction = 'in' group by 1, 2, 3, 4, 6
      ),
      report_sample_cells as (
        select f.day, ${masked}, f.kind, f.bucket, sum(f.n)::int as n
        from report_samples f cross join ${keptGrains} g(grain)
        group by 1, 2, 3, 4, 5, 6, 7
      ),
      report_new_counts as (
        select day, ${key},
          report_counts_of(bucket, n) filter (where kind = 0) as fr,
          report_counts_of(bucket, n) filter (where kind = 1) as res,
          case when bool_or(kind = 2) then ${hourCounts} end as hours
        from report_sample_cells group by day, ${key}
      ),
      -- Every row with new sums gets its histogram row (running totals carry over days without samples).
      report_delta as (
        select s.day, s.grain, s.user_id, s.channel_id, s.workgroup_id,
          coalesce(n.fr, '{}') as fr, coalesce(n.res, '{}') as res, coalesce(n.hours, '{}') as hours
        from report_sums s left join report_new_counts n using (day, grain, user_id, channel_id, workgroup_id)
      ),
      report_keys as (
        select ${key}, min(day) as since from report_delta group by ${key}
      ),
      ${fromScratch ? nothingKept : kept(orgId)}
      report_days as (
        select day, ${key},
          report_counts_add(h.first_response_day, d.fr) as fr_day,
          report_counts_add(h.resolution_day, d.res) as res_day,
          report_counts_add(h.inbound_hours, d.hours) as hours
        from report_delta d full join report_kept h using (day, grain, user_id, channel_id, workgroup_id)
      ),
      report_histograms as (
        insert into report_daily_histograms as h (org_id, ${key}, day, first_response_day, first_response_run, resolution_day, resolution_run, inbound_hours)
        select ${orgId}::bigint, ${key}, day, fr_day, report_counts_add(fr_base, fr_run), res_day, report_counts_add(res_base, res_run), hours
        from (
          select d.*, b.fr_run as fr_base, b.res_run as res_base,
            report_counts_sum(d.fr_day) over running as fr_run, report_counts_sum(d.res_day) over running as res_run
          from report_days d join report_base b using (grain, user_id, channel_id, workgroup_id)
          window running as (partition by d.grain, d.user_id, d.channel_id, d.workgroup_id order by d.day)
        ) r
        on conflict on constraint report_daily_histograms_pkey do update set
          first_response_day = excluded.first_response_day, first_response_run = excluded.first_response_run,
          resolution_day = excluded.resolution_day, resolution_run = excluded.resolution_run, inbound_hours = excluded.inbound_hours
      ),`;
}

/** Before a recount from scratch: the organization's report rows go, every day of them. */
export async function forgetReportAggregates(tx: DbOrTx, orgId: number) {
  await tx.delete(reportDailyStats).where(eq(reportDailyStats.orgId, orgId));
  await tx.delete(reportDailyHistograms).where(eq(reportDailyHistograms.orgId, orgId));
}
