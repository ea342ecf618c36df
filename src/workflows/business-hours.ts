// Business hours: an organization's week (in its time zone) with holidays, and a workgroup's own
// week that overrides it. Read by the out-of-office reply and the "inside business hours" condition.
import { and, eq, isNull, or } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { businessHours, type WeeklyHours } from "@db/schema";

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
