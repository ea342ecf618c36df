// The inbox filter panel: parsed from the URL (so a filtered view can be bookmarked and shared),
// turned into SQL conditions that all apply at once, and written back into links.
import { and, eq, gte, inArray, isNotNull, lt, notInArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { field } from "../forms";
import { keptQuery, type DbOrTx } from "@db/client";
import {
  channelKinds,
  channels,
  contacts,
  conversationReads,
  conversations,
  conversationTags,
  conversationTypes,
  customFields,
  memberships,
  organizations,
  tags,
  users,
  workgroups,
  type ChannelKind,
  type ConversationType,
  type CustomFieldType,
} from "@db/schema";
import type { FieldDefinition } from "../contacts/profile";
import { KeptByRoster } from "./roster";

export const sessionTypes = conversationTypes.filter((t) => t !== "chat") as Exclude<ConversationType, "chat">[];
export const sorts = ["activity", "created", "waiting"] as const;
export type Sort = (typeof sorts)[number];

export const operatorsByType: Record<CustomFieldType, readonly string[]> = {
  text: ["contains", "equals", "empty", "filled"],
  number: ["eq", "gt", "gte", "lt", "lte", "empty", "filled"],
  date: ["on", "before", "after", "empty", "filled"],
  select: ["is", "is_not", "empty", "filled"],
  boolean: ["yes", "no", "empty"],
};

export interface FieldFilter {
  key: string;
  type: CustomFieldType;
  op: string;
  value: string;
}

export interface InboxFilters {
  channels: ChannelKind[];
  users: string[];
  workgroups: number[];
  /** Conversations carrying any of these tags. */
  tags: number[];
  types: Exclude<ConversationType, "chat">[];
  createdFrom?: string;
  createdTo?: string;
  lastFrom?: string;
  lastTo?: string;
  fields: FieldFilter[];
  unread: boolean;
  /** Only conversations a click-to-WhatsApp / click-to-Messenger ad or a referral link opened. */
  fromAd?: boolean;
  sort: Sort;
}

export const noFilters: InboxFilters = { channels: [], users: [], workgroups: [], tags: [], types: [], fields: [], unread: false, sort: "activity" };

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(v)));
const list = <T extends z.ZodType>(item: T) => z.array(item).max(200);

const querySchema = z.object({
  ch: list(z.enum(channelKinds)),
  u: list(z.string().min(1).max(64)),
  wg: list(field.id()),
  tag: list(field.id()),
  type: list(z.enum(sessionTypes as [string, ...string[]])),
  created_from: day.optional(),
  created_to: day.optional(),
  last_from: day.optional(),
  last_to: day.optional(),
  unread: z.enum(["1"]).optional(),
  ad: z.enum(["1"]).optional(),
  sort: z.enum(sorts).optional(),
});

/**
 * Reads filters from a query string. Unknown CRM fields and operators that do not fit a field's
 * type are dropped; anything else malformed is an error the route answers with 400.
 */
export function parseFilters(params: URLSearchParams, fieldTypes: Map<string, CustomFieldType>): { ok: true; filters: InboxFilters } | { ok: false; error: string } {
  const raw = {
    ch: params.getAll("ch").filter(Boolean),
    u: params.getAll("u").filter(Boolean),
    wg: params.getAll("wg").filter(Boolean),
    tag: params.getAll("tag").filter(Boolean),
    type: params.getAll("type").filter(Boolean),
    created_from: params.get("created_from") || undefined,
    created_to: params.get("created_to") || undefined,
    last_from: params.get("last_from") || undefined,
    last_to: params.get("last_to") || undefined,
    unread: params.get("unread") || undefined,
    ad: params.get("ad") || undefined,
    sort: params.get("sort") || undefined,
  };
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const fields: FieldFilter[] = [];
  for (const [key, type] of fieldTypes) {
    const op = params.get(`cf_${key}_op`);
    const value = (params.get(`cf_${key}`) ?? "").trim().slice(0, 200);
    if (!op || !operatorsByType[type].includes(op)) continue;
    const needsValue = !["empty", "filled", "yes", "no"].includes(op);
    if (needsValue && !value) continue;
    if (needsValue && type === "number" && !/^-?\d+(\.\d+)?$/.test(value)) return { ok: false, error: `cf_${key}: not a number` };
    if (needsValue && type === "date" && !day.safeParse(value).success) return { ok: false, error: `cf_${key}: not a date` };
    fields.push({ key, type, op, value: needsValue ? value : "" });
  }
  const q = parsed.data;
  return {
    ok: true,
    filters: {
      channels: q.ch,
      users: q.u,
      workgroups: q.wg,
      tags: q.tag,
      types: q.type as InboxFilters["types"],
      createdFrom: q.created_from,
      createdTo: q.created_to,
      lastFrom: q.last_from,
      lastTo: q.last_to,
      fields,
      unread: q.unread === "1",
      fromAd: q.ad === "1",
      sort: q.sort ?? "activity",
    },
  };
}

