// Report figures for a range of local days: sums of the daily aggregates per agent, channel,
// workgroup and day, with the totals, each beside the previous period of the same length.
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { rows } from "@db/client";
import type { ChannelKind } from "@db/schema";
import type { Actor } from "../context";
import { channelScope, todayIn } from "../cockpit/metrics";
import { addCounts, percentileMs } from "./aggregates";
import { destinations, periodCounts, reportStatements, Tally, type DayAggregateRow, type KeyedDimension, type KeyedRow, type ReportScope } from "./grains";

export const rangePresets = ["today", "yesterday", "7d", "30d", "90d", "month", "custom"] as const;
export type RangePreset = (typeof rangePresets)[number];

/** Rows of the per-agent table a page shows: a team of 200 is 8 pages, not a 450 KB page. */
export const AGENTS_PER_PAGE = 25;

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
    /** The page of the per-agent table (AGENTS_PER_PAGE rows each; the CSV has them all). */
    page: z.coerce.number().int().min(1).max(10_000).optional(),
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
  /** The satisfaction surveys' average rating (1–5), and how many were answered. */
  avgSatisfaction: number | null;
  satisfactionAnswers: number;
}

export const figureKeys = ["opened", "closed", "reactivated", "forwarded", "avgFirstResponseMs", "p90FirstResponseMs", "avgResolutionMs", "p90ResolutionMs", "messagesIn", "messagesOut", "avgSatisfaction", "satisfactionAnswers"] as const satisfies readonly (keyof Figures)[];
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
  avgSatisfaction: null,
  satisfactionAnswers: 0,
};

/** The report's filters as the aggregates know them (a brand: its channels). */
export async function reportScope(db: DbOrTx, orgId: number, query: ReportQuery): Promise<ReportScope> {
  return { agent: query.agent ?? null, channels: await channelScope(db, orgId, query.brand ?? null, query.channel ?? null), workgroup: query.workgroup ?? null };
}

/**
 * The report for a range and filters: two reads of the aggregates, and the names of who and what
 * they count from the filters' choices (read here, or handed over by a page that shows them too).
 */
export async function buildReport(db: DbOrTx, actor: Actor, query: ReportQuery, now: Date, choices: Promise<ReportChoices> = reportChoices(db, actor)): Promise<Report> {
  const range = resolveRange(query, actor.timezone, now);
  const previous = previousRange(range);
  const scope = await reportScope(db, actor.orgId, query);
  const statements = reportStatements(actor.orgId, { ...range, previousFrom: previous.from }, scope);
  const [keyed, dayRowsRead, names] = await Promise.all([rows<KeyedRow>(db, statements.keyed), rows<DayAggregateRow>(db, statements.days), choices.then(namesOf)]);

  const totals = { current: new Tally(), previous: new Tally() };
  const tables: Record<KeyedDimension, Map<string, { current: Tally; previous: Tally }>> = { agent: new Map(), channel: new Map(), workgroup: new Map() };
  for (const r of keyed) {
    const period = r.current ? "current" : "previous";
    const fr = periodCounts(r.l_fr_run, r.f_fr_run, r.f_fr_day);
    const res = periodCounts(r.l_res_run, r.f_res_run, r.f_res_day);
    const to = destinations(r, scope);
    if (to.total) totals[period].add(r, fr, res);
    for (const [dimension, key] of to.tables) {
      let both = tables[dimension].get(key);
      if (!both) tables[dimension].set(key, (both = { current: new Tally(), previous: new Tally() }));
      both[period].add(r, fr, res);
    }
  }

  const perDay = new Map<string, Tally>();
  const heatmap = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  for (const r of dayRowsRead) {
    let tally = perDay.get(r.day);
    if (!tally) perDay.set(r.day, (tally = new Tally()));
    tally.add(r, (into) => addCounts(into, r.fr_day), (into) => addCounts(into, r.res_day));
    const weekday = (new Date(`${r.day}T00:00:00Z`).getUTCDay() + 6) % 7;
    addCounts(heatmap[weekday], r.hours);
  }

  /** Rows for every key seen in either period, named, by name. */
  const table = <T extends object>(dimension: KeyedDimension, named: Map<string, { name: string } & T>, unnamed: (key: string) => { name: string } & T) =>
    [...tables[dimension]]
      .map(([key, both]) => ({ key, ...(named.get(key) ?? unnamed(key)), current: both.current.figures(), previous: both.previous.figures() }))
      .sort((a, b) => a.name.localeCompare(b.name, "tr"));

  return {
    range,
    previous,
    totals: { current: totals.current.figures(), previous: totals.previous.figures() },
    agents: table<{}>("agent", names.agents, () => ({ name: "" })),
    channels: table<{ kind: ChannelKind }>("channel", names.channels, () => ({ name: "", kind: "support" as ChannelKind })),
    workgroups: table<{}>("workgroup", names.workgroups, () => ({ name: "" })),
    days: daysOf(range).map((day) => {
      const tally = perDay.get(day);
      return { day, figures: tally ? tally.figures() : emptyFigures, medianFirstResponseMs: tally ? percentileMs(tally.fr, 50) : null };
    }),
    medianFirstResponseMs: percentileMs(totals.current.fr, 50),
    heatmap,
  };
}

/** The per-day table in the shape of the others (a day has no previous period of its own). */
export function dayRows(report: Report): ReportRow[] {
  return report.days.map((d) => ({ key: d.day, name: d.day, current: d.figures, previous: d.figures }));
}

/** Names for the ids the aggregates keep (an empty key: nobody, no workgroup). */
function namesOf(choices: ReportChoices) {
  return {
    agents: new Map(choices.agents.map((a) => [a.id, { name: a.name }])),
    channels: new Map(choices.channels.map((c) => [String(c.id), { name: c.name, kind: c.kind }])),
    workgroups: new Map(choices.workgroups.map((w) => [String(w.id), { name: w.name }])),
  };
}

export interface ReportChoices {
  brands: { id: number; name: string }[];
  channels: { id: number; name: string; kind: ChannelKind; brandId: number | null }[];
  workgroups: { id: number; name: string }[];
  agents: { id: string; name: string }[];
}

/** Everything the report's filters offer (every member, removed ones too, as the aggregates keep them), in one read. */
export async function reportChoices(db: DbOrTx, actor: Actor): Promise<ReportChoices> {
  const org = actor.orgId;
  const [found] = await rows<ReportChoices>(
    db,
    sql`select
      (select coalesce(json_agg(json_build_object('id', b.id, 'name', b.name) order by b.name), '[]') from brands b where b.org_id = ${org}) as brands,
      (select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'kind', c.kind, 'brandId', c.brand_id) order by c.name), '[]') from channels c where c.org_id = ${org}) as channels,
      (select coalesce(json_agg(json_build_object('id', w.id, 'name', w.name) order by w.name), '[]') from workgroups w where w.org_id = ${org}) as workgroups,
      (select coalesce(json_agg(json_build_object('id', u.id, 'name', u.name) order by u.name), '[]') from memberships m join users u on u.id = m.user_id where m.org_id = ${org}) as agents`,
  );
  const parse = <T,>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
  return { brands: parse(found.brands), channels: parse(found.channels), workgroups: parse(found.workgroups), agents: parse(found.agents) };
}
