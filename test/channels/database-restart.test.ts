// The database restarted while webhooks pour in: Kanal answers 5xx while it is away (Meta sends those
// again), keeps running, and serves again within seconds of its return without being restarted;
// every webhook it acknowledged becomes a message. On a throw-away cluster, never the shared server.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { DEMO_APP_SECRET, demoIds } from "../../fakes/meta/demo";
import { LEASE_MS } from "../../src/channels/inbound";
import { signedWhatsappText } from "../bench/webhook-payloads";
import { clusterUnavailable, startCluster, type Cluster } from "../support/cluster";
import { startKanal, type KanalProcess } from "../support/kanal-process";

const skipped = !process.env.TEST_DATABASE_URL ? "on PGlite (the embedded database cannot be restarted under a process)" : clusterUnavailable();
if (skipped) console.warn(`database-restart: skipped, ${skipped}`);

describe.skipIf(!!skipped)("a database restart under webhook load", () => {
  let cluster: Cluster;
  let kanal: KanalProcess;
  let dataDir: string;

  beforeAll(async () => {
    cluster = await startCluster();
    dataDir = mkdtempSync(join(tmpdir(), "kanal-restart-"));
    kanal = await startKanal({ DATABASE_URL: cluster.url, DATA_DIR: dataDir, DEMO_SEED: "1", SECRETS_KEY: "22".repeat(32) });
  }, 90_000);

  afterAll(async () => {
    await kanal?.stop();
    cluster?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("nothing acknowledged is lost, the process lives, and it serves again by itself", async () => {
    const target = { url: `${kanal.base}/webhooks/demo-whatsapp`, appSecret: DEMO_APP_SECRET, channel: { id: demoIds.whatsapp.id, wabaId: demoIds.whatsapp.wabaId, displayPhoneNumber: "+90 555 000 11 11" } };
    const acknowledged: string[] = [];
    const answers = new Map<number, number>();
    let n = 0;
    let sending = true;
    const sender = async (lane: number) => {
      while (sending) {
        const { body, signature } = signedWhatsappText(target, String(905_540_000_000 + lane), n++);
        const status = await fetch(target.url, { method: "POST", body, headers: { "content-type": "application/json", "x-hub-signature-256": signature }, signal: AbortSignal.timeout(30_000) }).then(
          (r) => r.status,
          () => 0,
        );
        answers.set(status, (answers.get(status) ?? 0) + 1);
        if (status === 200) acknowledged.push(JSON.parse(body).entry[0].changes[0].value.messages[0].id);
        // A steady flow Kanal keeps up with, as Meta's is, rather than a flood (WEBHOOK_BACKLOG's case).
        await Bun.sleep(status === 200 ? 20 : 100);
      }
    };
    const senders = Array.from({ length: 4 }, (_, lane) => sender(lane));
    await Bun.sleep(1_500);
    const before = acknowledged.length;
    cluster.stop();
    await Bun.sleep(2_000);
    cluster.start();
    const back = Date.now();

    // Served again by itself: a page of health and a webhook acknowledged within seconds.
    let healthyAfter = -1;
    while (Date.now() - back < 30_000) {
      const res = await fetch(`${kanal.base}/healthz`).catch(() => null);
      if (res?.status === 200) {
        healthyAfter = Date.now() - back;
        break;
      }
      await Bun.sleep(200);
    }
    const ackedAtReturn = acknowledged.length;
    while (acknowledged.length < ackedAtReturn + 20 && Date.now() - back < 30_000) await Bun.sleep(100);
    const webhooksAfter = Date.now() - back;
    sending = false;
    await Promise.all(senders);

    expect(before).toBeGreaterThan(0);
    expect(answers.get(500) ?? 0).toBe(0);
    expect([...answers.keys()].every((status) => status === 200 || status === 503 || status === 0)).toBe(true);
    expect(healthyAfter).toBeGreaterThanOrEqual(0);
    expect(healthyAfter).toBeLessThan(10_000);
    expect(webhooksAfter).toBeLessThan(10_000);
    expect(kanal.server.exitCode).toBeNull();
    expect(kanal.logs.filter((l) => l.msg === "unhandled rejection")).toEqual([]);

    // Every acknowledged webhook ends as a message. One whose processing failed while the database
    // was away could not even record the failure: the retry job takes it once its lease runs out.
    const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
    try {
      let missing = acknowledged.length;
      const deadline = Date.now() + LEASE_MS + 30_000;
      while (missing > 0 && Date.now() < deadline) {
        const [row] = await sql`select count(*)::int as stored from messages where provider_message_id = any(${acknowledged}::text[])`;
        missing = acknowledged.length - row.stored;
        if (missing > 0) await Bun.sleep(1_000);
      }
      if (missing > 0) {
        const [state] = await sql`select (select count(*)::int from messages) as messages, (select count(*)::int from webhook_deliveries) as deliveries, (select count(*)::int from webhook_deliveries where processed_at is null) as unprocessed, (select max(last_error) from webhook_deliveries) as error`;
        console.error("acknowledged but not processed", { acknowledged: acknowledged.length, ...state });
        // What the process said about it: its warnings and errors, oldest first.
        for (const line of kanal.logs.filter((l) => l.level === "warn" || l.level === "error").slice(-40)) console.error(JSON.stringify(line).slice(0, 400));
      }
      expect(missing).toBe(0);
    } finally {
      await sql.end();
    }
  }, 180_000);
});
