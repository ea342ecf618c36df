// Reads what the session widgets show for a conversation, in a handful of queries.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, conversations } from "@db/schema";
import type { Actor } from "../context";
import { conversationScope } from "./visibility";
import { contactNotes, fieldDefinitions, type FieldDefinition } from "../contacts/profile";
import { conversationTagList, mayCreateTags, orgTags } from "./tagging";
import { fileBox, type FileBoxItem } from "../media/file-box";
import { gallery, type GalleryItem } from "../media/attachments";
import { billingData, type BillingData } from "../billing/widget";

export interface WidgetData {
  conversationId: number;
  contact: { id: number; name: string; phone: string | null; email: string | null; customFields: Record<string, unknown> };
  fields: FieldDefinition[];
  tags: { id: number; name: string; color: string }[];
  allTags: { id: number; name: string; color: string }[];
  mayCreateTags: boolean;
  notes: { id: number; body: string; createdAt: Date; authorName: string | null }[];
  /** Images and media sent and received with the contact, newest first (absent: not loaded). */
  gallery?: { items: GalleryItem[]; more: number | null };
  files?: FileBoxItem[];
  billing?: BillingData;
}

export async function widgetData(db: DbOrTx, actor: Actor, conversationId: number, now: Date): Promise<WidgetData | null> {
  const [row] = await db
    .select({ id: contacts.id, name: contacts.name, phone: contacts.phone, email: contacts.email, customFields: contacts.customFields })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
  if (!row) return null;
  const [fields, tags, allTags, notes, media, files, billing] = await Promise.all([
    fieldDefinitions(db, actor.orgId),
    conversationTagList(db, actor.orgId, conversationId),
    orgTags(db, actor.orgId),
    contactNotes(db, actor.orgId, row.id),
    gallery(db, actor.orgId, row.id),
    fileBox(db, actor.orgId, row.id),
    billingData(db, actor, conversationId, row.id, now),
  ]);
  return { conversationId, contact: row, fields, tags, allTags, mayCreateTags: mayCreateTags(actor), notes, gallery: media, files, billing: billing ?? undefined };
}
