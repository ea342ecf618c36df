// Message catalogs: every UI string comes from here, in English and Turkish.
import type { Locale } from "@db/schema";
import { locales } from "@db/schema";
import { catalogs } from "./catalog";

export type MessageKey = keyof (typeof catalogs)["en"];
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export { locales };
export type { Locale };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

export function translator(locale: Locale): Translate {
  const catalog = catalogs[locale] as Record<string, string>;
  const fallback = catalogs.en as Record<string, string>;
  return (key, params) => {
    const template = catalog[key] ?? fallback[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** Picks the best supported language from an Accept-Language header. */
export function negotiateLocale(header: string | undefined | null): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, q] = part.trim().split(";q=");
      return { lang: tag.toLowerCase().split("-")[0], q: q ? Number(q) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  return ranked.map((r) => r.lang).find(isLocale);
}
