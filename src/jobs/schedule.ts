// Periodic jobs: croner ticks, one process runs each tick (advisory lock + a claimed row per tick).
import { Cron } from "croner";
import { and, eq } from "drizzle-orm";
import type { Deps } from "../context";
import { jobRuns } from "@db/schema";
import { pruneAttempts } from "../auth/rate-limit";
import { pruneBudgets } from "../channels/webchat/limits";
import { expireSessions } from "../auth/expiry";
import { refreshAllStats } from "../cockpit/metrics";
import { processDueDeliveries } from "../channels/inbound";
import { processDueMediaDownloads } from "../channels/media-downloads";
import { refreshReplyWindows } from "../channels/windows";
import { syncAllTemplates } from "../channels/templates";
import { removeUnsentUploads } from "../media/uploads";
import { storageFor } from "../media/storage";
import { expireLinksJob } from "../billing/jobs";
import { resumeImports } from "../billing/import-run";
import { sweepQueues } from "../routing/worker";
import { wakeDueConversations } from "../inbox/snoozing";
import { removeOldTypingSignals } from "../inbox/typing";
import { removeOldDeliveries } from "../channels/delivery-retention";

export interface Job {
  name: string;
  /** Six-field cron pattern, seconds first. */
  pattern: string;
  lockKey: number;
  run(deps: Deps, scheduledFor: Date): Promise<void>;
}

export const jobs: Job[] = [
  {
    name: "expire-sessions",
    pattern: "0 * * * * *",
    lockKey: 7_411_101,
    run: async (deps) => {
      await expireSessions(deps.database, deps.clock.now());
    },
  },
  {
    // Cockpit figures (all but "active", which is live) every 60 s from the events log.
    name: "cockpit-metrics",
    pattern: "30 * * * * *",
    lockKey: 7_411_103,
    run: (deps) => refreshAllStats(deps.database, deps.clock.now()),
  },
  {
    // Webhook deliveries whose processing failed or was cut off: retried with backoff, never dropped.
    name: "webhook-retries",
    pattern: "*/5 * * * * *",
    lockKey: 7_411_104,
    run: async (deps) => {
      await processDueDeliveries(deps);
    },
  },
  {
    // Inbound files that could not be fetched at once: tried again with backoff, a bounded number of times.
    name: "media-downloads",
    pattern: "*/10 * * * * *",
    lockKey: 7_411_118,
    run: async (deps) => {
      await processDueMediaDownloads(deps);
    },
  },
  {
    // Reply windows: kept current on open conversations; a window that closed is announced live.
    name: "reply-windows",
    pattern: "15 * * * * *",
    lockKey: 7_411_105,
    run: async (deps) => {
      await refreshReplyWindows(deps.database, deps.clock.now());
    },
  },
  {
    // WhatsApp templates approved in Meta's manager, copied into each channel for the composer.
    name: "whatsapp-templates",
    pattern: "0 */15 * * * *",
    lockKey: 7_411_106,
    run: (deps) => syncAllTemplates(deps),
  },
  {
    // Files uploaded in a composer and never sent: rows and bytes go after a day.
    name: "unsent-uploads",
    pattern: "0 20 * * * *",
    lockKey: 7_411_107,
    run: async (deps) => {
      await removeUnsentUploads(deps.database.db, storageFor(deps.config), deps.clock.now());
    },
  },
  {
    // Payment links past their expiry: withdrawn where the provider does not expire them, shown expired live.
    name: "payment-link-expiry",
    pattern: "45 * * * * *",
    lockKey: 7_411_108,
    run: expireLinksJob,
  },
  {
    // Routing's state is in the database: conversations nobody answered in time are re-routed, and
    // queues a crash or an owner's wait left behind are drained, whatever process routed before.
    name: "routing-sweep",
    pattern: "*/20 * * * * *",
    lockKey: 7_411_109,
    run: (deps) => sweepQueues(deps),
  },
  {
    // Ledger imports whose process stopped before or during the run: carried on where they stopped.
    name: "ledger-imports",
    pattern: "5,35 * * * * *",
    lockKey: 7_411_111,
    run: resumeImports,
  },
  {
    // Snoozed conversations whose time came (or whose customer wrote while a process was down): back, unread.
    name: "snooze-wake",
    pattern: "*/10 * * * * *",
    lockKey: 7_411_126,
    run: async (deps) => {
      await wakeDueConversations(deps.database, deps.clock.now());
    },
  },
  {
    // Typing signals (an events row every few seconds per typist) once no replay can want them.
    name: "typing-signals",
    pattern: "50 * * * * *",
    lockKey: 7_411_127,
    run: async (deps) => {
      await removeOldTypingSignals(deps.database.db, deps.clock.now());
    },
  },
  {
    // Raw webhooks processed more than WEBHOOK_KEPT_DAYS ago: what customers wrote is not kept twice forever.
    name: "webhook-retention",
    pattern: "0 40 * * * *",
    lockKey: 7_411_128,
    run: async (deps) => {
      await removeOldDeliveries(deps.database.db, deps.clock.now(), deps.config.WEBHOOK_KEPT_DAYS);
    },
  },
  {
    name: "prune-login-attempts",
    pattern: "0 */10 * * * *",
    lockKey: 7_411_102,
    run: (deps) =>
      pruneAttempts(deps.database.db, { maxFailures: deps.config.LOGIN_MAX_FAILURES, windowMs: deps.config.LOGIN_WINDOW_MINUTES * 60_000 }, deps.clock.now()),
  },
  {
    // The WebChat widget's request budgets whose window has passed.
    name: "prune-widget-budgets",
    pattern: "20 */5 * * * *",
    lockKey: 7_411_110,
    run: (deps) => pruneBudgets(deps.database.db, deps.clock.now()),
  },
];

/** Runs one tick of a job unless another process holds it or already claimed this tick. */
export async function runJobOnce(deps: Deps, job: Job, scheduledFor: Date): Promise<"ran" | "skipped"> {
  const outcome = await deps.database.withAdvisoryLock(job.lockKey, async () => {
    const claimed = await deps.database.db
      .insert(jobRuns)
      .values({ job: job.name, scheduledFor, startedAt: deps.clock.now() })
      .onConflictDoNothing()
      .returning({ job: jobRuns.job });
    if (claimed.length === 0) return "skipped" as const;
    let error: string | null = null;
    try {
      await job.run(deps, scheduledFor);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      deps.log.error("job failed", { job: job.name, error: e });
    }
    await deps.database.db
      .update(jobRuns)
      .set({ finishedAt: deps.clock.now(), error })
      .where(and(eq(jobRuns.job, job.name), eq(jobRuns.scheduledFor, scheduledFor)));
    return "ran" as const;
  });
  return outcome ?? "skipped";
}

export function startJobs(deps: Deps, list: Job[] = jobs) {
  const crons = list.map(
    (job) =>
      new Cron(job.pattern, { protect: true, catch: (e) => deps.log.error("job crashed", { job: job.name, error: e }) }, async (self: Cron) => {
        // The tick's own time (to the second) identifies it across processes.
        const scheduledFor = new Date(Math.floor(Date.now() / 1000) * 1000);
        await runJobOnce(deps, job, scheduledFor);
        void self;
      }),
  );
  return { stop: () => crons.forEach((c) => c.stop()) };
}
