// Runs bulk sends, in every process: a send is held by one process at a time (a lease renewed while
// it runs, taken over when its holder stops renewing it), which hands its recipients to the outbox at
// the send's pace (a token bucket), no faster than the outbox gets them out. A rate-limit answer
// from the provider (429 / 130429) halves the pace; it grows back after a calm while. While a send
// runs, and for a while after, its holder publishes its figures when they change (bulk_progress).
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { bulkRecipients, bulkSends, outbox } from "@db/schema";
import type { Deps } from "../context";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { enqueueNext } from "./enqueue";
import { bulkCounts, type BulkSendRow } from "./progress";

export interface BulkRunnerOptions {
  /** How long a hold lasts unless renewed (each pass renews it). */
  leaseMs?: number;
  /** Figures are published at most this often per send. */
  progressMs?: number;
  /** How long after a send ended its figures are still watched (statuses and replies arrive late). */
  watchMs?: number;
  /** How long the pace stays lowered after a rate limit before it grows again. */
  calmMs?: number;
}

const DEFAULTS = { leaseMs: 10_000, progressMs: 1_000, watchMs: 15 * 60_000, calmMs: 10_000 };
/** At most this many recipients in one transaction. */
const MAX_STEP = 200;

interface Bucket {
  at: number;
  tokens: number;
  lastRaise: number;
  lastProgress: number;
  figures: string;
}

export class BulkRunner {
  readonly owner = `${process.pid}:${crypto.randomUUID()}`;
  private options: typeof DEFAULTS;
  private buckets = new Map<number, Bucket>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private deps: Deps,
    /** Called after recipients were handed to the outbox (wakes this process's outbox worker). */
    private queued: () => void = () => {},
    options: BulkRunnerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(intervalMs = 100) {
    this.timer ??= setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error) => this.deps.log.error("bulk run failed", { error }))
        .finally(() => (this.running = null));
    }, intervalMs);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async settled() {
    while (this.running) await this.running;
  }

  /** One pass: start what is due, hold what this process may, step each held send. */
  async runOnce(): Promise<void> {
    const { database, clock } = this.deps;
    const now = clock.now();
    const started = await database.db
      .update(bulkSends)
      .set({ status: "running", startedAt: sql`coalesce(${bulkSends.startedAt}, ${now.toISOString()}::timestamptz)` })
      .where(and(eq(bulkSends.status, "scheduled"), lt(bulkSends.startAt, new Date(now.getTime() + 1))))
      .returning({ id: bulkSends.id, orgId: bulkSends.orgId });
    for (const s of started) {
      await commit(database, s.orgId, (db) => recordEvent(db, { orgId: s.orgId, type: "bulk_changed", data: { bulkSendId: s.id, status: "running" }, createdAt: now }));
    }
    const held = await database.db
      .update(bulkSends)
      .set({ leaseOwner: this.owner, leaseUntil: new Date(now.getTime() + this.options.leaseMs) })
      .where(
        and(
          or(inArray(bulkSends.status, ["running", "paused"]), sql`${bulkSends.finishedAt} > ${new Date(now.getTime() - this.options.watchMs).toISOString()}::timestamptz`),
          or(eq(bulkSends.leaseOwner, this.owner), isNull(bulkSends.leaseUntil), lt(bulkSends.leaseUntil, now)),
        ),
      )
      .returning();
    for (const send of held) {
      if (send.status === "running") await this.step(send, now);
      await this.publish(send, now);
    }
    for (const id of this.buckets.keys()) if (!held.some((s) => s.id === id)) this.buckets.delete(id);
  }

  private bucket(send: BulkSendRow, now: number): Bucket {
    let b = this.buckets.get(send.id);
    if (!b) {
      b = { at: now, tokens: 1, lastRaise: now, lastProgress: 0, figures: "" };
      this.buckets.set(send.id, b);
    }
    return b;
  }

  /** Hands the recipients the pace allows to the outbox, after adjusting the pace to the provider's answers. */
  private async step(send: BulkSendRow, now: Date) {
    const { database } = this.deps;
    const t = now.getTime();
    const b = this.bucket(send, t);
    const [flight] = await database.db
      .select({
        inFlight: sql<number>`count(*)::int`,
        limited: sql<number>`(count(*) filter (where ${outbox.lastError} like '130429:%' or ${outbox.lastError} like 'http_429:%' or ${outbox.lastError} like '80007:%'))::int`,
      })
      .from(outbox)
      .innerJoin(bulkRecipients, eq(bulkRecipients.messageId, outbox.messageId))
      .where(and(isNull(outbox.doneAt), eq(bulkRecipients.bulkSendId, send.id)));
    let pace = send.currentPace;
    const since = send.throttledAt ? t - send.throttledAt.getTime() : Infinity;
    if (flight.limited > 0 && since > 2_000) {
      pace = Math.max(1, Math.floor(pace / 2));
      b.tokens = 0;
      await database.db.update(bulkSends).set({ currentPace: pace, throttledAt: now }).where(eq(bulkSends.id, send.id));
      this.deps.log.warn("bulk send rate-limited: pace lowered", { bulkSendId: send.id, pace });
    } else if (flight.limited === 0 && pace < send.pace && since > this.options.calmMs && t - b.lastRaise > this.options.calmMs / 2) {
      pace = Math.min(send.pace, pace + Math.max(1, Math.ceil(send.pace / 10)));
      b.lastRaise = t;
      await database.db.update(bulkSends).set({ currentPace: pace }).where(eq(bulkSends.id, send.id));
    }
    b.tokens = Math.min(b.tokens + ((t - b.at) / 1000) * pace, Math.max(1, pace));
    b.at = t;
    // No faster than the outbox gets them out: at most two seconds' worth waiting for it.
    const room = Math.max(0, pace * 2 - flight.inFlight);
    const limit = Math.min(Math.floor(b.tokens), room, MAX_STEP);
    if (limit < 1) return;
    const result = await commit(database, send.orgId, (db) => db.transaction((tx) => enqueueNext(tx, send, this.owner, limit, now)));
    b.tokens -= result.sent;
    if (result.sent > 0) this.queued();
  }

  /** The send's figures as a bulk_progress event, when they changed since this process last published them. */
  private async publish(send: BulkSendRow, now: Date) {
    const b = this.bucket(send, now.getTime());
    if (now.getTime() - b.lastProgress < this.options.progressMs) return;
    b.lastProgress = now.getTime();
    const [current] = await this.deps.database.db.select().from(bulkSends).where(eq(bulkSends.id, send.id));
    if (!current) return;
    const counts = await bulkCounts(this.deps.database.db, send.id);
    const figures = JSON.stringify({ counts, status: current.status, pace: current.currentPace });
    if (figures === b.figures) return;
    b.figures = figures;
    await commit(this.deps.database, send.orgId, (db) =>
      recordEvent(db, { orgId: send.orgId, type: "bulk_progress", data: { bulkSendId: send.id, status: current.status, pace: current.currentPace, counts }, createdAt: now }),
    );
  }
}
