// An inbound message's file, fetched from the provider. The message is stored at once with its
// text; a file that cannot be fetched yet is tried again with backoff a bounded number of times
// (MAX_MEDIA_ATTEMPTS), then the message says "media unavailable" and an agent may try again.
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Database, DbOrTx } from "@db/client";
import { attachments, conversations, mediaDownloads, messages } from "@db/schema";
import type { Actor, Deps } from "../context";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { storageFor, storeBytes } from "../media/storage";
import { SNIFF_BYTES, sniffMime } from "../media/sniff";
import { plainFilename } from "../names";
import { assertMaySee } from "../inbox/visibility";
import { accountOf } from "./accounts";
import { adaptersFor } from "./adapters";
import { channels } from "@db/schema";
import { ProviderError, type ChannelAccount, type MediaRef } from "./types";

/** Tries of one file (the first, inline, included) before the message shows it as unavailable. */
export const MAX_MEDIA_ATTEMPTS = 5;
const LEASE_MS = 60_000;

/** 30 s, 1 min, 2 min, 4 min … : a CDN hiccup heals within the first tries, an expired link never does. */
export function mediaBackoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** (attempt - 1), 30 * 60_000);
}

/** The provider's file in Kanal's storage; its type read from the bytes, not the sender's claim. */
export async function downloadMedia(deps: Deps, account: ChannelAccount, ref: MediaRef) {
  const adapter = adaptersFor(deps.config)[account.kind];
  const fetched = await adapter.fetchMedia(account, ref);
  const bytes = new Uint8Array(await fetched.bytes.arrayBuffer());
  const filename = plainFilename(fetched.filename);
  const mime = sniffMime(bytes.subarray(0, SNIFF_BYTES), filename) ?? "application/octet-stream";
  const stored = await storeBytes(storageFor(deps.config), account.orgId, bytes, mime, deps.clock.now());
  return { ...stored, filename, mime };
}

export type DownloadedFile = Awaited<ReturnType<typeof downloadMedia>>;

/** Why a fetch failed, and whether waiting can mend it (network, 5xx, 429) or not (too large, off Meta's hosts). */
export function failureOf(e: unknown): { text: string; retryable: boolean } {
  if (e instanceof ProviderError) return { text: `${e.code}: ${e.text}`.slice(0, 500), retryable: e.retryable };
  return { text: (e instanceof Error ? e.message : String(e)).slice(0, 500), retryable: true };
}

/**
 * Queues a message's file after its first try failed: tried again later when waiting may help,
 * else left failed at once (the agent may still try again: links are sometimes renewed).
 */
export async function queueMediaDownload(db: DbOrTx, account: ChannelAccount, messageId: number, ref: MediaRef, failure: { text: string; retryable: boolean }, now: Date): Promise<void> {
  await db
    .insert(mediaDownloads)
    .values({
      messageId,
      orgId: account.orgId,
      channelId: account.id,
      ref: { ...ref },
      attempts: 1,
      lastError: failure.text,
      nextAttemptAt: new Date(now.getTime() + mediaBackoffMs(1)),
      failedAt: failure.retryable ? null : now,
    })
    .onConflictDoNothing();
}

/** The message's attachment, as the inline download and the retries store it. */
export async function attachFile(db: DbOrTx, orgId: number, messageId: number, file: DownloadedFile, at: Date): Promise<void> {
  const [message] = await db
    .select({ contactId: conversations.contactId })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(eq(messages.id, messageId));
  if (!message) return;
  await db.insert(attachments).values({ orgId, messageId, contactId: message.contactId, ...file, createdAt: at });
}

