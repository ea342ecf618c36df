// /healthz tells a monitor what is wrong: 200 only when the database answers, migrations are
// current, the periodic jobs tick and neither the outbox nor the webhook backlog is stuck.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { openPostgres } from "@db/client";
import { webhookDeliveries } from "@db/schema";
import { jobs, runJobOnce } from "../../src/jobs/schedule";
import { checkHealth, HEALTH_LIMITS } from "../../src/shell/health";
import { useTestApp } from "../support/app";
import { addChannel } from "../support/channels";

const t = useTestApp();
const health = async () => {
  const res = await t.client().get("/healthz");
  return { status: res.status, body: await res.json() };
};

describe("/healthz", () => {
  it("answers 200 with every part well on a fresh start, before any job has ticked", async () => {
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      database: { ok: true, kind: t.database.kind },
      migrations: { ok: true },
      jobs: { ok: true, lastTickAgeS: null },
      outbox: { ok: true, pending: 0, oldestDueS: null },
      webhooks: { ok: true, pending: 0, oldestS: null },
    });
    expect(body.migrations.applied).toBe(body.migrations.expected);
  });

  it("answers 503 when no job has ticked for too long, and 200 again after a tick", async () => {
    t.clock.advance((HEALTH_LIMITS.jobsSilentS + 5) * 1000);
    const silent = await health();
    expect(silent.status).toBe(503);
    expect(silent.body).toMatchObject({ ok: false, jobs: { ok: false }, database: { ok: true } });
    await runJobOnce(t.deps, jobs.find((j) => j.name === "prune-login-attempts")!, t.clock.now());
    const ticking = await health();
    expect(ticking.status).toBe(200);
    expect(ticking.body.jobs).toEqual({ ok: true, lastTickAgeS: 0 });
  });

  it("answers 503 while a webhook waits unprocessed for too long, naming the backlog", async () => {
    const w = await t.world();
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: "420000000006666", wabaId: "310000000000001" });
    await runJobOnce(t.deps, jobs.find((j) => j.name === "prune-login-attempts")!, t.clock.now());
    const [stuck] = await t.db.insert(webhookDeliveries).values({ channelId: channel.id, body: "{}", receivedAt: t.clock.now() }).returning();
    expect((await health()).body.webhooks).toEqual({ ok: true, pending: 1, oldestS: 0 });
    t.clock.advance((HEALTH_LIMITS.backlogOldestS + 1) * 1000);
    await runJobOnce(t.deps, jobs.find((j) => j.name === "prune-login-attempts")!, t.clock.now());
    const behind = await health();
    expect(behind.status).toBe(503);
    expect(behind.body.webhooks).toMatchObject({ ok: false, pending: 1 });
    await t.db.update(webhookDeliveries).set({ processedAt: t.clock.now() }).where(eq(webhookDeliveries.id, stuck.id));
    expect((await health()).status).toBe(200);
  });

  it("says the database is unreachable, within its budget", async () => {
    const away = await openPostgres("postgres://postgres@127.0.0.1:9/kanal", { migrate: false });
    try {
      const began = performance.now();
      const report = await checkHealth(away, new Date(), new Date());
      expect(performance.now() - began).toBeLessThan(4_000);
      expect(report).toMatchObject({ ok: false, database: { ok: false, kind: "postgres" } });
      expect(report.database.error).toBeString();
    } finally {
      await away.close();
    }
  });
});
