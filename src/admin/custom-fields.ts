// CRM fields: the definitions of the organization's contact fields. Each contact stores its values
// in contacts.custom_fields under the field's key, so a key (and the type its values were checked
// against) never changes once created.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, customFields, type CustomFieldType } from "@db/schema";
import type { Actor } from "../context";
import type { MessageKey, Params } from "../i18n";
import { recordEvent } from "../realtime/events";
import { positionsFor, reordered, type Direction } from "./ordering";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";

export const CUSTOM_FIELD_LABEL_MAX = 60;
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;
export const CUSTOM_FIELD_KEY_MAX = 40;
export const CUSTOM_FIELD_OPTION_MAX = 100;

export class CustomFieldRuleBroken extends Error {
  constructor(
    public field: "key" | "options",
    public reason: MessageKey,
    public params?: Params,
  ) {
    super(reason);
  }
}

export interface CustomFieldRow {
  id: number;
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  position: number;
}

/** "Müşteri Seviyesi" → "musteri_seviyesi"; a label starting with a digit gets a "field_" prefix. */
export function keyFromLabel(label: string): string {
  const ascii = label
    .toLocaleLowerCase("tr")
    .replace(/ı/g, "i")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const key = /^[a-z]/.test(ascii) ? ascii : `field_${ascii}`;
  return key.slice(0, CUSTOM_FIELD_KEY_MAX).replace(/_+$/, "");
}

/** One option per line, trimmed, blank lines dropped. */
export function optionLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((o) => o.trim())
    .filter(Boolean);
}

/** Why a field's options are unacceptable, or null. Only select fields have options. */
export function optionsProblem(type: CustomFieldType, options: string[]): MessageKey | null {
  if (type !== "select") return null;
  if (options.length === 0) return "customFields.optionsRequired";
  if (options.some((o) => o.length > CUSTOM_FIELD_OPTION_MAX)) return "customFields.optionTooLong";
  if (new Set(options.map((o) => o.toLocaleLowerCase())).size !== options.length) return "customFields.optionsDuplicate";
  return null;
}

function checkOptions(type: CustomFieldType, options: string[]) {
  const problem = optionsProblem(type, options);
  if (problem) throw new CustomFieldRuleBroken("options", problem);
}

const columns = {
  id: customFields.id,
  key: customFields.key,
  label: customFields.label,
  type: customFields.type,
  options: customFields.options,
  position: customFields.position,
};

// Position as a text key, so keyset pages can use the shared (text key, id) cursor.
const orderKey = sql<string>`lpad(${customFields.position}::text, 10, '0')`;

export async function listCustomFields(db: DbOrTx, actor: Actor, cursor: Cursor | null = null, limit = PAGE_SIZE) {
  const found = await db
    .select({ ...columns, orderKey })
    .from(customFields)
    .where(and(eq(customFields.orgId, actor.orgId), after(orderKey, customFields.id, cursor)))
    .orderBy(asc(orderKey), asc(customFields.id))
    .limit(limit + 1);
  return page(found, limit, (r) => ({ key: r.orderKey, id: r.id }));
}

/** Ids of the first and last fields, so the list can leave out moves that go nowhere. */
export async function fieldEnds(db: DbOrTx, actor: Actor): Promise<{ first: number | null; last: number | null }> {
  const own = eq(customFields.orgId, actor.orgId);
  const [[first], [last]] = await Promise.all([
    db.select({ id: customFields.id }).from(customFields).where(own).orderBy(asc(customFields.position), asc(customFields.id)).limit(1),
    db.select({ id: customFields.id }).from(customFields).where(own).orderBy(sql`${customFields.position} desc`, sql`${customFields.id} desc`).limit(1),
  ]);
  return { first: first?.id ?? null, last: last?.id ?? null };
}

const own = (actor: Actor, id: number) => and(eq(customFields.orgId, actor.orgId), eq(customFields.id, id));

export async function getCustomField(db: DbOrTx, actor: Actor, id: number): Promise<CustomFieldRow | null> {
  const [row] = await db.select(columns).from(customFields).where(own(actor, id));
  return row ?? null;
}

