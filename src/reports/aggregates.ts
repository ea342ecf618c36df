// Report aggregates: what the metrics job adds to report_daily_stats and report_daily_buckets from
// the events it counts (src/cockpit/metrics.ts), and the fixed buckets percentiles are read from.
import { eq, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { reportDailyBuckets, reportDailyStats } from "@db/schema";

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
 * The `p`-th percentile (nearest rank) of a histogram, as its bucket's upper edge: never below the
 * true percentile of the samples and less than 1.2 times it (at most 10 s when it is under 10 s).
 */
export function percentileMs(counts: Map<number, number>, p: number): number | null {
  let total = 0;
  for (const n of counts.values()) total += n;
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const bucket of [...counts.keys()].sort((a, b) => a - b)) {
    seen += counts.get(bucket)!;
    if (seen >= rank) return bucketValueMs(bucket);
  }
  return null;
}

const edges = sql.raw(`'{${TIME_BUCKET_EDGES_MS.join(",")}}'::bigint[]`);

/**
 * Common table expressions to splice into the metrics job's statement after its `counted` (the new
 * events with their local `day`): they add those events to the report tables. Who a figure belongs
 * to: first responses, resolutions and openings to the assignee they measure (the event's subject),
 * reactivations and forwards to who did them, a reply to its author, an inbound message to whoever
 * has the conversation now; channel and workgroup are the conversation's.
 */
export function reportCounting(orgId: number, timeZone: string): SQL {
  return sql`
      report_facts as (
        select e.day, e.type, (e.data->>'ms')::bigint as ms, e.data->>'direction' as direction, e.created_at,
          case when e.type in ('reactivated', 'forwarded') then e.actor_id
               when e.type = 'message_created' and e.data->>'direction' = 'out' then e.actor_id
               when e.type = 'message_created' then c.assignee_id
               else e.subject_user_id end as user_id,
          c.channel_id, c.workgroup_id
        from counted e
        join conversations c on c.id = e.conversation_id
        join channels ch on ch.id = c.channel_id
        -- Kanal's own support line is the organization talking to Kanal, not to its customers.
        where ch.kind <> 'support' and (e.type <> 'message_created' or e.data->>'direction' in ('in', 'out'))
      ),
      report_sums as (
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
          count(ms) filter (where type = 'closed')::int as resolution_count
        from report_facts
        group by day, user_id, channel_id, workgroup_id
      ),
      report_added as (
        insert into report_daily_stats as s (org_id, day, user_id, channel_id, workgroup_id, opened, closed, reactivated, forwarded,
          messages_in, messages_out, first_response_ms_sum, first_response_count, resolution_ms_sum, resolution_count)
        select ${orgId}::bigint, day, user_id, channel_id, workgroup_id, opened, closed, reactivated, forwarded,
          messages_in, messages_out, first_response_ms_sum, first_response_count, resolution_ms_sum, resolution_count
        from report_sums
        on conflict on constraint report_daily_stats_key do update set
          opened = s.opened + excluded.opened,
          closed = s.closed + excluded.closed,
          reactivated = s.reactivated + excluded.reactivated,
          forwarded = s.forwarded + excluded.forwarded,
          messages_in = s.messages_in + excluded.messages_in,
          messages_out = s.messages_out + excluded.messages_out,
          first_response_ms_sum = s.first_response_ms_sum + excluded.first_response_ms_sum,
          first_response_count = s.first_response_count + excluded.first_response_count,
          resolution_ms_sum = s.resolution_ms_sum + excluded.resolution_ms_sum,
          resolution_count = s.resolution_count + excluded.resolution_count
      ),
      report_samples as (
        select day, user_id, channel_id, workgroup_id, 'first_response' as distribution, width_bucket(ms, ${edges}) as bucket
        from report_facts where type = 'first_response' and ms is not null
        union all
        select day, user_id, channel_id, workgroup_id, 'resolution', width_bucket(ms, ${edges})
        from report_facts where type = 'closed' and ms is not null
        union all
        select day, user_id, channel_id, workgroup_id, 'inbound_hour', extract(hour from created_at at time zone ${timeZone})::int
        from report_facts where type = 'message_created' and direction = 'in'
      ),
      report_bucketed as (
        insert into report_daily_buckets as b (org_id, day, user_id, channel_id, workgroup_id, distribution, bucket, count)
        select ${orgId}::bigint, day, user_id, channel_id, workgroup_id, distribution, bucket, count(*)::int
        from report_samples
        group by day, user_id, channel_id, workgroup_id, distribution, bucket
        on conflict on constraint report_daily_buckets_key do update set count = b.count + excluded.count
      ),`;
}

/** Before a recount from scratch: the organization's report rows go, every day of them. */
export async function forgetReportAggregates(tx: DbOrTx, orgId: number) {
  await tx.delete(reportDailyStats).where(eq(reportDailyStats.orgId, orgId));
  await tx.delete(reportDailyBuckets).where(eq(reportDailyBuckets.orgId, orgId));
}
