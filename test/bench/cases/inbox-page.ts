// The inbox page an agent lives on, on the default data set (100,000 conversations, 1,000,000
// messages): database time of the list query (findConversations, 50 rows) for each tab and for a
// three-filter mix, the tab counts (counted, and as a page gets them between changes), then the
// whole page over HTTP for each of them beside a bare Bun.serve. Each tab's first page is kept
// between the organization's events (src/inbox/kept-pages.ts), so the page is also measured while
// customers keep writing (`.changing`: an inbound message every CHANGE_EVERY_MS, each one an event
// that drops the kept pages), beside the same bare Bun.serve.
// Targets (issue 3): database p95 ≤ 2 ms for a tab, ≤ 20 ms for a filter mix; ≥ 1,000 pages/s.
import { sql } from "drizzle-orm";
import { rows } from "@db/client";
import { actorFor } from "../../../src/auth/accounts";
import { countTabs, findConversations, tabs, type Tab } from "../../../src/inbox/conversations";
import { noFilters, type InboxFilters } from "../../../src/inbox/filters";
import { TabCountCache } from "../../../src/inbox/tab-counts";
import { ingestInbound } from "../../../src/inbox/lifecycle";
import { createLogger } from "../../../src/log";
import { publishEvents } from "../../../src/realtime/events";
import { EventBus } from "../../../src/realtime/bus";
import type { BenchCase, BenchContext } from "../harness";

const SAMPLES = 200;
/** How often a customer writes during the `.changing` runs: 20 messages a second, a busy team's day. */
const CHANGE_EVERY_MS = 50;

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timings(n: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < 10; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await fn();
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

function reportTimes(ctx: BenchContext, variant: string, times: number[], floor: number[]) {
  ctx.report({
    variant,
    figures: [
      { metric: "p50", label: "p50", value: percentile(times, 50), unit: "ms", baseline: percentile(floor, 50) },
      { metric: "p95", label: "p95", value: percentile(times, 95), unit: "ms", baseline: percentile(floor, 95) },
    ],
    baseline: { label: "select 1 round trip", metric: "p95" },
  });
}

export default {
  name: "inbox-page",
  description: "inbox list query per tab and a 3-filter mix, and the tab counts (database p50/p95 beside a select-1 round trip); the whole /inbox page for each at concurrency 8 and 1",
  async run(ctx) {
    const data = await ctx.dataset();
    const database = ctx.database;
    const db = database.db;
    const admin = await actorFor(db, data.admin.userId, data.orgId);
    if (!admin) throw new Error("bench admin is not a member");
    const [{ wg }] = await rows<{ wg: number }>(db, sql`select min(id)::int as wg from workgroups where org_id = ${data.orgId}`);
    const since = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const mix: InboxFilters = { ...noFilters, channels: ["whatsapp", "instagram"], workgroups: [wg], lastFrom: since };
    const mixQuery = `ch=whatsapp&ch=instagram&wg=${wg}&last_from=${since}`;

    // The floor any query pays: one round trip to the database.
    const floor = await timings(SAMPLES, () => rows(db, sql`select 1`));
    const variants: [string, Tab, InboxFilters, string][] = [
      ...tabs.map((tab) => [tab, tab, noFilters, `/inbox?tab=${tab}`] as [string, Tab, InboxFilters, string]),
      ["filter-mix", "all", mix, `/inbox?tab=all&${mixQuery}`],
    ];
    for (const [variant, tab, filters] of variants) {
      let shown = 0;
      const times = await timings(SAMPLES, async () => {
        shown = (await findConversations(db, admin, { tab, filters })).items.length;
      });
      ctx.log(`  ${variant}: ${shown} rows`);
      reportTimes(ctx, `db.${variant}`, times, floor);
    }

    // Counting every conversation of the organization, and what a page pays while nothing changes.
    reportTimes(ctx, "db.tab-counts.recount", await timings(SAMPLES, () => countTabs(db, data.orgId, undefined)), floor);
    const bus = new EventBus(database, createLogger("silent"));
    await bus.start();
    const cache = new TabCountCache(bus);
    reportTimes(ctx, "db.tab-counts.kept", await timings(SAMPLES, () => cache.counts(db, admin)), floor);
    await bus.stop();

    const app = await ctx.app();
    const headers = await app.signIn(data.admin.email, data.admin.password, data.orgId);
    for (const [variant, , , path] of variants) {
      const probe = await fetch(app.origin + path, { headers, redirect: "manual" });
      const html = await probe.text();
      if (probe.status !== 200 || !html.includes('class="conversation')) throw new Error(`${path} answered ${probe.status} without conversation rows`);
      ctx.log(`  ${path}: ${(html.length / 1024).toFixed(0)} KiB`);
      await ctx.compare(`http.${variant}.c8`, path, { concurrency: 8, headers });
      await ctx.compare(`http.${variant}.c1`, path, { concurrency: 1, headers, requests: Math.min(ctx.options.requests, 500) });
    }

    // The same pages while the organization changes: customers of its own (the data set's rows are
    // left as they are) writing on WhatsApp, each message published as the webhook path publishes it.
    const [{ channelId }] = await rows<{ channelId: number }>(db, sql`select min(id)::int as "channelId" from channels where org_id = ${data.orgId} and kind = 'whatsapp'`);
    const writers = Array.from({ length: 200 }, (_, i) => String(905_300_000_000 + i));
    let written = 0;
    const write = async () => {
      const externalId = writers[written % writers.length];
      const change = await ingestInbound(db, { orgId: data.orgId, channelId, externalId, contactName: `Bench ${externalId}`, body: `bench message ${written}`, providerMessageId: `bench-page-${written}`, at: new Date() });
      await publishEvents(database, data.orgId, change.eventIds);
      written++;
    };
    // Their conversations are opened first: the runs measure messages into open conversations, as
    // most are (a first message, which also has every tab counted again, is another matter).
    while (written < writers.length) await write();
    for (const [variant, , , path] of variants.filter(([name]) => name === "all" || name === "open")) {
      const before = written;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const next = performance.now() + CHANGE_EVERY_MS;
          await write();
          await Bun.sleep(Math.max(0, next - performance.now()));
        }
      })();
      const started = performance.now();
      try {
        await ctx.compare(`http.${variant}.changing.c8`, path, { concurrency: 8, headers });
      } finally {
        writing = false;
        await writer;
      }
      ctx.log(`  ${variant}: ${written - before} messages written during the run (${(((written - before) / (performance.now() - started)) * 1000).toFixed(0)}/s)`);
    }
  },
} satisfies BenchCase;
