// How a report reads the aggregates: which grain (db/schema.ts REPORT_AGENT …) each of its tables
// comes from under its filters, the two statements it sends, and their rows summed into figures.
import { sql, type SQL } from "drizzle-orm";
import { KEPT_GRAINS, REPORT_AGENT, REPORT_ALL, REPORT_CHANNEL, REPORT_WORKGROUP } from "@db/schema";
import { addCounts, percentileMs } from "./aggregates";

/** A report's filters as the aggregates know them: one agent, some channels (a brand's), one workgroup. */
export interface ReportScope {
  agent: string | null;
  channels: number[] | null;
  workgroup: number | null;
}

export type KeyedDimension = "agent" | "channel" | "workgroup";

const bits: Record<KeyedDimension, number> = { agent: REPORT_AGENT, channel: REPORT_CHANNEL, workgroup: REPORT_WORKGROUP };

/** The kept grain with at least these columns: itself, or else all three. */
export function keptGrain(columns: number): number {
  return KEPT_GRAINS.includes(columns) ? columns : REPORT_ALL;
}

/**
 * The grain of the report's totals (and per-day rows): one keeping the filtered columns, so the
 * filter can pick its rows; a table by agent, channel or workgroup adds its own column to those.
 */
export function scopeGrain(scope: ReportScope): number {
  return keptGrain(filteredColumns(scope));
}

function filteredColumns(scope: ReportScope): number {
  return (scope.agent ? REPORT_AGENT : 0) | (scope.channels ? REPORT_CHANNEL : 0) | (scope.workgroup !== null ? REPORT_WORKGROUP : 0);
}

function tableGrain(scope: ReportScope, dimension: KeyedDimension): number {
  return keptGrain(filteredColumns(scope) | bits[dimension]);
}

function grainsOf(scope: ReportScope): number[] {
  return [...new Set([scopeGrain(scope), ...(Object.keys(bits) as KeyedDimension[]).map((d) => tableGrain(scope, d))])];
}

function filters(table: string, orgId: number, scope: ReportScope): SQL {
  const t = sql.raw(table);
  const parts = [sql`${t}.org_id = ${orgId}`];
  if (scope.agent) parts.push(sql`${t}.user_id = ${scope.agent}`);
  if (scope.channels) parts.push(sql`${t}.channel_id = any(${`{${(scope.channels.length ? scope.channels : [-1]).join(",")}}`}::bigint[])`);
  if (scope.workgroup !== null) parts.push(sql`${t}.workgroup_id = ${scope.workgroup}`);
  return sql.join(parts, sql` and `);
}

const sums = sql.raw(`sum(s.opened)::int as opened, sum(s.closed)::int as closed, sum(s.reactivated)::int as reactivated, sum(s.forwarded)::int as forwarded,
    sum(s.messages_in)::int as messages_in, sum(s.messages_out)::int as messages_out,
    sum(s.first_response_ms_sum)::float8 as fr_sum, sum(s.first_response_count)::int as fr_count,
    sum(s.resolution_ms_sum)::float8 as res_sum, sum(s.resolution_count)::int as res_count,
    sum(s.satisfaction_sum)::int as sat_sum, sum(s.satisfaction_count)::int as sat_count`);

const sameKey = (a: string, b: string) => sql.raw(`${a}.grain = ${b}.grain and ${a}.user_id = ${b}.user_id and ${a}.channel_id = ${b}.channel_id and ${a}.workgroup_id = ${b}.workgroup_id`);

/**
 * The two reads of a report, both of the aggregates (never of events or messages):
 * - `keyed`: per key of each grain the report shows and per period, the sums of its days, and the
 *   histograms of its first and last day there (by primary key), from which the period's histogram
 *   is the last day's running total less the first day's, plus the first day's own;
 * - `days`: the current period's rows of the totals' grain (one a day, or one a day and channel of
 *   a brand), with the day's histograms and inbound hours.
 * `from`/`to` bound the current period; `previousFrom` the previous one, which ends the day before.
 */
