// Cockpit metrics: per-agent daily figures, counted from the events log into agent_daily_stats by a
// periodic job (incrementally, see refreshOrganizationStats), and read back summed over the chosen channels.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Database, DbOrTx } from "@db/client";
import { rows } from "@db/client";
import { addingOnConflict } from "@db/upsert";
import { agentDailyStats, channels, organizations } from "@db/schema";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { forgetReportAggregates, reportCounting } from "../reports/aggregates";

/** Midnight today (and tomorrow) in the organization's time zone, as instants, and the local date. */
export function todayIn(timeZone: string, now: Date): { day: string; start: Date; end: Date } {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  const start = zonedMidnight(day, timeZone);
  const next = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + 1));
  return { day, start, end: zonedMidnight(next.toISOString().slice(0, 10), timeZone) };
}

/** The instant local midnight of `day` happens in `timeZone` (daylight-saving aware). */
export function zonedMidnight(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
  const offset = (at: Date) => {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(at);
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - at.getTime();
  };
  const first = new Date(guess.getTime() - offset(guess));
  return new Date(guess.getTime() - offset(first));
}

/**
 * Counts one organization's events into agent_daily_stats, in one transaction, adding only what was
 * committed since the last run: first responses belong to the agent they measure (the assignee);
 * resolutions (timed from when it was assigned to them), reactivations and forwards to the user
 * who did them (a rule's closing: to the assignee, as no user marked it); each on the day it happened
 * in the organization's time zone (so a late event of yesterday lands on yesterday's row). The same
 * events go to the report aggregates (src/reports/aggregates.ts). The first run for an organization
 * counts its whole history instead. Running it again, or twice at once, counts nothing twice.
 *
 * "Since the last run" cannot be `id > last id`: ids are taken before commit, so a smaller id can
 * become visible after a larger one. Each run stores the snapshot it read the events with
 * (pg_current_snapshot()); the next run counts the events visible to it but not in that snapshot,
 * judged by the writing transaction (events.txid, indexed).
 */
export async function refreshOrganizationStats(db: DbOrTx, orgId: number, timeZone: string, now: Date) {
  const { day } = todayIn(timeZone, now);
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    // Locks the organization's watermark (made on first use): a run racing this one waits here,
    // then reads the snapshot this run stores. A snapshot ahead of this transaction's own id came
    // with the data from another cluster (a dump restored elsewhere): everything is counted again then.
    const [mark] = await rows<{ snapshot: string | null; foreign: boolean | null }>(
      tx,
      sql`insert into agent_stats_watermarks (org_id, updated_at) values (${orgId}, ${at}::timestamptz)
          on conflict (org_id) do update set updated_at = excluded.updated_at
          returning snapshot::text as snapshot, pg_snapshot_xmax(snapshot) > pg_current_xact_id() as foreign`,
    );
    // The type list is literal: it is the predicate of the partial index events_metrics_txid_idx.
    const eventsWhere = (where: SQL) => sql`
      select e.type, e.data, e.conversation_id, e.created_at, e.actor_id, e.subject_user_id from events e
      where e.org_id = ${orgId} and e.type in ('first_response', 'closed', 'reactivated', 'forwarded', 'conversation_created', 'message_created', 'poll_answered') and ${where}`;
    let uncounted: SQL;
    const fromScratch = mark.snapshot === null || !!mark.foreign;
    if (mark.snapshot === null || mark.foreign) {
      // From scratch, every day: the events are all kept, and a past day can be looked at too.
      await tx.delete(agentDailyStats).where(eq(agentDailyStats.orgId, orgId));
      await forgetReportAggregates(tx, orgId);
      uncounted = eventsWhere(sql`true`);
    } else {
      // Not visible in the stored snapshot ("xmin:xmax:xip,…"): written by a transaction running
      // then (its xip list, short) or begun since (from its xmax on). Two index scans, however long
      // a transaction stays open; the list goes in as a value so the planner sees it. The upper
      // bound leaves out ids of another cluster's transactions (restored rows).
      const [, xmax, xip] = mark.snapshot.split(":");
      uncounted = eventsWhere(sql`e.txid >= ${xmax}::xid8 and e.txid < pg_snapshot_xmax(pg_current_snapshot())`);
      if (xip) uncounted = sql`${uncounted} union all ${eventsWhere(sql`e.txid = any(${`{${xip}}`}::xid8[])`)}`;
    }
    // One statement, so the snapshot it stores is the one its reads used.
    await tx.execute(sql`
      with counted as (
        select e.type, e.data, e.conversation_id, e.created_at, e.actor_id, e.subject_user_id,
               (e.created_at at time zone ${timeZone})::date as day,
               case when e.type in ('reactivated', 'forwarded') then e.actor_id when e.type = 'closed' then coalesce(e.actor_id, e.subject_user_id) else e.subject_user_id end as agent,
               e.type in ('first_response', 'closed', 'reactivated', 'forwarded') as for_cockpit
        from (${uncounted}) e
      ),
      ${reportCounting(orgId, timeZone, fromScratch)}
      sums as (
        select e.agent as user_id, e.day, c.channel_id,
          coalesce(sum((e.data->>'ms')::bigint) filter (where e.type = 'first_response'), 0)::bigint as first_response_ms_sum,
          count(*) filter (where e.type = 'first_response' and e.data ? 'ms')::int as first_response_count,
          coalesce(sum((e.data->>'ms')::bigint) filter (where e.type = 'closed' and e.data->>'ms' is not null), 0)::bigint as resolution_ms_sum,
          count(*) filter (where e.type = 'closed' and e.data->>'ms' is not null)::int as resolution_count,
          count(*) filter (where e.type = 'closed')::int as resolved,
          count(*) filter (where e.type = 'reactivated')::int as reactivated,
          count(*) filter (where e.type = 'forwarded')::int as forwarded
        from counted e
        join conversations c on c.id = e.conversation_id
        -- An agent deleted since would fail the row's foreign key, and with it every later run.
        where e.for_cockpit and e.agent is not null and exists (select 1 from users u where u.id = e.agent)
        group by e.agent, e.day, c.channel_id
      ),
      added as (
        insert into agent_daily_stats as s (org_id, user_id, day, channel_id, first_response_ms_sum, first_response_count,
          resolution_ms_sum, resolution_count, resolved, reactivated, forwarded, updated_at)
        select ${orgId}, user_id, day, channel_id, first_response_ms_sum, first_response_count,
          resolution_ms_sum, resolution_count, resolved, reactivated, forwarded, ${at}::timestamptz
        from sums
        on conflict (org_id, user_id, day, channel_id) do update set
          ${addingOnConflict("s", ["first_response_ms_sum", "first_response_count", "resolution_ms_sum", "resolution_count", "resolved", "reactivated", "forwarded"])},
          updated_at = excluded.updated_at
      )
      update agent_stats_watermarks set snapshot = pg_current_snapshot() where org_id = ${orgId}`);
    return recordEvent(tx, { orgId, type: "metrics_refreshed", data: { day }, createdAt: now });
  });
}

