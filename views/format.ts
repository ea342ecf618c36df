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

/** "14:05" for today, "3 Jan" before that. */
export function shortTime(at: Date, now: Date, locale: Locale, timeZone: string): string {
  const day = formatter("en-CA", timeZone, "day");
  return formatter(locale, timeZone, day.format(at) === day.format(now) ? "clock" : "date").format(at);
}

export function fullTime(at: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, "full").format(at);
}