export function reportStatements(orgId: number, range: { from: string; to: string; previousFrom: string }, scope: ReportScope) {
  const grains = `{${grainsOf(scope).join(",")}}`;
  return {
    keyed: sql`with s as (
        select s.grain, s.user_id, s.channel_id, s.workgroup_id, s.day >= ${range.from}::date as current, ${sums},
          min(s.day) as first_day, max(s.day) as last_day
        from report_daily_stats s
        where ${filters("s", orgId, scope)} and s.grain = any(${grains}::int[]) and s.day between ${range.previousFrom}::date and ${range.to}::date
        group by s.grain, s.user_id, s.channel_id, s.workgroup_id, current
      )
      select s.*, f.first_response_day as f_fr_day, f.first_response_run as f_fr_run, l.first_response_run as l_fr_run,
        f.resolution_day as f_res_day, f.resolution_run as f_res_run, l.resolution_run as l_res_run
      from s
      -- Lateral: a primary-key probe per key and end (a few hundred), never a pass over the table.
      left join lateral (select * from report_daily_histograms f where f.org_id = ${orgId} and ${sameKey("f", "s")} and f.day = s.first_day limit 1) f on true
      left join lateral (select * from report_daily_histograms l where l.org_id = ${orgId} and ${sameKey("l", "s")} and l.day = s.last_day limit 1) l on true`,
    days: sql`select s.day::text as day, s.opened, s.closed, s.reactivated, s.forwarded, s.messages_in, s.messages_out,
        s.first_response_ms_sum::float8 as fr_sum, s.first_response_count as fr_count, s.resolution_ms_sum::float8 as res_sum, s.resolution_count as res_count,
        s.satisfaction_sum as sat_sum, s.satisfaction_count as sat_count,
        h.first_response_day as fr_day, h.resolution_day as res_day, h.inbound_hours as hours
      from report_daily_stats s
      left join report_daily_histograms h on h.org_id = ${orgId} and ${sameKey("h", "s")} and h.day = s.day
      where ${filters("s", orgId, scope)} and s.grain = ${scopeGrain(scope)} and s.day between ${range.from}::date and ${range.to}::date`,
  };
}

type Num = number | string;
export interface SumsRow {
  opened: Num;
  closed: Num;
  reactivated: Num;
  forwarded: Num;
  messages_in: Num;
  messages_out: Num;
  fr_sum: Num;
  fr_count: Num;
  res_sum: Num;
  res_count: Num;
  /** Survey ratings summed, and how many (absent in rows read before they were counted). */
  sat_sum?: Num;
  sat_count?: Num;
}
export interface KeyedRow extends SumsRow {
  grain: number;
  user_id: string;
  channel_id: Num;
  workgroup_id: Num;
  current: boolean;
  f_fr_day: number[] | null;
  f_fr_run: number[] | null;
  l_fr_run: number[] | null;
  f_res_day: number[] | null;
  f_res_run: number[] | null;
  l_res_run: number[] | null;
}
export interface DayAggregateRow extends SumsRow {
  day: string;
  fr_day: number[] | null;
  res_day: number[] | null;
  hours: number[] | null;
}

/** Sums and histograms gathered over rows, read as figures at the end. */
export class Tally {
  opened = 0;
  closed = 0;
  reactivated = 0;
  forwarded = 0;
  messagesIn = 0;
  messagesOut = 0;
  frSum = 0;
  frCount = 0;
  resSum = 0;
  resCount = 0;
  satSum = 0;
  satCount = 0;
  fr: number[] = [];
  res: number[] = [];

  add(r: SumsRow, fr: (into: number[]) => void, res: (into: number[]) => void) {
    this.opened += Number(r.opened);
    this.closed += Number(r.closed);
    this.reactivated += Number(r.reactivated);
    this.forwarded += Number(r.forwarded);
    this.messagesIn += Number(r.messages_in);
    this.messagesOut += Number(r.messages_out);
    this.frSum += Number(r.fr_sum);
    this.frCount += Number(r.fr_count);
    this.resSum += Number(r.res_sum);
    this.resCount += Number(r.res_count);
    this.satSum += Number(r.sat_sum ?? 0);
    this.satCount += Number(r.sat_count ?? 0);
    fr(this.fr);
    res(this.res);
  }

  figures() {
    return {
      opened: this.opened,
      closed: this.closed,
      reactivated: this.reactivated,
      forwarded: this.forwarded,
      messagesIn: this.messagesIn,
      messagesOut: this.messagesOut,
      avgFirstResponseMs: this.frCount ? Math.round(this.frSum / this.frCount) : null,
      p90FirstResponseMs: percentileMs(this.fr, 90),
      avgResolutionMs: this.resCount ? Math.round(this.resSum / this.resCount) : null,
      p90ResolutionMs: percentileMs(this.res, 90),
      avgSatisfaction: this.satCount ? Math.round((this.satSum / this.satCount) * 100) / 100 : null,
      satisfactionAnswers: this.satCount,
    };
  }
}

/** A keyed row's histogram over its period: last day's running total − first day's + first day's own. */
export function periodCounts(last: number[] | null, first: number[] | null, firstDay: number[] | null) {
  return (into: number[]) => addCounts(addCounts(addCounts(into, last), first, -1), firstDay);
}

/** What a keyed row adds to: the totals when it has the totals' grain, and each table whose grain it has. */
export function destinations(row: KeyedRow, scope: ReportScope): { total: boolean; tables: [KeyedDimension, string][] } {
  const grain = Number(row.grain);
  const keyOf: Record<KeyedDimension, string> = { agent: row.user_id, channel: String(row.channel_id), workgroup: Number(row.workgroup_id) === 0 ? "" : String(row.workgroup_id) };
  const tables = (Object.keys(bits) as KeyedDimension[]).filter((d) => tableGrain(scope, d) === grain).map((d): [KeyedDimension, string] => [d, keyOf[d]]);
  return { total: grain === scopeGrain(scope), tables };
}
