// Cockpit metrics: today's per-agent figures, computed from the events log into agent_daily_stats
// by a periodic job (one process at a time), and read back summed over the chosen channels.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "@db/client";
import { rows } from "@db/client";
import { agentDailyStats, channels, organizations } from "@db/schema";
import { publishEvents, recordEvent } from "../realtime/events";

/** Midnight today (and tomorrow) in the organization's time zone, as instants, and the local date. */
export function todayIn(timeZone: string, now: Date): { day: string; start: Date; end: Date } {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  const start = zonedMidnight(day, timeZone);
  const next = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + 1));
  return { day, start, end: zonedMidnight(next.toISOString().slice(0, 10), timeZone) };
}

/** The instant local midnight of `day` happens in `timeZone` (daylight-saving aware). */
function zonedMidnight(day: string, timeZone: string): Date {
  const guess = new Date(`${day}T00:00:00Z`);
  const offset = (at: Date) => {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(at);
    const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
    return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - at.getTime();
  };
  const first = new Date(guess.getTime() - offset(guess));
  return new Date(guess.getTime() - offset(first));
}

interface StatRow {
  user_id: string;
  channel_id: number;
  first_response_ms_sum: number;
  first_response_count: number;
  resolution_ms_sum: number;
  resolution_count: number;
  resolved: number;
  reactivated: number;
  forwarded: number;
}

/**
 * Rebuilds one organization's rows for today from the events of today, in one transaction:
 * first responses and resolutions belong to the agent they measure (the assignee), reactivations
 * and forwards to the agent who did them. Idempotent: running it twice gives the same rows.
 */
export async function refreshOrganizationStats(db: DbOrTx, orgId: number, timeZone: string, now: Date) {
  const { day, start, end } = todayIn(timeZone, now);
  const from = start.toISOString();
  const to = end.toISOString();
  return db.transaction(async (tx) => {
    const stats = await rows<StatRow>(
      tx,
      sql`
      select e.agent as user_id, c.channel_id,
        coalesce(sum((e.data->>'ms')::bigint) filter (where e.type = 'first_response'), 0)::bigint as first_response_ms_sum,
        count(*) filter (where e.type = 'first_response' and e.data ? 'ms')::int as first_response_count,
        coalesce(sum((e.data->>'ms')::bigint) filter (where e.type = 'closed' and e.data->>'ms' is not null), 0)::bigint as resolution_ms_sum,
        count(*) filter (where e.type = 'closed' and e.data->>'ms' is not null)::int as resolution_count,
        count(*) filter (where e.type = 'closed')::int as resolved,
        count(*) filter (where e.type = 'reactivated')::int as reactivated,
        count(*) filter (where e.type = 'forwarded')::int as forwarded
      from (
        select type, conversation_id, data,
               case when type in ('reactivated', 'forwarded') then actor_id else subject_user_id end as agent
        from events
        where org_id = ${orgId} and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
          and type in ('first_response', 'closed', 'reactivated', 'forwarded')
      ) e
      join conversations c on c.id = e.conversation_id
      where e.agent is not null
      group by e.agent, c.channel_id`,
    );
    await tx.delete(agentDailyStats).where(and(eq(agentDailyStats.orgId, orgId), eq(agentDailyStats.day, day)));
    if (stats.length) {
      await tx.insert(agentDailyStats).values(
        stats.map((s) => ({
          orgId,
          userId: s.user_id,
          day,
          channelId: Number(s.channel_id),
          firstResponseMsSum: Number(s.first_response_ms_sum),
          firstResponseCount: Number(s.first_response_count),
          resolutionMsSum: Number(s.resolution_ms_sum),
          resolutionCount: Number(s.resolution_count),
          resolved: Number(s.resolved),
          reactivated: Number(s.reactivated),
          forwarded: Number(s.forwarded),
          updatedAt: now,
        })),
      );
    }
    return recordEvent(tx, { orgId, type: "metrics_refreshed", data: { day }, createdAt: now });
  });
}

/** The job: every organization, then one live notice each so open cockpits redraw. */
export async function refreshAllStats(database: Database, now: Date) {
  const orgs = await database.db.select({ id: organizations.id, timezone: organizations.timezone }).from(organizations);
  for (const org of orgs) {
    const eventId = await refreshOrganizationStats(database.db, org.id, org.timezone, now);
    await publishEvents(database, org.id, [eventId]);
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
export async function todaysFigures(db: DbOrTx, orgId: number, timeZone: string, now: Date, channelIds: number[] | null): Promise<Map<string, AgentFigures>> {
  const { day } = todayIn(timeZone, now);
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

