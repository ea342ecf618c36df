// What /healthz reports to a monitor: the database reachable, migrations current, periodic jobs
// ticking, and the outbox and webhook backlogs draining. Asked on the database's own health
// connection, so a busy or locked pool does not make the check itself hang.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrationsFolder, rows, type Database } from "@db/client";
import { jobRuns, outbox, webhookDeliveries } from "@db/schema";

/** Limits past which a part counts as unwell. */
export const HEALTH_LIMITS = {
  /** The webhook-retries job ticks every 10 s; this long without any tick means no process runs jobs. */
  jobsSilentS: 120,
  /** A send or webhook waiting this long means its worker or job is not keeping up. */
  backlogOldestS: 300,
};

export interface Health {
  ok: boolean;
  database: { ok: boolean; kind: Database["kind"]; ms: number; error?: string };
  migrations?: { ok: boolean; applied: number; expected: number };
  jobs?: { ok: boolean; lastTickAgeS: number | null };
  outbox?: { ok: boolean; pending: number; oldestDueS: number | null };
  webhooks?: { ok: boolean; pending: number; oldestS: number | null };
}

const expectedMigrations = (JSON.parse(readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;

/**
 * Checks every part in one statement. `startedAt` is when this process started: until the jobs'
 * silence limit has passed since then, no tick recorded yet is not a fault.
 */
export async function checkHealth(database: Database, now: Date, startedAt: Date, limits = HEALTH_LIMITS): Promise<Health> {
  const began = performance.now();
  const elapsed = () => Math.round(performance.now() - began);
  let row: { applied: number; tick_age_s: number | null; outbox_pending: number; outbox_oldest_s: number | null; webhooks_pending: number; webhooks_oldest_s: number | null };
  try {
    const at = sql`${now.toISOString()}::timestamptz`;
    [row] = await rows<typeof row>(
      database.health,
      sql`select
        (select count(*)::int from drizzle.__drizzle_migrations) as applied,
        (select extract(epoch from ${at} - max(${jobRuns.startedAt}))::float8 from ${jobRuns}) as tick_age_s,
        (select count(*)::int from ${outbox} where ${outbox.doneAt} is null) as outbox_pending,
        (select extract(epoch from ${at} - min(${outbox.nextAttemptAt}))::float8 from ${outbox} where ${outbox.doneAt} is null and ${outbox.nextAttemptAt} <= ${at}) as outbox_oldest_s,
        (select count(*)::int from ${webhookDeliveries} where ${webhookDeliveries.processedAt} is null) as webhooks_pending,
        (select extract(epoch from ${at} - min(${webhookDeliveries.receivedAt}))::float8 from ${webhookDeliveries} where ${webhookDeliveries.processedAt} is null) as webhooks_oldest_s`,
    );
  } catch (e) {
    return { ok: false, database: { ok: false, kind: database.kind, ms: elapsed(), error: e instanceof Error ? e.message : String(e) } };
  }
  const seconds = (s: number | null) => (s === null ? null : Math.max(0, Math.round(s)));
  const young = (s: number | null, limit: number) => s === null || s < limit;
  const tickAge = seconds(row.tick_age_s);
  const silentSinceStart = (now.getTime() - startedAt.getTime()) / 1000;
  const parts = {
    migrations: { ok: row.applied >= expectedMigrations, applied: row.applied, expected: expectedMigrations },
    jobs: { ok: tickAge === null ? silentSinceStart < limits.jobsSilentS : tickAge < limits.jobsSilentS, lastTickAgeS: tickAge },
    outbox: { ok: young(row.outbox_oldest_s, limits.backlogOldestS), pending: row.outbox_pending, oldestDueS: seconds(row.outbox_oldest_s) },
    webhooks: { ok: young(row.webhooks_oldest_s, limits.backlogOldestS), pending: row.webhooks_pending, oldestS: seconds(row.webhooks_oldest_s) },
  };
  return { ok: Object.values(parts).every((part) => part.ok), database: { ok: true, kind: database.kind, ms: elapsed() }, ...parts };
}
