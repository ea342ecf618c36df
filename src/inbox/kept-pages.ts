// The first page of each inbox tab (every sort; no filter, search or cursor), kept per process
// between changes. Every agent who opens the inbox asks for one of these few pages, and between two
// events of the organization they are the same for everyone: the page's queries and the decoding
// of fifty rows were most of its cost. Every change to what a row shows publishes an event (or moves
// the organization's roster_version, for names of members, workgroups and tags), and every process
// hears every organization's events (EventBus): hearing one drops the organization's kept pages.
// What differs per viewer, the unread markers, is looked up per viewer (`unreadAmong`) and kept
// with the page while the viewer's reads_version holds (it arrives with the session).
import type { DbOrTx } from "@db/client";
import type { Actor } from "../context";
import type { EventBus } from "../realtime/bus";
import { findConversations, supportRow, type ConversationRow, type InboxCursor, type Tab } from "./list";
import { unreadAmong } from "./reads";
import { visibility } from "./visibility";
import { isFiltered, type InboxFilters } from "./filters";

/** A bound on staleness should a change ever go unannounced outside a reconnect (which drops everything). */
const MAX_AGE_MS = 10_000;

/** The list as a page shows it: its rows, where the next page starts, and the pinned row. */
export interface ListPage {
  rows: ConversationRow[];
  next: string | null;
  /** The organization's support conversation, pinned above the list. */
  pinned: ConversationRow | null;
  /** The newest event heard before the rows were read: the page's live stream replays from there. */
  since: number | undefined;
}

interface Entry {
  page: Promise<ListPage>;
  at: number;
  rosterVersion: number | undefined;
  /** Per viewer, the rows with something they have not read, and their reads_version then. */
  unread: Map<string, { readsVersion: number; ids: Set<number> }>;
}

export class KeptInboxPages {
  /** Per organization, its kept pages by tab and sort. */
  #orgs = new Map<number, Map<string, Entry>>();

  constructor(private bus: EventBus) {
    bus.observe((orgId) => {
      if (orgId === null) this.#orgs.clear();
      else this.#orgs.delete(orgId);
    });
  }

  /** Whether a request for this list is one of the kept pages (and so should be asked of `page`). */
  static keeps(query: { search: string; cursor: unknown; filters: InboxFilters }): boolean {
    return !query.search && !query.cursor && !isFiltered(query.filters);
  }

  /**
   * The first page of a tab as the actor sees it. Kept only for those who see every conversation:
   * an agent limited to their own gets it read per request, as workgroup memberships change
   * without an event.
   */
  async page(db: DbOrTx, actor: Actor, tab: Tab, filters: InboxFilters): Promise<ListPage> {
    const read = () => readListPage(db, actor, { tab, search: "", cursor: null, filters }, this.bus.latestEventId(actor.orgId));
    if (!this.bus.listening || (await visibility(db, actor))) return read();
    let pages = this.#orgs.get(actor.orgId);
    if (!pages) this.#orgs.set(actor.orgId, (pages = new Map()));
    const key = `${tab}:${filters.sort}`;
    let entry = pages.get(key);
    const now = performance.now();
    if (!entry || entry.rosterVersion !== actor.rosterVersion || now - entry.at >= MAX_AGE_MS) {
      // Stored before it resolves, so concurrent pages share one read. An event heard meanwhile drops
      // it (the read may have missed that event), and the next page reads again.
      entry = { page: read(), at: now, rosterVersion: actor.rosterVersion, unread: new Map() };
      pages.set(key, entry);
      const kept = entry;
      kept.page.catch(() => {
        if (this.#orgs.get(actor.orgId)?.get(key) === kept) this.#orgs.get(actor.orgId)?.delete(key);
      });
    }
    const page = await entry.page;
    let seen = entry.unread.get(actor.userId);
    if (seen?.readsVersion !== actor.readsVersion) {
      seen = { readsVersion: actor.readsVersion, ids: await unreadAmong(db, actor.userId, page.pinned ? [page.pinned, ...page.rows] : page.rows) };
      entry.unread.set(actor.userId, seen);
    }
    const unread = seen.ids;
    const mark = (row: ConversationRow) => (row.unread === unread.has(row.id) ? row : flippedOf(row));
    return { ...page, rows: page.rows.map(mark), pinned: page.pinned && mark(page.pinned) };
  }
}

/** A kept row with its unread marker the other way, made once per row so that its drawn markup is kept too. */
const flipped = new WeakMap<ConversationRow, ConversationRow>();

function flippedOf(row: ConversationRow): ConversationRow {
  let other = flipped.get(row);
  if (!other) flipped.set(row, (other = { ...row, unread: !row.unread }));
  return other;
}

/**
 * The list read now: any page, kept or not. `since`: the newest event heard before it was read. The
 * support conversation is pinned above the first page, search or filters aside.
 */
export async function readListPage(db: DbOrTx, actor: Actor, query: { tab: Tab; search: string; cursor: InboxCursor | null; filters: InboxFilters }, since: number | undefined): Promise<ListPage> {
  const [list, pinned] = await Promise.all([findConversations(db, actor, query), query.cursor ? null : supportRow(db, actor)]);
  return { rows: list.items, next: list.next, pinned, since };
}
