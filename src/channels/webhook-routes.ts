// Provider webhooks: GET answers Meta's verification handshake; POST checks the signature over the
// raw bytes, stores the body durably, acknowledges, and then processes it (retried by a job on failure);
// with more than WEBHOOK_BACKLOG stored and not yet processed, it acknowledges once processed.
import { Hono } from "hono";
import type { AppEnv } from "../context";
import type { Background } from "../background";
import { accountOf, channelByWebhookKey, type ChannelRow } from "./accounts";
import type { ChannelAccount } from "./types";
import type { Deps } from "../context";
import { processStored, storeDelivery } from "./inbound";
import { parsePayload } from "../plain-text";
import { validSignature } from "./signature";
import { sameSecret } from "./secrets";
import { adaptersFor } from "./adapters";
import type { InboundEvent } from "./types";

function orderKey(channelId: number, events: InboundEvent[]): string {
  const first = events[0];
  if (!first) return `${channelId}:empty`;
  if (first.type === "status" || first.type === "echo") return `${channelId}:status:${first.providerMessageId}`;
  return "externalId" in first ? `${channelId}:from:${first.externalId}` : `${channelId}:other`;
}

const PROVIDER_KINDS = new Set(["whatsapp", "messenger", "instagram"]);
/** Meta's payloads are small; anything this large is not one of them. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Channels by webhook key, kept a few seconds so a burst of webhooks does not read and unseal the
 * channel for every POST; a deactivated or re-keyed channel is refused within that time.
 */
class ChannelCache {
  #entries = new Map<string, { at: number; value: Promise<(ChannelRow & { account: ChannelAccount }) | null> }>();
  constructor(private ttlMs = 5_000) {}

  get(deps: Deps, key: string) {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = channelByWebhookKey(deps.database.intake, key).then((row) => (row ? { ...row, account: accountOf(deps.config, row) } : null));
    const entry = { at: now, value };
    this.#entries.set(key, entry);
    // A lookup that failed (the database away) is asked again by the next webhook, not kept.
    value.catch(() => this.#entries.get(key) === entry && this.#entries.delete(key));
    if (this.#entries.size > 10_000) this.#entries.clear();
    return value;
  }
}

export function webhookRoutes(background: Background) {
  const app = new Hono<AppEnv>();
  const channels = new ChannelCache();
  // Deliveries from one customer are processed in the order they arrived, so their messages keep
  // their order; different customers (and statuses, applied monotonically) proceed in parallel.
  const chains = new Map<string, Promise<unknown>>();
  const inOrder = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const next = (chains.get(key) ?? Promise.resolve()).then(work, work);
    chains.set(key, next);
    // Its failure is the caller's to handle; the clean-up must not leave a second, unhandled rejection.
    const forget = () => void (chains.get(key) === next && chains.delete(key));
    next.then(forget, forget);
    return next;
  };
  /** Webhooks stored or being stored whose processing has not finished (WEBHOOK_BACKLOG). */
  let ahead = 0;

  app.get("/:key", async (c) => {
    const deps = c.get("deps");
    const channel = await channelByWebhookKey(deps.database.db, c.req.param("key"));
    if (!channel || !channel.active || !PROVIDER_KINDS.has(channel.kind)) return c.text("Not found", 404);
    const { verifyToken } = accountOf(deps.config, channel).secrets;
    const mode = c.req.query("hub.mode");
    const token = c.req.query("hub.verify_token");
    const challenge = c.req.query("hub.challenge");
    if (mode !== "subscribe" || !verifyToken || token === undefined || !sameSecret(token, verifyToken) || challenge === undefined) return c.text("Forbidden", 403);
    // The challenge is echoed exactly, as an opaque string.
    return c.text(challenge, 200);
  });

  app.post("/:key", async (c) => {
    const deps = c.get("deps");
    const channel = await channels.get(deps, c.req.param("key"));
    if (!channel || !channel.active || !PROVIDER_KINDS.has(channel.kind)) return c.text("Not found", 404);
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > MAX_BODY_BYTES) return c.text("Payload too large", 413);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (raw.byteLength > MAX_BODY_BYTES) return c.text("Payload too large", 413);
    const account = channel.account;
    // Checked over the exact bytes received, before any parsing; a bad signature stores nothing.
    if (!validSignature(raw, c.req.header("x-hub-signature-256"), account.secrets.appSecret)) {
      deps.log.warn("webhook signature rejected", { channelId: channel.id });
      return c.text("Invalid signature", 401);
    }
    const body = new TextDecoder().decode(raw);
    let payload: unknown;
    try {
      payload = parsePayload(body);
    } catch {
      return c.text("Body is not JSON", 400);
    }
    const events = adaptersFor(deps.config)[account.kind].parse(account, payload);
    const storing = storeDelivery(deps, channel.id, body);
    // Its place in its customer's line is taken now, in the order webhooks arrived.
    const processing = inOrder(orderKey(channel.id, events), async () => {
      const deliveryId = await storing.catch(() => null);
      if (deliveryId !== null) await processStored(deps, deliveryId, account, events);
    });
    ahead++;
    background.run("webhook", () => processing.finally(() => ahead--));
    // Acknowledged once the body is committed; until then Meta keeps it and sends it again.
    await storing;
    // Too far ahead of processing: Meta waits for this one to be processed too, and so sends less.
    if (ahead > deps.config.WEBHOOK_BACKLOG) await processing.catch(() => {});
    return c.text("EVENT_RECEIVED", 200);
  });

  return app;
}
