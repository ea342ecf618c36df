// The inbox's tab counts, kept per process between changes: counting a big organization's
// conversations costs more than the rest of the page. Every process hears every organization's
// events (EventBus), here or from another process. Most events (messages, delivery statuses, tags)
// leave every conversation in its tab: after those, a look at the events' types (one index lookup)
// keeps the counts; only an event that can move a conversation between tabs makes them counted again.
import { sql } from "drizzle-orm";
import { rows, type DbOrTx } from "@db/client";
import type { Actor } from "../context";
import type { EventBus } from "../realtime/bus";
import type { EventType } from "../realtime/events";
import { countTabs, visibility, type Tab } from "./conversations";

/**
 * A bound on staleness should a notification ever be lost outside a reconnect (a reconnect drops
 * every kept count). Not shorter: a recount is what a live update waits for.
 */
const MAX_AGE_MS = 60_000;

/**
 * The events after which a conversation may sit in another tab, or one more exists: opened,
 * (re)assigned or unassigned (joining and forwarding record "assigned" too), closed, reactivated.
 */
const MOVES: EventType[] = ["conversation_created", "assigned", "closed", "reactivated"];

/** Event ids remembered per organization so a change heard twice (here, then by NOTIFY) is looked at once. */
const REMEMBERED = 10_000;

interface Entry {
  counts: Promise<Record<Tab, number>>;
  at: number;
  /** Events heard since the counts were taken, not looked at yet. */
  unchecked: number[];
}

export class TabCountCache {
  #entries = new Map<number, Entry>();
  /** Per organization, events already looked at or already in any count taken from now on. */
  #known = new Map<number, Set<number>>();

  constructor(private bus: EventBus) {
    bus.observe((orgId, ids) => {
      if (orgId === null) return this.#entries.clear();
      if (!ids) return this.#entries.delete(orgId);
      const known = this.#knownOf(orgId);
      const entry = this.#entries.get(orgId);
      for (const id of ids) {
        if (known.has(id)) continue;
        // Without kept counts, the next count is taken after this event committed: it is in it.
        if (entry) entry.unchecked.push(id);
        else known.add(id);
      }
    });
  }

  #knownOf(orgId: number) {
    let known = this.#known.get(orgId);
    if (!known || known.size > REMEMBERED) this.#known.set(orgId, (known = new Set()));
    return known;
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
    const orgId = actor.orgId;
    const hit = this.#entries.get(orgId);
    if (!hit || now - hit.at >= MAX_AGE_MS) {
      // Stored before it resolves, so concurrent pages share one count; events heard meanwhile are
      // looked at by the next page.
      return this.#keep(orgId, { counts: countTabs(db, orgId, undefined), at: now, unchecked: [] });
    }
    if (hit.unchecked.length > 0) {
      const ids = hit.unchecked;
      hit.unchecked = [];
      const known = this.#knownOf(orgId);
      for (const id of ids) known.add(id);
      const kept = hit.counts;
      hit.counts = movesBetweenTabs(db, orgId, ids).then((moved) => (moved ? countTabs(db, orgId, undefined) : kept));
      return this.#keep(orgId, hit);
    }
    return hit.counts;
  }

  #keep(orgId: number, entry: Entry) {
    this.#entries.set(orgId, entry);
    const counts = entry.counts;
    counts.catch(() => {
      if (this.#entries.get(orgId)?.counts === counts) this.#entries.delete(orgId);
    });
    return counts;
  }
}

/** Whether any of these events can have moved a conversation between tabs. */
async function movesBetweenTabs(db: DbOrTx, orgId: number, ids: number[]): Promise<boolean> {
  const [row] = await rows<{ moved: boolean }>(
    db,
    sql`select exists (select 1 from events where id = any(${`{${ids.join(",")}}`}::bigint[]) and org_id = ${orgId} and type = any(${`{${MOVES.join(",")}}`}::text[])) as moved`,
  );
  return row.moved;
}
