// Files agents upload: streamed to storage while their type is read from the first bytes and
// their size is counted (a file is never held whole in memory, except a voice note being moved
// from WebM into Ogg), checked against the conversation's channel, and kept as attachments rows
// without a message until a reply takes them, or removed if none does within a day.
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { attachments, channels, conversations } from "@db/schema";
import type { Actor } from "../context";
import { conversationScope } from "../inbox/visibility";
import { capabilitiesOf, type ChannelCapabilities } from "../channels/capabilities";
import { checkMedia, type Refusal } from "./limits";
import { RemuxError, webmToOgg } from "./ogg";
import { extensionFor, sniffMime, SNIFF_BYTES } from "./sniff";
import { newStorageKey, storeBytes, type Storage } from "./storage";
import { plainFilename } from "../names";

export type UploadProblem = Refusal | { reason: "not_found" } | { reason: "closed" } | { reason: "unreadable" };

export class UploadRefused extends Error {
  constructor(
    public problem: UploadProblem,
    public filename = "",
  ) {
    super(problem.reason);
  }
}

/** A file arriving in a request body. */
export interface Incoming {
  body: ReadableStream<Uint8Array>;
  /** As the browser named it; pasted screenshots often have none. */
  filename: string;
  /** Content-Length when the client sent one: an oversized file is refused before a byte is stored. */
  declaredSize: number | null;
  /** A recording from the microphone, to go out as a voice note. */
  voice?: boolean;
  durationMs?: number | null;
}

export interface UploadedFile {
  id: number;
  filename: string;
  mime: string;
  size: number;
  kind: string;
  durationMs: number | null;
}

/** The conversation's channel rules, for a conversation in the actor's organization. */
export async function conversationChannel(db: DbOrTx, actor: Actor, conversationId: number) {
  const [row] = await db
    .select({ id: conversations.id, status: conversations.status, contactId: conversations.contactId, kind: channels.kind, config: channels.config })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
  if (!row) return null;
  return { ...row, caps: capabilitiesOf(row.kind, row.config) };
}


/** A name for the file: the browser's, or one made from the type for pasted images and recordings. */
export function nameFor(filename: string, mime: string, now: Date, prefix = "pasted") {
  const clean = plainFilename(filename, "");
  if (clean && clean !== "image.png" && clean !== "blob") return clean;
  return `${prefix}-${now.toISOString().slice(0, 19).replace(/[:T]/g, "-")}.${extensionFor(mime)}`;
}

/** Reads until enough bytes to tell the type (or the end). */
export async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < SNIFF_BYTES) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  return { chunks, head: Bun.concatArrayBuffers(chunks, Infinity, true) as Uint8Array, done };
}

class TooLarge extends Error {}

/**
 * Streams the rest of a body to storage behind its head, counting and hashing as it goes; past
 * `maxBytes` the stream fails and the partial file is removed.
 */
