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
let list = { now: NaN, timeZone: "", locale: "", today: "", day: formatter("en-CA", "UTC", "day"), clock: formatter("en", "UTC", "clock"), date: formatter("en", "UTC", "date") };

/**
 * "14:05" for today, "3 Jan" before that. A list draws many for one `now`: its day and its
 * formatters are looked up once.
 */
export function shortTime(at: Date, now: Date, locale: Locale, timeZone: string): string {
  if (list.now !== now.getTime() || list.timeZone !== timeZone || list.locale !== locale) {
    const day = formatter("en-CA", timeZone, "day");
    list = { now: now.getTime(), timeZone, locale, today: day.format(now), day, clock: formatter(locale, timeZone, "clock"), date: formatter(locale, timeZone, "date") };
  }
  const sameDay = Math.abs(now.getTime() - at.getTime()) < LONGEST_DAY_MS && formatted(list.day, at) === list.today;
  return formatted(sameDay ? list.clock : list.date, at);
}

/**
 * What a formatter writes for an instant, kept: a list draws the same rows' times page after page,
 * and formatting costs more than the rest of a row. Bounded; a full map starts over.
 */
const written = new Map<Intl.DateTimeFormat, Map<number, string>>();
const WRITTEN_PER_FORMATTER = 10_000;

function formatted(f: Intl.DateTimeFormat, at: Date): string {
  let byInstant = written.get(f);
  if (!byInstant) written.set(f, (byInstant = new Map()));
  const ms = at.getTime();
  let text = byInstant.get(ms);
  if (text === undefined) {
    if (byInstant.size >= WRITTEN_PER_FORMATTER) byInstant.clear();
    byInstant.set(ms, (text = f.format(at)));
  }
  return text;
}

export function fullTime(at: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, "full").format(at);
}

const built = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

/** A number formatter for a language and options, built once (a report draws thousands of figures). */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = built.get(key) as Intl.NumberFormat | undefined;
  if (!f) built.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A date formatter for a language and options, built once (a 90-day report names every day twice). */
export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = built.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) built.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}
