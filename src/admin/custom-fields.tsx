// Admin → CRM fields: the definitions of the organization's contact fields. Values live in each
// contact's custom_fields under the field's key, so a key never changes once created.
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx, Tx } from "@db/client";
import { customFields, customFieldTypes, type CustomFieldType } from "@db/schema";
import type { Actor } from "../context";
import type { MessageKey } from "../i18n";
import { field } from "../forms";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import { FieldRuleBroken, type Section } from "./section-routes";

const KEY = /^[a-z][a-z0-9_]{0,39}$/;

/** "Müşteri Seviyesi" → "musteri_seviyesi". */
export function keyFromLabel(label: string): string {
  const ascii = label
    .toLocaleLowerCase("tr")
    .replace(/ı/g, "i")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const key = /^[a-z]/.test(ascii) ? ascii : `field_${ascii}`;
  return key.slice(0, 40).replace(/_+$/, "");
}

const optionList = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(/\r?\n/).map((o) => o.trim()).filter(Boolean));

const createInput = z
  .object({
    label: field.text(60),
    key: z.string().trim().toLowerCase().optional().default(""),
    type: z.enum(customFieldTypes),
    options: optionList,
  })
  .transform((v) => ({ ...v, key: v.key || keyFromLabel(v.label) }))
  .superRefine((v, ctx) => {
    if (!KEY.test(v.key)) ctx.addIssue({ code: "custom", path: ["key"], message: "customFields.badKey" });
    checkOptions(v.type, v.options, ctx);
  });
const updateInput = z
  .object({ label: field.text(60), type: z.enum(customFieldTypes).optional(), options: optionList })
  .transform((v) => ({ label: v.label, options: v.options }));

function checkOptions(type: CustomFieldType, options: string[], ctx: z.RefinementCtx) {
  if (type !== "select") return;
  if (options.length === 0) ctx.addIssue({ code: "custom", path: ["options"], message: "customFields.optionsRequired" });
  else if (new Set(options.map((o) => o.toLocaleLowerCase())).size !== options.length) ctx.addIssue({ code: "custom", path: ["options"], message: "customFields.optionsDuplicate" });
}

type CreateInput = z.infer<typeof createInput>;
type UpdateInput = z.infer<typeof updateInput>;
type FieldRow = { id: number; key: string; label: string; type: CustomFieldType; options: string[]; position: number };

export async function listCustomFields(db: DbOrTx, orgId: number): Promise<FieldRow[]> {
  return db
    .select({ id: customFields.id, key: customFields.key, label: customFields.label, type: customFields.type, options: customFields.options, position: customFields.position })
    .from(customFields)
    .where(eq(customFields.orgId, orgId))
    .orderBy(asc(customFields.position), asc(customFields.id));
}

const orderKey = sql<string>`lpad(${customFields.position}::text, 10, '0')`;

export async function pageCustomFields(db: DbOrTx, orgId: number, cursor: Cursor | null, limit = PAGE_SIZE) {
  const rows = await db
    .select({ id: customFields.id, key: customFields.key, label: customFields.label, type: customFields.type, options: customFields.options, position: customFields.position, orderKey })
    .from(customFields)
    .where(and(eq(customFields.orgId, orgId), after(orderKey, customFields.id, cursor)))
    .orderBy(asc(orderKey), asc(customFields.id))
    .limit(limit + 1);
  return page(rows, limit, (r) => ({ key: r.orderKey, id: r.id }));
}

const own = (actor: Actor, id: number) => and(eq(customFields.orgId, actor.orgId), eq(customFields.id, id));

async function changed(tx: DbOrTx, actor: Actor, id: number, change: string, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "custom_field_changed", actorId: actor.userId, data: { customFieldId: id, change }, createdAt: now });
}

