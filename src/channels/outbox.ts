// The outbox worker: every agent send is a message row (visible at once as pending) plus an outbox
// row, written in one transaction. The worker claims due rows (SKIP LOCKED, so several processes
// share the work), sends through the channel's adapter, and records sent (with the provider's id),
// a retry with exponential backoff (network errors, 429, 5xx), or a failure with the provider's
// code and text. A conversation's sends go out one after another, in order: a send waits while an
// earlier one of its conversation is not done. A claim is short, committed before the provider is
// called and renewed while the send runs; if the process dies during a send, the claim runs out
// within seconds. Kanal cannot know whether the provider got that send, so it is never sent again
// on a guess: every send carries its outbox tag, which WhatsApp (status webhooks) and Messenger
// (echoes) send back, and that proof marks it sent (confirmSend). Without proof in time the message
// is shown "may not have been sent", with a retry the agent confirms.
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
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
import { commentSend, linkRecipient } from "../comments/sends";

export interface OutboxOptions {
  /** How long a claim lasts unless renewed; a running send renews it every third of this. */
  claimMs?: number;
  /** How long an interrupted send waits for the provider's proof before it is called unconfirmed. */
  proofMs?: number;
  maxAttempts?: number;
  batch?: number;
}

/** Passes woken by events are at least this far apart (a send waits at most this long). */
const WAKE_SPACING_MS = 50;

const DEFAULTS = { claimMs: 15_000, proofMs: 30_000, maxAttempts: 8, batch: 20 };

/** What a send carries for the provider to echo back: names the outbox row and its message. */
export function outboxTag(outboxId: number, messageId: number): string {
  return `kanal:${outboxId}:${messageId}`;
}

function readTag(tag: string): { outboxId: number; messageId: number } | null {
  const match = /^kanal:(\d{1,15}):(\d{1,15})$/.exec(tag);
  return match ? { outboxId: Number(match[1]), messageId: Number(match[2]) } : null;
}

const UNCONFIRMED = "Kanal stopped while sending this message and the provider has not confirmed it, so it may not have been sent. Retry only if the customer did not get it.";

