// The inbox's tab counts, kept per process between changes: counting a big organization's
// conversations costs more than the rest of the page. A count changes only with a conversation
// event, and every process hears every organization's events (EventBus), so an organization's
// counts are dropped the moment any of its events is published, here or in another process.
import type { DbOrTx } from "@db/client";
import type { Actor } from "../context";
import type { EventBus } from "../realtime/bus";
import { countTabs, visibility, type Tab } from "./conversations";

/** A bound on staleness should a notification ever be lost outside a reconnect. */
const MAX_AGE_MS = 5_000;

interface Entry {
  counts: Promise<Record<Tab, number>>;
  at: number;
}

export class TabCountCache {
  #entries = new Map<number, Entry>();

  constructor(private bus: EventBus) {
    bus.observe((orgId) => (orgId === null ? this.#entries.clear() : this.#entries.delete(orgId)));
  }

  /**
   * What the actor's tabs show. Only organization-wide counts are kept; an agent who sees only
   * their own gets them counted per request, as workgroup memberships change without an event.
   */
  async counts(db: DbOrTx, actor: Actor): Promise<Record<Tab, number>> {
    const visible = await visibility(db, actor);
    if (visible) return countTabs(db, actor.orgId, visible);
    if (!this.bus.listening) {
      // Not yet hearing other processes' changes: count now, and start listening for next time.
      this.bus.start().catch(() => {});
      return countTabs(db, actor.orgId, undefined);
    }
    const now = performance.now();
    const hit = this.#entries.get(actor.orgId);
    if (hit && now - hit.at < MAX_AGE_MS) return hit.counts;
    // Stored before it resolves, so concurrent pages share one count; an event in the meantime
    // drops it, and later pages count again from a snapshot that includes the change.
    const entry: Entry = { counts: countTabs(db, actor.orgId, undefined), at: now };
    this.#entries.set(actor.orgId, entry);
    entry.counts.catch(() => {
      if (this.#entries.get(actor.orgId) === entry) this.#entries.delete(actor.orgId);
    });
    return entry.counts;
  }
}
