// The outbox worker: every agent send is a message row (visible at once as pending) plus an outbox
// row, written in one transaction. The worker claims due rows (SKIP LOCKED, so several processes
// share the work), sends through the channel's adapter, and records sent (with the provider's id),
// a retry with exponential backoff (network errors, 429, 5xx), or a failure with the provider's
// code and text. A claim is committed before the provider is called: if the process dies during a
// send, the claim expires and the message is shown failed ("interrupted") with a retry button,
// because Kanal cannot know whether the provider got it — never lost, never sent twice on its own.
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, sql } from "drizzle-orm";
import type { Database } from "@db/client";
import { attachments, channels, contactIdentities, contacts, conversations, messages, outbox } from "@db/schema";
import type { Deps } from "../context";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { storageFor } from "../media/storage";
import { accountOf } from "./accounts";
import { adaptersFor } from "./adapters";
import { capabilities } from "./capabilities";
import { ProviderError, type OutgoingMessage } from "./types";

export interface OutboxOptions {
  /** How long a claimed send may take before it counts as interrupted. */
  claimMs?: number;
  maxAttempts?: number;
  batch?: number;
}

/** Passes woken by events are at least this far apart (a send waits at most this long). */
const WAKE_SPACING_MS = 50;

const DEFAULTS = { claimMs: 120_000, maxAttempts: 8, batch: 20 };

