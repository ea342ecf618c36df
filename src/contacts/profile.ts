// A contact's profile (name, phone, email and the organization's CRM fields) and its notes.
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { contacts, customFields, notes, users, type CustomFieldType } from "@db/schema";
import { assertMaySee, assertMaySeeContact } from "../inbox/visibility";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { field } from "../forms";

export interface FieldDefinition {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
}

export async function fieldDefinitions(db: DbOrTx, orgId: number): Promise<FieldDefinition[]> {
  return db
    .select({ key: customFields.key, label: customFields.label, type: customFields.type, options: customFields.options })
    .from(customFields)
    .where(eq(customFields.orgId, orgId))
    .orderBy(asc(customFields.position), asc(customFields.id));
}

/** The zod schema for one CRM field's submitted value; blank clears the value. */
export function valueSchema(def: FieldDefinition) {
  const text = z.string().trim();
  const blankOr = (ok: (v: string) => boolean, message: string) => text.refine((v) => v === "" || ok(v), message);
  switch (def.type) {
    case "text":
      return text.max(500, "validation.tooLong").transform((v) => v || undefined);
    case "number":
      return blankOr((v) => /^-?\d+(\.\d+)?$/.test(v), "validation.number").transform((v) => (v === "" ? undefined : Number(v)));
    case "date":
      return blankOr((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && new Date(v).toISOString().startsWith(v), "validation.date").transform((v) => v || undefined);
    case "select":
      return blankOr((v) => def.options.includes(v), "validation.invalid").transform((v) => v || undefined);
    case "boolean":
      return blankOr((v) => v === "yes" || v === "no", "validation.invalid").transform((v) => (v === "" ? undefined : v === "yes"));
  }
}

/** Builds the profile form schema from the organization's field definitions (`cf_<key>` inputs). */
export function profileSchema(defs: FieldDefinition[]) {
  const shape: Record<string, z.ZodType> = {
    name: field.text(200),
    phone: z.string().trim().max(40, "validation.tooLong").regex(/^[+\d\s().-]*$/, "validation.phone").transform((v) => v || null),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .refine((v) => v === "" || z.email().safeParse(v).success, "validation.email")
      .transform((v) => v || null),
  };
  for (const def of defs) shape[`cf_${def.key}`] = valueSchema(def).optional();
  return z.object(shape);
}

export interface ProfileUpdate {
  name: string;
  phone: string | null;
  email: string | null;
  fields: Record<string, unknown>;
}

export function toProfileUpdate(parsed: Record<string, unknown>, defs: FieldDefinition[]): ProfileUpdate {
  const fields: Record<string, unknown> = {};
  for (const def of defs) {
    const v = parsed[`cf_${def.key}`];
    if (v !== undefined) fields[def.key] = v;
  }
  return { name: parsed.name as string, phone: parsed.phone as string | null, email: parsed.email as string | null, fields };
}

export async function updateProfile(db: DbOrTx, actor: Actor, contactId: number, input: ProfileUpdate, now: Date) {
  return db.transaction(async (tx) => {
    await assertMaySeeContact(tx, actor, contactId);
    const [row] = await tx
      .update(contacts)
      .set({ name: input.name, phone: input.phone, email: input.email, customFields: input.fields, updatedAt: now })
      .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, contactId)))
      .returning({ id: contacts.id });
    if (!row) return null;
    return recordEvent(tx, { orgId: actor.orgId, type: "contact_updated", actorId: actor.userId, data: { contactId }, createdAt: now });
  });
}

export async function contactNotes(db: DbOrTx, orgId: number, contactId: number) {
  return db
    .select({ id: notes.id, body: notes.body, createdAt: notes.createdAt, authorName: users.name })
    .from(notes)
    .leftJoin(users, eq(users.id, notes.authorId))
    .where(and(eq(notes.orgId, orgId), eq(notes.contactId, contactId)))
    .orderBy(desc(notes.createdAt), desc(notes.id));
}

/** A note on the contact, shown in every later conversation with them. */
export async function addNote(db: DbOrTx, actor: Actor, contactId: number, conversationId: number | null, body: string, now: Date) {
  return db.transaction(async (tx) => {
    await assertMaySeeContact(tx, actor, contactId);
    if (conversationId !== null) await assertMaySee(tx, actor, conversationId);
    await tx.insert(notes).values({ orgId: actor.orgId, contactId, conversationId, authorId: actor.userId, body, createdAt: now });
    return recordEvent(tx, { orgId: actor.orgId, type: "note_added", conversationId, actorId: actor.userId, data: { contactId }, createdAt: now });
  });
}
