// Times as a person reads them, in the organization's time zone and the viewer's language.
// Intl formatters are costly to build, so each (language, zone, style) is built once.
import type { Locale } from "../src/i18n";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string, style: "day" | "clock" | "date" | "full"): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      style === "day"
        ? { year: "numeric", month: "2-digit", day: "2-digit" }
        : style === "clock"
          ? { hour: "2-digit", minute: "2-digit" }
          : style === "date"
            ? { day: "numeric", month: "short" }
            : { dateStyle: "medium", timeStyle: "short" };
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** No day, anywhere, is longer than this (a day of 24 hours plus a change of offset). */
const LONGEST_DAY_MS = 26 * 3_600_000;
let today = { now: NaN, timeZone: "", day: "" };

/** "14:05" for today, "3 Jan" before that. A list draws many for one `now`: its day is read once. */
export function shortTime(at: Date, now: Date, locale: Locale, timeZone: string): string {
  const day = formatter("en-CA", timeZone, "day");
  if (today.now !== now.getTime() || today.timeZone !== timeZone) today = { now: now.getTime(), timeZone, day: day.format(now) };
  const sameDay = Math.abs(now.getTime() - at.getTime()) < LONGEST_DAY_MS && day.format(at) === today.day;
  return formatter(locale, timeZone, sameDay ? "clock" : "date").format(at);
}

export function fullTime(at: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, "full").format(at);
}
