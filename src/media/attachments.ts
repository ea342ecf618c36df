// Reading attachments back: a thread's files, the contact's gallery, and who may open which file.
import { and, desc, eq, inArray, isNotNull, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { attachments, conversations, messages } from "@db/schema";
import type { Actor } from "../context";
import { visibility } from "../inbox/visibility";

export interface AttachmentView {
  id: number;
  messageId: number | null;
  filename: string;
  mime: string;
  size: number;
  durationMs: number | null;
}

/** The attachments of these messages, by message (one query for a whole thread). */
export async function attachmentsOf(db: DbOrTx, orgId: number, messageIds: number[]): Promise<Map<number, AttachmentView[]>> {
  const out = new Map<number, AttachmentView[]>();
  if (messageIds.length === 0) return out;
  const rows = await db
    .select({ id: attachments.id, messageId: attachments.messageId, filename: attachments.filename, mime: attachments.mime, size: attachments.size, durationMs: attachments.durationMs })
    .from(attachments)
    .where(and(eq(attachments.orgId, orgId), inArray(attachments.messageId, messageIds)))
    .orderBy(attachments.id);
  for (const r of rows) out.set(r.messageId!, [...(out.get(r.messageId!) ?? []), r]);
  return out;
}

export const GALLERY_PAGE = 24;

/** A picture, video or recording in the contact's gallery, and which way it went. */
export interface GalleryItem extends AttachmentView {
  createdAt: Date;
  direction: string;
}

/** Images, video and audio sent and received with the contact, newest first. */
export async function gallery(db: DbOrTx, orgId: number, contactId: number, before?: number): Promise<{ items: GalleryItem[]; more: number | null }> {
  const rows = await db
    .select({
      id: attachments.id,
      messageId: attachments.messageId,
      filename: attachments.filename,
      mime: attachments.mime,
      size: attachments.size,
      durationMs: attachments.durationMs,
      createdAt: attachments.createdAt,
      direction: messages.direction,
    })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .where(
      and(
        eq(attachments.orgId, orgId),
        eq(attachments.contactId, contactId),
        isNotNull(attachments.messageId),
        or(sql`${attachments.mime} like 'image/%'`, sql`${attachments.mime} like 'video/%'`, sql`${attachments.mime} like 'audio/%'`),
        before ? lt(attachments.id, before) : undefined,
      ),
    )
    .orderBy(desc(attachments.id))
    .limit(GALLERY_PAGE + 1);
  return { items: rows.slice(0, GALLERY_PAGE), more: rows.length > GALLERY_PAGE ? rows[GALLERY_PAGE - 1].id : null };
}

/** An attachment of the organization, for serving its bytes. */
export async function findAttachment(db: DbOrTx, orgId: number, attachmentId: number) {
  const [row] = await db
    .select({ id: attachments.id, storageKey: attachments.storageKey, filename: attachments.filename, mime: attachments.mime, messageId: attachments.messageId, uploadedBy: attachments.uploadedBy, contactId: attachments.contactId })
    .from(attachments)
    .where(and(eq(attachments.orgId, orgId), eq(attachments.id, attachmentId)));
  return row ?? null;
}

/**
 * Whether the actor may see a message's file: with "agents see only their own", an agent sees the
 * files of the conversations they see (file-box files, on no message, are the contact's).
 */
export async function mayOpenAttachment(db: DbOrTx, actor: Actor, file: { messageId: number | null; contactId: number | null; uploadedBy: string | null }) {
  if (file.messageId === null) {
    // An upload no message has taken yet is its uploader's draft (supervisors and admins see all).
    if (file.contactId === null) return file.uploadedBy === actor.userId || actor.role !== "agent";
    // A file-box file is the contact's: seen by whoever sees one of the contact's conversations.
    const visible = await visibility(db, actor);
    if (!visible) return true;
    const [row] = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.contactId, file.contactId), visible))
      .limit(1);
    return !!row;
  }
  const [row] = await db
    .select({ id: conversations.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.id, file.messageId), eq(conversations.orgId, actor.orgId), await visibility(db, actor)));
  return !!row;
}

/** An attachment of a message in this conversation (what a widget visitor of the conversation may fetch). */
export async function findConversationAttachment(db: DbOrTx, conversationId: number, attachmentId: number) {
  const [row] = await db
    .select({ id: attachments.id, storageKey: attachments.storageKey, filename: attachments.filename, mime: attachments.mime })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .where(and(eq(messages.conversationId, conversationId), eq(attachments.id, attachmentId), inArray(messages.direction, ["in", "out"])));
  return row ?? null;
}