/** 1 s, 2 s, 4 s … capped at 5 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1_000 * 2 ** (attempt - 1), 300_000);
}

type Claimed = { id: number; messageId: number; attempts: number; conversationId: number };

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
    // At most one send per conversation is claimed at a time; different conversations go in parallel,
    // and each goes on with its next send as soon as one is done.
    const heads = await this.claim();
    const counts = await Promise.all(
      heads.map(async (head) => {
        let row: Claimed | undefined = head;
        let count = 0;
        while (row) {
          await this.deliver(row);
          count++;
          [row] = await this.claim(row.conversationId);
        }
        return count;
      }),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Due sends with no earlier unfinished send in their conversation (one of a conversation, if given). */
  private async claim(conversationId?: number): Promise<Claimed[]> {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .innerJoin(messages, eq(messages.id, outbox.messageId))
      .where(
        and(
          isNull(outbox.doneAt),
          isNull(outbox.lockedUntil),
          isNull(outbox.interruptedAt),
          lte(outbox.nextAttemptAt, now),
          conversationId === undefined ? undefined : eq(messages.conversationId, conversationId),
          sql`not exists (select from outbox earlier join messages em on em.id = earlier.message_id
            where earlier.done_at is null and em.conversation_id = ${messages.conversationId} and earlier.message_id < ${outbox.messageId})`,
        ),
      )
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(this.options.batch)
      .for("update", { of: outbox, skipLocked: true });
    const claimed = await db
      .update(outbox)
      .set({ lockedUntil: new Date(now.getTime() + this.options.claimMs), attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, due))
      .returning({ id: outbox.id, messageId: outbox.messageId, attempts: outbox.attempts });
    if (claimed.length === 0) return [];
    const owners = await db.select({ id: messages.id, conversationId: messages.conversationId }).from(messages).where(inArray(messages.id, claimed.map((c) => c.messageId)));
    const conversationOf = new Map(owners.map((o) => [o.id, o.conversationId]));
    return claimed.map((c) => ({ ...c, conversationId: conversationOf.get(c.messageId)! }));
  }

  /**
   * Claims whose holder vanished mid-send wait for the provider's proof (channels that echo the
   * outbox tag); without it in time, or on channels that cannot prove a send, the message is shown
   * "may not have been sent" with a retry — never re-sent on a guess.
   */
  private async recoverInterrupted() {
    const { db } = this.deps.database;
    const now = this.deps.clock.now();
    const stale = await db
      .select({ id: outbox.id, messageId: outbox.messageId, kind: channels.kind })
      .from(outbox)
      .innerJoin(messages, eq(messages.id, outbox.messageId))
      .innerJoin(channels, eq(channels.id, messages.channelId))
      .where(and(isNull(outbox.doneAt), isNotNull(outbox.lockedUntil), lt(outbox.lockedUntil, now)));
    const provable = stale.filter((row) => capabilities[row.kind].echoesSends);
    if (provable.length) {
      await db
        .update(outbox)
        .set({ lockedUntil: null, interruptedAt: now, nextAttemptAt: new Date(now.getTime() + this.options.proofMs) })
        .where(and(inArray(outbox.id, provable.map((row) => row.id)), isNull(outbox.doneAt), lt(outbox.lockedUntil, now)));
    }
    for (const row of stale.filter((row) => !capabilities[row.kind].echoesSends)) {
      await this.settle(row.id, row.messageId, { outcome: "failed", code: "unconfirmed", text: UNCONFIRMED, onlyIf: lt(outbox.lockedUntil, now) });
    }
    const unproven = await db
      .select({ id: outbox.id, messageId: outbox.messageId })
      .from(outbox)
      .where(and(isNull(outbox.doneAt), isNotNull(outbox.interruptedAt), lte(outbox.nextAttemptAt, now)));
    for (const row of unproven) {
      await this.settle(row.id, row.messageId, { outcome: "failed", code: "unconfirmed", text: UNCONFIRMED, onlyIf: and(isNotNull(outbox.interruptedAt), isNull(outbox.lockedUntil)) });
    }
  }

  private async deliver(row: Claimed) {
    // The batch's claim may have run out while earlier messages of the conversation were sent:
    // renew it for this row, or leave the row to whoever took it over.
    if (!(await this.renewClaim(row))) return;
    const heartbeat = setInterval(() => void this.renewClaim(row).catch(() => {}), this.options.claimMs / 3);
    try {
      await this.send(row);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async send(row: Claimed) {
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
      const { providerMessageId, warning, recipientId } = await adapter.send(outgoing.account, { ...outgoing.message, outboxTag: outboxTag(row.id, row.messageId) });
      if (warning) this.deps.log.warn("sent with a problem", { messageId: row.messageId, warning });
      // A private reply names the commenter's chat id: their later messages find the same contact.
      if (recipientId) await linkRecipient(this.deps.database.db, row.messageId, recipientId, this.deps.clock.now());
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
    const comment = commentSend(row.message.metadata);
    const humanAgentTag = !comment && (row.channel.kind === "messenger" || row.channel.kind === "instagram") && standard !== null && this.deps.clock.now().getTime() - lastInbound > standard;
    const interactive = row.message.metadata.interactive as OutgoingMessage["interactive"] | undefined;
    const message: OutgoingMessage = { messageId, to: to ?? "", kind: row.message.kind, body: row.message.body, file: stored, replyToProviderId, template, humanAgentTag, comment, interactive };
    return { message, account: accountOf(this.deps.config, row.channel) };
  }

  private async settle(
    outboxId: number,
    messageId: number,
    result: { outcome: "sent"; providerMessageId: string } | { outcome: "failed"; code: string; text: string; onlyIf?: SQL },
  ) {
    const database: Database = this.deps.database;
    const now = this.deps.clock.now();
    // Only the message knows its organization.
    await commit<{ orgId: number; eventId: number } | null>(database, (change) => change.orgId, (db) => db.transaction(async (tx) => {
      const done = await tx
        .update(outbox)
        .set({ doneAt: now, lockedUntil: null, lastError: result.outcome === "failed" ? `${result.code}: ${result.text}`.slice(0, 500) : null })
        .where(and(eq(outbox.id, outboxId), isNull(outbox.doneAt), result.outcome === "failed" ? result.onlyIf : undefined))
        .returning({ id: outbox.id });
      if (done.length === 0) {
        // Called unconfirmed meanwhile, yet the provider took it: the truth is "sent".
        if (result.outcome !== "sent") return null;
        const [late] = await tx
          .update(messages)
          .set({ providerMessageId: result.providerMessageId, delivery: "sent", errorCode: null, errorText: null, sentAt: now })
          .where(and(eq(messages.id, messageId), eq(messages.delivery, "failed"), eq(messages.errorCode, "unconfirmed")))
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

/**
 * The provider's proof of a send (its status or echo carrying the outbox tag): the message is sent,
 * whether its sender is still waiting for the answer, died meanwhile, or it was called unconfirmed.
 */
export async function confirmSend(database: Database, account: { id: number; orgId: number }, tag: string, providerMessageId: string, now: Date): Promise<void> {
  const ref = readTag(tag);
  if (!ref) return;
  await commit(database, account.orgId, (db) => db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: outbox.id, conversationId: messages.conversationId })
      .from(outbox)
      .innerJoin(messages, eq(messages.id, outbox.messageId))
      .where(and(eq(outbox.id, ref.outboxId), eq(outbox.messageId, ref.messageId), eq(messages.channelId, account.id), eq(messages.orgId, account.orgId)))
      .for("update", { of: outbox });
    if (!row) return null;
    await tx.update(outbox).set({ doneAt: now, lockedUntil: null, interruptedAt: null, lastError: null }).where(and(eq(outbox.id, row.id), isNull(outbox.doneAt)));
    const [message] = await tx
      .update(messages)
      .set({ providerMessageId: sql`coalesce(${messages.providerMessageId}, ${providerMessageId})`, delivery: "sent", errorCode: null, errorText: null, sentAt: sql`coalesce(${messages.sentAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(messages.id, ref.messageId), or(eq(messages.delivery, "pending"), and(eq(messages.delivery, "failed"), eq(messages.errorCode, "unconfirmed")))))
      .returning({ id: messages.id });
    if (!message) return null;
    return recordEvent(tx, { orgId: account.orgId, type: "delivery_changed", conversationId: row.conversationId, data: { messageId: ref.messageId, delivery: "sent" }, createdAt: now });
  }));
}
