import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { jobRuns, memberships, sessions } from "@db/schema";
import { runJobOnce, jobs, type Job } from "../../src/jobs/schedule";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("periodic jobs", () => {
  it("runs each tick once even when two processes fire it", async () => {
    let runs = 0;
    const job: Job = { name: "count", pattern: "* * * * * *", lockKey: 1, run: async () => void runs++ };
    const tick = new Date("2026-01-05T09:00:00Z");
    const outcomes = await Promise.all([runJobOnce(t.deps, job, tick), runJobOnce(t.deps, job, tick)]);
    expect(outcomes.sort()).toEqual(["ran", "skipped"]);
    expect(runs).toBe(1);
    expect(await runJobOnce(t.deps, job, new Date("2026-01-05T09:01:00Z"))).toBe("ran");
    expect(runs).toBe(2);
  });

  it("more ticks at once than the database has connections all run: a held lock takes no connection the work needs", async () => {
    const { sql } = await import("drizzle-orm");
    const names = Array.from({ length: 12 }, (_, n) => `at-once-${n}`);
    const ran: string[] = [];
    const tick = new Date("2026-01-05T09:00:00Z");
    const all = Promise.all(
      names.map((name, n) =>
        runJobOnce(t.deps, { name, pattern: "* * * * * *", lockKey: 900 + n, run: async (deps) => {
          await deps.database.db.execute(sql`select pg_sleep(0.05)`);
          ran.push(name);
        } }, tick),
      ),
    );
    const outcome = await Promise.race([all.then(() => "done"), Bun.sleep(20_000).then(() => "stuck")]);
    expect(outcome).toBe("done");
    expect(ran.sort()).toEqual([...names].sort());
  });

  it("every job has a lock of its own: two sharing one would skip each other's ticks", () => {
    expect(new Set(jobs.map((job) => job.lockKey)).size).toBe(jobs.length);
    expect(new Set(jobs.map((job) => job.name)).size).toBe(jobs.length);
  });

  it("records a failing run and keeps going", async () => {
    const job: Job = { name: "boom", pattern: "* * * * * *", lockKey: 2, run: async () => { throw new Error("kaput"); } };
    const tick = new Date("2026-01-05T09:00:00Z");
    expect(await runJobOnce(t.deps, job, tick)).toBe("ran");
    const [row] = await t.db.select().from(jobRuns).where(and(eq(jobRuns.job, "boom"), eq(jobRuns.scheduledFor, tick)));
    expect(row.error).toBe("kaput");
  });

  it("expired sessions end and their agents go offline", async () => {
    const w = await t.world();
    const client = await t.signIn(w.agent.email, w.orgId);
    await client.post("/me/status", { status: "online" });
    const expire = jobs.find((j) => j.name === "expire-sessions")!;
    await runJobOnce(t.deps, expire, t.clock.now());
    const status = async () => (await t.db.select().from(memberships).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent.id))))[0].status;
    expect(await status()).toBe("online");
    // lucia stamps session expiry from the real clock, so move ours past it.
    t.clock.set(new Date(Date.now() + 31 * 86_400_000));
    await runJobOnce(t.deps, expire, t.clock.now());
    expect(await status()).toBe("offline");
    expect((await t.db.select().from(sessions).where(eq(sessions.userId, w.agent.id))).length).toBe(0);
    t.clock.set("2026-01-05T09:00:00Z");
  });
});
