// Report figures for a range of local days: sums of the daily aggregates per agent, channel,
// workgroup and day, with the totals, each beside the previous period of the same length.
import { asc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { rows } from "@db/client";
import { channels, memberships, users, workgroups, brands, type ChannelKind } from "@db/schema";
import type { Actor } from "../context";
import { channelScope, todayIn } from "../cockpit/metrics";
import { percentileMs } from "./aggregates";

export const rangePresets = ["today", "yesterday", "7d", "30d", "90d", "month", "custom"] as const;
export type RangePreset = (typeof rangePresets)[number];

/** The longest custom range: a year and a day, so a leap year fits. */
export const MAX_RANGE_DAYS = 366;

const localDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));

/** The report's URL: range and filters, so a report can be bookmarked and shared. */
export const reportQuery = z
  .object({
    range: z.enum(rangePresets).optional().default("7d"),
    from: localDay.optional(),
    to: localDay.optional(),
    brand: z.coerce.number().int().positive().optional(),
    channel: z.coerce.number().int().positive().optional(),
    workgroup: z.coerce.number().int().positive().optional(),
    agent: z.string().min(1).max(64).optional(),
  })
  .refine((q) => q.range !== "custom" || (q.from && q.to && q.from <= q.to), { message: "custom range needs from ≤ to" })
  .refine((q) => q.range !== "custom" || !q.from || !q.to || daysBetween(q.from, q.to) < MAX_RANGE_DAYS, { message: `at most ${MAX_RANGE_DAYS} days` });
export type ReportQuery = z.infer<typeof reportQuery>;

/** Empty form fields ("All brands") arrive as empty strings: they mean no filter. */
export function withoutEmpty(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ""));
}

export interface DayRange {
  from: string;
  to: string;
}

