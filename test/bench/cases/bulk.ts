// Issue 21's target: a 10,000-recipient bulk send to the fake Graph API at a pace of 50 per second
// achieves at least 95 % of the pace, sends nobody twice, and keeps memory flat (RSS at start and
// end). Beside it, the fake's own accepted-send rate in the same run (what the provider side took).
// The runner and the outbox run as in the server (their timers), on the run's database; the fake runs
// in a process of its own (`bun run fake-meta`), so that the RSS measured is Kanal's alone.
import { sql } from "drizzle-orm";
import { rows } from "@db/client";
import { channels, organizations, users } from "@db/schema";
import { DEMO_ACCESS_TOKEN, DEMO_APP_SECRET, DEMO_VERIFY_TOKEN, demoIds } from "../../../fakes/meta/demo";
import { freePort } from "../../support/kanal-process";
import { BulkRunner } from "../../../src/bulk/runner";
import { createBulkSend } from "../../../src/bulk/sends";
import { OutboxWorker } from "../../../src/channels/outbox";
import { secretsFor } from "../../../src/channels/secrets";
import { syncTemplates } from "../../../src/channels/templates";
import { systemClock } from "../../../src/clock";
import { loadConfig } from "../../../src/config";
import type { Actor } from "../../../src/context";
import { createLogger } from "../../../src/log";
import type { BenchCase } from "../harness";

const RECIPIENTS = 10_000;
const PACE = 50;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export default {
  name: "bulk",
  description: `a ${RECIPIENTS.toLocaleString("en")}-recipient bulk send to the fake Graph API at ${PACE}/s: achieved pace, duplicates, RSS at start and end, beside the fake's accepted-send rate`,
  async run(ctx) {
    const db = ctx.database.db;
    const port = await freePort();
    const fakeProcess = Bun.spawn(["bun", "fakes/meta/cli.ts", "--port", String(port), "--no-receipts"], { stdout: "ignore", stderr: "inherit" });
    const fakeUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100 && !(await fetch(`${fakeUrl}/_fake`).then((r) => r.ok).catch(() => false)); i++) await Bun.sleep(100);
    const config = loadConfig({ LOG_LEVEL: "silent", SECRETS_KEY: "22".repeat(32), META_GRAPH_URL: fakeUrl, DATA_DIR: "/tmp/kanal-bench-data" });
    const deps = { database: ctx.database, config, clock: systemClock, log: createLogger("warn") };
    const [org] = await db.insert(organizations).values({ name: `Bulk bench ${Date.now()}`, settings: { bulkMaxPace: 100 } }).returning();
    const userId = crypto.randomUUID();
    await db.insert(users).values({ id: userId, email: `bulk-${userId}@bench.test`, name: "Bench supervisor", passwordHash: "x" });
    const secrets = { accessToken: DEMO_ACCESS_TOKEN, appSecret: DEMO_APP_SECRET, verifyToken: DEMO_VERIFY_TOKEN };
    const [channel] = await db
      .insert(channels)
      .values({ orgId: org.id, kind: "whatsapp", name: "Bench WhatsApp", config: { phoneNumberId: demoIds.whatsapp.id, wabaId: demoIds.whatsapp.wabaId }, secrets: secretsFor(config).seal(secrets), webhookKey: `bench-${userId}` })
      .returning();
    await syncTemplates(deps, channel);
    const actor = { userId, name: "Bench", orgId: org.id, orgName: org.name, timezone: "Europe/Istanbul", rosterVersion: 0, readsVersion: 0, agentsSeeOnlyOwn: false, role: "supervisor", status: "online", preferences: {} } as Actor;
    const numbers = Array.from({ length: RECIPIENTS }, (_, i) => `+90556${String(i).padStart(7, "0")}`);
    const made = await createBulkSend(db, actor, { name: "Bench", channelId: channel.id, template: { name: "order_update", language: "en" }, parameters: ["{{contact.name}}", "B-1"], filter: null, numbers, skipOpen: false, pace: PACE, startAt: null }, systemClock.now());
    ctx.log(`  ${made.recipients.toLocaleString("en")} recipients ready`);

    Bun.gc(true);
    const rssStart = process.memoryUsage().rss;
    let rssMax = rssStart;
    const outbox = new OutboxWorker(deps);
    const runner = new BulkRunner(deps, () => outbox.wake());
    const started = performance.now();
    outbox.start(1_000);
    runner.start(100);
    for (;;) {
      await Bun.sleep(1_000);
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      const [left] = await rows<{ queued: number; open: number }>(
        db,
        sql`select (select count(*) from bulk_recipients where bulk_send_id = ${made.send.id} and state = 'queued')::int as queued,
          (select count(*) from outbox where org_id = ${org.id} and done_at is null)::int as open`,
      );
      if (left.queued === 0 && left.open === 0) break;
      if ((performance.now() - started) / 1000 > RECIPIENTS / PACE * 3) throw new Error(`bulk bench: ${left.queued} still queued after ${Math.round((performance.now() - started) / 1000)} s`);
    }
    const elapsed = (performance.now() - started) / 1000;
    runner.stop();
    outbox.stop();
    await Promise.all([runner.settled(), outbox.settled()]);
    Bun.gc(true);
    const rssEnd = process.memoryUsage().rss;
    const sent = (await (await fetch(`${fakeUrl}/_fake/sent`)).json()) as { channel: string; to: string; at: string }[];
    const taken = sent.filter((m) => m.channel === demoIds.whatsapp.id);
    const duplicates = taken.length - new Set(taken.map((m) => m.to)).size;
    const times = taken.map((m) => Date.parse(m.at)).sort((a, b) => a - b);
    const fakeSpan = (times[times.length - 1] - times[0]) / 1000;
    const achieved = taken.length / elapsed;
    fakeProcess.kill();
    await fakeProcess.exited;
    ctx.log(`  ${taken.length} sends in ${elapsed.toFixed(1)} s; RSS ${mb(rssStart)} MB at start, ${mb(rssEnd)} MB at end, ${mb(rssMax)} MB at most`);
    ctx.report({
      figures: [
        { metric: "achieved", label: "achieved", value: Math.round(achieved * 10) / 10, unit: "msg/s", baseline: PACE },
        { metric: "of_pace", label: "of pace", value: Math.round((achieved / PACE) * 1000) / 10, unit: "%", baseline: null },
        { metric: "sent", label: "sent", value: taken.length, unit: "sends", baseline: RECIPIENTS },
        { metric: "duplicates", label: "duplicates", value: duplicates, unit: "sends", baseline: null },
        { metric: "rss_start", label: "RSS start", value: mb(rssStart), unit: "MB", baseline: null },
        { metric: "rss_end", label: "RSS end", value: mb(rssEnd), unit: "MB", baseline: null },
        { metric: "fake_rate", label: "fake accepted", value: Math.round((taken.length / Math.max(fakeSpan, 0.001)) * 10) / 10, unit: "msg/s", baseline: null },
      ],
      baseline: { label: "pace", metric: "achieved" },
    });
    if (duplicates > 0) throw new Error(`bulk bench: ${duplicates} duplicate sends`);
  },
} satisfies BenchCase;
