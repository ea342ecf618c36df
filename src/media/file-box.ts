// The contact's file box: documents of any type kept on the contact's profile, and shared from there
// into one of their conversations.
import { and, desc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { attachments, contacts } from "@db/schema";
import type { Actor } from "../context";
import { contactVisibility } from "../inbox/visibility";
import { recordEvent } from "../realtime/events";
import { checkMedia } from "./limits";
import { sniffMime } from "./sniff";
import { newStorageKey, type Storage } from "./storage";
import { conversationChannel, keysNoRowUses, nameFor, readHead, streamToStorage, UploadRefused, type Incoming, type UploadedFile } from "./uploads";

const MB = 1024 * 1024;
/** The file box keeps any document up to this size. */
export const FILE_BOX_MAX_BYTES = 100 * MB;

async function contactInOrg(db: DbOrTx, actor: Actor, contactId: number) {
  const [row] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, contactId), await contactVisibility(db, actor)));
  return row ?? null;
}

/** Any document for the contact's profile (type read from content, kept as it is). */
export async function addToFileBox(db: DbOrTx, storage: Storage, actor: Actor, contactId: number, incoming: Incoming, now: Date) {
  if (!(await contactInOrg(db, actor, contactId))) throw new UploadRefused({ reason: "not_found" });
  if ((incoming.declaredSize ?? 0) > FILE_BOX_MAX_BYTES) {
    await incoming.body.cancel().catch(() => {});
    throw new UploadRefused({ reason: "too_large", kind: "document", maxBytes: FILE_BOX_MAX_BYTES }, incoming.filename);
  }
  const reader = incoming.body.getReader();
  const { chunks, head } = await readHead(reader);
  if (head.length === 0) throw new UploadRefused({ reason: "empty" }, incoming.filename);
  const mime = sniffMime(head, incoming.filename) ?? "application/octet-stream";
  const filename = nameFor(incoming.filename, mime, now, "file");
  const key = newStorageKey(actor.orgId, now);
  const stored = await streamToStorage(storage, key, mime, chunks, reader, FILE_BOX_MAX_BYTES);
  if (!stored) throw new UploadRefused({ reason: "too_large", kind: "document", maxBytes: FILE_BOX_MAX_BYTES }, filename);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(attachments)
      .values({ orgId: actor.orgId, contactId, storageKey: key, filename, mime, size: stored.size, sha256: stored.sha256, uploadedBy: actor.userId, createdAt: now })
      .returning({ id: attachments.id });
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "file_added", actorId: actor.userId, data: { contactId, attachmentId: row.id }, createdAt: now });
    return { id: row.id, eventId };
  });
}

/** A file kept in the contact's file box, ready to share into a conversation. */
export interface FileBoxItem {
  id: number;
  filename: string;
  mime: string;
  size: number;
  createdAt: Date;
}

export async function fileBox(db: DbOrTx, orgId: number, contactId: number): Promise<FileBoxItem[]> {
  return db
    .select({ id: attachments.id, filename: attachments.filename, mime: attachments.mime, size: attachments.size, createdAt: attachments.createdAt })
    .from(attachments)
    .where(and(eq(attachments.orgId, orgId), eq(attachments.contactId, contactId), isNull(attachments.messageId)))
    .orderBy(desc(attachments.createdAt), desc(attachments.id))
    .limit(100);
}

/** Removes a file from the box; the stored bytes go too unless a sent message still uses them. */
export async function removeFromFileBox(db: DbOrTx, storage: Storage, actor: Actor, contactId: number, attachmentId: number, now: Date) {
  if (!(await contactInOrg(db, actor, contactId))) throw new UploadRefused({ reason: "not_found" });
  const result = await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(attachments)
      .where(and(eq(attachments.orgId, actor.orgId), eq(attachments.contactId, contactId), eq(attachments.id, attachmentId), isNull(attachments.messageId)))
      .returning({ storageKey: attachments.storageKey });
    if (!row) return null;
    const unused = await keysNoRowUses(tx, [row.storageKey]);
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "file_removed", actorId: actor.userId, data: { contactId, attachmentId }, createdAt: now });
    return { unused, eventId };
  });
  if (!result) throw new UploadRefused({ reason: "not_found" });
  for (const key of result.unused) await storage.delete(key);
  return result.eventId;
}

/**
 * A file from the contact's box made ready to send in one of their conversations: a new pending
 * attachment on the same stored bytes (the box keeps its copy), if the channel can carry it.
 */
export async function shareFromFileBox(db: DbOrTx, actor: Actor, conversationId: number, attachmentId: number, now: Date): Promise<UploadedFile> {
  const conv = await conversationChannel(db, actor, conversationId);
  if (!conv) throw new UploadRefused({ reason: "not_found" });
  if (conv.status !== "open") throw new UploadRefused({ reason: "closed" });
  const [file] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.orgId, actor.orgId), eq(attachments.contactId, conv.contactId), eq(attachments.id, attachmentId), isNull(attachments.messageId)));
  if (!file) throw new UploadRefused({ reason: "not_found" });
  const verdict = checkMedia(conv.caps, { mime: file.mime, size: file.size });
  if (!verdict.ok) throw new UploadRefused(verdict, file.filename);
  const [row] = await db
    .insert(attachments)
    .values({ orgId: actor.orgId, storageKey: file.storageKey, filename: file.filename, mime: file.mime, size: file.size, sha256: file.sha256, uploadedBy: actor.userId, createdAt: now })
    .returning({ id: attachments.id });
  return { id: row.id, filename: file.filename, mime: file.mime, size: file.size, kind: verdict.kind, durationMs: null };
}