/** The retry job: due files are leased (other processes skip them), fetched, and stored or counted. */
export async function processDueMediaDownloads(deps: Deps, limit = 20): Promise<number> {
  const { db } = deps.database;
  const now = deps.clock.now();
  const leased = await db
    .update(mediaDownloads)
    .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(
      inArray(
        mediaDownloads.messageId,
        db.select({ id: mediaDownloads.messageId }).from(mediaDownloads).where(and(isNull(mediaDownloads.failedAt), lte(mediaDownloads.nextAttemptAt, now))).orderBy(mediaDownloads.nextAttemptAt).limit(limit),
      ),
    )
    .returning();
  for (const row of leased) await tryDownload(deps, row);
  return leased.length;
}

async function tryDownload(deps: Deps, row: typeof mediaDownloads.$inferSelect): Promise<void> {
  const { database, clock } = deps;
  const [channel] = await database.db.select().from(channels).where(eq(channels.id, row.channelId));
  if (!channel) return;
  const account = accountOf(deps.config, channel);
  let file: DownloadedFile | null = null;
  let failure: { text: string; retryable: boolean } | null = null;
  try {
    file = await downloadMedia(deps, account, row.ref as MediaRef);
  } catch (e) {
    failure = failureOf(e);
  }
  const now = clock.now();
  const attempt = row.attempts + 1;
  const gaveUp = !!failure && (!failure.retryable || attempt >= MAX_MEDIA_ATTEMPTS);
  await commit(database, row.orgId, (db) =>
    db.transaction(async (tx) => {
      if (file) {
        await tx.delete(mediaDownloads).where(eq(mediaDownloads.messageId, row.messageId));
        await attachFile(tx, row.orgId, row.messageId, file, now);
      } else {
        await tx
          .update(mediaDownloads)
          .set({ attempts: attempt, lastError: failure!.text, nextAttemptAt: new Date(now.getTime() + mediaBackoffMs(attempt)), failedAt: gaveUp ? now : null })
          .where(eq(mediaDownloads.messageId, row.messageId));
        if (!gaveUp) return { eventIds: [] };
      }
      const state = file ? sql`${messages.metadata} - 'media' - 'mediaError'` : sql`${messages.metadata} || jsonb_build_object('media', 'unavailable')`;
      const [message] = await tx.update(messages).set({ metadata: state }).where(eq(messages.id, row.messageId)).returning({ conversationId: messages.conversationId });
      if (!message) return { eventIds: [] };
      const eventId = await recordEvent(tx, { orgId: row.orgId, type: "message_updated", conversationId: message.conversationId, data: { messageId: row.messageId, media: file ? "stored" : "unavailable" }, createdAt: now });
      return { eventIds: [eventId], conversationId: message.conversationId };
    }),
  );
  if (gaveUp) deps.log.warn("inbound media unavailable after its last try", { messageId: row.messageId, channelId: row.channelId, attempts: attempt, error: failure!.text });
}

/**
 * An agent asks for a file again: its download is due now, with a fresh count of tries. Only for a
 * file that is unavailable, in a conversation the agent may see.
 */
export async function retryMediaDownload(database: Database, actor: Actor, conversationId: number, messageId: number, now: Date): Promise<boolean> {
  await assertMaySee(database.db, actor, conversationId);
  const done = await commit(database, actor.orgId, (db) =>
    db.transaction(async (tx) => {
      const [message] = await tx
        .update(messages)
        .set({ metadata: sql`${messages.metadata} || jsonb_build_object('media', 'pending')` })
        .where(and(eq(messages.id, messageId), eq(messages.orgId, actor.orgId), eq(messages.conversationId, conversationId), sql`${messages.metadata}->>'media' = 'unavailable'`))
        .returning({ id: messages.id });
      if (!message) return { eventIds: [], retried: false };
      await tx.update(mediaDownloads).set({ attempts: 0, failedAt: null, nextAttemptAt: now }).where(eq(mediaDownloads.messageId, messageId));
      const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "message_updated", conversationId, actorId: actor.userId, data: { messageId, media: "pending" }, createdAt: now });
      return { eventIds: [eventId], conversationId, retried: true };
    }),
  );
  return done.retried;
}
