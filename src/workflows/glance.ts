// A pass's glance at the conversations its events concern: one statement for all of them, so the
// rules a glance already rules out (another channel, text without the keyword) cost no reading per
// message, and only a message some rule may match gets its full situation read.
import { and, asc, eq, sql, type Placeholder } from "drizzle-orm";
import { rows, type DbOrTx } from "@db/client";
import { automatedReplies, workflows, type ChannelKind, type ConversationType } from "@db/schema";
import { parseRule, type Rule } from "./rules";
import type { Glimpse } from "./situation";

interface Glanced {
  id: number;
  conversation_id: number | null;
  data: Record<string, unknown>;
}

/** Each event's glimpse (its own conversation's), by event id; events about a contact have none. */
export async function glimpses(db: DbOrTx, events: Glanced[]): Promise<Map<number, Glimpse>> {
  const concerned = events.filter((e) => e.conversation_id !== null);
  if (concerned.length === 0) return new Map();
  const list = (values: (number | null)[]) => `{${values.map((v) => (v === null ? "NULL" : String(v))).join(",")}}`;
  const messageOf = (e: Glanced) => (typeof e.data.messageId === "number" ? e.data.messageId : null);
  const found = await rows<GlimpseRow & { event_id: number }>(
    db,
    sql`select e.id::float8 as event_id, ${GLIMPSE_COLUMNS}
      from unnest(${list(concerned.map((e) => e.id))}::bigint[], ${list(concerned.map((e) => e.conversation_id))}::bigint[], ${list(concerned.map(messageOf))}::bigint[]) as e(id, conversation_id, message_id)
      join conversations c on c.id = e.conversation_id
      join channels ch on ch.id = c.channel_id
      left join messages m on m.id = e.message_id and m.conversation_id = c.id`,
  );
  return new Map(found.map((r) => [Number(r.event_id), glimpseOf(r)]));
}

/** The columns a glimpse is made of, for an event `e` (id, message_id) joined to its conversation `c`, channel `ch` and message `m`. */
const GLIMPSE_COLUMNS = sql`c.channel_id::float8 as g_channel_id, c.contact_id::float8 as g_contact_id, ch.kind as g_kind, ch.brand_id::float8 as g_brand_id,
  c.workgroup_id::float8 as g_workgroup_id, c.type as g_type, e.message_id is not null as g_named, m.body as g_body`;

interface GlimpseRow {
  g_channel_id: number;
  g_contact_id: number;
  g_kind: ChannelKind;
  g_brand_id: number | null;
  g_workgroup_id: number | null;
  g_type: ConversationType;
  g_named: boolean;
  g_body: string | null;
}

const glimpseOf = (r: GlimpseRow): Glimpse => ({
  channelId: Number(r.g_channel_id),
  contactId: Number(r.g_contact_id),
  channelKind: r.g_kind,
  brandId: r.g_brand_id === null ? null : Number(r.g_brand_id),
  workgroupId: r.g_workgroup_id === null ? null : Number(r.g_workgroup_id),
  type: r.g_type,
  text: r.g_named ? (r.g_body ?? "") : null,
});

