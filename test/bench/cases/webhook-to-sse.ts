// From a customer's WhatsApp message to every agent's screen: 1,000 agents of the organization each
// hold a live stream (GET /events?view=inbox, the Open tab), then 200 signed webhooks arrive five a
// second, each from a new customer with a unique marker in its text. Measured per stream: from
// sending the webhook to the stream receiving the fragment with the marker (p50/p95/p99 over every
// stream and message), and how many streams got every message. Beside it, in the same run, the
// same fan-out from a bare Bun.serve (1,000 streams, one fragment of the same size per message) and
// the webhook's acknowledgement alone. Target (issue 4): p99 ≤ 150 ms.
import { sql } from "drizzle-orm";
import { memberships, users } from "@db/schema";
import { createAuth } from "../../../src/auth/lucia";
import { write, type BenchCase } from "../harness";
import { fanoutFigures, SseClients, startBareSse, type FanoutFigures } from "../sse-fanout";
import { serveWebhookApp } from "../webhook-app";

const STREAMS = 1_000;
const MESSAGES = 200;
const BARE_MESSAGES = 100;
const INTERVAL_MS = 200;
const WARMUP = 5;

export default {
  name: "webhook-to-sse",
  description: "1,000 agents on /events?view=inbox; 200 signed webhooks, 5/s: webhook-to-stream p50/p95/p99 beside the same fan-out from a bare Bun.serve",
  async run(ctx) {
    const data = await ctx.dataset();
    const db = ctx.database.db;
    const served = await serveWebhookApp(ctx.database, data.orgId, "webhook-to-sse");
    const agentIds = Array.from({ length: STREAMS }, () => crypto.randomUUID());
    let clients: SseClients | undefined;
    try {
      // The case's own agents (three in four read Turkish, one English), signed in by sessions made
      // directly: 1,000 password checks would measure argon2, not the stream.
      const now = new Date();
      await db.insert(users).values(agentIds.map((id, k) => ({ id, email: `sse-agent-${k}-${id.slice(0, 8)}@${data.slug}.test`, name: `Canlı Ajan ${k}`, locale: k % 4 === 0 ? ("en" as const) : ("tr" as const), createdAt: now })));
      await db.insert(memberships).values(agentIds.map((userId) => ({ orgId: data.orgId, userId, role: "agent" as const, status: "online" as const, createdAt: now })));
      const auth = createAuth(db, served.config.SESSION_DAYS);
      const cookies: string[] = [];
      for (let from = 0; from < STREAMS; from += 50) {
        const sessions = await Promise.all(agentIds.slice(from, from + 50).map((id) => auth.createSession(id, { orgId: data.orgId })));
        for (const session of sessions) cookies.push(`${auth.sessionCookieName}=${session.id}`);
      }

      // The stream answers as a signed-in agent's, not as a redirect to sign-in.
      const probe = await fetch(`${served.origin}/events?view=inbox`, { headers: { cookie: cookies[0] }, redirect: "manual" });
      const type = probe.headers.get("content-type") ?? "";
      await probe.body?.cancel();
      if (probe.status !== 200 || !type.startsWith("text/event-stream")) throw new Error(`/events answered ${probe.status} ${type}`);

      clients = new SseClients();
      const opened = await clients.connect(served.origin, "/events?view=inbox", cookies);
      const bus = served.app.runtime.bus;
      const asked = performance.now();
      while (bus.subscriberCount(data.orgId) < STREAMS) {
        if (performance.now() - asked > 120_000) throw new Error(`only ${bus.subscriberCount(data.orgId)} of ${STREAMS} streams subscribed after 2 minutes`);
        await Bun.sleep(20);
      }
      ctx.log(`  ${opened.streams} streams asked for in ${(opened.ms / 1000).toFixed(1)} s, all subscribed ${((performance.now() - asked) / 1000).toFixed(1)} s later`);
      await clients.run(WARMUP, INTERVAL_MS, { kind: "webhook", target: served.target, phoneBase: 905_500_000_000 });
      const app = fanoutFigures(await clients.run(MESSAGES, INTERVAL_MS, { kind: "webhook", target: served.target, phoneBase: 905_600_000_000 }));
      await clients.close();
      clients = undefined;
      ctx.log(`  app: ${app.pairs.toLocaleString("en")} arrivals, ${app.missing} missing${app.lost.length ? ` (no stream got message ${app.lost.join(", ")})` : ""}, ${Math.round(app.bytesPerStreamMessage)} bytes per stream and message`);

      const bare = startBareSse(Math.round(app.bytesPerStreamMessage));
      try {
        clients = new SseClients();
        await clients.connect(bare.origin, "/events", cookies);
        await clients.run(WARMUP, INTERVAL_MS, { kind: "bare", url: `${bare.origin}/publish` });
        const floor = fanoutFigures(await clients.run(BARE_MESSAGES, INTERVAL_MS, { kind: "bare", url: `${bare.origin}/publish` }));
        await clients.close();
        clients = undefined;
        report(ctx, app, floor);
      } finally {
        await bare.stop();
      }
      ctx.log(`  target: p99 ≤ 150 ms from webhook to stream — ${app.p99.toFixed(1)} ms ${app.p99 <= 150 ? "met" : "MISSED"}; ${app.complete} of ${STREAMS} streams got all ${MESSAGES} messages`);
    } finally {
      await clients?.close();
      await served.stop();
      // The case's agents leave the organization: their sessions and memberships go. Their user rows
      // stay (a user is never deleted by Kanal; deleting 1,000 clears every table that may name them,
      // about three minutes on the data set).
      const ids = `{${agentIds.join(",")}}`;
      await write(db, sql`delete from sessions where user_id = any(${ids}::text[])`);
      await write(db, sql`delete from memberships where user_id = any(${ids}::text[])`);
    }
  },
} satisfies BenchCase;

function report(ctx: Parameters<BenchCase["run"]>[0], app: FanoutFigures, floor: FanoutFigures) {
  ctx.report({
    variant: "1000-streams",
    figures: [
      { metric: "p50", label: "p50", value: app.p50, unit: "ms", baseline: floor.p50 },
      { metric: "p95", label: "p95", value: app.p95, unit: "ms", baseline: floor.p95 },
      { metric: "p99", label: "p99", value: app.p99, unit: "ms", baseline: floor.p99 },
      { metric: "complete", label: "complete streams", value: app.complete, unit: "", baseline: floor.complete },
    ],
    baseline: { label: "bare Bun.serve fan-out p99", metric: "p99" },
  });
  ctx.report({
    variant: "per-message",
    figures: [
      { metric: "first.p50", label: "first stream p50", value: app.firstP50, unit: "ms", baseline: floor.firstP50 },
      { metric: "last.p50", label: "last stream p50", value: app.lastP50, unit: "ms", baseline: floor.lastP50 },
      { metric: "last.p99", label: "last stream p99", value: app.lastP99, unit: "ms", baseline: floor.lastP99 },
    ],
    baseline: { label: "bare last stream p50", metric: "last.p50" },
  });
  ctx.report({
    variant: "ack",
    figures: [
      { metric: "p50", label: "webhook ack p50", value: app.ackP50, unit: "ms", baseline: null },
      { metric: "p99", label: "p99", value: app.ackP99, unit: "ms", baseline: null },
    ],
  });
}
