// Fans committed events out to this process's live streams. Every process LISTENs on one channel;
// a notification carries ids only, and the rows are read once per process, never once per client.
import { and, asc, eq, gt, inArray, or, sql } from "drizzle-orm";
import { rows, type Database } from "@db/client";
import { events } from "@db/schema";
import type { Logger } from "../log";
import { onCommitted } from "./changes";
import { EVENTS_CHANNEL } from "./events";

export type LiveEvent = typeof events.$inferSelect;
type Subscriber = (batch: LiveEvent[]) => void;
/**
 * Told an organization's data changed, with the ids of the events that changed it (`null`: anything
 * may have changed while notifications were not heard).
 */
export type ChangeObserver = (orgId: number | null, ids?: number[]) => void;

/** Ids remembered as sent here; far more than can be awaiting their NOTIFY at once. */
const SENT_HERE = 10_000;

/** How often the bus reads the oldest running transaction (a resume point's second half). */
const MARK_MS = 1_000;
/** Longer than a committed event takes to reach the streams of every process (commit, NOTIFY, read). */
const NOTIFY_LAG_MS = 5_000;
/** Replayed per query; a reconnect replays page after page until it has caught up. */
const REPLAY_PAGE = 500;
/** Ids a resume looks back past its largest id, for events that committed late (see SeenEvents). */
export const RESUME_WINDOW = 10_000;

/**
 * Where a live stream resumes: after `id`, and also any event of the last RESUME_WINDOW ids whose
 * transaction is not older than `xmin`. Ids are taken before commit, so the largest id sent does not
 * say that every smaller one was sent; a transaction id below the oldest one running when the bus
 * (or a replay) read it does, once its NOTIFY has had time to arrive. Written "id:xmin" (the SSE id).
 */
export interface ResumePoint {
  id: number;
  xmin: string | null;
}

export function parseResumePoint(text: string | undefined | null): ResumePoint | null {
  const match = /^(\d{1,15})(?::(\d{1,20}))?$/.exec(text ?? "");
  if (!match || Number(match[1]) <= 0) return null;
  return { id: Number(match[1]), xmin: match[2] ?? null };
}

export function formatResumePoint(point: ResumePoint): string {
  return point.xmin === null ? String(point.id) : `${point.id}:${point.xmin}`;
}

/** The oldest running transaction at a moment: every event of an older transaction was committed then. */
type Mark = { at: number; xmin: string };
export class EventBus {
  #subscribers = new Map<number, Set<Subscriber>>();
  #unlisten: (() => Promise<void>) | null = null;
  #starting: Promise<void> | null = null;
  #observers = new Set<ChangeObserver>();
  #latest = new Map<number, number>();
  #listening = false;
  /**
   * Ids this process published and already told its observers and streams of, so their NOTIFY
   * (which every process hears, this one too) does not read and send them again.
   */
  #sentHere = new Set<number>();
  #marks: Mark[] = [];
  #marking: ReturnType<typeof setInterval> | null = null;
  /** Reads of notified events not done yet (retrying ones too), by when they began: marks wait for them. */
  #reading = new Set<{ since: number }>();
  /** Since the last LISTEN restart: notifications may have been lost before it, so older streams' marks stop there. */
  #listenedAt = 0;

