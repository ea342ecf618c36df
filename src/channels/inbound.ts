// Webhook deliveries: stored raw before they are acknowledged, then processed from the table —
// inline right after the acknowledgement, and by a job for anything a crash or an error left behind.
// The most common one (a message for an open conversation) is applied with others arriving at the
// same time, in one statement that also marks its delivery processed.
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { fixedStatement, inOrder, type Database } from "@db/client";
import { attachments, contactIdentities, conversations, messages, webhookDeliveries, type DeliveryState } from "@db/schema";
import type { Deps } from "../context";
import { parsePayload } from "../plain-text";
import { appendInboundDeliveries, ingestInbound, type Appended, type AtOpening, type Inbound } from "../inbox/customer-messages";
import { openAtOpening } from "../routing/at-opening";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { storageFor, storeBytes } from "../media/storage";
import { accountOf } from "./accounts";
import { adaptersFor } from "./adapters";
import { ProviderError, type ChannelAccount, type InboundEvent, type InboundMessage, type InboundStatus, type InboundWatermark } from "./types";
import { channels } from "@db/schema";
import { windowEndsAt } from "./windows";
import { GroupCommit } from "./group-commit";
import { neutralise, plainFilename } from "../names";
import { SNIFF_BYTES, sniffMime } from "../media/sniff";
import { applyEcho } from "./echoes";
import { applyTaggedStatus, applyWatermark } from "./statuses";
import { storeComment } from "../comments/ingest";
import { applyReaction } from "./reactions";
import { applyIdentityChange } from "./identity-changes";
import { applyEdit, applyUnsend } from "./message-edits";
import { applyReferral, keepReferral } from "./referrals";
import { recordUnhandled } from "./unhandled";
import { joinIdentities } from "./identities";
import { attachFile, downloadMedia, failureOf, queueMediaDownload, type DownloadedFile } from "./media-downloads";
import type { InboundUnhandled } from "./types";

/** The items a delivery carries that Kanal does not handle, a message it cannot show among them (the message is still stored). */
function unhandledOf(events: InboundEvent[]): InboundUnhandled[] {
  const out: InboundUnhandled[] = [];
  for (const e of events) {
    if (e.type === "unhandled") out.push(e);
    else if (e.type === "message" && e.kind === "unsupported") out.push({ type: "unhandled", kind: `message:${String(e.metadata.providerType ?? "unknown")}`, example: e.providerMessageId });
  }
  return out;
}

/**
 * How long a processing attempt holds a delivery before the retry job may take it: short, so a
 * crashed process's deliveries are taken over within seconds, and renewed while the work runs.
 */
export const LEASE_MS = 15_000;
/** Statuses naming a message Kanal has not recorded yet (its send is still being recorded) wait this many tries. */
const UNKNOWN_STATUS_TRIES = 6;
/**
 * A delivery that still fails after this many attempts (about 17 minutes of backoff) will not be
 * mended by waiting: it is parked as failed with its reason, for an admin to see and retry by hand.
 */
export const MAX_DELIVERY_ATTEMPTS = 10;

export class RetryLater extends Error {}

/**
 * Stores a verified webhook body; resolves with its delivery id once it is committed, and the caller
 * acknowledges only then. Bodies arriving while others are being committed share the next statement
 * (group-commit.ts). The delivery is leased for LEASE_MS: processStored applies it meanwhile, and the
 * retry job takes it only if that did not happen.
 */
export function storeDelivery(deps: Deps, channelId: number, body: string): Promise<number> {
  return deliveryCommits(deps).run({ channelId, body });
}

/** One GroupCommit per database, made with the first caller's deps: a process's batches of a kind share one line. */
function perDatabase<Item, Result>(make: (deps: Deps) => GroupCommit<Item, Result>): (deps: Deps) => GroupCommit<Item, Result> {
  const groups = new WeakMap<Database, GroupCommit<Item, Result>>();
  return (deps) => {
    let group = groups.get(deps.database);
    if (!group) groups.set(deps.database, (group = make(deps)));
    return group;
  };
}

const deliveryCommits = perDatabase(
  ({ database, clock }) =>
    new GroupCommit<{ channelId: number; body: string }, number>(async (items) => {
      const now = clock.now();
      const rows = await storeDeliveriesStatement(database.intake, {
        rows: JSON.stringify(items.map((item, n) => ({ n, channel_id: item.channelId, body: item.body }))),
        receivedAt: now.toISOString(),
        leasedUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
      });
      return inOrder(items.length, rows).map((row) => Number(row.id));
    }),
);