/** Filters back into query parameters, for links that keep the view. */
export function filterParams(filters: InboxFilters): [string, string][] {
  const out: [string, string][] = [];
  for (const c of filters.channels) out.push(["ch", c]);
  for (const u of filters.users) out.push(["u", u]);
  for (const w of filters.workgroups) out.push(["wg", String(w)]);
  for (const tag of filters.tags) out.push(["tag", String(tag)]);
  for (const t of filters.types) out.push(["type", t]);
  if (filters.createdFrom) out.push(["created_from", filters.createdFrom]);
  if (filters.createdTo) out.push(["created_to", filters.createdTo]);
  if (filters.lastFrom) out.push(["last_from", filters.lastFrom]);
  if (filters.lastTo) out.push(["last_to", filters.lastTo]);
  for (const f of filters.fields) {
    out.push([`cf_${f.key}_op`, f.op]);
    if (f.value) out.push([`cf_${f.key}`, f.value]);
  }
  if (filters.unread) out.push(["unread", "1"]);
  if (filters.fromAd) out.push(["ad", "1"]);
  if (filters.sort !== "activity") out.push(["sort", filters.sort]);
  return out;
}

/** Whether anything narrows the list (sorting alone does not). */
export function isFiltered(filters: InboxFilters): boolean {
  return filterParams({ ...filters, sort: "activity" }).length > 0;
}

/** The start of a local day in the organization's time zone, as SQL. */
export function dayStart(date: string, timeZone: string, plusDays = 0): SQL {
  return sql`((${date}::date + ${plusDays}::int)::timestamp at time zone ${timeZone})`;
}

/** A CRM field test on the conversation's contact (`cf` is the contact's custom_fields). */
export function fieldTest(f: FieldFilter): SQL | undefined {
  const json = sql`(cf -> ${f.key})`;
  const text = sql`(cf ->> ${f.key})`;
  const number = sql`(case when jsonb_typeof(${json}) = 'number' then (${text})::numeric end)`;
  switch (f.op) {
    case "empty":
      return sql`(${text} is null or ${text} = '')`;
    case "filled":
      return sql`(${text} is not null and ${text} <> '')`;
    case "contains":
      return sql`${text} ilike ${"%" + f.value.replace(/[\\%_]/g, (m) => "\\" + m) + "%"}`;
    case "equals":
    case "is":
      return sql`lower(${text}) = lower(${f.value})`;
    case "is_not":
      return sql`(${text} is null or lower(${text}) <> lower(${f.value}))`;
    case "eq":
      return sql`${number} = ${f.value}::numeric`;
    case "gt":
      return sql`${number} > ${f.value}::numeric`;
    case "gte":
      return sql`${number} >= ${f.value}::numeric`;
    case "lt":
      return sql`${number} < ${f.value}::numeric`;
    case "lte":
      return sql`${number} <= ${f.value}::numeric`;
    case "on":
      return sql`${text} = ${f.value}`;
    case "before":
      return sql`${text} < ${f.value}`;
    case "after":
      return sql`${text} > ${f.value}`;
    case "yes":
      return sql`${json} = 'true'::jsonb`;
    case "no":
      return sql`${json} = 'false'::jsonb`;
  }
  return undefined;
}

function fieldCondition(f: FieldFilter): SQL | undefined {
  const test = fieldTest(f);
  if (!test) return undefined;
  return sql`exists (select 1 from (select ${contacts.customFields} as cf from ${contacts} where ${contacts.id} = ${conversations.contactId}) ct where ${test})`;
}

/** Spam conversations, and those the bot has, are listed only when their type filter asks for them (and counted in no tab). */
export const notSpam: SQL = sql`${conversations.type} not in ('spam', 'bot')`;
/** Types that stay out of lists unless the type filter picks them. */
export const apartTypes = ["spam", "bot"] as const;

/**
 * Every selected filter, combined with AND (several values of one filter combine with OR); spam
 * stays out unless the type filter picks it.
 * Conditions name only the conversations table (others through subqueries), so the list query can
 * walk its index in order and stop after one page.
 */
