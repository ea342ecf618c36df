// The one seam after commit: every change runs through commit(), which lets it commit with its
// events, then publishes their ids and hands them to whatever listens (the live streams today, the
// automation engine tomorrow). Routes and workers never publish by hand, and nothing publishes from
// inside a transaction: a NOTIFY carries ids only, so the rows must be committed when it is heard.
import { and, eq, sql } from "drizzle-orm";
import type { Database, Db } from "@db/client";
import { events } from "@db/schema";
import { EVENTS_CHANNEL } from "./events";

/**
 * What a change returns, in the shapes domain functions already use: its event ids, one event id,
 * or an object carrying either. Null (or no ids) means nothing changed, so nothing is published.
 */
export type Committed = number | readonly number[] | { eventIds: readonly number[] } | { eventId: number | null } | null;

/** Told, in the process that committed them, which events of an organization a change wrote. */
export type ChangeListener = (orgId: number, eventIds: number[]) => void;

/**
 * Runs `work`, which writes a change and its events and commits them (domain functions own their
 * transaction), and once it has returned publishes the event ids it reports. Work that throws has
 * rolled back, and nothing is published. `orgId` may be read from what the work returns when only
 * the change itself knows it.
 */
export async function commit<T extends Committed>(database: Database, orgId: number | ((done: NoInfer<NonNullable<T>>) => number), work: (db: Db) => Promise<T>): Promise<T> {
  const { done, notified } = await commitNotifying(database, orgId, work);
  await notified;
  return done;
}

/**
 * commit() for a worker that goes on to its next change as soon as this one has committed: this
 * process's listeners are told before it returns, and the NOTIFY to the others (a busy process sends
 * one at most every NOTIFY_SPACING_MS) is handed back to be awaited elsewhere, not waited for.
 */
export async function commitNotifying<T extends Committed>(database: Database, orgId: number | ((done: NoInfer<NonNullable<T>>) => number), work: (db: Db) => Promise<T>): Promise<{ done: T; notified: Promise<void> }> {
  const done = await work(database.db);
  const ids = done === null ? [] : eventIdsOf(done);
  if (ids.length === 0) return { done, notified: Promise.resolve() };
  return { done, notified: publishEvents(database, typeof orgId === "number" ? orgId : orgId(done!), ids) };
}

function eventIdsOf(done: NonNullable<Committed>): number[] {
  if (typeof done === "number") return [done];
  if (Array.isArray(done)) return [...done];
  if ("eventIds" in done) return [...done.eventIds];
  return "eventId" in done && done.eventId !== null ? [done.eventId] : [];
}

/**
 * For changes whose domain functions return their own data rather than event ids (the admin
 * sections' saves): runs `work` in one transaction, reads back the organization's events that
 * transaction wrote (by its id, as the events log keeps it), and publishes them once committed.
 */
export async function commitWritten<T>(database: Database, orgId: number, work: (tx: Db) => Promise<T>): Promise<T> {
  let result!: T;
  await commit(database, orgId, (db) =>
    db.transaction(async (tx) => {
      result = await work(tx as unknown as Db);
      const written = await tx.select({ id: events.id }).from(events).where(and(eq(events.orgId, orgId), sql`${events.txid} = pg_current_xact_id()`));
      return written.map((e) => e.id);
    }),
  );
  return result;
}

const listeners = new WeakMap<Database, Set<ChangeListener>>();

/**
 * Calls `fn` as soon as a change committed through `database` in this process is published, before
 * its NOTIFY goes out. Other processes' changes arrive by LISTEN (see bus.ts). A listener runs in the
 * committing request or job, so it must return quickly and never throw.
 */
export function onCommitted(database: Database, fn: ChangeListener): () => void {
  let set = listeners.get(database);
  if (!set) listeners.set(database, (set = new Set()));
  set.add(fn);
  return () => set!.delete(fn);
}

/** Tells every process (this one's listeners at once, every process's via NOTIFY) that events exist. */
function publishEvents(database: Database, orgId: number, ids: number[]): Promise<void> {
  for (const fn of listeners.get(database) ?? []) fn(orgId, ids);
  let outbound = notifiers.get(database);
  if (!outbound) notifiers.set(database, (outbound = new Notifier(database)));
  return outbound.send(orgId, ids);
}

/** Ids per notification: far below NOTIFY's 8000-byte payload limit. */
const IDS_PER_NOTIFY = 400;

/**
 * A busy process notifies at most this often. Each NOTIFY is a transaction of its own that Postgres
 * commits and flushes like a write: sent as soon as the previous one returned, a process taking
 * webhooks at 800/s sent one for every 1.4 messages, 560 extra commits a second on a machine whose
 * writes are the bottleneck. Ten milliseconds keeps that under a hundred and adds at most as much to
 * a live update.
 */
const NOTIFY_SPACING_MS = 10;

/**
 * NOTIFY serializes the commits that carry one across the whole server, so a process sends one at
 * a time and at most one per NOTIFY_SPACING_MS: ids published meanwhile go out together in the
 * next, one per organization. An idle process still notifies at once; a busy one sends fewer,
 * larger notifications.
 */
class Notifier {
  #waiting = new Map<number, number[]>();
  /** The notification the waiting ids will go out with, once the one in flight is done. */
  #next: Promise<void> | null = null;
  #inFlight: Promise<void> = Promise.resolve();
  #lastSent = -Infinity;

  constructor(private database: Database) {}

  send(orgId: number, ids: number[]): Promise<void> {
    const list = this.#waiting.get(orgId);
    if (list) list.push(...ids);
    else this.#waiting.set(orgId, [...ids]);
    if (!this.#next) {
      this.#next = this.#inFlight.then(async () => {
        const wait = this.#lastSent + NOTIFY_SPACING_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const batch = this.#waiting;
        this.#waiting = new Map();
        this.#next = null;
        this.#lastSent = performance.now();
        return this.#notify(batch);
      });
      this.#inFlight = this.#next.catch(() => {});
    }
    return this.#next;
  }

  async #notify(batch: Map<number, number[]>) {
    const sends: Promise<void>[] = [];
    for (const [orgId, ids] of batch) {
      // Ids only: listeners read the rows.
      for (let i = 0; i < ids.length; i += IDS_PER_NOTIFY) sends.push(this.database.notify(EVENTS_CHANNEL, JSON.stringify({ orgId, ids: ids.slice(i, i + IDS_PER_NOTIFY) })));
    }
    await Promise.all(sends);
  }
}

const notifiers = new WeakMap<Database, Notifier>();