/** Delivery rows for these bodies, their ids taken in order first so each row of the answer names its own. */
const storeDeliveriesStatement = fixedStatement<{ n: number; id: number }>(
  () => sql`with input as (
      select d.n, d.channel_id, d.body, nextval('webhook_deliveries_id_seq') as id
      from json_to_recordset(${sql.placeholder("rows")}::json) as d(n int, channel_id bigint, body text)
      order by d.n
    ),
    stored as (
      insert into webhook_deliveries (id, channel_id, body, created_at, next_attempt_at)
      select id, channel_id, body, ${sql.placeholder("receivedAt")}::timestamptz, ${sql.placeholder("leasedUntil")}::timestamptz from input
    )
    select n, id::float8 as id from input`,
);

/**
 * Applies a webhook the route has just stored and acknowledged. The most common one, a single
 * message without a file from a customer whose conversation is open, is applied with others
 * arriving at the same time in one statement (applyAppending); anything else, or that failing,
 * goes through processDelivery.
 */
export async function processStored(deps: Deps, deliveryId: number, account: ChannelAccount, events: InboundEvent[]): Promise<void> {
  const [only] = events;
  if (events.length === 1 && only.type === "message" && !only.media && !only.referral && only.kind !== "unsupported") {
    try {
      // A duplicate reports no events: nothing is published.
      const change = await commit(deps.database, account.orgId, () => applyAppending(deps, deliveryId, inboundOf(account, only, only.contactName)));
      // The customer's other id (a WhatsApp BSUID beside the phone) joins the contact the message found.
      if (change && only.aliases?.length) await joinIdentities(deps.database, account, only.externalId, only.aliases, only.phone, only.at).catch((e) => deps.log.warn("identities not joined", { channelId: account.id, error: e instanceof Error ? e.message : String(e) }));
      if (change) return;
    } catch (e) {
      deps.log.warn("webhook could not be applied at once; processing it on its own", { channelId: account.id, deliveryId, error: e instanceof Error ? e.message : String(e) });
    }
  }
  await processDelivery(deps, deliveryId, { account, events });
}

/** Processes one stored delivery; failures are recorded with a backoff and retried, never dropped. */
export async function processDelivery(
  deps: Deps,
  deliveryId: number,
  /** The webhook route hands over what it just stored and parsed, so it is not read back. */
  fresh?: { account: ChannelAccount; events: InboundEvent[] },
): Promise<"processed" | "retry" | "failed"> {
  const renew = () =>
    deps.database.db
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(deps.clock.now().getTime() + LEASE_MS) })
      .where(and(eq(webhookDeliveries.id, deliveryId), isNull(webhookDeliveries.processedAt)))
      .catch(() => {});
  const heartbeat = setInterval(() => void renew(), LEASE_MS / 3);
  try {
    return await processLeased(deps, deliveryId, fresh);
  } finally {
    clearInterval(heartbeat);
  }
}