export function shiftDay(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Every local day of a range, in order. */
export function daysOf(range: DayRange): string[] {
  return Array.from({ length: daysBetween(range.from, range.to) + 1 }, (_, i) => shiftDay(range.from, i));
}

/** The days a preset means on `now`'s local day in the organization's time zone; both ends included. */
export function resolveRange(query: Pick<ReportQuery, "range" | "from" | "to">, timeZone: string, now: Date): DayRange {
  const { day: today } = todayIn(timeZone, now);
  switch (query.range) {
    case "today":
      return { from: today, to: today };
    case "yesterday":
      return { from: shiftDay(today, -1), to: shiftDay(today, -1) };
    case "7d":
      return { from: shiftDay(today, -6), to: today };
    case "30d":
      return { from: shiftDay(today, -29), to: today };
    case "90d":
      return { from: shiftDay(today, -89), to: today };
    case "month":
      return { from: `${today.slice(0, 8)}01`, to: today };
    case "custom":
      return { from: query.from!, to: query.to! };
  }
}

/** The same number of days just before. */
export function previousRange(range: DayRange): DayRange {
  const length = daysBetween(range.from, range.to) + 1;
  return { from: shiftDay(range.from, -length), to: shiftDay(range.from, -1) };
}

export interface Figures {
  opened: number;
  closed: number;
  reactivated: number;
  forwarded: number;
  messagesIn: number;
  messagesOut: number;
  avgFirstResponseMs: number | null;
  p90FirstResponseMs: number | null;
  avgResolutionMs: number | null;
  p90ResolutionMs: number | null;
}

export const figureKeys = ["opened", "closed", "reactivated", "forwarded", "avgFirstResponseMs", "p90FirstResponseMs", "avgResolutionMs", "p90ResolutionMs", "messagesIn", "messagesOut"] as const satisfies readonly (keyof Figures)[];
export type FigureKey = (typeof figureKeys)[number];
export const timeFigures: ReadonlySet<FigureKey> = new Set(["avgFirstResponseMs", "p90FirstResponseMs", "avgResolutionMs", "p90ResolutionMs"]);

export interface ReportRow {
  key: string;
  name: string;
  current: Figures;
  previous: Figures;
}

/** The report's tables, each downloadable as CSV. */
export const reportTables = ["agents", "channels", "workgroups", "days"] as const;
export type ReportTable = (typeof reportTables)[number];

export interface DayRow {
  day: string;
  figures: Figures;
  medianFirstResponseMs: number | null;
}

export interface Report {
  range: DayRange;
  previous: DayRange;
  totals: { current: Figures; previous: Figures };
  agents: ReportRow[];
  channels: (ReportRow & { kind: ChannelKind })[];
  workgroups: ReportRow[];
  days: DayRow[];
  medianFirstResponseMs: number | null;
  /** Inbound messages by weekday (0 = Monday) and local hour. */
  heatmap: number[][];
}

export const emptyFigures: Figures = {
  opened: 0,
  closed: 0,
  reactivated: 0,
  forwarded: 0,
  messagesIn: 0,
  messagesOut: 0,
  avgFirstResponseMs: null,
  p90FirstResponseMs: null,
  avgResolutionMs: null,
  p90ResolutionMs: null,
};

type Dimension = "agent" | "channel" | "workgroup" | "day" | "total";

/** `grouping(user_id, channel_id, workgroup_id, day)`: a bit set for each column left out. */
const groupingBits: Record<number, Dimension> = { 0b0111: "agent", 0b1011: "channel", 0b1101: "workgroup", 0b1110: "day", 0b1111: "total" };

const groupingSets = sql.raw(`grouping sets ((current, user_id), (current, channel_id), (current, workgroup_id), (current, day), (current))`);

/** Which rows a report reads: the organization, the two periods' days, and the filters. */
function scopeWhere(orgId: number, from: string, to: string, scope: number[] | null, query: ReportQuery): SQL {
  const parts = [sql`org_id = ${orgId}`, sql`day between ${from}::date and ${to}::date`];
  if (scope) parts.push(sql`channel_id = any(${`{${(scope.length ? scope : [-1]).join(",")}}`}::bigint[])`);
  if (query.workgroup) parts.push(sql`workgroup_id = ${query.workgroup}`);
  if (query.agent) parts.push(sql`user_id = ${query.agent}`);
  return sql.join(parts, sql` and `);
}

/**
 * The three reads a report makes of the aggregates (never of messages): sums and time buckets for
 * both periods grouped every way the report shows, and the current period's inbound hours.
 */
export function reportStatements(orgId: number, range: DayRange, scope: number[] | null, query: ReportQuery) {
  const previous = previousRange(range);
  const where = scopeWhere(orgId, previous.from, range.to, scope, query);
  const current = sql`(day >= ${range.from}::date)`;
  return {
    sums: sql`select grouping(user_id, channel_id, workgroup_id, day) as g, ${current} as current, user_id, channel_id, workgroup_id, day::text as day,
            sum(opened)::int as opened, sum(closed)::int as closed, sum(reactivated)::int as reactivated, sum(forwarded)::int as forwarded,
            sum(messages_in)::int as messages_in, sum(messages_out)::int as messages_out,
            sum(first_response_ms_sum)::float8 as fr_sum, sum(first_response_count)::int as fr_count,
            sum(resolution_ms_sum)::float8 as res_sum, sum(resolution_count)::int as res_count
          from report_daily_stats where ${where}
          group by ${groupingSets}`,
    buckets: sql`select grouping(user_id, channel_id, workgroup_id, day) as g, ${current} as current, user_id, channel_id, workgroup_id, day::text as day,
            distribution, bucket, sum(count)::int as n
          from report_daily_buckets where ${where} and distribution in ('first_response', 'resolution')
          group by distribution, bucket, ${groupingSets}`,
    hours: sql`select extract(isodow from day)::int as dow, bucket as hour, sum(count)::int as n
          from report_daily_buckets where ${scopeWhere(orgId, range.from, range.to, scope, query)} and distribution = 'inbound_hour'
          group by 1, 2`,
  };
}

/** The report for a range and filters. */
export async function buildReport(db: DbOrTx, actor: Actor, query: ReportQuery, now: Date): Promise<Report> {
  const range = resolveRange(query, actor.timezone, now);
  const previous = previousRange(range);
  const scope = await channelScope(db, actor.orgId, query.brand ?? null, query.channel ?? null);
  const statements = reportStatements(actor.orgId, range, scope, query);
  const [sums, buckets, hours, names] = await Promise.all([
    rows<Record<string, string | number | boolean | null>>(db, statements.sums),
    rows<{ g: number; current: boolean; user_id: string | null; channel_id: number | null; workgroup_id: number | null; day: string | null; distribution: string; bucket: number; n: number }>(db, statements.buckets),
    rows<{ dow: number; hour: number; n: number }>(db, statements.hours),
    reportNames(db, actor),
  ]);

  const keyOf = (r: { g: number; user_id: string | null; channel_id: number | null; workgroup_id: number | null; day: string | null }): [Dimension, string] | null => {
    const dimension = groupingBits[Number(r.g)];
    if (!dimension) return null;
    const key = dimension === "agent" ? r.user_id : dimension === "channel" ? r.channel_id : dimension === "workgroup" ? r.workgroup_id : dimension === "day" ? r.day : "all";
    return [dimension, key === null ? "" : String(key)];
  };
  const id = (dimension: Dimension, key: string, current: boolean) => `${dimension}|${key}|${current ? 1 : 0}`;

  const histograms = new Map<string, { fr: Map<number, number>; res: Map<number, number> }>();
  for (const b of buckets) {
    const k = keyOf(b);
    if (!k) continue;
    const at = id(k[0], k[1], b.current);
    let h = histograms.get(at);
    if (!h) histograms.set(at, (h = { fr: new Map(), res: new Map() }));
    (b.distribution === "first_response" ? h.fr : h.res).set(Number(b.bucket), Number(b.n));
  }

  const figures = new Map<string, Figures>();
  const medians = new Map<string, number | null>();
  for (const r of sums) {
    const k = keyOf(r as never);
    if (!k) continue;
    const at = id(k[0], k[1], r.current as boolean);
    const h = histograms.get(at);
    const n = (column: string) => Number(r[column]);
    figures.set(at, {
      opened: n("opened"),
      closed: n("closed"),
      reactivated: n("reactivated"),
      forwarded: n("forwarded"),
      messagesIn: n("messages_in"),
      messagesOut: n("messages_out"),
      avgFirstResponseMs: n("fr_count") ? Math.round(n("fr_sum") / n("fr_count")) : null,
      p90FirstResponseMs: h ? percentileMs(h.fr, 90) : null,
      avgResolutionMs: n("res_count") ? Math.round(n("res_sum") / n("res_count")) : null,
      p90ResolutionMs: h ? percentileMs(h.res, 90) : null,
    });
    if ((k[0] === "day" || k[0] === "total") && r.current) medians.set(k[1], h ? percentileMs(h.fr, 50) : null);
  }
  const get = (dimension: Dimension, key: string, isCurrent: boolean) => figures.get(id(dimension, key, isCurrent)) ?? emptyFigures;

  /** Rows for every key seen in either period, named, by name. */
  const table = <T extends object>(dimension: Dimension, named: Map<string, { name: string } & T>, unnamed: (key: string) => { name: string } & T) => {
    const keys = new Set<string>();
    for (const at of figures.keys()) {
      const [d, key] = at.split("|");
      if (d === dimension) keys.add(key);
    }
    return [...keys]
      .map((key) => ({ key, ...(named.get(key) ?? unnamed(key)), current: get(dimension, key, true), previous: get(dimension, key, false) }))
      .sort((a, b) => a.name.localeCompare(b.name, "tr"));
  };

  const heatmap = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  for (const h of hours) heatmap[Number(h.dow) - 1][Number(h.hour)] += Number(h.n);

  return {
    range,
    previous,
    totals: { current: get("total", "all", true), previous: get("total", "all", false) },
    agents: table<{}>("agent", names.agents, () => ({ name: "" })),
    channels: table<{ kind: ChannelKind }>("channel", names.channels, () => ({ name: "", kind: "support" as ChannelKind })),
    workgroups: table<{}>("workgroup", names.workgroups, () => ({ name: "" })),
    days: daysOf(range).map((day) => ({ day, figures: get("day", day, true), medianFirstResponseMs: medians.get(day) ?? null })),
    medianFirstResponseMs: medians.get("all") ?? null,
    heatmap,
  };
}

/** The per-day table in the shape of the others (a day has no previous period of its own). */
export function dayRows(report: Report): ReportRow[] {
  return report.days.map((d) => ({ key: d.day, name: d.day, current: d.figures, previous: d.figures }));
}

/** Names for the ids the aggregates keep (an empty key: nobody, no workgroup). */
async function reportNames(db: DbOrTx, actor: Actor) {
  const [agentRows, channelRows, workgroupRows] = await Promise.all([
    db.select({ id: users.id, name: users.name }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(eq(memberships.orgId, actor.orgId)),
    db.select({ id: channels.id, name: channels.name, kind: channels.kind }).from(channels).where(eq(channels.orgId, actor.orgId)),
    db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, actor.orgId)),
  ]);
  return {
    agents: new Map(agentRows.map((a) => [a.id, { name: a.name }])),
    channels: new Map(channelRows.map((c) => [String(c.id), { name: c.name, kind: c.kind }])),
    workgroups: new Map(workgroupRows.map((w) => [String(w.id), { name: w.name }])),
  };
}

export interface ReportChoices {
  brands: { id: number; name: string }[];
  channels: { id: number; name: string; kind: ChannelKind; brandId: number | null }[];
  workgroups: { id: number; name: string }[];
  agents: { id: string; name: string }[];
}

/** Everything the report's filters offer. */
export async function reportChoices(db: DbOrTx, actor: Actor): Promise<ReportChoices> {
  const [brandRows, channelRows, workgroupRows, agentRows] = await Promise.all([
    db.select({ id: brands.id, name: brands.name }).from(brands).where(eq(brands.orgId, actor.orgId)).orderBy(asc(brands.name)),
    db.select({ id: channels.id, name: channels.name, kind: channels.kind, brandId: channels.brandId }).from(channels).where(eq(channels.orgId, actor.orgId)).orderBy(asc(channels.name)),
    db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, actor.orgId)).orderBy(asc(workgroups.name)),
    db
      .select({ id: users.id, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.orgId, actor.orgId))
      .orderBy(asc(users.name)),
  ]);
  return { brands: brandRows, channels: channelRows, workgroups: workgroupRows, agents: agentRows };
}
