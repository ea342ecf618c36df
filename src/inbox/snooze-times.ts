// The snooze menu's times, in the organization's time zone: in an hour, tonight, tomorrow morning,
// next week, or a chosen local date and time.
export const snoozePresets = ["hour", "tonight", "tomorrow", "next_week"] as const;
export type SnoozePreset = (typeof snoozePresets)[number];

const TONIGHT_HOUR = 20;
const MORNING_HOUR = 9;

/** The wall-clock parts of an instant in a time zone. */
function wallClock(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short" }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(part("weekday"));
  return { year: Number(part("year")), month: Number(part("month")), day: Number(part("day")), hour: Number(part("hour")), minute: Number(part("minute")), second: Number(part("second")), weekday };
}

/**
 * The instant a local date and time happens in `timeZone` (daylight-saving aware: a time skipped by
 * the clocks going forward lands just after the gap). Month and day may overflow (day 32 is next month).
 */
export function localInstant(local: { year: number; month: number; day: number; hour: number; minute: number }, timeZone: string): Date {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const offsetAt = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - t;
  };
  // Twice: the offset at the first guess may differ from the offset at the answer.
  const first = asUtc - offsetAt(asUtc);
  return new Date(asUtc - offsetAt(first));
}

/** When a preset ends, from `now` in the organization's time zone; null for "tonight" once evening has come. */
export function presetTime(preset: SnoozePreset, now: Date, timeZone: string): Date | null {
  const today = wallClock(now, timeZone);
  const at = (dayOffset: number, hour: number) => localInstant({ year: today.year, month: today.month, day: today.day + dayOffset, hour, minute: 0 }, timeZone);
  switch (preset) {
    case "hour":
      return new Date(now.getTime() + 3_600_000);
    case "tonight":
      return today.hour < TONIGHT_HOUR ? at(0, TONIGHT_HOUR) : null;
    case "tomorrow":
      return at(1, MORNING_HOUR);
    case "next_week":
      // Monday morning; on a Monday, the next one.
      return at(((8 - today.weekday) % 7) || 7, MORNING_HOUR);
  }
}

/** A `datetime-local` value ("2026-12-07T09:30") read in the organization's time zone; null when malformed. */
export function chosenTime(value: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  return localInstant({ year, month, day, hour, minute }, timeZone);
}

/** An instant as a `datetime-local` value in the time zone (the chosen-time field's minimum and default). */
export function localInputValue(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

/** The menu's presets with their times (tonight left out once evening has come). */
export function presetChoices(now: Date, timeZone: string): { preset: SnoozePreset; at: Date }[] {
  return snoozePresets.flatMap((preset) => {
    const at = presetTime(preset, now, timeZone);
    return at ? [{ preset, at }] : [];
  });
}