  constructor(
    private database: Database,
    private log: Logger,
  ) {
    // This process's own changes reach its observers and live streams at once, not after the
    // NOTIFY round trip (a commit, a flush and up to the notifier's spacing).
    onCommitted(database, (orgId, ids) => {
      if (this.#sentHere.size > SENT_HERE) this.#sentHere.clear();
      for (const id of ids) this.#sentHere.add(id);
      this.#changed(orgId, ids);
      void this.#fanOut(orgId, ids);
    });
  }

  /** Starts listening on first use; reconnects re-run `onListen`, after which streams catch up by id. */
  start(): Promise<void> {
    return (this.#starting ??= this.database
      .listen(
        EVENTS_CHANNEL,
        (payload) => void this.#deliver(payload),
        () => {
          // Notifications sent while the connection was down are lost: observers start over, and
          // streams that were open keep the resume point they had (their reconnect replays the rest).
          this.#listening = true;
          this.#listenedAt = performance.now();
          this.#marks = [];
          this.#changed(null);
        },
      )
      .then((unlisten) => {
        this.#unlisten = unlisten;
        this.#marking ??= setInterval(() => void this.#mark(), MARK_MS);
        this.#marking.unref?.();
        void this.#mark();
      }));
  }

  async stop() {
    if (this.#marking) clearInterval(this.#marking);
    this.#marking = null;
    this.#listening = false;
    this.#changed(null);
    await this.#unlisten?.();
    this.#unlisten = null;
    this.#starting = null;
    this.#subscribers.clear();
  }

  /** Whether notifications from every process reach this one (so caches may trust them). */
  get listening(): boolean {
    return this.#listening;
  }

  /**
   * Calls `fn` whenever an organization's events are published, by any process, before live
   * streams render them; and with `null` when listening (re)starts. For caches of data that only
   * changes together with an event.
   */
  observe(fn: ChangeObserver): () => void {
    this.#observers.add(fn);
    return () => this.#observers.delete(fn);
  }

  /** The largest event id heard of per organization (a page's live stream replays from it). */
  latestEventId(orgId: number): number | undefined {
    return this.#latest.get(orgId);
  }

  #changed(orgId: number | null, ids?: number[]) {
    if (orgId !== null && ids) {
      const latest = Math.max(this.#latest.get(orgId) ?? 0, ...ids);
      if (latest > 0) this.#latest.set(orgId, latest);
    }
    for (const fn of this.#observers) {
      try {
        fn(orgId, ids);
      } catch (e) {
        this.log.error("change observer failed", { error: e });
      }
    }
  }

  subscribe(orgId: number, fn: Subscriber): () => void {
    let set = this.#subscribers.get(orgId);
    if (!set) this.#subscribers.set(orgId, (set = new Set()));
    set.add(fn);
    return () => {
      set!.delete(fn);
      if (set!.size === 0) this.#subscribers.delete(orgId);
    };
  }

  subscriberCount(orgId?: number): number {
    if (orgId !== undefined) return this.#subscribers.get(orgId)?.size ?? 0;
    let n = 0;
    for (const set of this.#subscribers.values()) n += set.size;
    return n;
  }

  /** The oldest transaction running now: every event of an older one is committed and can be read. */
  async currentXmin(): Promise<string> {
    const [row] = await rows<{ xmin: string }>(this.database.db, sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
    return String(row.xmin);
  }

  async #mark() {
    try {
      const at = performance.now();
      const xmin = await this.currentXmin();
      this.#marks.push({ at, xmin });
      // Enough to cover the lag and a little more; older ones are never chosen.
      while (this.#marks.length > 2 && this.#marks[1].at < at - 2 * NOTIFY_LAG_MS) this.#marks.shift();
    } catch (e) {
      this.log.warn("live resume mark not read", { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** A page's resume point: its data is read after this, so the newest mark's older transactions are in it. */
  pageResumePoint(orgId: number, latestId?: number): string | undefined {
    const id = latestId ?? this.latestEventId(orgId);
    if (!id) return undefined;
    const mark = this.#marks.at(-1);
    return formatResumePoint({ id, xmin: mark?.xmin ?? null });
  }

  /**
   * The newest mark a stream subscribed at `subscribedAt` may resume from: taken after it subscribed
   * and after the last LISTEN restart, at least a NOTIFY lag ago, and before any read still pending.
   */
  settledXmin(subscribedAt: number): string | null {
    let until = performance.now() - NOTIFY_LAG_MS;
    for (const read of this.#reading) until = Math.min(until, read.since);
    const after = Math.max(subscribedAt, this.#listenedAt);
    for (let i = this.#marks.length - 1; i >= 0; i--) {
      const mark = this.#marks[i];
      if (mark.at <= after) return null;
      if (mark.at <= until) return mark.xmin;
    }
    return null;
  }

  /**
   * Every event of an organization after a resume point, in pages of REPLAY_PAGE (`send` gets each),
   * for a (re)connecting stream. Returns the xmin read first: every event of an older transaction
   * was visible to the pages, so it is a resume point's second half until the bus has a later one.
   */
  async replay(orgId: number, from: ResumePoint, send: (page: LiveEvent[]) => void): Promise<string> {
    const xmin = await this.currentXmin();
    const missed =
      from.xmin === null
        ? gt(events.id, from.id)
        : or(gt(events.id, from.id), and(sql`${events.txid} >= ${from.xmin}::xid8`, gt(events.id, from.id - RESUME_WINDOW)));
    let after = 0;
    for (;;) {
      const page = await this.database.db
        .select()
        .from(events)
        .where(and(eq(events.orgId, orgId), gt(events.id, after), missed))
        .orderBy(asc(events.id))
        .limit(REPLAY_PAGE);
      if (page.length) send(page);
      if (page.length < REPLAY_PAGE) return xmin;
      after = page.at(-1)!.id;
    }
  }

  async #deliver(payload: string) {
    try {
      const { orgId, ids } = JSON.parse(payload) as { orgId: number; ids: number[] };
      if (typeof orgId !== "number" || !Array.isArray(ids)) return this.#changed(null);
      // What this process published, its observers and streams already had.
      const heard = ids.filter((id) => !this.#sentHere.delete(id));
      if (heard.length === 0) return;
      this.#changed(orgId, heard);
      await this.#fanOut(orgId, heard);
    } catch (e) {
      this.log.error("live delivery failed", { error: e });
    }
  }

  /**
   * Reads the events once and hands them to every live stream of the organization in this process.
   * A read that fails (the database away for a moment) is tried again until it succeeds or no stream
   * is left to tell; meanwhile resume points do not move past it.
   */
  async #fanOut(orgId: number, ids: number[]) {
    if (!this.#subscribers.get(orgId)?.size || ids.length === 0) return;
    const read = { since: performance.now() };
    this.#reading.add(read);
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const batch = await this.readEvents(orgId, ids);
          for (const fn of [...(this.#subscribers.get(orgId) ?? [])]) {
            try {
              fn(batch);
            } catch (e) {
              this.log.error("live subscriber failed", { error: e });
            }
          }
          return;
        } catch (e) {
          this.log.warn("live events not read; trying again", { orgId, attempt, error: e instanceof Error ? e.message : String(e) });
          await Bun.sleep(Math.min(100 * 2 ** (attempt - 1), 5_000));
          if (!this.#subscribers.get(orgId)?.size) return;
        }
      }
    } finally {
      this.#reading.delete(read);
    }
  }

  /** The notified events' rows (a method of its own so fault tests can make it fail). */
  protected readEvents(orgId: number, ids: number[]): Promise<LiveEvent[]> {
    return this.database.db
      .select()
      .from(events)
      .where(and(eq(events.orgId, orgId), inArray(events.id, ids)))
      .orderBy(asc(events.id));
  }
}
