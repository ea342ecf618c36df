// The events log: every state change appends a row in its own transaction; ids are published after commit.
import type { Database, DbOrTx } from "@db/client";
import { events } from "@db/schema";

export type EventType =
  | "organization_created"
  | "organization_updated"
  | "status_changed"
  | "user_invited"
  | "user_updated"
  | "user_deactivated"
  | "user_reactivated"
  | "conversation_created"
  | "message_created"
  | "assigned"
  | "forwarded"
  | "joined"
  | "first_response"
  | "closed"
  | "reactivated"
  | "contact_updated"
  | "note_added"
  | "tagged"
  | "untagged"
  | "delivery_changed"
  | "window_closed"
  | "metrics_refreshed"
  | "tag_changed"
  | "brand_changed"
  | "workgroup_changed"
  | "quick_reply_changed"
  | "closing_message_changed"
  | "custom_field_changed"
  | "channel_changed"
  | "file_added"
  | "file_removed";

export interface NewEvent {
  orgId: number;
  type: EventType;
  conversationId?: number | null;
  actorId?: string | null;
  subjectUserId?: string | null;
  data?: Record<string, unknown>;
  createdAt?: Date;
}

export async function recordEvent(tx: DbOrTx, event: NewEvent): Promise<number> {
  const [row] = await tx.insert(events).values(event).returning({ id: events.id });
  return row.id;
}

export const EVENTS_CHANNEL = "kanal_events";

const publishedHere = new WeakMap<Database, Set<(orgId: number, ids: number[]) => void>>();

/** Calls `fn` as soon as this process publishes an organization's events through `database`. */
export function onPublished(database: Database, fn: (orgId: number, ids: number[]) => void): () => void {
  let set = publishedHere.get(database);
  if (!set) publishedHere.set(database, (set = new Set()));
  set.add(fn);
  return () => set!.delete(fn);
}

/** Tells every process (in-process listeners and other processes via NOTIFY) that events exist. */
export async function publishEvents(database: Database, orgId: number, ids: number[]) {
  if (ids.length === 0) return;
  for (const fn of publishedHere.get(database) ?? []) fn(orgId, ids);
  let outbound = notifiers.get(database);
  if (!outbound) notifiers.set(database, (outbound = new Notifier(database)));
  await outbound.send(orgId, ids);
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
