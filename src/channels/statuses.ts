// Delivery statuses and read watermarks from providers: they move an outgoing message forward
// (never back), confirm an interrupted send by its tag, and mark what the customer has read.
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import { fixedStatement, type Database } from "@db/client";
import { contactIdentities, conversations, messages, type DeliveryState } from "@db/schema";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { confirmSend } from "./outbox";
import type { ChannelAccount, InboundStatus, InboundWatermark } from "./types";

/** A status carrying Kanal's outbox tag first proves its send (which an interrupted sender could not record). */
export async function applyTaggedStatus(database: Database, account: ChannelAccount, status: InboundStatus, now: Date) {
  if (status.outboxTag) await confirmSend(database, account, status.outboxTag, status.providerMessageId, now);
  return applyStatus(database, account, status);
}

const RANK: Record<DeliveryState, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 1.5 };

/**
 * Applies a provider status monotonically: statuses arrive out of order and may skip steps
 * (sent < delivered < read; failed only before delivery). Returns "unknown" for a message not recorded yet.
 */
export async function applyStatus(database: Database, account: ChannelAccount, status: InboundStatus): Promise<"applied" | "stale" | "unknown"> {
  const lower = (Object.keys(RANK) as DeliveryState[]).filter((s) => (status.status === "failed" ? s === "pending" || s === "sent" : RANK[s] < RANK[status.status] && s !== "failed"));
  const values = {
    orgId: account.orgId,
    channelId: account.id,
    providerMessageId: status.providerMessageId,
    status: status.status,
    errorCode: status.errorCode ?? null,
    errorText: status.errorText ?? null,
    at: status.at.toISOString(),
    lower: `{${lower.join(",")}}`,
  };
  for (let tries = 0; tries < 3; tries++) {
    const { row } = await commit(database, account.orgId, async (db) => {
      const [row] = await applyStatusStatement(db, values);
      return { eventId: row.event_id === null ? null : Number(row.event_id), row };
    });
    if (row.event_id !== null) return "applied";
    if (!row.known) return "unknown";
    // The update ran while the send was being recorded (its provider id not yet committed) and
    // the row now qualifies: apply it again rather than calling a live status stale.
    if (!row.delivery || !lower.includes(row.delivery)) return "stale";
  }
  return "stale";
}

/** A status's update and its delivery_changed event, one statement; with what the message held, when nothing qualified. */
const applyStatusStatement = fixedStatement<{ event_id: number | null; known: boolean; delivery: DeliveryState | null }>(() => {
  const value = (name: string) => sql.placeholder(name);
  return sql`with upd as (
      update messages m set
        delivery = ${value("status")},
        error_code = case when ${value("status")} = 'failed' then ${value("errorCode")} else m.error_code end,
        error_text = case when ${value("status")} = 'failed' then ${value("errorText")} else m.error_text end,
        sent_at = coalesce(m.sent_at, ${value("at")}::timestamptz),
        delivered_at = case when ${value("status")} in ('delivered', 'read') then coalesce(m.delivered_at, ${value("at")}::timestamptz) else m.delivered_at end,
        read_at = case when ${value("status")} = 'read' then ${value("at")}::timestamptz else m.read_at end
      where m.channel_id = ${value("channelId")} and m.provider_message_id = ${value("providerMessageId")} and m.delivery = any(${value("lower")}::text[])
      returning m.id, m.conversation_id
    ),
    ev as (
      insert into events (org_id, type, conversation_id, data, created_at)
      select ${value("orgId")}, 'delivery_changed', upd.conversation_id,
        jsonb_strip_nulls(jsonb_build_object('messageId', upd.id, 'delivery', ${value("status")}::text, 'errorCode', ${value("errorCode")}::text)), ${value("at")}::timestamptz
      from upd
      returning id
    ),
    held as (select m.delivery from messages m where m.channel_id = ${value("channelId")} and m.provider_message_id = ${value("providerMessageId")})
    select (select id::float8 from ev) as event_id, exists (select from held) as known, (select delivery from held) as delivery`;
});

/** Messenger's "delivered/read up to" receipts: every earlier reply to that customer moves up. */
export async function applyWatermark(database: Database, account: ChannelAccount, mark: InboundWatermark) {
  const lower: DeliveryState[] = mark.status === "read" ? ["sent", "delivered"] : ["sent"];
  await commit(database, account.orgId, (db) => db.transaction(async (tx) => {
    const updated = await tx
      .update(messages)
      .set({
        delivery: mark.status,
        deliveredAt: sql`coalesce(${messages.deliveredAt}, ${mark.at.toISOString()}::timestamptz)`,
        ...(mark.status === "read" ? { readAt: mark.at } : {}),
      })
      .where(
        and(
          eq(messages.channelId, account.id),
          eq(messages.direction, "out"),
          inArray(messages.delivery, lower),
          lte(messages.createdAt, mark.upTo),
          inArray(
            messages.conversationId,
            tx
              .select({ id: conversations.id })
              .from(conversations)
              .innerJoin(contactIdentities, eq(contactIdentities.contactId, conversations.contactId))
              .where(and(eq(contactIdentities.channelId, account.id), eq(contactIdentities.externalId, mark.externalId))),
          ),
        ),
      )
      .returning({ id: messages.id, conversationId: messages.conversationId });
    const ids: number[] = [];
    for (const m of updated) {
      ids.push(await recordEvent(tx, { orgId: account.orgId, type: "delivery_changed", conversationId: m.conversationId, data: { messageId: m.id, delivery: mark.status }, createdAt: mark.at }));
    }
    return ids;
  }));
}
