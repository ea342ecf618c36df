// Amounts in integer minor units with an ISO-4217 currency: parsing what people type, formatting
// for the viewer's language, and the decimal strings providers want. Never through floating point.
import type { Locale } from "@db/schema";

const known = new Set(Intl.supportedValuesOf("currency"));

/** Upper-case ISO-4217 code that Intl knows (so it has a symbol and a number of decimals). */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && known.has(code);
}

/** Decimals of the currency's minor unit: 2 for TRY, EUR, USD; 0 for JPY; 3 for KWD. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** The exact decimal text of a minor-unit amount: 25000 TRY → "250.00", -5 USD → "-0.05". */
export function decimalText(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const text = Math.abs(amountMinor).toString().padStart(digits + 1, "0");
  return digits === 0 ? sign + text : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Minor units from a machine decimal ("250.00", "250", "-3.5"); null when not exact in the currency. */
export function fromDecimalText(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m || (m[3] ?? "").length > digits) return null;
  const minor = Number(m[2] + (m[3] ?? "").padEnd(digits, "0"));
  if (!Number.isSafeInteger(minor)) return null;
  return m[1] ? -minor : minor;
}

const separators: Record<Locale, { group: string; decimal: string }> = { en: { group: ",", decimal: "." }, tr: { group: ".", decimal: "," } };

/**
 * What a person typed in their language ("1.234,56" in Turkish, "1,234.56" in English, "250"), as
 * minor units; null when it is not a positive amount in the currency. Group separators must sit
 * between groups of three digits, so "250.00" typed in Turkish is refused rather than read as 25 000.
 */
export function parseAmount(input: string, currency: string, locale: Locale): number | null {
  const { group, decimal } = separators[locale];
  const text = input.trim().replace(/\s/g, "");
  const [whole, fraction, extra] = text.split(decimal);
  if (extra !== undefined || !whole) return null;
  const groups = whole.split(group);
  if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))) return null;
  const digits = groups.join("");
  if (!/^\d+$/.test(digits) || (fraction !== undefined && !/^\d+$/.test(fraction))) return null;
  const minor = fromDecimalText(fraction === undefined ? digits : `${digits}.${fraction}`, currency);
  return minor !== null && minor > 0 ? minor : null;
}

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale === "tr" ? "tr-TR" : "en-US", { style: "currency", currency, currencyDisplay: "narrowSymbol" })));
  return f;
}

/**
 * An amount for people: `1.234,56 ₺` in Turkish (the symbol after the number, as Turkish invoices
 * write it), `₺1,234.56` in English. Formatted from the exact decimal text, never a float.
 */
export function formatMoney(amountMinor: number, currency: string, locale: Locale): string {
  const parts = numberFormat(locale, currency).formatToParts(decimalText(amountMinor, currency) as unknown as number);
  if (locale !== "tr") return parts.map((p) => p.value).join("");
  const symbol = parts.filter((p) => p.type === "currency").map((p) => p.value).join("");
  const number = parts.filter((p) => p.type !== "currency" && p.type !== "literal").map((p) => p.value).join("");
  return `${number} ${symbol}`;
}

/** An amount in a form field, in the person's language without symbol or grouping: "250,00". */
export function amountInput(amountMinor: number, currency: string, locale: Locale): string {
  const text = decimalText(amountMinor, currency);
  return locale === "tr" ? text.replace(".", ",") : text;
}