async function changed(tx: DbOrTx, actor: Actor, id: number, key: string, change: string, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "custom_field_changed", actorId: actor.userId, data: { customFieldId: id, key, change }, createdAt: now });
}

function isUniqueViolation(e: unknown): boolean {
  const code = (x: unknown) => (x && typeof x === "object" && "code" in x ? (x as { code: unknown }).code : undefined);
  return code(e) === "23505" || code((e as { cause?: unknown } | null)?.cause) === "23505";
}

export interface NewCustomField {
  label: string;
  /** Blank: made from the label. */
  key: string;
  type: CustomFieldType;
  options: string[];
}

/** Adds a field at the end of the list; its key must be well-formed and not used in the organization. */
export async function createCustomField(db: DbOrTx, actor: Actor, input: NewCustomField, now: Date): Promise<CustomFieldRow> {
  const key = input.key || keyFromLabel(input.label);
  if (!CUSTOM_FIELD_KEY.test(key)) throw new CustomFieldRuleBroken("key", "customFields.badKey");
  checkOptions(input.type, input.options);
  const taken = new CustomFieldRuleBroken("key", "customFields.keyTaken", { key });
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: customFields.id }).from(customFields).where(and(eq(customFields.orgId, actor.orgId), eq(customFields.key, key)));
      if (existing) throw taken;
      const [{ next }] = await tx
        .select({ next: sql<number>`coalesce(max(${customFields.position}), -1) + 1`.mapWith(Number) })
        .from(customFields)
        .where(eq(customFields.orgId, actor.orgId));
      const [row] = await tx
        .insert(customFields)
        .values({ orgId: actor.orgId, key, label: input.label, type: input.type, options: input.type === "select" ? input.options : [], position: next, createdAt: now })
        .returning(columns);
      await changed(tx, actor, row.id, key, "created", now);
      return row;
    });
  } catch (e) {
    // Two admins creating the same key at once: the unique index decides, and the loser is told so.
    if (isUniqueViolation(e)) throw taken;
    throw e;
  }
}

/** Only the label and a select field's options change; key and type stay, since stored values depend on them. */
export async function updateCustomField(db: DbOrTx, actor: Actor, id: number, input: { label: string; options: string[] }, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ type: customFields.type, key: customFields.key }).from(customFields).where(own(actor, id)).for("update");
    if (!current) return false;
    checkOptions(current.type, input.options);
    await tx
      .update(customFields)
      .set({ label: input.label, options: current.type === "select" ? input.options : [] })
      .where(own(actor, id));
    await changed(tx, actor, id, current.key, "updated", now);
    return true;
  });
}

/**
 * Deletes the definition and every contact's value under its key: a field created later with the
 * same key must start empty, not inherit values typed for another field.
 */
export async function deleteCustomField(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(customFields).where(own(actor, id)).returning({ key: customFields.key });
    if (!row) return false;
    await tx
      .update(contacts)
      .set({ customFields: sql`${contacts.customFields} - ${row.key}::text` })
      .where(and(eq(contacts.orgId, actor.orgId), sql`${contacts.customFields} ? ${row.key}::text`));
    await changed(tx, actor, id, row.key, "deleted", now);
    return true;
  });
}

export async function moveCustomField(db: DbOrTx, actor: Actor, id: number, direction: Direction, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Locked, so two admins reordering at once take turns instead of interleaving.
    const list = await tx
      .select({ id: customFields.id, key: customFields.key })
      .from(customFields)
      .where(eq(customFields.orgId, actor.orgId))
      .orderBy(asc(customFields.position), asc(customFields.id))
      .for("update");
    const ids = list.map((r) => r.id);
    const order = reordered(ids, id, direction);
    if (!order) return false;
    if (order === ids) return true;
    await tx
      .update(customFields)
      .set({ position: positionsFor(customFields.id, order, 0) })
      .where(and(eq(customFields.orgId, actor.orgId), inArray(customFields.id, order)));
    await changed(tx, actor, id, list.find((r) => r.id === id)!.key, `moved_${direction}`, now);
    return true;
  });
}
