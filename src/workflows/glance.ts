// A pass's glance at the conversations its events concern: one statement for all of them, so the
// rules a glance already rules out (another channel, text without the keyword) cost no reading per
// message, and only a message some rule may match gets its full situation read.
import { and, asc, eq, sql } from "drizzle-orm";
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
  const found = await rows<{ event_id: number; channel_id: number; contact_id: number; kind: ChannelKind; brand_id: number | null; workgroup_id: number | null; type: ConversationType; named: boolean; body: string | null }>(
    db,
    sql`select e.id::float8 as event_id, c.channel_id::float8 as channel_id, c.contact_id::float8 as contact_id, ch.kind, ch.brand_id::float8 as brand_id, c.workgroup_id::float8 as workgroup_id, c.type,
        e.message_id is not null as named, m.body
      from unnest(${list(concerned.map((e) => e.id))}::bigint[], ${list(concerned.map((e) => e.conversation_id))}::bigint[], ${list(concerned.map(messageOf))}::bigint[]) as e(id, conversation_id, message_id)
      join conversations c on c.id = e.conversation_id
      join channels ch on ch.id = c.channel_id
      left join messages m on m.id = e.message_id and m.conversation_id = c.id`,
  );
  return new Map(
    found.map((r) => [
      Number(r.event_id),
      { channelId: Number(r.channel_id), contactId: Number(r.contact_id), channelKind: r.kind, brandId: r.brand_id === null ? null : Number(r.brand_id), workgroupId: r.workgroup_id === null ? null : Number(r.workgroup_id), type: r.type, text: r.named ? (r.body ?? "") : null },
    ]),
  );
}

/** The organization's enabled automated replies (out-of-office, welcome), read once a pass. */
export function enabledReplies(db: DbOrTx, orgId: number) {
  return db.select().from(automatedReplies).where(and(eq(automatedReplies.orgId, orgId), eq(automatedReplies.enabled, true)));
}

/** The organization's enabled rules, in their order. */
export async function enabledRules(db: DbOrTx, orgId: number): Promise<Rule[]> {
  const found = await db.select().from(workflows).where(and(eq(workflows.orgId, orgId), eq(workflows.enabled, true))).orderBy(asc(workflows.position), asc(workflows.id));
  return found.map(parseRule).filter((r): r is Rule => r !== null);
}
