// Fans committed events out to this process's live streams. Every process LISTENs on one channel;
// a notification carries ids only, and the rows are read once per process, never once per client.
import { and, asc, eq, gt, inArray } from "drizzle-orm";
import type { Database } from "@db/client";
import { events } from "@db/schema";
import type { Logger } from "../log";
import { EVENTS_CHANNEL } from "./events";

export type LiveEvent = typeof events.$inferSelect;
type Subscriber = (batch: LiveEvent[]) => void;

export class EventBus {
  #subscribers = new Map<number, Set<Subscriber>>();
  #watchers = new Set<(orgId: number) => void>();
  #unlisten: (() => Promise<void>) | null = null;
  #starting: Promise<void> | null = null;

  constructor(
    private database: Database,
    private log: Logger,
  ) {}

  /** Starts listening on first use; reconnects re-run `onListen`, after which streams catch up by id. */
  start(): Promise<void> {
    return (this.#starting ??= this.database
      .listen(EVENTS_CHANNEL, (payload) => void this.#deliver(payload))
      .then((unlisten) => {
        this.#unlisten = unlisten;
      }));
  }

  async stop() {
    await this.#unlisten?.();
    this.#unlisten = null;
    this.#starting = null;
    this.#subscribers.clear();
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

  /** Told (cheaply, without reading the events) whenever any organization has new events. */
  watch(fn: (orgId: number) => void): () => void {
    this.#watchers.add(fn);
    return () => this.#watchers.delete(fn);
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
      for (const fn of this.#watchers) fn(orgId);
      const set = this.#subscribers.get(orgId);
      if (!set?.size || !Array.isArray(ids) || ids.length === 0) return;
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
