// Admin → Closing messages: the built-in ones (translated, not editable) and the organization's own.
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx, Tx } from "@db/client";
import { closingMessages } from "@db/schema";
import type { Actor } from "../context";
import type { MessageKey } from "../i18n";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import type { Section } from "./section-routes";

const closingInput = z.object({ body: z.string().trim().min(1, "validation.required").max(1000, "validation.tooLong") });
type ClosingInput = z.infer<typeof closingInput>;
type ClosingRow = { id: number; builtinKey: string | null; body: string; position: number };

/** Built-ins first, then custom ones in the order the admin set. */
export async function listClosingMessages(db: DbOrTx, orgId: number) {
  return db
    .select({ id: closingMessages.id, builtinKey: closingMessages.builtinKey, body: closingMessages.body, position: closingMessages.position })
    .from(closingMessages)
    .where(eq(closingMessages.orgId, orgId))
    .orderBy(sql`${closingMessages.builtinKey} is null`, asc(closingMessages.position), asc(closingMessages.id));
}

// The same order as one text key, for keyset pages: built-ins ("0") before custom ("1"), then position.
const orderKey = sql<string>`(case when ${closingMessages.builtinKey} is null then '1' else '0' end) || lpad(${closingMessages.position}::text, 10, '0')`;

export async function pageClosingMessages(db: DbOrTx, orgId: number, cursor: Cursor | null, limit = PAGE_SIZE) {
  const rows = await db
    .select({ id: closingMessages.id, builtinKey: closingMessages.builtinKey, body: closingMessages.body, position: closingMessages.position, orderKey })
    .from(closingMessages)
    .where(and(eq(closingMessages.orgId, orgId), after(orderKey, closingMessages.id, cursor)))
    .orderBy(asc(orderKey), asc(closingMessages.id))
    .limit(limit + 1);
  return page(rows, limit, (r) => ({ key: r.orderKey, id: r.id }));
}

const custom = (actor: Actor, id: number) => and(eq(closingMessages.orgId, actor.orgId), eq(closingMessages.id, id), isNull(closingMessages.builtinKey));

async function changed(tx: DbOrTx, actor: Actor, id: number, change: string, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "closing_message_changed", actorId: actor.userId, data: { closingMessageId: id, change }, createdAt: now });
}

export async function createClosingMessage(db: DbOrTx, actor: Actor, input: ClosingInput, now: Date) {
  return db.transaction(async (tx) => {
    const [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${closingMessages.position}), 0) + 1`.mapWith(Number) })
      .from(closingMessages)
      .where(eq(closingMessages.orgId, actor.orgId));
    const [row] = await tx.insert(closingMessages).values({ orgId: actor.orgId, body: input.body, position: next, createdAt: now }).returning();
    await changed(tx, actor, row.id, "created", now);
    return row;
  });
}

export async function updateClosingMessage(db: DbOrTx, actor: Actor, id: number, input: ClosingInput, now: Date) {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(closingMessages).set({ body: input.body }).where(custom(actor, id)).returning({ id: closingMessages.id });
    if (!row) return false;
    await changed(tx, actor, id, "updated", now);
    return true;
  });
}

export async function deleteClosingMessage(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(closingMessages).where(custom(actor, id)).returning({ id: closingMessages.id });
    if (!row) return false;
    await changed(tx, actor, id, "deleted", now);
    return true;
  });
}

/** Swaps a custom message with its neighbour among the custom ones. */
export async function moveClosingMessage(db: DbOrTx, actor: Actor, id: number, direction: "up" | "down", now: Date) {
  return db.transaction(async (tx: Tx) => {
    const list = (await listClosingMessages(tx, actor.orgId)).filter((r) => !r.builtinKey);
    const at = list.findIndex((r) => r.id === id);
    if (at < 0) return false;
    const other = list[direction === "up" ? at - 1 : at + 1];
    if (!other) return true;
    // Renumber the whole custom list so equal positions can never make the swap a no-op.
    const order = list.map((r) => r.id);
    [order[at], order[order.indexOf(other.id)]] = [other.id, id];
    for (const [position, rowId] of order.entries()) {
      await tx.update(closingMessages).set({ position: position + 1 }).where(custom(actor, rowId));
    }
    await changed(tx, actor, id, `moved_${direction}`, now);
    return true;
  });
}

export const closingMessagesSection: Section<ClosingRow, ClosingInput, ClosingInput> = {
  view: { base: "/admin/closing-messages", title: "closingMessages.title", createTitle: "closingMessages.create", editTitle: "closingMessages.edit", empty: "closingMessages.empty", columns: ["closingMessages.body"] },
  fields: async () => [{ name: "body", label: "closingMessages.body", kind: "textarea", max: 1000, required: true, rows: 3 }],
  createSchema: closingInput,
  updateSchema: closingInput,
  uniqueField: "body",
  list: (db, actor, cursor) => pageClosingMessages(db, actor.orgId, cursor),
  row: (ui, r) =>
    r.builtinKey
      ? { id: r.id, cells: [ui.t(r.builtinKey as MessageKey)], locked: "admin.builtIn" }
      : { id: r.id, cells: [r.body], movable: true },
  get: async (db, actor, id) => {
    const [row] = await db.select().from(closingMessages).where(custom(actor, id));
    return row ? { name: row.body.slice(0, 40), form: { body: row.body } } : null;
  },
  create: createClosingMessage,
  update: updateClosingMessage,
  remove: deleteClosingMessage,
  move: moveClosingMessage,
};
