// What a line of a ledger import says: the columns a header names (in English or Turkish), the
// decimal mark its amounts use, and each line read into an entry or a problem. No database here:
// contacts and earlier entries are looked up by imports-check.ts.
import { ledgerKinds, type DecimalMark, type LedgerKind } from "@db/schema";
import { zonedMidnight } from "../cockpit/metrics";
import { neutralise } from "../names";
import type { CsvRecord } from "./csv-file";
import { validEntryAmount } from "./ledger";
import { isCurrency, parseAmount } from "./money";

export const importColumns = ["external_id", "phone", "email", "kind", "amount", "currency", "date", "description", "reference"] as const;
export type ImportColumn = (typeof importColumns)[number];

/** Header names each column answers to, lower case (spreadsheets exported in either language). */
const aliases: Record<ImportColumn, string[]> = {
  external_id: ["external_id", "external id", "externalid", "customer_id", "customer id", "harici_id", "harici id", "müşteri_no", "müşteri no", "musteri_no"],
  phone: ["phone", "telephone", "mobile", "telefon", "tel", "cep"],
  email: ["email", "e-mail", "e-posta", "eposta"],
  kind: ["kind", "type", "tür", "tur", "işlem", "islem"],
  amount: ["amount", "tutar", "miktar"],
  currency: ["currency", "para_birimi", "para birimi", "döviz", "doviz"],
  date: ["date", "occurred_at", "tarih"],
  description: ["description", "açıklama", "aciklama"],
  reference: ["reference", "ref", "external_ref", "referans", "referans_no"],
};

const byAlias = new Map(Object.entries(aliases).flatMap(([column, names]) => names.map((n) => [n, column as ImportColumn])));

export type Header = { columns: Partial<Record<ImportColumn, number>>; ignored: string[]; missing: ("contact" | ImportColumn)[]; duplicated: string[] };

export function readHeader(fields: string[]): Header {
  const columns: Partial<Record<ImportColumn, number>> = {};
  const ignored: string[] = [];
  const duplicated: string[] = [];
  fields.forEach((raw, i) => {
    const name = neutralise(raw).trim();
    const column = byAlias.get(name.toLocaleLowerCase("tr").replace(/\s+/g, " ")) ?? byAlias.get(name.toLowerCase());
    if (!column) {
      if (name) ignored.push(name);
    } else if (columns[column] !== undefined) duplicated.push(name);
    else columns[column] = i;
  });
  const missing: Header["missing"] = [];
  if (columns.external_id === undefined && columns.phone === undefined && columns.email === undefined) missing.push("contact");
  for (const c of ["amount", "currency", "reference"] as const) if (columns[c] === undefined) missing.push(c);
  return { columns, ignored, missing, duplicated };
}

export function headerUsable(h: Header): boolean {
  return h.missing.length === 0 && h.duplicated.length === 0;
}

/** Currency words and symbols written beside amounts ("1.234,56 TL", "₺250"). */
const currencyMarks = /^(?:₺|€|\$|£)|(?:₺|€|\$|£|TL|TRY|EUR|USD|GBP)$/i;

function amountText(raw: string): string {
  return raw.trim().replace(/\s+/g, "").replace(currencyMarks, "").replace(/^−/, "-");
}

/**
 * The decimal mark a file's amounts use: the last of `.` and `,` in an amount that has both; a lone
 * mark followed by other than three digits. Amounts that say nothing (whole numbers, "1.234") leave
 * it to the separator: `;` files come from Excel set to a comma language.
 */
export function detectDecimalMark(amounts: string[], fallback: DecimalMark): DecimalMark {
  let comma = 0;
  let dot = 0;
  for (const raw of amounts) {
    const text = amountText(raw);
    const lastComma = text.lastIndexOf(",");
    const lastDot = text.lastIndexOf(".");
    if (lastComma >= 0 && lastDot >= 0) lastComma > lastDot ? comma++ : dot++;
    else if (lastComma >= 0 && !/^-?\d{1,3}(,\d{3})+$/.test(text)) comma++;
    else if (lastDot >= 0 && !/^-?\d{1,3}(\.\d{3})+$/.test(text)) dot++;
  }
  return comma > dot ? "comma" : dot > comma ? "dot" : fallback;
}

export type LineProblem = { reason: ImportReason; detail?: string };
export type ImportReason =
  | "columns"
  | "contact_missing"
  | "contact_not_found"
  | "contact_ambiguous"
  | "kind"
  | "amount"
  | "currency"
  | "date"
  | "future_date"
  | "reference_missing"
  | "too_long"
  | "reference_duplicate"
  | "reference_conflict";

export type ContactKey = { by: "external_id" | "phone" | "email"; value: string };

export interface ReadLine {
  line: number;
  contact: ContactKey;
  kind: LedgerKind;
  /** As the entry stores it: signed only for adjustments. */
  amountMinor: number;
  currency: string;
  description: string;
  reference: string;
  /** Null: the time of the import. */
  occurredAt: Date | null;
}

