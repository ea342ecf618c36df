// The Kanal app as Meta reaches it: served on a free loopback port with a secrets key, a WhatsApp
// channel of its own in the data set's organization; and how far its deliveries are processed.
// Shared by the webhook cases (payloads: webhook-payloads.ts, which their Workers import too).
import type { Server } from "bun";
import { sql } from "drizzle-orm";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rows, type Database } from "@db/client";
import { channels, webhookDeliveries } from "@db/schema";
import { createApp } from "../../src/app";
import { systemClock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import type { Deps } from "../../src/context";
import { createLogger } from "../../src/log";
import { secretsFor } from "../../src/channels/secrets";
import type { WhatsAppRef } from "../../fakes/meta/payloads";
import type { WebhookTarget } from "./webhook-payloads";
import type { WebhookJob, WebhookSample } from "./webhook-worker";

export { customerPhone, signedWhatsappText, type WebhookTarget } from "./webhook-payloads";

export interface WebhookApp {
  origin: string;
  target: WebhookTarget;
  channelId: number;
  config: Config;
  app: ReturnType<typeof createApp>;
  stop(): Promise<void>;
}

export async function serveWebhookApp(database: Database, orgId: number, label: string): Promise<WebhookApp> {
  const dataDir = mkdtempSync(join(tmpdir(), "kanal-bench-"));
  const config = loadConfig({ LOG_LEVEL: "silent", SECRETS_KEY: "11".repeat(32), DATA_DIR: dataDir });
  const deps: Deps = { database, config, clock: systemClock, log: createLogger("silent") };
  const app = createApp(deps);
  // As src/server.ts does: the process listens for events (live streams, the outbox's wake-ups).
  await app.runtime.bus.start();
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    fetch: (req, srv) => app.fetch(req, { server: srv }),
  });
  const origin = `http://127.0.0.1:${server.port}`;

  const appSecret = `bench-app-secret-${crypto.randomUUID()}`;
  const suffix = String(Date.now() % 1_000_000).padStart(6, "0");
  const ref: WhatsAppRef = { id: `42000000${suffix}9`, wabaId: `31000000${suffix}9`, displayPhoneNumber: "+90 555 000 09 09" };
  const webhookKey = `bench-${label}-${crypto.randomUUID()}`;
  const [channel] = await database.db
    .insert(channels)
    .values({
      orgId,
      kind: "whatsapp",
      name: `Bench ${label}`,
      config: { phoneNumberId: ref.id, wabaId: ref.wabaId, displayPhoneNumber: ref.displayPhoneNumber },
      secrets: secretsFor(config).seal({ accessToken: "bench-access-token", appSecret, verifyToken: "bench-verify-token" }),
      webhookKey,
    })
    .returning({ id: channels.id });

  return {
    origin,
    target: { url: `${origin}/webhooks/${webhookKey}`, appSecret, channel: ref },
    channelId: channel.id,
    config,
    app,
    async stop() {
      await server.stop(true);
      await app.runtime.background.idle();
      await app.runtime.bus.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Deliveries of the channel after `afterId`: how many, how many processed, and the span they took. */
export async function deliveriesSince(database: Database, channelId: number, afterId: number) {
  const d = webhookDeliveries;
  // Times as epoch milliseconds (received and processed are written by the app's clock).
  const [row] = await rows<{ total: number; pending: number; failed: number; firstReceived: number | null; lastProcessed: number | null }>(
    database.db,
    sql`select count(*)::int as total,
               count(*) filter (where ${d.processedAt} is null)::int as pending,
               count(*) filter (where ${d.lastError} is not null)::int as failed,
               (extract(epoch from min(${d.receivedAt})) * 1000)::float8 as "firstReceived",
               (extract(epoch from max(${d.processedAt})) * 1000)::float8 as "lastProcessed"
        from ${d} where ${d.channelId} = ${channelId} and ${d.id} > ${afterId}`,
  );
  return row;
}

export async function lastDeliveryId(database: Database, channelId: number): Promise<number> {
  const [row] = await rows<{ id: number }>(database.db, sql`select coalesce(max(${webhookDeliveries.id}), 0)::float8 as id from ${webhookDeliveries} where ${webhookDeliveries.channelId} = ${channelId}`);
  return row.id;
}

/** Waits until every delivery of the channel after `afterId` is processed; gives up after `timeoutMs`. */
export async function waitProcessed(database: Database, channelId: number, afterId: number, timeoutMs = 120_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const d = await deliveriesSince(database, channelId, afterId);
    if (d.pending === 0) return d;
    if (performance.now() > deadline) throw new Error(`${d.pending} of ${d.total} deliveries still unprocessed after ${timeoutMs / 1000} s`);
    await Bun.sleep(20);
  }
}

/** The Worker that plays Meta (webhook-worker.ts): one for the whole case, so it is warm when the open-loop runs are measured. */
export function webhookSender() {
  const worker = new Worker(new URL("./webhook-worker.ts", import.meta.url).href);
  return {
    async post(job: WebhookJob): Promise<WebhookSample> {
      const sample = await new Promise<WebhookSample>((resolve, reject) => {
        worker.onmessage = (event: MessageEvent<WebhookSample>) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(`webhook worker failed: ${event.message}`));
        worker.postMessage(job);
      });
      if (sample.errors > 0) throw new Error(`${sample.errors} of ${sample.sent} webhooks failed; first: ${sample.firstError}`);
      if (sample.sent === 0) throw new Error("no webhook was sent");
      return sample;
    },
    close: () => worker.terminate(),
  };
}

export type WebhookSender = ReturnType<typeof webhookSender>;
