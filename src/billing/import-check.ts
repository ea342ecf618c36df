// Judging an import's lines against the organization: which contact each names, whether its
// reference was imported before (the same entry: nothing to add; another: a conflict), and which
// repeat an earlier line's reference. The preview and the run judge lines the same way.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, ledgerEntries, type CsvDelimiter, type DecimalMark } from "@db/schema";
import { parseCsv, type CsvRecord } from "./csv-file";
import { headerUsable, isProblem, phoneVariants, readHeader, readLine, type ContactKey, type Header, type LineProblem, type ReadLine } from "./import-lines";
import { signedAmount } from "./ledger";

/** The idempotency key of an imported line: the same reference is stored once, whichever file brings it. */
export const importKey = (reference: string) => `import:${reference}`;

export interface ImportFile {
  header: Header;
  /** The header line as written. */
  headerCells: string[];
  /** The data records, the header left out. */
  records: CsvRecord[];
}

export function openImportFile(content: string, delimiter: CsvDelimiter): ImportFile {
  const [head, ...records] = parseCsv(content, delimiter);
  return { header: readHeader(head?.fields ?? []), headerCells: head?.fields ?? [], records };
}

export type Problem = LineProblem & { line: number };
export type Read = ReadLine | Problem;

/**
 * Every record read on its own, then a reference that an earlier line of the file already carries
 * made a problem naming that line (deterministic, so a resumed run judges as the first did).
 */
export function readRecords(file: ImportFile, settings: { decimalMark: DecimalMark; timeZone: string; now: Date }): Read[] {
  if (!headerUsable(file.header)) return [];
  const firstLine = new Map<string, number>();
  return file.records.map((record) => {
    const read = readLine(record, { header: file.header, ...settings });
    if (isProblem(read)) return { ...read, line: record.line };
    const first = firstLine.get(read.reference);
    if (first !== undefined) return { line: record.line, reason: "reference_duplicate", detail: String(first) };
    firstLine.set(read.reference, record.line);
    return read;
  });
}

export type Judged = Problem | (ReadLine & { contactId: number; state: "new" | "unchanged" });

export function isProblemLine(j: Judged | Read): j is Problem {
  return "reason" in j;
}

/** Contacts named by the lines, by how each names them: one id, or "ambiguous". */
async function findContacts(db: DbOrTx, orgId: number, keys: ContactKey[]): Promise<(key: ContactKey) => number | "ambiguous" | null> {
  const externals = [...new Set(keys.filter((k) => k.by === "external_id").map((k) => k.value))];
  const phones = [...new Set(keys.filter((k) => k.by === "phone").flatMap((k) => phoneVariants(k.value)))];
  const emails = [...new Set(keys.filter((k) => k.by === "email").map((k) => k.value))];
  const [byExternal, byPhone, byEmail] = await Promise.all([
    externals.length ? db.select({ id: contacts.id, key: contacts.externalId }).from(contacts).where(and(eq(contacts.orgId, orgId), inArray(contacts.externalId, externals))) : [],
    phones.length ? db.select({ id: contacts.id, key: contacts.phone }).from(contacts).where(and(eq(contacts.orgId, orgId), inArray(contacts.phone, phones))) : [],
    emails.length ? db.select({ id: contacts.id, key: sql<string>`lower(${contacts.email})` }).from(contacts).where(and(eq(contacts.orgId, orgId), inArray(sql`lower(${contacts.email})`, emails))) : [],
  ]);
  const index = (rows: { id: number; key: string | null }[], norm: (k: string) => string = (k) => k) => {
    const map = new Map<string, Set<number>>();
    for (const r of rows) if (r.key) map.set(norm(r.key), (map.get(norm(r.key)) ?? new Set()).add(r.id));
    return map;
  };
  const ext = index(byExternal);
  const ph = index(byPhone, (k) => k.replace(/^\+/, ""));
  const em = index(byEmail);
  return (key) => {
    const found = key.by === "external_id" ? ext.get(key.value) : key.by === "phone" ? ph.get(phoneVariants(key.value)[0]) : em.get(key.value);
    if (!found || found.size === 0) return null;
    return found.size === 1 ? [...found][0] : "ambiguous";
  };
}

/** Judges a batch of read lines: contacts looked up and earlier entries compared, two queries each. */
export async function judgeLines(db: DbOrTx, orgId: number, lines: Read[]): Promise<Judged[]> {
  const readable = lines.filter((l): l is ReadLine => !isProblemLine(l));
  const contactOf = await findContacts(db, orgId, readable.map((l) => l.contact));
  const keys = readable.map((l) => importKey(l.reference));
  const stored = keys.length
    ? await db
        .select({ key: ledgerEntries.idempotencyKey, contactId: ledgerEntries.contactId, kind: ledgerEntries.kind, amountMinor: ledgerEntries.amountMinor, currency: ledgerEntries.currency })
        .from(ledgerEntries)
        .where(and(eq(ledgerEntries.orgId, orgId), inArray(ledgerEntries.idempotencyKey, keys)))
    : [];
  const storedBy = new Map(stored.map((s) => [s.key, s]));
  return lines.map((l): Judged => {
    if (isProblemLine(l)) return l;
    const contactId = contactOf(l.contact);
    if (contactId === null) return { line: l.line, reason: "contact_not_found", detail: l.contact.value };
    if (contactId === "ambiguous") return { line: l.line, reason: "contact_ambiguous", detail: l.contact.value };
    const before = storedBy.get(importKey(l.reference));
    if (!before) return { ...l, contactId, state: "new" };
    const same = before.contactId === contactId && before.kind === l.kind && before.amountMinor === signedAmount(l.kind, l.amountMinor) && before.currency === l.currency;
    return same ? { ...l, contactId, state: "unchanged" } : { line: l.line, reason: "reference_conflict", detail: l.reference };
  });
}