/** An event read from the log by id. */
export interface LoggedEvent {
  id: number;
  type: string;
  conversation_id: number | null;
  subject_user_id: string | null;
  actor_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

/** What a reader of events judges them by: their glimpses, by event id, and the organization's enabled rules. */
export interface Glance {
  seen: Map<number, Glimpse>;
  /** Read with the events, unless they have changed since this process last read them. */
  rules: () => Promise<Rule[]>;
}

/**
 * A fingerprint of an organization's enabled rules, as rows: each one's id and the transaction that
 * last wrote it, so any change to one (a save, or a write straight to the table), and any rule
 * enabled, disabled, added or removed, changes it. Short, and cheap to read on every message.
 */
export const rulesPrint = (orgId: number | Placeholder) => sql`(select coalesce(string_agg(w.id::text || '.' || w.xmin::text, ',' order by w.id), '') from workflows w where w.org_id = ${orgId} and w.enabled)`;

/** Each organization's enabled rules as this process last read them, with their fingerprint then. */
const keptRules = new Map<number, { print: string; rules: Rule[] }>();

/** Forgets the organization's rules as kept (a caller found their fingerprint changed): the next reader reads them again. */
export function forgetRules(orgId: number) {
  keptRules.delete(orgId);
}

/** The fingerprint of no rules at all. */
const NO_RULES_PRINT = "";

/**
 * The organization's enabled rules as this process last read them, and their fingerprint then: read
 * now (rows and fingerprint in one statement) when it has none kept. A caller that acts on them
 * checks the fingerprint against the table's (rulesPrint) in a statement of its own.
 */
export async function rulesKept(db: DbOrTx, orgId: number): Promise<{ print: string; rules: Rule[] }> {
  const kept = keptRules.get(orgId);
  if (kept) return kept;
  const read = await readRules(db, orgId);
  keptRules.set(orgId, read);
  return read;
}

/**
 * The organization's events among `ids` of the given types, in id order, and what judging the new
 * conversations among them needs (Glance: the glimpses of their opening events; `assigned`, those of
 * them someone has now, as routing at their opening gives them; `behind`, those with older ones
 * waiting in their group, with the group): one statement,
 * for a reader that has only the ids and may judge new conversations by the rules. The rules are
 * read again only when their fingerprint, read with the events, differs from the one kept.
 */
export async function eventsGlimpsed(db: DbOrTx, orgId: number, ids: number[], types: string[]): Promise<{ events: LoggedEvent[]; assigned: Set<number>; behind: Map<number, number> } & Glance> {
  const rules = async (print: string | undefined) => {
    const kept = keptRules.get(orgId);
    if (kept && kept.print === print) return kept.rules;
    forgetRules(orgId);
    return (await rulesKept(db, orgId)).rules;
  };
  if (ids.length === 0) return { events: [], assigned: new Set(), behind: new Map(), seen: new Map(), rules: () => rules(undefined) };
  const idList = `{${ids.join(",")}}`;
  const found = await rows<LoggedEvent & Partial<GlimpseRow> & { g_assignee_id?: string | null; g_behind?: boolean | null; rules_print: string }>(
    db,
    sql`select x.id::float8 as id, x.type, x.conversation_id::float8 as conversation_id, x.subject_user_id, x.actor_id, x.data, x.created_at, g.*, ${rulesPrint(orgId)} as rules_print
      from events x
      left join lateral (
        select ${GLIMPSE_COLUMNS}, c.assignee_id as g_assignee_id,
          -- Older conversations waiting in its group, which go first.
          x.type = 'conversation_created' and exists (select 1 from conversations q where q.workgroup_id = c.workgroup_id and q.status = 'open' and q.assignee_id is null and q.id < c.id) as g_behind
        from (select x.id, x.conversation_id, case when jsonb_typeof(x.data->'messageId') = 'number' then (x.data->>'messageId')::bigint end as message_id) e
        join conversations c on c.id = e.conversation_id
        join channels ch on ch.id = c.channel_id
        left join messages m on m.id = e.message_id and m.conversation_id = c.id
        -- Only a new conversation's opening is judged: a conversation created among these events.
        where x.type in ('conversation_created', 'message_created')
          and exists (select 1 from events y where y.id = any(${idList}::bigint[]) and y.type = 'conversation_created' and y.conversation_id = x.conversation_id)
      ) g on true
      -- By id only: the ids are the organization's (its commit's); naming org_id too led the planner to
      -- the (org_id, type, created_at) index, through every event of the organization.
      where x.id = any(${idList}::bigint[]) and x.type = any(${`{${types.join(",")}}`}::text[])
      order by x.id`,
  );
  const seen = new Map<number, Glimpse>();
  const assigned = new Set<number>();
  const behind = new Map<number, number>();
  const print = found[0]?.rules_print;
  // A row with a glimpse has every g_ column (the lateral matched); the event is the rest.
  const events = found.map((row) => {
    const { g_channel_id, g_contact_id, g_kind, g_brand_id, g_workgroup_id, g_type, g_named, g_body, g_assignee_id, g_behind, rules_print: _, ...event } = row;
    if (g_channel_id != null) seen.set(Number(event.id), glimpseOf(row as GlimpseRow));
    if (g_assignee_id != null && event.conversation_id !== null) assigned.add(Number(event.conversation_id));
    if (g_behind && g_workgroup_id != null && event.conversation_id !== null) behind.set(Number(event.conversation_id), Number(g_workgroup_id));
    return event;
  });
  return { events, assigned, behind, seen, rules: () => rules(print) };
}

/** The organization's enabled automated replies (out-of-office, welcome), read once a pass. */
export function enabledReplies(db: DbOrTx, orgId: number) {
  return db.select().from(automatedReplies).where(and(eq(automatedReplies.orgId, orgId), eq(automatedReplies.enabled, true)));
}

/** The organization's enabled rules, in their order. */
export async function enabledRules(db: DbOrTx, orgId: number): Promise<Rule[]> {
  return (await readRules(db, orgId)).rules;
}

/** The organization's enabled rules, in their order, and their fingerprint (rulesPrint): one statement. */
async function readRules(db: DbOrTx, orgId: number): Promise<{ print: string; rules: Rule[] }> {
  const found = await db
    .select({ rule: workflows, print: sql<string>`${rulesPrint(orgId)}` })
    .from(workflows)
    .where(and(eq(workflows.orgId, orgId), eq(workflows.enabled, true)))
    .orderBy(asc(workflows.position), asc(workflows.id));
  return { print: found[0]?.print ?? NO_RULES_PRINT, rules: found.map((r) => parseRule(r.rule)).filter((r): r is Rule => r !== null) };
}
