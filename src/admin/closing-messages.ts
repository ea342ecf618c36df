// Closing messages: the built-in ones every organization starts with (stored with a catalog key so
// they read in each agent's language, never edited) and the organization's own, in the admin's order.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { closingMessages } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { positionsFor, reordered, type Direction } from "./ordering";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";

export const CLOSING_MESSAGE_MAX = 1000;

export interface ClosingMessageRow {
  id: number;
  /** Set on built-ins: the catalog key of their text. */
  builtinKey: string | null;
  body: string;
  position: number;
}

const columns = { id: closingMessages.id, builtinKey: closingMessages.builtinKey, body: closingMessages.body, position: closingMessages.position };

// The list order as one text key for keyset pages: built-ins ("0…") before custom ones ("1…"), then position.
const orderKey = sql<string>`(case when ${closingMessages.builtinKey} is null then '1' else '0' end) || lpad(${closingMessages.position}::text, 10, '0')`;

export async function listClosingMessages(db: DbOrTx, actor: Actor, cursor: Cursor | null = null, limit = PAGE_SIZE) {
  const found = await db
    .select({ ...columns, orderKey })
    .from(closingMessages)
    .where(and(eq(closingMessages.orgId, actor.orgId), after(orderKey, closingMessages.id, cursor)))
    .orderBy(asc(orderKey), asc(closingMessages.id))
    .limit(limit + 1);
  return page(found, limit, (r) => ({ key: r.orderKey, id: r.id }));
}

/** Only the organization's own messages can be changed; a built-in answers like a missing row. */
const customOf = (actor: Actor, id: number) => and(eq(closingMessages.orgId, actor.orgId), eq(closingMessages.id, id), isNull(closingMessages.builtinKey));

export async function getCustomClosingMessage(db: DbOrTx, actor: Actor, id: number): Promise<ClosingMessageRow | null> {
  const [row] = await db.select(columns).from(closingMessages).where(customOf(actor, id));
  return row ?? null;
}

/** Ids of the first and last custom messages, so the list can leave out moves that go nowhere. */
export async function customEnds(db: DbOrTx, actor: Actor): Promise<{ first: number | null; last: number | null }> {
  const own = and(eq(closingMessages.orgId, actor.orgId), isNull(closingMessages.builtinKey));
  const [[first], [last]] = await Promise.all([
    db.select({ id: closingMessages.id }).from(closingMessages).where(own).orderBy(asc(closingMessages.position), asc(closingMessages.id)).limit(1),
    db.select({ id: closingMessages.id }).from(closingMessages).where(own).orderBy(sql`${closingMessages.position} desc`, sql`${closingMessages.id} desc`).limit(1),
  ]);
  return { first: first?.id ?? null, last: last?.id ?? null };
}

async function changed(tx: DbOrTx, actor: Actor, id: number, change: string, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "closing_message_changed", actorId: actor.userId, data: { closingMessageId: id, change }, createdAt: now });
}

/** A new message goes to the end of the list. */
export async function createClosingMessage(db: DbOrTx, actor: Actor, input: { body: string }, now: Date): Promise<ClosingMessageRow> {
  return db.transaction(async (tx) => {
    const [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${closingMessages.position}), 0) + 1`.mapWith(Number) })
      .from(closingMessages)
      .where(eq(closingMessages.orgId, actor.orgId));
    const [row] = await tx.insert(closingMessages).values({ orgId: actor.orgId, body: input.body, position: next, createdAt: now }).returning(columns);
    await changed(tx, actor, row.id, "created", now);
    return row;
  });
}

export async function updateClosingMessage(db: DbOrTx, actor: Actor, id: number, input: { body: string }, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(closingMessages).set({ body: input.body }).where(customOf(actor, id)).returning({ id: closingMessages.id });
    if (!row) return false;
    await changed(tx, actor, id, "updated", now);
    return true;
  });
}

/** Conversations closed with it keep their history; their link to the message is cleared by the schema. */
export async function deleteClosingMessage(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(closingMessages).where(customOf(actor, id)).returning({ id: closingMessages.id });
    if (!row) return false;
    await changed(tx, actor, id, "deleted", now);
    return true;
  });
}

/** Swaps a custom message with its neighbour among the custom ones; built-ins always stay first. */
export async function moveClosingMessage(db: DbOrTx, actor: Actor, id: number, direction: Direction, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Locked, so two admins reordering at once take turns instead of interleaving.
    const custom = await tx
      .select({ id: closingMessages.id, position: closingMessages.position })
      .from(closingMessages)
      .where(and(eq(closingMessages.orgId, actor.orgId), isNull(closingMessages.builtinKey)))
      .orderBy(asc(closingMessages.position), asc(closingMessages.id))
      .for("update");
    const ids = custom.map((r) => r.id);
    const order = reordered(ids, id, direction);
    if (!order) return false;
    if (order === ids) return true;
    await tx
      .update(closingMessages)
      .set({ position: positionsFor(closingMessages.id, order, custom[0].position) })
      .where(and(eq(closingMessages.orgId, actor.orgId), inArray(closingMessages.id, order)));
    await changed(tx, actor, id, `moved_${direction}`, now);
    return true;
  });
}