export async function createCustomField(db: DbOrTx, actor: Actor, input: CreateInput, now: Date) {
  return db.transaction(async (tx) => {
    const [{ next }] = await tx
      .select({ next: sql<number>`coalesce(max(${customFields.position}), -1) + 1`.mapWith(Number) })
      .from(customFields)
      .where(eq(customFields.orgId, actor.orgId));
    const [row] = await tx
      .insert(customFields)
      .values({ orgId: actor.orgId, key: input.key, label: input.label, type: input.type, options: input.type === "select" ? input.options : [], position: next, createdAt: now })
      .returning();
    await changed(tx, actor, row.id, "created", now);
    return row;
  });
}

/** Label and options may change; the key and type stay, because stored values depend on them. */
export async function updateCustomField(db: DbOrTx, actor: Actor, id: number, input: UpdateInput, now: Date) {
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ type: customFields.type }).from(customFields).where(own(actor, id));
    if (!current) return false;
    if (current.type === "select") {
      if (input.options.length === 0) throw new FieldRuleBroken("options", "customFields.optionsRequired");
      if (new Set(input.options.map((o) => o.toLocaleLowerCase())).size !== input.options.length) throw new FieldRuleBroken("options", "customFields.optionsDuplicate");
    }
    await tx.update(customFields).set({ label: input.label, options: current.type === "select" ? input.options : [] }).where(own(actor, id));
    await changed(tx, actor, id, "updated", now);
    return true;
  });
}

export async function deleteCustomField(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(customFields).where(own(actor, id)).returning({ id: customFields.id });
    if (!row) return false;
    await changed(tx, actor, id, "deleted", now);
    return true;
  });
}

export async function moveCustomField(db: DbOrTx, actor: Actor, id: number, direction: "up" | "down", now: Date) {
  return db.transaction(async (tx: Tx) => {
    const list = await listCustomFields(tx, actor.orgId);
    const at = list.findIndex((r) => r.id === id);
    if (at < 0) return false;
    const to = direction === "up" ? at - 1 : at + 1;
    if (to < 0 || to >= list.length) return true;
    const order = list.map((r) => r.id);
    [order[at], order[to]] = [order[to], order[at]];
    for (const [position, rowId] of order.entries()) await tx.update(customFields).set({ position }).where(own(actor, rowId));
    await changed(tx, actor, id, `moved_${direction}`, now);
    return true;
  });
}

const typeLabel = (t: CustomFieldType) => `customFields.type.${t}` as MessageKey;

export const customFieldsSection: Section<FieldRow, CreateInput, UpdateInput> = {
  view: { base: "/admin/custom-fields", title: "customFields.title", createTitle: "customFields.create", editTitle: "customFields.edit", empty: "customFields.empty", columns: ["customFields.label", "customFields.key", "customFields.type", "customFields.optionsColumn"] },
  fields: async (_c, editing) => [
    { name: "label", label: "customFields.label", kind: "text", max: 60, required: true },
    { name: "key", label: "customFields.key", kind: "text", max: 40, hint: "customFields.keyHint", readonlyOnEdit: true },
    { name: "type", label: "customFields.type", kind: "select", options: customFieldTypes.map((t) => ({ value: t, label: typeLabel(t) })), readonlyOnEdit: true },
    { name: "options", label: "customFields.options", kind: "textarea", max: 4000, hint: "customFields.optionsHint", rows: editing ? 5 : 3 },
  ],
  createSchema: createInput,
  updateSchema: updateInput,
  uniqueField: "key",
  defaults: { type: "text" },
  list: (db, actor, cursor) => pageCustomFields(db, actor.orgId, cursor),
  row: (ui, r) => ({ id: r.id, cells: [r.label, <code>{r.key}</code>, ui.t(typeLabel(r.type)), r.options.join(", ") || "—"], movable: true }),
  get: async (db, actor, id) => {
    const [row] = await db.select().from(customFields).where(own(actor, id));
    return row ? { name: row.label, form: { label: row.label, key: row.key, type: row.type, options: row.options.join("\n") } } : null;
  },
  create: createCustomField,
  update: updateCustomField,
  remove: deleteCustomField,
  move: moveCustomField,
};
