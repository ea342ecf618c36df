// The cockpit board: every active member with their status, live active count and today's figures,
// for a brand or channel (or all), searched by name and sorted by any column.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { field } from "../forms";
import type { DbOrTx } from "@db/client";
import { brands, channels, conversations, memberships, users, type AgentStatus, type Role } from "@db/schema";
import type { Actor } from "../context";
import { channelScope, figuresOn, todayIn, zonedMidnight, type AgentFigures } from "./metrics";
import { satisfactionByAgent } from "../bot/polls";

export interface BoardRow extends AgentFigures {
  userId: string;
  name: string;
  role: Role;
  status: AgentStatus;
  statusChangedAt: Date;
  active: number;
  /** The day's average survey rating (1–5) of this member's conversations, and how many answered. */
  satisfaction: number | null;
  satisfactionAnswers: number;
}

export const boardSorts = ["name", "firstResponse", "resolution", "active", "resolved", "reactivated", "forwarded", "satisfaction"] as const;
export type BoardSort = (typeof boardSorts)[number];

export const boardQuery = z.object({
  brand: field.id().optional().catch(undefined),
  channel: field.id().optional().catch(undefined),
  q: z.string().max(100).optional().default(""),
  sort: z.enum(boardSorts).optional().default("name").catch("name"),
  dir: z.enum(["asc", "desc"]).optional().default("asc").catch("asc"),
  /** A past local day to show the figures of; today when absent. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined),
});
export type BoardView = z.infer<typeof boardQuery>;
export const defaultBoardView: BoardView = { q: "", sort: "name", dir: "asc" };

/** Case- and Turkish-insensitive: "I", "ı", "İ" and "i" all match each other. */
export function foldName(text: string): string {
  return text.toLocaleLowerCase("tr").replace(/ı/g, "i");
}

/** Live members by name with the count of open conversations assigned to each now. */
export async function agentBoard(db: DbOrTx, actor: Actor, channelIds: number[] | null = null): Promise<Omit<BoardRow, keyof AgentFigures | "satisfaction" | "satisfactionAnswers">[]> {
  const active = db
    .select({ assigneeId: conversations.assigneeId, n: sql<number>`count(*)`.mapWith(Number).as("n") })
    .from(conversations)
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.status, "open"), channelIds ? inArray(conversations.channelId, channelIds.length ? channelIds : [-1]) : undefined))
    .groupBy(conversations.assigneeId)
    .as("active");
  return db
    .select({
      userId: users.id,
      name: users.name,
      role: memberships.role,
      status: memberships.status,
      statusChangedAt: memberships.statusChangedAt,
      active: sql<number>`coalesce(${active.n}, 0)`.mapWith(Number),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(active, eq(active.assigneeId, memberships.userId))
    .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.active, true)))
    .orderBy(asc(users.name));
}

/** The view's day when it is before today in the organization's time zone; null for today (or later). */
export function pastDay(view: BoardView, timeZone: string, now: Date): string | null {
  return view.day && view.day < todayIn(timeZone, now).day ? view.day : null;
}

/** The board as the cockpit shows it for one choice of brand, channel, search, sort and day. */
export async function cockpitRows(db: DbOrTx, actor: Actor, view: BoardView, now: Date): Promise<BoardRow[]> {
  const scope = await channelScope(db, actor.orgId, view.brand ?? null, view.channel ?? null);
  const day = pastDay(view, actor.timezone, now) ?? todayIn(actor.timezone, now).day;
  // The local day's bounds, from its noon (daylight saving moves midnight, never noon to another day).
  const bounds = todayIn(actor.timezone, new Date(zonedMidnight(day, actor.timezone).getTime() + 12 * 3_600_000));
  const [members, figures, ratings] = await Promise.all([agentBoard(db, actor, scope), figuresOn(db, actor.orgId, day, scope), satisfactionByAgent(db, actor.orgId, bounds.start, bounds.end, scope)]);
  const needle = foldName(view.q.trim());
  const none: AgentFigures = { avgFirstResponseMs: null, avgResolutionMs: null, resolved: 0, reactivated: 0, forwarded: 0 };
  const rows = members
    .filter((m) => !needle || foldName(m.name).includes(needle))
    .map((m) => ({ ...m, ...(figures.get(m.userId) ?? none), satisfaction: ratings.get(m.userId)?.average ?? null, satisfactionAnswers: ratings.get(m.userId)?.answers ?? 0 }));
  const key = (r: BoardRow): number | string | null =>
    view.sort === "name" ? foldName(r.name) : view.sort === "firstResponse" ? r.avgFirstResponseMs : view.sort === "resolution" ? r.avgResolutionMs : r[view.sort];
  const sign = view.dir === "desc" ? -1 : 1;
  return rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return a.name.localeCompare(b.name, "tr");
    if (x === null) return 1; // no figure yet: last either way
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

/** Brands and channels for the cockpit's choosers. */
export async function scopeChoices(db: DbOrTx, actor: Actor) {
  const [brandRows, channelRows] = await Promise.all([
    db.select({ id: brands.id, name: brands.name }).from(brands).where(eq(brands.orgId, actor.orgId)).orderBy(asc(brands.name)),
    db.select({ id: channels.id, name: channels.name, kind: channels.kind, brandId: channels.brandId }).from(channels).where(eq(channels.orgId, actor.orgId)).orderBy(asc(channels.name)),
  ]);
  return { brands: brandRows, channels: channelRows };
}