const kindWords: Record<string, LedgerKind> = { borç: "charge", borc: "charge", ödeme: "payment", odeme: "payment", tahsilat: "payment", iade: "refund", düzeltme: "adjustment", duzeltme: "adjustment" };

function readKind(raw: string): LedgerKind | null {
  const word = raw.trim().toLocaleLowerCase("tr");
  if (!word) return "charge";
  return (ledgerKinds as readonly string[]).includes(word) ? (word as LedgerKind) : (kindWords[word] ?? null);
}

/** `2026-12-01`, `2026-12-01 14:30`, `2026-12-01T14:30:00+03:00` or `01.12.2026 [14:30]`, in the organization's time zone unless an offset is given. */
export function readDate(raw: string, timeZone: string): Date | null {
  const text = raw.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  const [y, mo, d, h, mi, s, zone] = iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6], iso[7]] : dotted ? [dotted[3], dotted[2], dotted[1], dotted[4], dotted[5], dotted[6], undefined] : [];
  if (!y) return null;
  const [year, month, day, hour, minute, second] = [y, mo, d, h ?? "0", mi ?? "0", s ?? "0"].map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day || year < 1970 || hour > 23 || minute > 59 || second > 59) return null;
  const seconds = (hour * 60 + minute) * 60 + second;
  if (zone) {
    const sign = zone === "Z" ? 0 : zone[0] === "-" ? -1 : 1;
    const offset = zone === "Z" ? 0 : Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2));
    return new Date(probe.getTime() + seconds * 1000 - sign * offset * 60_000);
  }
  const day10 = `${y}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  return new Date(zonedMidnight(day10, timeZone).getTime() + seconds * 1000);
}

/** Phones as stored come with or without the leading +; people write spaces, dashes and brackets. */
export function phoneVariants(raw: string): string[] {
  const digits = raw.replace(/[\s\-().]/g, "");
  if (!/^\+?\d{5,20}$/.test(digits)) return [];
  const bare = digits.replace(/^\+/, "");
  return [bare, `+${bare}`];
}

export interface LineSettings {
  header: Header;
  decimalMark: DecimalMark;
  timeZone: string;
  now: Date;
}

/** One record read on its own (contacts and duplicates are judged with the others, later). */
export function readLine(record: CsvRecord, s: LineSettings): ReadLine | LineProblem {
  const { columns } = s.header;
  const cell = (c: ImportColumn) => (columns[c] === undefined ? "" : neutralise(record.fields[columns[c]!] ?? "").trim());
  const width = Math.max(...Object.values(columns).map((i) => i! + 1));
  if (record.fields.length < width) return { reason: "columns", detail: String(record.fields.length) };
  const contact: ContactKey | null = cell("external_id") ? { by: "external_id", value: cell("external_id") } : cell("phone") ? { by: "phone", value: cell("phone") } : cell("email") ? { by: "email", value: cell("email").toLowerCase() } : null;
  if (!contact) return { reason: "contact_missing" };
  if (contact.by === "phone" && phoneVariants(contact.value).length === 0) return { reason: "contact_not_found", detail: contact.value };
  const kind = readKind(cell("kind"));
  if (!kind) return { reason: "kind", detail: cell("kind") };
  const currencyText = cell("currency").toUpperCase();
  const currency = currencyText === "TL" ? "TRY" : currencyText;
  if (!isCurrency(currency)) return { reason: "currency", detail: cell("currency") };
  const text = amountText(cell("amount"));
  const negative = text.startsWith("-");
  const magnitude = parseAmount(negative ? text.slice(1) : text, currency, s.decimalMark === "comma" ? "tr" : "en");
  const amountMinor = magnitude === null ? null : negative ? -magnitude : magnitude;
  if (amountMinor === null || !validEntryAmount(kind, amountMinor)) return { reason: "amount", detail: cell("amount") };
  const reference = cell("reference");
  if (!reference) return { reason: "reference_missing" };
  if (reference.length > 200) return { reason: "too_long", detail: "reference" };
  const description = cell("description");
  if (description.length > 500) return { reason: "too_long", detail: "description" };
  if (contact.value.length > 200) return { reason: "too_long", detail: contact.by };
  let occurredAt: Date | null = null;
  if (cell("date")) {
    occurredAt = readDate(cell("date"), s.timeZone);
    if (!occurredAt) return { reason: "date", detail: cell("date") };
    if (occurredAt.getTime() > s.now.getTime() + 86_400_000) return { reason: "future_date", detail: cell("date") };
  }
  return { line: record.line, contact, kind, amountMinor, currency, description, reference, occurredAt };
}

export function isProblem(r: ReadLine | LineProblem): r is LineProblem {
  return "reason" in r;
}