export function filterConditions(filters: InboxFilters, timeZone: string, viewerId: string): SQL | undefined {
  const unread = and(
    isNotNull(conversations.lastInboundAt),
    sql`not exists (select 1 from ${conversationReads} r where r.conversation_id = ${conversations.id} and r.user_id = ${viewerId} and r.read_at >= ${conversations.lastInboundAt})`,
  );
  return and(
    filters.channels.length ? inArray(conversations.channelId, sql`(select ${channels.id} from ${channels} where ${inArray(channels.kind, filters.channels)})`) : undefined,
    filters.users.length ? inArray(conversations.assigneeId, filters.users) : undefined,
    filters.workgroups.length ? inArray(conversations.workgroupId, filters.workgroups) : undefined,
    filters.tags.length ? sql`exists (select 1 from ${conversationTags} where ${conversationTags.conversationId} = ${conversations.id} and ${inArray(conversationTags.tagId, filters.tags)})` : undefined,
    filters.types.length ? inArray(conversations.type, filters.types) : undefined,
    apartTypes.every((t) => filters.types.includes(t)) ? undefined : notInArray(conversations.type, apartTypes.filter((t) => !filters.types.includes(t))),
    filters.createdFrom ? gte(conversations.createdAt, dayStart(filters.createdFrom, timeZone)) : undefined,
    filters.createdTo ? lt(conversations.createdAt, dayStart(filters.createdTo, timeZone, 1)) : undefined,
    filters.lastFrom ? gte(conversations.lastMessageAt, dayStart(filters.lastFrom, timeZone)) : undefined,
    filters.lastTo ? lt(conversations.lastMessageAt, dayStart(filters.lastTo, timeZone, 1)) : undefined,
    ...filters.fields.map(fieldCondition),
    filters.unread ? unread : undefined,
    filters.fromAd ? isNotNull(conversations.referral) : undefined,
    filters.sort === "waiting" ? isNotNull(conversations.waitingSince) : undefined,
  );
}


export interface FilterChoices {
  people: { id: string; name: string }[];
  groups: { id: number; name: string }[];
  tags: { id: number; name: string; color: string }[];
  fields: FieldDefinition[];
}

const keptChoices = new KeptByRoster<FilterChoices>();

/**
 * What the filter panel offers (active members, workgroups, tags, CRM fields). The inbox needs it on
 * every load, and it changes only when an admin changes the roster: it is read again only when
 * the organization's roster_version (read with the session, `rosterVersion`) differs from the one
 * it was kept at. Triggers move that version on however the roster changes (db/schema.ts), so the
 * panel always shows the roster as it is. While kept, a page gets the same object, and the panel
 * drawn for it (views/inbox/filters.tsx) is reused. Only what the panel shows is read (not
 * members' statuses, which change all day).
 */
export async function filterChoices(db: DbOrTx, orgId: number, rosterVersion: number): Promise<FilterChoices> {
  const query = keptQuery(db, "filter_choices", () => {
    const org = sql.placeholder("orgId");
    return db
      .select({
        // Read in the same snapshot as the choices, so the version kept is theirs.
        version: organizations.rosterVersion,
        choices: sql<string>`json_build_object(
          'people', (select coalesce(json_agg(json_build_object('id', u.id, 'name', u.name) order by u.name), '[]'::json)
             from ${memberships} m join ${users} u on u.id = m.user_id where m.org_id = ${org} and m.active),
          'groups', (select coalesce(json_agg(json_build_object('id', w.id, 'name', w.name) order by w.name), '[]'::json) from ${workgroups} w where w.org_id = ${org}),
          'tags', (select coalesce(json_agg(json_build_object('id', g.id, 'name', g.name, 'color', g.color) order by lower(g.name)), '[]'::json) from ${tags} g where g.org_id = ${org}),
          'fields', (select coalesce(json_agg(json_build_object('key', f.key, 'label', f.label, 'type', f.type, 'options', f.options) order by f.position, f.id), '[]'::json)
             from ${customFields} f where f.org_id = ${org}))::text`,
      })
      .from(organizations)
      .where(eq(organizations.id, org))
      .prepare("filter_choices");
  });
  const choices = await keptChoices.get(db, orgId, rosterVersion, async () => {
    const [row] = await query.execute({ orgId });
    return row ? { version: row.version, value: JSON.parse(row.choices) as FilterChoices } : null;
  });
  return choices ?? { people: [], groups: [], tags: [], fields: [] };
}
