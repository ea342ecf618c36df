// The inbox's tab counts, read (countTabs) and kept per process between an organization's changes.
// The database keeps the counts themselves (conversation_tab_counts, by triggers), so reading them
// is a small query; between two events every page of the organization shares one reading. Every
// process hears every organization's events (EventBus), here or from another process, and reads
// the counts again after any of them.
import { and, count, eq, sql, type SQL } from "drizzle-orm";
import { keptQuery, type DbOrTx } from "@db/client";
import { conversations, conversationTabCounts } from "@db/schema";
import type { Actor } from "../context";
import type { EventBus } from "../realtime/bus";
import type { EventType } from "../realtime/events";
import { notSpam } from "./filters";
import { notSupport, type Tab } from "./list";
import { visibility } from "./visibility";

/** A bound on staleness should a notification ever be lost outside a reconnect (a reconnect drops every kept count). */
const MAX_AGE_MS = 10_000;

/**
 * The events after which a conversation may sit in another tab, or one more exists: opened,
 * (re)assigned or unassigned (joining and forwarding record "assigned" too), closed, reactivated,
 * marked as spam (spam counts in no tab) or not, snoozed or woken.
 */
export const TAB_MOVES: ReadonlySet<EventType> = new Set(["conversation_created", "assigned", "closed", "reactivated", "marked_spam", "unmarked_spam", "bot_ended", "snoozed", "woke"]);

export class TabCountCache {
  #entries = new Map<number, { counts: Promise<Record<Tab, number>>; at: number }>();

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
      // Not yet hearing other processes' changes: read now, and start listening for next time.
      this.bus.start().catch(() => {});
      return countTabs(db, actor.orgId, undefined);
    }
    const now = performance.now();
    const orgId = actor.orgId;
    const hit = this.#entries.get(orgId);
    if (hit && now - hit.at < MAX_AGE_MS) return hit.counts;
    // Kept before it resolves, so concurrent pages share one reading; an event heard meanwhile drops it.
    const counts = countTabs(db, orgId, undefined);
    this.#entries.set(orgId, { counts, at: now });
    counts.catch(() => {
      if (this.#entries.get(orgId)?.counts === counts) this.#entries.delete(orgId);
    });
    return counts;
  }
}

/** Counts for the four tabs in one query. */
export async function tabCounts(db: DbOrTx, actor: Actor): Promise<Record<Tab, number>> {
  return countTabs(db, actor.orgId, await visibility(db, actor));
}

/**
 * The four tab counts of an organization: kept by the database (conversation_tab_counts), or,
 * narrowed by a visibility condition (see `visibility`), counted.
 */
export async function countTabs(db: DbOrTx, orgId: number, visible: SQL | undefined): Promise<Record<Tab, number>> {
  if (!visible) {
    const [kept] = await keptQuery(db, "tab_counts_kept", () =>
      db
        .select({
          open: sql<number>`coalesce(sum(${conversationTabCounts.open}), 0)`.mapWith(Number),
          assigned: sql<number>`coalesce(sum(${conversationTabCounts.assigned}), 0)`.mapWith(Number),
          closed: sql<number>`coalesce(sum(${conversationTabCounts.closed}), 0)`.mapWith(Number),
          snoozed: sql<number>`coalesce(sum(${conversationTabCounts.snoozed}), 0)`.mapWith(Number),
        })
        .from(conversationTabCounts)
        .where(eq(conversationTabCounts.orgId, sql.placeholder("orgId")))
        .prepare("tab_counts_kept"),
    ).execute({ orgId });
    return { ...kept, all: kept.open + kept.assigned + kept.snoozed + kept.closed };
  }
  const [row] = await db
    .select({
      open: sql<number>`count(*) filter (where ${conversations.status} = 'open' and ${conversations.assigneeId} is null and ${conversations.snoozedUntil} is null)`.mapWith(Number),
      assigned: sql<number>`count(*) filter (where ${conversations.status} = 'open' and ${conversations.assigneeId} is not null and ${conversations.snoozedUntil} is null)`.mapWith(Number),
      snoozed: sql<number>`count(*) filter (where ${conversations.status} = 'open' and ${conversations.snoozedUntil} is not null)`.mapWith(Number),
      closed: sql<number>`count(*) filter (where ${conversations.status} = 'closed')`.mapWith(Number),
      all: count(),
    })
    .from(conversations)
    .where(and(eq(conversations.orgId, orgId), notSupport(orgId), notSpam, visible))
    .prepare("tab_counts")
    .execute();
  return row;
}
