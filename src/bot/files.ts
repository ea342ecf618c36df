// A bot answer's file: uploaded in Admin → Bot (kept as an attachment of no message and no contact),
// and sent after the answer's text as the channel's media message, where the channel takes it and
// the reply window allows it.
import { eq } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { attachments, messages, outbox } from "@db/schema";
import { capabilities } from "../channels/capabilities";
import { mayGoOut } from "../channels/windows";
import { checkMedia, messageKindOf } from "../media/limits";
import { sniffMime } from "../media/sniff";
import { storeBytes, type Storage } from "../media/storage";
import { nameFor } from "../media/uploads";
import { recordEvent } from "../realtime/events";
import type { BotFile } from "./admin-form";
import { BY_BOT, type Target } from "./lines";

/** The largest file a bot answer carries (WhatsApp's limit for documents is higher, for pictures lower: the channel decides at send). */
export const BOT_FILE_MAX_BYTES = 16 * 1024 * 1024;

export class BotFileRefused extends Error {}

/** Stores an admin's upload for an answer; the menu that names it is saved afterwards. */
export async function storeBotFile(db: DbOrTx, storage: Storage, orgId: number, file: File, now: Date): Promise<BotFile> {
  if (file.size === 0) throw new BotFileRefused("bot.error.fileEmpty");
  if (file.size > BOT_FILE_MAX_BYTES) throw new BotFileRefused("bot.error.fileTooLarge");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const mime = sniffMime(bytes.subarray(0, 4096), file.name) ?? "application/octet-stream";
  const filename = nameFor(file.name, mime, now, "file");
  const stored = await storeBytes(storage, orgId, bytes, mime, now);
  const [row] = await db.insert(attachments).values({ orgId, storageKey: stored.storageKey, filename, mime, size: stored.size, sha256: stored.sha256, createdAt: now }).returning({ id: attachments.id });
  return { attachmentId: row.id, filename, mime, size: stored.size };
}

/**
 * The file as a media message of the bot (its own attachment row on the same stored bytes), or null
 * when the channel cannot carry it or the window does not allow it: the text went, the file does not.
 */
export async function botSendFile(tx: Tx, conv: Target, file: BotFile, now: Date): Promise<number | null> {
  const verdict = checkMedia(capabilities[conv.channelKind], { mime: file.mime, size: file.size });
  if (!verdict.ok) return null;
  const kind = messageKindOf(verdict.kind);
  if (!mayGoOut(conv.channelKind, conv.lastInboundAt, kind, now)) return null;
  const [source] = await tx.select().from(attachments).where(eq(attachments.id, file.attachmentId));
  if (!source) return null;
  const [message] = await tx
    .insert(messages)
    .values({ orgId: conv.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "out", kind, body: "", metadata: { bot: { line: "says" }, filename: file.filename }, delivery: "pending", createdAt: now })
    .returning({ id: messages.id });
  await tx.insert(attachments).values({ orgId: conv.orgId, messageId: message.id, storageKey: source.storageKey, filename: source.filename, mime: source.mime, size: source.size, sha256: source.sha256, createdAt: now });
  await tx.insert(outbox).values({ orgId: conv.orgId, messageId: message.id, nextAttemptAt: now, createdAt: now });
  return recordEvent(tx, { orgId: conv.orgId, type: "message_created", conversationId: conv.id, data: { messageId: message.id, direction: "out", ...BY_BOT }, createdAt: now });
}
