// KANAL_WORKERS=2 with the first process killed: the one left goes on running the periodic jobs
// (webhook retries, cockpit figures, session expiry, reply windows), since every process schedules them.
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rows } from "@db/client";
import { sql } from "drizzle-orm";
import { jobRuns } from "@db/schema";
import { freshDatabase, type TestDatabase } from "../support/database";
import { startKanal, type KanalProcess } from "../support/kanal-process";

describe.skipIf(!process.env.TEST_DATABASE_URL)("the first of two processes killed", () => {
  let testDb: TestDatabase;
  let kanal: KanalProcess;
  let dataDir: string;

  beforeAll(async () => {
    testDb = await freshDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "kanal-workers-"));
    kanal = await startKanal({ DATABASE_URL: testDb.url!, KANAL_WORKERS: "2", DATA_DIR: dataDir, SECRETS_KEY: "33".repeat(32) });
  }, 90_000);

  afterAll(async () => {
    await kanal?.stop();
    await testDb?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("the other process goes on running the periodic jobs", async () => {
    const deadline = Date.now() + 30_000;
    while (!kanal.logs.some((l) => l.msg === "worker serving") && Date.now() < deadline) await Bun.sleep(100);
    const worker = kanal.logs.find((l) => l.msg === "worker serving");
    expect(worker).toBeDefined();

    process.kill(kanal.server.pid, "SIGKILL");
    await kanal.server.exited;
    const killedAt = new Date();
    // webhook-retries ticks every 10 s: a tick started after the kill can only be the worker's.
    let ticks = 0;
    while (ticks === 0 && Date.now() - killedAt.getTime() < 25_000) {
      await Bun.sleep(500);
      [{ ticks }] = await rows<{ ticks: number }>(testDb.database.db, sql`select count(*)::int as ticks from ${jobRuns} where ${jobRuns.startedAt} > ${killedAt.toISOString()}::timestamptz`);
    }
    expect(ticks).toBeGreaterThan(0);
    expect(process.kill(Number(worker!.pid), 0)).toBe(true);
    expect(await fetch(`${kanal.base}/healthz`).then((r) => r.status)).toBe(200);
  }, 60_000);
});
