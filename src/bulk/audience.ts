// Who a bulk send goes to: contacts matched by a filter (tags on their conversations, CRM fields with
// the inbox filter's operators, the channels they wrote on, their last contact date), the numbers of
// a CSV list (E.164 checked, duplicates removed, unknown numbers made contacts), or both.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { contactIdentities, contacts, tags, type ChannelKind, type CustomFieldType } from "@db/schema";
import { e164 } from "../contacts/phone";
import { dayStart, fieldTest, parseFilters, type FieldFilter } from "../inbox/filters";

export interface AudienceFilter {
  tagIds: number[];
  channels: ChannelKind[];
  lastFrom?: string;
  lastTo?: string;
  fields: FieldFilter[];
}

export const noAudience: AudienceFilter = { tagIds: [], channels: [], fields: [] };

/** The filter part of the form (the inbox filter's own parameter names, plus `tag`); an error text when malformed. */
export function parseAudience(params: URLSearchParams, fieldTypes: Map<string, CustomFieldType>): { ok: true; filter: AudienceFilter } | { ok: false; error: string } {
  const parsed = parseFilters(params, fieldTypes);
  if (!parsed.ok) return parsed;
  const tagIds = params.getAll("tag").filter(Boolean);
  if (tagIds.length > 200 || tagIds.some((t) => !/^\d{1,15}$/.test(t))) return { ok: false, error: "tag: invalid" };
  const { channels, lastFrom, lastTo, fields } = parsed.filters;
  return { ok: true, filter: { tagIds: tagIds.map(Number), channels, lastFrom, lastTo, fields } };
}

/** Whether the filter names anything (an empty one would be every contact: never meant). */
export function hasCriteria(filter: AudienceFilter): boolean {
  return filter.tagIds.length > 0 || filter.channels.length > 0 || !!filter.lastFrom || !!filter.lastTo || filter.fields.length > 0;
}

/** The contacts of the organization the filter matches, as a condition on `contacts`. */
export function audienceCondition(orgId: number, filter: AudienceFilter, timeZone: string): SQL {
  const last = sql`(select max(v.last_message_at) from conversations v where v.contact_id = ${contacts.id})`;
  return and(
    eq(contacts.orgId, orgId),
    filter.tagIds.length
      ? sql`exists (select 1 from conversations v join conversation_tags ct on ct.conversation_id = v.id
          join ${tags} g on g.id = ct.tag_id and g.org_id = ${orgId}
          where v.contact_id = ${contacts.id} and ct.tag_id in (${sql.join(filter.tagIds.map((id) => sql`${id}`), sql`, `)}))`
      : undefined,
    filter.channels.length
      ? sql`exists (select 1 from contact_identities i join channels c on c.id = i.channel_id
          where i.contact_id = ${contacts.id} and c.kind in (${sql.join(filter.channels.map((k) => sql`${k}`), sql`, `)}))`
      : undefined,
    filter.lastFrom ? sql`${last} >= ${dayStart(filter.lastFrom, timeZone)}` : undefined,
    filter.lastTo ? sql`${last} < ${dayStart(filter.lastTo, timeZone, 1)}` : undefined,
    ...filter.fields.map((f) => {
      const test = fieldTest(f);
      return test ? sql`(select ${test} from (select ${contacts.customFields} as cf) x)` : undefined;
    }),
  )!;
}

export async function countAudience(db: DbOrTx, orgId: number, filter: AudienceFilter, timeZone: string): Promise<number> {
  if (!hasCriteria(filter)) return 0;
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(contacts).where(audienceCondition(orgId, filter, timeZone));
  return row.n;
}

export interface CsvNumbers {
  /** E.164 numbers, each once, in the order first seen. */
  numbers: string[];
  /** Lines that are no phone number (1-based, with what they held). */
  bad: { line: number; text: string }[];
  duplicates: number;
}

/** Upper bound of a list's numbers (and of a send's recipients). */
export const MAX_RECIPIENTS = 100_000;

/**
 * A list of phone numbers, one a line, the number in the first column (comma, semicolon or tab
 * separated); a first line that is a header is passed over. Spaces, dashes, dots and brackets are
 * ignored and a leading 00 reads as +; what remains must be E.164 (+, then 8 to 15 digits).
 */
export function parseNumbers(text: string): CsvNumbers {
  const seen = new Set<string>();
  const out: CsvNumbers = { numbers: [], bad: [], duplicates: 0 };
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const cell = (raw.split(/[,;\t]/)[0] ?? "").trim().replace(/^"(.*)"$/, "$1").trim();
    if (!cell) return;
    if (i === 0 && /^[^\d+]*$/.test(cell)) return;
    const number = e164(cell);
    if (!number) {
      out.bad.push({ line: i + 1, text: raw.slice(0, 80) });
      return;
    }
    if (seen.has(number)) {
      out.duplicates++;
      return;
    }
    seen.add(number);
    out.numbers.push(number);
  });
  return out;
}

/**
 * The contacts behind the numbers: known ones found by their number in any writing (digits
 * compared), unknown ones created (named by their number) with their WhatsApp identity on the channel,
 * so that a reply from the number finds them.
 */
export async function contactsForNumbers(tx: Tx, orgId: number, channelId: number, numbers: string[], now: Date): Promise<number[]> {
  if (numbers.length === 0) return [];
  const digits = numbers.map((n) => n.slice(1));
  const known = await tx
    .select({ id: contacts.id, digits: sql<string>`regexp_replace(${contacts.phone}, '\\D', '', 'g')` })
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), inArray(sql`regexp_replace(${contacts.phone}, '\\D', '', 'g')`, digits)))
    .orderBy(contacts.id);
  const byIdentity = await tx
    .select({ id: contactIdentities.contactId, digits: contactIdentities.externalId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.channelId, channelId), inArray(contactIdentities.externalId, digits)));
  const found = new Map<string, number>();
  for (const row of [...byIdentity, ...known]) if (!found.has(row.digits)) found.set(row.digits, row.id);
  const missing = numbers.filter((n) => !found.has(n.slice(1)));
  for (let i = 0; i < missing.length; i += 1000) {
    const chunk = missing.slice(i, i + 1000);
    const made = await tx
      .insert(contacts)
      .values(chunk.map((phone) => ({ orgId, name: phone, phone, createdAt: now, updatedAt: now })))
      .returning({ id: contacts.id, phone: contacts.phone });
    await tx
      .insert(contactIdentities)
      .values(made.map((m) => ({ orgId, contactId: m.id, channelId, externalId: m.phone!.slice(1), createdAt: now })))
      .onConflictDoNothing();
    for (const m of made) found.set(m.phone!.slice(1), m.id);
  }
  return [...new Set(digits.map((d) => found.get(d)!))];
}