export async function streamToStorage(storage: Storage, key: string, mime: string, first: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number) {
  const hasher = new Bun.CryptoHasher("sha256");
  let size = 0;
  const queue = [...first];
  const counted = (chunk: Uint8Array) => {
    size += chunk.length;
    if (size > maxBytes) throw new TooLarge();
    hasher.update(chunk);
    return chunk;
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const queued = queue.shift();
        if (queued) return controller.enqueue(counted(queued));
        const next = await reader.read();
        if (next.done) return controller.close();
        controller.enqueue(counted(next.value));
      } catch (e) {
        controller.error(e);
        await reader.cancel().catch(() => {});
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  try {
    await storage.write(key, stream, mime);
  } catch (e) {
    await storage.delete(key).catch(() => {});
    if (e instanceof TooLarge || size > maxBytes) return null;
    throw e;
  }
  if (size > maxBytes) {
    await storage.delete(key).catch(() => {});
    return null;
  }
  return { size, sha256: hasher.digest("hex") };
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>, first: Uint8Array[], maxBytes: number) {
  const chunks = [...first];
  let size = chunks.reduce((n, c) => n + c.length, 0);
  for (;;) {
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    const next = await reader.read();
    if (next.done) break;
    chunks.push(next.value);
    size += next.value.length;
  }
  return Bun.concatArrayBuffers(chunks, Infinity, true) as Uint8Array;
}

/**
 * An agent's file for a conversation: refused when the channel cannot carry its real type or
 * size (or voice notes), stored otherwise as an attachment waiting for a reply.
 */
export async function uploadForConversation(db: DbOrTx, storage: Storage, actor: Actor, conversationId: number, incoming: Incoming, now: Date): Promise<UploadedFile> {
  const conv = await conversationChannel(db, actor, conversationId);
  if (!conv) throw new UploadRefused({ reason: "not_found" });
  if (conv.status !== "open") throw new UploadRefused({ reason: "closed" });
  return incoming.voice ? receiveVoice(db, storage, actor, conv.caps, incoming, now) : receiveFile(db, storage, actor, conv.caps, incoming, now);
}

async function receiveFile(db: DbOrTx, storage: Storage, actor: Actor, caps: ChannelCapabilities, incoming: Incoming, now: Date) {
  const refuse = (problem: UploadProblem, filename = incoming.filename): never => {
    throw new UploadRefused(problem, filename);
  };
  const reader = incoming.body.getReader();
  const { chunks, head, done } = await readHead(reader);
  const mime = sniffMime(head, incoming.filename) ?? "application/octet-stream";
  const filename = nameFor(incoming.filename, mime, now);
  const early = checkMedia(caps, { mime, size: done ? head.length : Math.max(incoming.declaredSize ?? 0, head.length) });
  if (!early.ok) {
    await reader.cancel().catch(() => {});
    return refuse(early, filename);
  }
  const key = newStorageKey(actor.orgId, now);
  const stored = await streamToStorage(storage, key, mime, chunks, reader, early.rule.maxBytes);
  if (!stored) return refuse({ reason: "too_large", kind: early.kind, maxBytes: early.rule.maxBytes }, filename);
  const verdict = checkMedia(caps, { mime, size: stored.size });
  if (!verdict.ok) {
    await storage.delete(key);
    return refuse(verdict, filename);
  }
  const [row] = await db
    .insert(attachments)
    .values({ orgId: actor.orgId, storageKey: key, filename, mime, size: stored.size, sha256: stored.sha256, uploadedBy: actor.userId, createdAt: now })
    .returning({ id: attachments.id });
  return { id: row.id, filename, mime, size: stored.size, kind: verdict.kind, durationMs: null };
}

/** A recording: WebM/Opus (Chromium) is moved into Ogg so WhatsApp gets OGG/Opus; stored as .ogg. */
async function receiveVoice(db: DbOrTx, storage: Storage, actor: Actor, caps: ChannelCapabilities, incoming: Incoming, now: Date) {
  if (!caps.voiceNotes || !caps.media.voice) {
    await incoming.body.cancel().catch(() => {});
    throw new UploadRefused({ reason: "no_voice" }, incoming.filename);
  }
  const rule = caps.media.voice;
  const reader = incoming.body.getReader();
  const { chunks, head } = await readHead(reader);
  const sniffed = sniffMime(head, incoming.filename);
  if (sniffed !== "audio/webm" && sniffed !== "audio/ogg") {
    await reader.cancel().catch(() => {});
    throw new UploadRefused({ reason: "type", mime: sniffed ?? "application/octet-stream" }, incoming.filename);
  }
  const bytes = await readAll(reader, chunks, rule.maxBytes);
  if (!bytes) throw new UploadRefused({ reason: "too_large", kind: "voice", maxBytes: rule.maxBytes }, incoming.filename);
  let ogg = bytes;
  let durationMs = incoming.durationMs ?? null;
  if (sniffed === "audio/webm") {
    try {
      const remuxed = webmToOgg(bytes);
      ogg = remuxed.ogg;
      durationMs = remuxed.durationMs;
    } catch (e) {
      if (e instanceof RemuxError) throw new UploadRefused({ reason: "unreadable" }, incoming.filename);
      throw e;
    }
  }
  const verdict = checkMedia(caps, { mime: "audio/ogg", size: ogg.length, voice: true });
  if (!verdict.ok) throw new UploadRefused(verdict, incoming.filename);
  const stored = await storeBytes(storage, actor.orgId, ogg, "audio/ogg", now);
  const filename = nameFor("", "audio/ogg", now, "voice");
  const [row] = await db
    .insert(attachments)
    .values({ orgId: actor.orgId, ...stored, filename, mime: "audio/ogg", durationMs, uploadedBy: actor.userId, createdAt: now })
    .returning({ id: attachments.id });
  return { id: row.id, filename, mime: "audio/ogg", size: ogg.length, kind: "voice", durationMs };
}

/** Uploads of this agent that no message has taken yet (the composer's draft after a refusal). */
export async function pendingUploads(db: DbOrTx, actor: Actor, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: attachments.id, filename: attachments.filename, mime: attachments.mime, size: attachments.size, durationMs: attachments.durationMs })
    .from(attachments)
    .where(and(eq(attachments.orgId, actor.orgId), eq(attachments.uploadedBy, actor.userId), inArray(attachments.id, ids), isNull(attachments.messageId), isNull(attachments.contactId)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/** Of these storage keys, the ones no attachment row points to any more: their bytes may go. */
export async function keysNoRowUses(tx: DbOrTx, keys: string[]): Promise<string[]> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return [];
  const used = new Set((await tx.select({ key: attachments.storageKey }).from(attachments).where(inArray(attachments.storageKey, unique))).map((r) => r.key));
  return unique.filter((key) => !used.has(key));
}

/** An unsent upload is kept this long (a draft left open overnight still sends), then removed. */
export const UNSENT_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Removes uploads no message took within UNSENT_UPLOAD_TTL_MS: their rows, and their bytes unless
 * another row still uses them (a file shared from a contact's file box). A send taking one at that
 * moment keeps it: the row it has updated no longer qualifies. Returns how many rows went.
 */
export async function removeUnsentUploads(db: DbOrTx, storage: Storage, now: Date, batch = 500): Promise<number> {
  const before = new Date(now.getTime() - UNSENT_UPLOAD_TTL_MS);
  let removed = 0;
  for (;;) {
    const { count, unused } = await db.transaction(async (tx) => {
      const gone = await tx
        .delete(attachments)
        .where(
          inArray(
            attachments.id,
            tx
              .select({ id: attachments.id })
              .from(attachments)
              .where(and(isNull(attachments.messageId), isNull(attachments.contactId), lt(attachments.createdAt, before)))
              .limit(batch),
          ),
        )
        .returning({ storageKey: attachments.storageKey });
      return { count: gone.length, unused: await keysNoRowUses(tx, gone.map((g) => g.storageKey)) };
    });
    // Bytes go after the rows are gone for good; a failure leaves bytes nothing points to, never a row without bytes.
    for (const key of unused) await storage.delete(key);
    removed += count;
    if (count < batch) return removed;
  }
}
