// Business hours: an organization's week (in its time zone) with holidays, and a workgroup's own
// week that overrides it. Read by the out-of-office reply and the "inside business hours" condition.
import { and, asc, eq, isNull, ne, or } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { automatedReplies, businessHours, channels, workgroups, type AutomatedReplyKind, type WeeklyHours } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";

export interface Hours {
  weekly: WeeklyHours;
  holidays: string[];
}

/** The local date ("YYYY-MM-DD"), weekday (0 Sunday) and minute of the day of an instant in a time zone. */
function localParts(timeZone: string, at: Date) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", weekday: "short" }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  return { date: `${get("year")}-${get("month")}-${get("day")}`, weekday, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether the business is open at `at`. A span whose end is not after its start runs past midnight
 * into the next day (22:00–02:00); a holiday closes its whole local day, including such a span's
 * morning part. No hours set at all means always open, so nobody gets an out-of-office reply by default.
 */
export function isOpen(hours: Hours | null, timeZone: string, at: Date): boolean {
  if (!hours || Object.values(hours.weekly).every((spans) => !spans?.length)) return true;
  const now = localParts(timeZone, at);
  if (hours.holidays.includes(now.date)) return false;
  const today = hours.weekly[String(now.weekday)] ?? [];
  const yesterday = hours.weekly[String((now.weekday + 6) % 7)] ?? [];
  for (const span of today) {
    const from = minuteOf(span.from);
    const to = minuteOf(span.to);
    if (to > from ? now.minute >= from && now.minute < to : now.minute >= from) return true;
  }
  for (const span of yesterday) {
    const from = minuteOf(span.from);
    const to = minuteOf(span.to);
    if (to <= from && now.minute < to) return true;
  }
  return false;
}

/** The hours that apply to a workgroup's conversations: its own when set, else the organization's. */
export async function hoursFor(db: DbOrTx, orgId: number, workgroupId: number | null): Promise<Hours | null> {
  const found = await db
    .select({ workgroupId: businessHours.workgroupId, weekly: businessHours.weekly, holidays: businessHours.holidays })
    .from(businessHours)
    .where(and(eq(businessHours.orgId, orgId), workgroupId === null ? isNull(businessHours.workgroupId) : or(isNull(businessHours.workgroupId), eq(businessHours.workgroupId, workgroupId))));
  const own = found.find((h) => h.workgroupId !== null) ?? found.find((h) => h.workgroupId === null);
  return own ? { weekly: own.weekly, holidays: own.holidays } : null;
}

const SPAN = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "09:00-18:00, 22:00-02:00" → spans; null when a piece is not a span. */
export function parseSpans(text: string): { from: string; to: string }[] | null {
  const pieces = text.split(",").map((p) => p.replace(/\s+/g, "")).filter(Boolean);
  if (!pieces.every((p) => SPAN.test(p))) return null;
  return pieces.map((p) => ({ from: p.slice(0, 5), to: p.slice(6, 11) }));
}

export const spansText = (spans: { from: string; to: string }[] | undefined) => (spans ?? []).map((s) => `${s.from}-${s.to}`).join(", ");

/** One date per line; null when a line is not a date. */
export function parseHolidays(text: string): string[] | null {
  const lines = text.split(/\s+/).filter(Boolean);
  return lines.every((d) => DATE.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`))) ? [...new Set(lines)].sort() : null;
}

/** The stored hours of the organization (workgroupId null) or of one of its workgroups. */
export async function ownHours(db: DbOrTx, orgId: number, workgroupId: number | null): Promise<Hours | null> {
  const [row] = await db
    .select({ weekly: businessHours.weekly, holidays: businessHours.holidays })
    .from(businessHours)
    .where(and(eq(businessHours.orgId, orgId), workgroupId === null ? isNull(businessHours.workgroupId) : eq(businessHours.workgroupId, workgroupId)));
  return row ?? null;
}

/** Sets the organization's or a workgroup's hours; a workgroup with no spans at all goes back to the organization's. */
export async function saveHours(db: DbOrTx, actor: Actor, workgroupId: number | null, hours: Hours, now: Date) {
  return db.transaction(async (tx) => {
    if (workgroupId !== null) {
      const [group] = await tx.select({ id: workgroups.id }).from(workgroups).where(and(eq(workgroups.orgId, actor.orgId), eq(workgroups.id, workgroupId)));
      if (!group) throw new HoursRefused();
    }
    const scope = and(eq(businessHours.orgId, actor.orgId), workgroupId === null ? isNull(businessHours.workgroupId) : eq(businessHours.workgroupId, workgroupId));
    await tx.delete(businessHours).where(scope);
    const empty = Object.values(hours.weekly).every((s) => !s.length) && hours.holidays.length === 0;
    if (!(empty && workgroupId !== null)) await tx.insert(businessHours).values({ orgId: actor.orgId, workgroupId, weekly: hours.weekly, holidays: hours.holidays, updatedAt: now });
    return recordEvent(tx, { orgId: actor.orgId, type: "business_hours_changed", actorId: actor.userId, data: { workgroupId }, createdAt: now });
  });
}

export class HoursRefused extends Error {}

/** Every channel with its out-of-office reply and welcome message, for the admin page. */
export async function channelReplies(db: DbOrTx, orgId: number) {
  const [list, replies] = await Promise.all([
    db.select({ id: channels.id, name: channels.name }).from(channels).where(and(eq(channels.orgId, orgId), ne(channels.kind, "support"))).orderBy(asc(channels.name)),
    db.select().from(automatedReplies).where(eq(automatedReplies.orgId, orgId)),
  ]);
  return list.map((ch) => {
    const of = (kind: AutomatedReplyKind) => replies.find((r) => r.channelId === ch.id && r.kind === kind);
    return { ...ch, outOfOffice: of("out_of_office")?.body ?? "", welcome: of("welcome")?.body ?? "", gapMinutes: of("out_of_office")?.gapMinutes ?? of("welcome")?.gapMinutes ?? 720 };
  });
}
export type ChannelReplies = Awaited<ReturnType<typeof channelReplies>>;

/** Stores each channel's messages: an empty text removes that message. */
export async function saveChannelReplies(db: DbOrTx, actor: Actor, input: { channelId: number; outOfOffice: string; welcome: string; gapMinutes: number }[], now: Date) {
  return db.transaction(async (tx) => {
    const own = new Set((await tx.select({ id: channels.id }).from(channels).where(eq(channels.orgId, actor.orgId))).map((c) => c.id));
    for (const item of input) {
      if (!own.has(item.channelId)) throw new HoursRefused();
      for (const [kind, body] of [["out_of_office", item.outOfOffice], ["welcome", item.welcome]] as const) {
        const where = and(eq(automatedReplies.channelId, item.channelId), eq(automatedReplies.kind, kind));
        if (!body) await tx.delete(automatedReplies).where(where);
        else
          await tx
            .insert(automatedReplies)
            .values({ orgId: actor.orgId, channelId: item.channelId, kind, body, gapMinutes: item.gapMinutes, updatedAt: now })
            .onConflictDoUpdate({ target: [automatedReplies.channelId, automatedReplies.kind], set: { body, gapMinutes: item.gapMinutes, enabled: true, updatedAt: now } });
      }
    }
    return recordEvent(tx, { orgId: actor.orgId, type: "business_hours_changed", actorId: actor.userId, data: { replies: true }, createdAt: now });
  });
}