/** 1 s, 2 s, 4 s … capped at 5 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1_000 * 2 ** (attempt - 1), 300_000);
}

type Claimed = { id: number; messageId: number; attempts: number };

export class OutboxWorker {
  private options: typeof DEFAULTS;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<number> | null = null;
  private again = false;
  private soon: ReturnType<typeof setTimeout> | null = null;
  private lastRun = 0;

  constructor(
    private deps: Deps,
    options: OutboxOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Polls every `intervalMs`, and runs at once when woken (a new send in this or another process). */
  start(intervalMs = 1_000) {
    this.timer ??= setInterval(() => this.wake(), intervalMs);
    this.wake();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.timer = null;
    this.soon = null;
  }

  /** Runs a pass soon; only once started (tests drive `runOnce` themselves). */
  wake() {
    if (!this.timer) return;
    if (this.running || this.soon) {
      this.again = true;
      return;
    }
    // Every event of every organization wakes the worker: passes are spaced a little, so a burst
    // of inbound traffic costs a pass per interval, not two queries per event.
    const wait = this.lastRun + WAKE_SPACING_MS - Date.now();
    if (wait > 0) {
      this.soon = setTimeout(() => {
        this.soon = null;
        this.wake();
      }, wait);
      return;
    }
    this.lastRun = Date.now();
    this.running = this.runOnce()
      .catch((error) => {
        this.deps.log.error("outbox run failed", { error });
        return 0;
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Waits for the current run, if any. */
  async settled() {
    while (this.running) await this.running;
  }

  /** One pass: recover interrupted sends, claim what is due, send it. Returns how many were sent or settled. */
  async runOnce(): Promise<number> {
    await this.recoverInterrupted();
    const claimed = await this.claim();
    // Messages of one conversation go out in order; different conversations in parallel.
    const byConversation = new Map<number, Claimed[]>();
    const owners = claimed.length
      ? await this.deps.database.db.select({ id: messages.id, conversationId: messages.conversationId }).from(messages).where(inArray(messages.id, claimed.map((c) => c.messageId)))
      : [];
    const conversationOf = new Map(owners.map((o) => [o.id, o.conversationId]));
    for (const row of claimed.sort((a, b) => a.messageId - b.messageId)) {
      const key = conversationOf.get(row.messageId) ?? -row.id;
      byConversation.set(key, [...(byConversation.get(key) ?? []), row]);
    }
    await Promise.all([...byConversation.values()].map(async (rows) => {
      for (const row of rows) await this.deliver(row);
    }));
    return claimed.length;
  }

  private async claim(): Promise<Claimed[]> {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNull(outbox.doneAt), isNull(outbox.lockedUntil), lte(outbox.nextAttemptAt, now)))
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(this.options.batch)
      .for("update", { skipLocked: true });
    return db
      .update(outbox)
      .set({ lockedUntil: new Date(now.getTime() + this.options.claimMs), attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning({ id: outbox.id, messageId: outbox.messageId, attempts: outbox.attempts });
  }

  /** Claims whose holder vanished mid-send: shown failed with a retry, never re-sent on a guess. */
  private async recoverInterrupted() {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const stale = await db
      .select({ id: outbox.id, messageId: outbox.messageId })
      .from(outbox)
      .where(and(isNull(outbox.doneAt), isNotNull(outbox.lockedUntil), lt(outbox.lockedUntil, now)));
    for (const row of stale) {
      await this.settle(row.id, row.messageId, {
        outcome: "failed",
        code: "interrupted",
        text: "Kanal stopped while sending this message, so it may or may not have reached the customer. Retry to send it again.",
        onlyIfLockedBefore: now,
      });
    }
  }

  private async deliver(row: Claimed) {
    // The batch's claim may have run out while earlier messages of the conversation were sent:
    // renew it for this row, or leave the row to whoever took it over.
    if (!(await this.renewClaim(row))) return;
    let outgoing: { message: OutgoingMessage; account: ReturnType<typeof accountOf> } | null;
    try {
      outgoing = await this.load(row.messageId);
    } catch (e) {
      const error = e instanceof ProviderError ? e : new ProviderError("internal", e instanceof Error ? e.message : String(e), true);
      return this.afterError(row, error);
    }
    if (!outgoing) return this.settle(row.id, row.messageId, { outcome: "failed", code: "no_recipient", text: "This contact has no address on this channel." });
    try {
      const adapter = adaptersFor(this.deps.config)[outgoing.account.kind];
      const { providerMessageId, warning } = await adapter.send(outgoing.account, outgoing.message);
      if (warning) this.deps.log.warn("sent with a problem", { messageId: row.messageId, warning });
      await this.settle(row.id, row.messageId, { outcome: "sent", providerMessageId });
    } catch (e) {
      const error = e instanceof ProviderError ? e : new ProviderError("internal", e instanceof Error ? e.message : String(e), false);
      await this.afterError(row, error);
    }
  }

  private async renewClaim(row: Claimed): Promise<boolean> {
    const now = this.deps.clock.now();
    const renewed = await this.deps.database.db
      .update(outbox)
      .set({ lockedUntil: new Date(now.getTime() + this.options.claimMs) })
      .where(and(eq(outbox.id, row.id), eq(outbox.attempts, row.attempts), isNull(outbox.doneAt), isNotNull(outbox.lockedUntil), gt(outbox.lockedUntil, now)))
      .returning({ id: outbox.id });
    return renewed.length > 0;
  }

  private async afterError(row: Claimed, error: ProviderError) {
    if (error.retryable && row.attempts < this.options.maxAttempts) {
      await this.deps.database.db
        .update(outbox)
        .set({ lockedUntil: null, lastError: `${error.code}: ${error.text}`.slice(0, 500), nextAttemptAt: new Date(this.deps.clock.now().getTime() + retryDelayMs(row.attempts)) })
        .where(eq(outbox.id, row.id));
      return;
    }
    await this.settle(row.id, row.messageId, { outcome: "failed", code: error.code, text: error.text });
  }

  /** Everything the adapter needs: recipient, text, file, template, reply context, window tag. */
  private async load(messageId: number) {
    const { db } = this.deps.database;
    const [row] = await db
      .select({ message: messages, conversation: conversations, channel: channels, phone: contacts.phone })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(eq(messages.id, messageId));
    if (!row) return null;
    const [identity] = await db
      .select({ externalId: contactIdentities.externalId })
      .from(contactIdentities)
      .where(and(eq(contactIdentities.contactId, row.conversation.contactId), eq(contactIdentities.channelId, row.channel.id)));
    const to = identity?.externalId ?? (row.channel.kind === "whatsapp" && row.phone ? row.phone.replace(/\D/g, "") : null);
    if (!to && row.channel.kind !== "webchat" && row.channel.kind !== "support") return null;
    const [file] = await db.select().from(attachments).where(eq(attachments.messageId, messageId)).orderBy(asc(attachments.id)).limit(1);
    let stored: OutgoingMessage["file"];
    if (file) {
      const found = await storageFor(this.deps.config).read(file.storageKey);
      if (!found) throw new ProviderError("file_missing", `The file ${file.filename} is no longer in storage.`, false);
      // Read whole (at most the channel's limit): a lazy S3 file does not survive being re-wrapped in a form.
      stored = { bytes: new Blob([await found.blob.arrayBuffer()], { type: file.mime }), mime: file.mime, filename: file.filename };
    }
    let replyToProviderId: string | null = null;
    if (row.message.replyToId) {
      const [target] = await db.select({ id: messages.providerMessageId }).from(messages).where(eq(messages.id, row.message.replyToId));
      replyToProviderId = target?.id ?? null;
    }
    const template = row.message.metadata.template as OutgoingMessage["template"] | undefined;
    const standard = capabilities[row.channel.kind].standardWindowMs;
    const lastInbound = row.conversation.lastInboundAt?.getTime() ?? 0;
    const humanAgentTag = (row.channel.kind === "messenger" || row.channel.kind === "instagram") && standard !== null && this.deps.clock.now().getTime() - lastInbound > standard;
    const message: OutgoingMessage = { messageId, to: to ?? "", kind: row.message.kind, body: row.message.body, file: stored, replyToProviderId, template, humanAgentTag };
    return { message, account: accountOf(this.deps.config, row.channel) };
  }

  private async settle(
    outboxId: number,
    messageId: number,
    result: { outcome: "sent"; providerMessageId: string } | { outcome: "failed"; code: string; text: string; onlyIfLockedBefore?: Date },
  ) {
    const database: Database = this.deps.database;
    const now = this.deps.clock.now();
    // Only the message knows its organization.
    await commit<{ orgId: number; eventId: number } | null>(database, (change) => change.orgId, (db) => db.transaction(async (tx) => {
      const done = await tx
        .update(outbox)
        .set({ doneAt: now, lockedUntil: null, lastError: result.outcome === "failed" ? `${result.code}: ${result.text}`.slice(0, 500) : null })
        .where(and(eq(outbox.id, outboxId), isNull(outbox.doneAt), result.outcome === "failed" && result.onlyIfLockedBefore ? lt(outbox.lockedUntil, result.onlyIfLockedBefore) : undefined))
        .returning({ id: outbox.id });
      if (done.length === 0) {
        // Recovered as "interrupted" meanwhile, yet the provider took it: the truth is "sent".
        if (result.outcome !== "sent") return null;
        const [late] = await tx
          .update(messages)
          .set({ providerMessageId: result.providerMessageId, delivery: "sent", errorCode: null, errorText: null, sentAt: now })
          .where(and(eq(messages.id, messageId), eq(messages.delivery, "failed"), eq(messages.errorCode, "interrupted")))
          .returning({ orgId: messages.orgId, conversationId: messages.conversationId });
        if (!late) return null;
        await tx.update(outbox).set({ doneAt: now, lockedUntil: null, lastError: null }).where(eq(outbox.id, outboxId));
        const eventId = await recordEvent(tx, { orgId: late.orgId, type: "delivery_changed", conversationId: late.conversationId, data: { messageId, delivery: "sent" }, createdAt: now });
        return { orgId: late.orgId, eventId };
      }
      const [message] =
        result.outcome === "sent"
          ? await tx
              .update(messages)
              .set({
                providerMessageId: result.providerMessageId,
                // A status webhook may already have moved it further; never move it back.
                delivery: sql`case when ${messages.delivery} = 'pending' then 'sent' else ${messages.delivery} end`,
                sentAt: sql`coalesce(${messages.sentAt}, ${now.toISOString()}::timestamptz)`,
              })
              .where(eq(messages.id, messageId))
              .returning({ orgId: messages.orgId, conversationId: messages.conversationId, delivery: messages.delivery })
          : await tx
              .update(messages)
              .set({ delivery: "failed", errorCode: result.code.slice(0, 64), errorText: result.text.slice(0, 1000) })
              .where(eq(messages.id, messageId))
              .returning({ orgId: messages.orgId, conversationId: messages.conversationId, delivery: messages.delivery });
      if (!message) return null;
      const eventId = await recordEvent(tx, {
        orgId: message.orgId,
        type: "delivery_changed",
        conversationId: message.conversationId,
        data: { messageId, delivery: message.delivery, ...(result.outcome === "failed" ? { errorCode: result.code } : {}) },
        createdAt: now,
      });
      return { orgId: message.orgId, eventId };
    }));
  }
}