async function processLeased(deps: Deps, deliveryId: number, fresh?: { account: ChannelAccount; events: InboundEvent[] }): Promise<"processed" | "retry" | "failed"> {
  const { db } = deps.database;
  let attempt = 1;
  let account: ChannelAccount;
  let events: InboundEvent[];
  if (fresh) {
    ({ account, events } = fresh);
  } else {
    const [row] = await db
      .select({ delivery: webhookDeliveries, channel: channels })
      .from(webhookDeliveries)
      .innerJoin(channels, eq(channels.id, webhookDeliveries.channelId))
      .where(eq(webhookDeliveries.id, deliveryId));
    if (!row || row.delivery.processedAt) return "processed";
    attempt = row.delivery.attempts + 1;
    try {
      account = accountOf(deps.config, row.channel);
      events = adaptersFor(deps.config)[account.kind].parse(account, parsePayload(row.delivery.body));
    } catch (e) {
      return failed(deps, deliveryId, attempt, e);
    }
  }
  try {
    let unknownStatuses = 0;
    const unhandled = unhandledOf(events);
    for (const event of events) {
      if (event.type === "message") await storeInboundMessage(deps, account, event);
      else if (event.type === "unhandled") continue;
      else if (event.type === "edit") unknownStatuses += (await applyEdit(deps.database, account, event)) === "unknown" ? 1 : 0;
      else if (event.type === "unsend") unknownStatuses += (await applyUnsend(deps.database, account, event)) === "unknown" ? 1 : 0;
      else if (event.type === "referral") {
        if ((await applyReferral(deps.database, account, event, deps.clock.now())) === "none") unhandled.push({ type: "unhandled", kind: "referral:no_conversation", example: JSON.stringify(event.referral) });
      } else if (event.type === "echo") unknownStatuses += (await applyEcho(deps.database, account, event, deps.clock.now(), attempt >= UNKNOWN_STATUS_TRIES)) === "unknown" ? 1 : 0;
      else if (event.type === "comment") await storeComment(deps, account, event);
      else if (event.type === "status") unknownStatuses += (await applyTaggedStatus(deps.database, account, event, deps.clock.now())) === "unknown" ? 1 : 0;
      else if (event.type === "reaction") unknownStatuses += (await applyReaction(deps.database, account, event)) === "unknown" ? 1 : 0;
      else if (event.type === "identity") await applyIdentityChange(deps.database, account, event);
      else await applyWatermark(deps.database, account, event);
    }
    if (unknownStatuses > 0 && attempt < UNKNOWN_STATUS_TRIES) throw new RetryLater(`${unknownStatuses} status(es), reaction(s), edit(s) or echo(es) for messages not recorded yet`);
    if (unhandled.length) {
      deps.log.warn("webhook carried items Kanal does not handle; kept in the delivery", { channelId: account.id, deliveryId, kinds: [...new Set(unhandled.map((u) => u.kind))] });
      await recordUnhandled(db, account.id, deliveryId, unhandled, deps.clock.now());
    }
    await db
      .update(webhookDeliveries)
      .set({ processedAt: deps.clock.now(), attempts: attempt, lastError: unknownStatuses ? "statuses or reactions for unknown messages ignored, echoes kept as sent elsewhere" : null })
      .where(eq(webhookDeliveries.id, deliveryId));
    return "processed";
  } catch (e) {
    return failed(deps, deliveryId, attempt, e);
  }
}

async function failed(deps: Deps, deliveryId: number, attempt: number, e: unknown): Promise<"retry" | "failed"> {
  const message = (e instanceof Error ? e.message : String(e)).slice(0, 500);
  const now = deps.clock.now();
  if (attempt >= MAX_DELIVERY_ATTEMPTS) {
    deps.log.error("webhook parked as failed after its last attempt", { deliveryId, attempt, error: message });
    await deps.database.db.update(webhookDeliveries).set({ attempts: attempt, lastError: message, failedAt: now }).where(eq(webhookDeliveries.id, deliveryId));
    return "failed";
  }
  if (!(e instanceof RetryLater)) deps.log.warn("webhook processing failed; will retry", { deliveryId, attempt, error: message });
  await deps.database.db
    .update(webhookDeliveries)
    .set({ attempts: attempt, lastError: message, nextAttemptAt: new Date(now.getTime() + backoffMs(attempt)) })
    .where(eq(webhookDeliveries.id, deliveryId));
  return "retry";
}


