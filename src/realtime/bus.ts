// Fans committed events out to this process's live streams. Every process LISTENs on one channel;
// a notification carries ids only, and the rows are read once per process, never once per client.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "@db/client";
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
          // Notifications sent while the connection was down are lost: observers start over.
          this.#listening = true;
          this.#changed(null);
        },
      )
      .then((unlisten) => {
        this.#unlisten = unlisten;
      }));
  }

  async stop() {
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

  /** Events of an organization after a given id, for a reconnecting stream (Last-Event-ID). */
  async since(orgId: number, afterId: number, limit = 500): Promise<LiveEvent[]> {
    return this.database.db
      .select()
      .from(events)
      .where(and(eq(events.orgId, orgId), gt(events.id, afterId)))
      .orderBy(asc(events.id))
      .limit(limit);
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

  /** Reads the events once and hands them to every live stream of the organization in this process. */
  async #fanOut(orgId: number, ids: number[]) {
    try {
      const set = this.#subscribers.get(orgId);
      if (!set?.size || ids.length === 0) return;
      const batch = await this.database.db
        .select()
        .from(events)
        .where(and(eq(events.orgId, orgId), inArray(events.id, ids)))
        .orderBy(asc(events.id));
      for (const fn of [...set]) {
        try {
          fn(batch);
        } catch (e) {
          this.log.error("live subscriber failed", { error: e });
        }
      }
    } catch (e) {
      this.log.error("live delivery failed", { error: e });
    }
  }
}
