// Times as a person reads them, in the organization's time zone and the viewer's language.
import type { Locale } from "../src/i18n";

export function shortTime(at: Date, now: Date, locale: Locale, timeZone: string): string {
  const day = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  const opts: Intl.DateTimeFormatOptions = day(at) === day(now) ? { hour: "2-digit", minute: "2-digit" } : { day: "numeric", month: "short" };
  return new Intl.DateTimeFormat(locale, { ...opts, timeZone }).format(at);
}

export function fullTime(at: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(at);
}