/** 2 s, 4 s, 8 s … capped at 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2_000 * 2 ** (attempt - 1), 600_000);
}

/** The retry job: takes due deliveries (leasing each so other processes skip it) and processes them. */
export async function processDueDeliveries(deps: Deps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const leased = await deps.database.db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(
      inArray(
        webhookDeliveries.id,
        deps.database.db
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(and(isNull(webhookDeliveries.processedAt), isNull(webhookDeliveries.failedAt), lte(webhookDeliveries.nextAttemptAt, now)))
          .orderBy(webhookDeliveries.id)
          .limit(limit),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  for (const { id } of leased.sort((a, b) => a.id - b.id)) await processDelivery(deps, id);
  return leased.length;
}

/**
 * A customer's message: its other ids joined to its contact first (identities.ts), then the message
 * stored at once — its file fetched inline when that works, else queued for the retry job
 * (media-downloads.ts) with the text shown meanwhile — and its ad referral kept on the conversation.
 */
async function storeInboundMessage(deps: Deps, account: ChannelAccount, event: InboundMessage) {
  const { db } = deps.database;
  // A duplicate (Meta retries, replays) is skipped before any media is downloaded again; without
  // media the insert itself (ON CONFLICT DO NOTHING) tells.
  if (event.media) {
    const [known] = await db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.channelId, account.id), eq(messages.providerMessageId, event.providerMessageId)));
    if (known) return;
  }
  if (event.aliases?.length) await joinIdentities(deps.database, account, event.externalId, event.aliases, event.phone, event.at);
  let file: DownloadedFile | null = null;
  let failure: ReturnType<typeof failureOf> | null = null;
  if (event.media) {
    try {
      file = await downloadMedia(deps, account, event.media);
    } catch (e) {
      failure = failureOf(e);
      deps.log.warn("inbound media not fetched; the message is stored and the file tried again", { channelId: account.id, error: failure.text });
      event.metadata = { ...event.metadata, media: failure.retryable ? "pending" : "unavailable", ...(failure.retryable ? {} : { mediaError: failure.text }) };
    }
  }
  const input = inboundOf(account, event, event.contactName || (await profileName(deps, account, event.externalId)));
  const now = deps.clock.now();
  // A message is ingestInbound's own statement (or transaction); a file or a referral adds its row.
  // A first message is routed in the transaction that opens its conversation.
  const atOpening: AtOpening = (tx, opening) => openAtOpening(tx, opening, () => deps.clock.now());
  await commit(deps.database, account.orgId, (db) => (!file && !failure && !event.referral ? ingestInbound(db, input, atOpening) : db.transaction(async (tx) => {
    const result = await ingestInbound(tx, input, atOpening);
    if (result.duplicate || !result.messageId) return result;
    if (file) await attachFile(tx, account.orgId, result.messageId, file, event.at);
    if (failure && event.media) await queueMediaDownload(tx, account, result.messageId, event.media, failure, now);
    const referralKept = event.referral ? await keepReferral(tx, account.orgId, result.conversationId, event.referral, now) : null;
    return referralKept === null ? result : { ...result, eventIds: [...result.eventIds, referralKept] };
  })));
  if (event.aliases?.length) await joinIdentities(deps.database, account, event.externalId, event.aliases, event.phone, event.at);
}

function inboundOf(account: ChannelAccount, event: InboundMessage, contactName: string): Inbound {
  return {
    orgId: account.orgId,
    channelId: account.id,
    externalId: event.externalId,
    // Names come from the contact's own profile at the provider: anyone can put controls in them.
    contactName: neutralise(contactName),
    phone: event.phone,
    kind: event.kind,
    body: event.body,
    providerMessageId: event.providerMessageId,
    at: event.at,
    metadata: event.metadata,
    replyWindowEndsAt: windowEndsAt(account.kind, event.at),
    replyToProviderId: event.replyToProviderId ?? null,
  };
}

/**
 * The message appended to its customer's open conversation and its delivery marked processed, in
 * one statement with those of other webhooks applied at the same time: the message, the
 * conversation's columns, the event and the delivery, one commit, one round trip. Null when the
 * customer has no open conversation (nothing is written then): processDelivery opens one.
 */
async function applyAppending(deps: Deps, deliveryId: number, input: Inbound) {
  return applyCommits(deps).run({ deliveryId, input });
}

/**
 * Nobody waits on these closely (the webhook is acknowledged already), so they gather for 20 ms:
 * at 750 webhooks a second that is about fifteen messages a statement instead of two or three,
 * and Postgres spent 630 µs of CPU per webhook instead of 850, which shortened the tail of the
 * acknowledgements sharing its cores. A live update waits as long at most.
 */
const APPLY_BATCHES = { spacingMs: 20, batch: 64 };

const applyCommits = perDatabase(
  ({ database, clock }) =>
    new GroupCommit<{ deliveryId: number; input: Inbound }, Appended | null>((items) => appendInboundDeliveries(database.db, items, clock.now()), APPLY_BATCHES),
);

/** A new Messenger/Instagram customer's name from the provider's profile API (best effort). */
async function profileName(deps: Deps, account: ChannelAccount, externalId: string): Promise<string> {
  const adapter = adaptersFor(deps.config)[account.kind];
  if (!adapter.profileName) return "";
  const [known] = await deps.database.db
    .select({ id: contactIdentities.id })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.channelId, account.id), eq(contactIdentities.externalId, externalId)));
  if (known) return "";
  try {
    return (await adapter.profileName(account, externalId)) ?? "";
  } catch (e) {
    deps.log.debug("profile lookup failed", { channelId: account.id, error: e instanceof Error ? e.message : String(e) });
    return "";
  }
}