/** The job: every organization, then one live notice each so open cockpits redraw. */
export async function refreshAllStats(database: Database, now: Date) {
  const orgs = await database.db.select({ id: organizations.id, timezone: organizations.timezone }).from(organizations);
  for (const org of orgs) {
    await commit(database, org.id, (db) => refreshOrganizationStats(db, org.id, org.timezone, now));
  }
}

export interface AgentFigures {
  avgFirstResponseMs: number | null;
  avgResolutionMs: number | null;
  resolved: number;
  reactivated: number;
  forwarded: number;
}

/** Today's figures per agent, over the given channels (all when none). */
export function todaysFigures(db: DbOrTx, orgId: number, timeZone: string, now: Date, channelIds: number[] | null): Promise<Map<string, AgentFigures>> {
  return figuresOn(db, orgId, todayIn(timeZone, now).day, channelIds);
}

/** One local day's figures per agent, over the given channels (all when none). */
export async function figuresOn(db: DbOrTx, orgId: number, day: string, channelIds: number[] | null): Promise<Map<string, AgentFigures>> {
  const found = await db
    .select({
      userId: agentDailyStats.userId,
      frSum: sql<number>`sum(${agentDailyStats.firstResponseMsSum})`.mapWith(Number),
      frCount: sql<number>`sum(${agentDailyStats.firstResponseCount})`.mapWith(Number),
      resSum: sql<number>`sum(${agentDailyStats.resolutionMsSum})`.mapWith(Number),
      resCount: sql<number>`sum(${agentDailyStats.resolutionCount})`.mapWith(Number),
      resolved: sql<number>`sum(${agentDailyStats.resolved})`.mapWith(Number),
      reactivated: sql<number>`sum(${agentDailyStats.reactivated})`.mapWith(Number),
      forwarded: sql<number>`sum(${agentDailyStats.forwarded})`.mapWith(Number),
    })
    .from(agentDailyStats)
    .where(and(eq(agentDailyStats.orgId, orgId), eq(agentDailyStats.day, day), channelIds ? inArray(agentDailyStats.channelId, channelIds.length ? channelIds : [-1]) : undefined))
    .groupBy(agentDailyStats.userId);
  return new Map(
    found.map((r) => [
      r.userId,
      {
        avgFirstResponseMs: r.frCount ? Math.round(r.frSum / r.frCount) : null,
        avgResolutionMs: r.resCount ? Math.round(r.resSum / r.resCount) : null,
        resolved: r.resolved,
        reactivated: r.reactivated,
        forwarded: r.forwarded,
      },
    ]),
  );
}

/** Channels of a brand (or all), for the cockpit's brand and channel choice. */
export async function channelScope(db: DbOrTx, orgId: number, brandId: number | null, channelId: number | null): Promise<number[] | null> {
  if (channelId) {
    const [own] = await db.select({ id: channels.id }).from(channels).where(and(eq(channels.orgId, orgId), eq(channels.id, channelId)));
    return own ? [own.id] : [];
  }
  if (!brandId) return null;
  return (await db.select({ id: channels.id }).from(channels).where(and(eq(channels.orgId, orgId), eq(channels.brandId, brandId)))).map((c) => c.id);
}

