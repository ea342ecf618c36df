// Closing messages: the built-in ones every organization starts with (stored with a catalog key so
// they read in each agent's language, never edited) and the organization's own, in the admin's order.
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, closingMessages, type ClosingTemplate } from "@db/schema";
import { channelTemplates } from "../inbox/replies";
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
  /** Sent instead once WhatsApp's 24-hour window has passed. */
  template: ClosingTemplate | null;
  position: number;
}

export interface ClosingMessageInput {
  body: string;
  /** "name|language" of an approved template, or "" for none. */
  template: string;
  /** The template's parameters, one per line. */
  parameters: string;
}

/** An approved template one of the organization's WhatsApp channels has. */
export interface OrgTemplate {
  name: string;
  language: string;
  body: string;
  params: number;
}

/** The form refused: the template is not one the channels have, or its parameters do not fit. */
export class TemplateRefused extends Error {
  constructor(
    readonly field: "template" | "parameters",
    readonly params = 0,
  ) {
    super(field);
  }
}

const columns = { id: closingMessages.id, builtinKey: closingMessages.builtinKey, body: closingMessages.body, template: closingMessages.template, position: closingMessages.position };

/** The approved templates of the organization's WhatsApp channels, each name and language once. */
export async function organizationTemplates(db: DbOrTx, actor: Actor): Promise<OrgTemplate[]> {
  const found = await db.select({ config: channels.config }).from(channels).where(and(eq(channels.orgId, actor.orgId), eq(channels.kind, "whatsapp")));
  const byKey = new Map<string, OrgTemplate>();
  for (const t of found.flatMap((c) => channelTemplates(c.config))) byKey.set(`${t.name}|${t.language}`, t);
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name) || a.language.localeCompare(b.language));
}

/** The input's template, checked against the organization's approved ones; null for none. */
async function templateOf(db: DbOrTx, actor: Actor, input: ClosingMessageInput): Promise<ClosingTemplate | null> {
  if (!input.template) return null;
  const found = (await organizationTemplates(db, actor)).find((t) => `${t.name}|${t.language}` === input.template);
  if (!found) throw new TemplateRefused("template");
  const parameters = input.parameters
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  if (parameters.length !== found.params) throw new TemplateRefused("parameters", found.params);
  return { name: found.name, language: found.language, parameters };
}

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
export async function createClosingMessage(db: DbOrTx, actor: Actor, input: ClosingMessageInput, now: Date): Promise<ClosingMessageRow> {
  const template = await templateOf(db, actor, input);
  return db.transaction(async (tx) => {
    const [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${closingMessages.position}), 0) + 1`.mapWith(Number) })
      .from(closingMessages)
      .where(eq(closingMessages.orgId, actor.orgId));
    const [row] = await tx.insert(closingMessages).values({ orgId: actor.orgId, body: input.body, template, position: next, createdAt: now }).returning(columns);
    await changed(tx, actor, row.id, "created", now);
    return row;
  });
}

export async function updateClosingMessage(db: DbOrTx, actor: Actor, id: number, input: ClosingMessageInput, now: Date): Promise<boolean> {
  const template = await templateOf(db, actor, input);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(closingMessages).set({ body: input.body, template }).where(customOf(actor, id)).returning({ id: closingMessages.id });
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
