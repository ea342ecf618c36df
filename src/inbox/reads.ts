// Who has read what: an agent opening a conversation marks it read, and rows show an unread marker
// for inbound messages their viewer has not read.
import { eq, sql } from "drizzle-orm";
import { rows as sqlRows, type DbOrTx } from "@db/client";
import { conversationReads, memberships } from "@db/schema";
import type { Actor } from "../context";
import type { ConversationRow } from "./list";
import { assertMaySee } from "./visibility";

/**
 * Opening a conversation marks it read for that agent (the unread marker and filter). Their
 * reads_version moves on in the same statement (kept pages know their markers are still right).
 */
export async function markRead(db: DbOrTx, actor: Actor, conversationId: number, now: Date) {
  // Checked first: a hidden or another organization's conversation leaves no read behind.
  await assertMaySee(db, actor, conversationId);
  await db.execute(sql`with read as (
      insert into ${conversationReads} (conversation_id, user_id, read_at) values (${conversationId}, ${actor.userId}, ${now.toISOString()})
      on conflict (user_id, conversation_id) do update set read_at = excluded.read_at
    )
    update ${memberships} set reads_version = reads_version + 1 where org_id = ${actor.orgId} and user_id = ${actor.userId}`);
}

/**
 * Which of these rows hold an inbound message the viewer has not read: the `unread` of rows read
 * once for every viewer (kept-pages.ts). One statement whatever the rows, so it is prepared once.
 */
export async function unreadAmong(db: DbOrTx, viewerId: string, rows: Pick<ConversationRow, "id" | "lastInboundAt">[]): Promise<Set<number>> {
  const inbound = rows.filter((r) => r.lastInboundAt);
  if (inbound.length === 0) return new Set();
  // The viewer's reads of these conversations (few), not the rows' timestamps sent to the server.
  const reads = await sqlRows<{ id: string; readAt: Date | string }>(
    db,
    sql`select conversation_id::text as id, read_at as "readAt" from ${conversationReads} where user_id = ${viewerId} and conversation_id = any(${`{${inbound.map((r) => r.id).join(",")}}`}::bigint[])`,
  );
  const readAt = new Map(reads.map((r) => [Number(r.id), new Date(r.readAt)]));
  return new Set(inbound.filter((r) => unreadBy(r.lastInboundAt, readAt.get(r.id))).map((r) => r.id));
}

/** Whether a conversation holds an inbound message its reader has not read (`readAt`: when they last read it), as the list query decides it. */
export function unreadBy(lastInboundAt: Date | null, readAt: Date | undefined): boolean {
  return !!lastInboundAt && !(readAt && readAt >= lastInboundAt);
}

/** When each of the given agents last read a conversation (live rows show their unread marker). */
export async function readsOf(db: DbOrTx, conversationId: number): Promise<Map<string, Date>> {
  const rows = await db.select({ userId: conversationReads.userId, readAt: conversationReads.readAt }).from(conversationReads).where(eq(conversationReads.conversationId, conversationId));
  return new Map(rows.map((r) => [r.userId, r.readAt]));
}
