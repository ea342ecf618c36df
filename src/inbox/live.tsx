// What each inbox's live stream receives for an event: its rows, the open thread and the tab counts.
// Queries run once per event per process; a fragment is rendered once per audience (language, page
// state, person where it differs) and shared by every stream of that audience.
import { eq } from "drizzle-orm";
import type { Database } from "@db/client";
import { conversations, organizations, workgroupMembers } from "@db/schema";
import type { LiveEvent } from "../realtime/bus";
import type { EventType } from "../realtime/events";
import { partial, remove, upsert } from "../realtime/fragments";
import { Drawn, type LiveRenderer, type LiveView, type Viewer as AnyViewer } from "../realtime/renderers";
import { uiFor } from "../web";
import { inboxHref } from "../../views/inbox/links";
import { MessageItem } from "../../views/inbox/message";
import { ConversationRow } from "../../views/inbox/row";
import { TabCounts } from "../../views/inbox/tabs";
import { ThreadFooter } from "../../views/inbox/thread-footer";
import { ThreadHead } from "../../views/inbox/thread-head";
import { ReferralCard } from "../../views/inbox/referral";
import { WindowNotice } from "../../views/inbox/window";
import { composerOptions, type ThreadOptions } from "./composer";
import { getConversationRow, rowInTab, tabs, type ConversationRow as Row, type Tab } from "./list";
import { getMessageItem, getThread, type ThreadData } from "./thread";
import { readsOf, unreadBy } from "./reads";
import { TAB_MOVES, type TabCountCache } from "./tab-counts";
import { seesRow } from "./visibility";

/** What an inbox page shows: the tab and search, and the open conversation. */
export interface InboxPage {
  tab?: Tab;
  search?: string;
  /** The list is filtered or re-sorted: live updates redraw its rows in place, never reorder it. */
  filtered?: boolean;
  /** The list is filtered to spam conversations, which live updates otherwise take out of every tab. */
  showsSpam?: boolean;
  /** The list is filtered to the bot's conversations, likewise in no tab. */
  showsBot?: boolean;
  conversationId?: number;
}

type Viewer = AnyViewer<InboxPage>;

export function inboxPage(query: Record<string, string>): InboxPage {
  const conversationId = Number(query.conversation);
  return {
    tab: (tabs as readonly string[]).includes(query.tab ?? "") ? (query.tab as Tab) : "open",
    search: (query.q ?? "").trim().slice(0, 200),
    filtered: query.f === "1",
    showsSpam: query.spam === "1",
    showsBot: query.bot === "1",
    conversationId: Number.isSafeInteger(conversationId) && conversationId > 0 ? conversationId : undefined,
  };
}

export function inboxLive(database: Database, now: () => Date, tabCounts: TabCountCache): LiveView<InboxPage> {
  return { name: "inbox", page: inboxPage, renderers: [new InboxLive(database, now, tabCounts)] };
}

const conversationEvents = new Set(["conversation_created", "message_created", "delivery_changed", "message_updated", "window_closed", "assigned", "forwarded", "joined", "closed", "first_response", "reactivated", "marked_spam", "unmarked_spam", "tagged", "untagged", "snoozed", "woke", "contacts_merged", "referral_kept"]);

/**
 * A merge's moved conversations whose rows are redrawn live (the newest): a contact's history is
 * rarely longer, and a merge should not redraw hundreds of rows on every screen.
 */
const MERGED_ROWS = 100;

/**
 * Events that make a conversation the latest activity: the lists ordered by it (All, and every tab's
 * default order) take its row to the top. Assignment, joining, closing and reactivation (a new
 * conversation) are actions as much as a message is.
 */
const MOVES_UP = new Set(["message_created", "conversation_created", "assigned", "joined", "closed", "woke"]);

/**
 * Events whose shared reads and drawings are kept. Where agents see only their own, each agent's
 * drawing is their own (a thousand agents: a thousand fragments per event), so few events are kept;
 * a stream further behind has its event read again.
 */
const SHARED_EVENTS = 16;

/** What every viewer's inbox fragments for one event are drawn from, read once per event. */
interface InboxEvent {
  row: Row | null;
  reads: Map<string, Date>;
  agentsSeeOnlyOwn: boolean;
  /** Fragments drawn so far, by what the viewers who get them have alike. */
  drawn: Map<string, Promise<string>>;
}

/** The inbox's rows, open thread and tab counts, drawn for each viewer's tab, search and conversation. */
class InboxLive implements LiveRenderer<InboxPage> {
  events = conversationEvents;
  #drawn = new Drawn();
  /** The latest events' shared reads and drawings (inbox viewers), by event id, then conversation (a merge has several). */
  #inboxEvents = new Map<number, Map<number, Promise<InboxEvent>>>();

  constructor(
    private database: Database,
    private now: () => Date,
    private tabCounts: TabCountCache,
  ) {}

  render(event: LiveEvent, viewer: Viewer): Promise<string> {
    if (event.type === "contacts_merged") return this.#merged(event, viewer);
    if (!event.conversationId) return Promise.resolve("");
    return this.#inbox(event, viewer, event.conversationId);
  }

  /**
   * Two contacts became one: the moved conversations' rows show the kept contact's name where the
   * viewer's list has them, and an open thread of the kept contact its header (name, phone, email).
   */
  async #merged(event: LiveEvent, viewer: Viewer): Promise<string> {
    const data = event.data as { contactId?: number; conversationIds?: number[] };
    const moved = (data.conversationIds ?? []).map(Number).filter(Number.isSafeInteger).sort((a, b) => b - a).slice(0, MERGED_ROWS);
    const rows = await Promise.all(moved.map((id) => this.#inbox(event, viewer, id)));
    const open = viewer.conversationId;
    if (open && (moved.includes(open) || (await this.#keptConversations(event, Number(data.contactId))).has(open))) rows.push(await this.#thread(event, viewer, open));
    return rows.join("");
  }

  /** The kept contact's conversations after a merge, read once per event. */
  #keptConversations(event: LiveEvent, contactId: number): Promise<Set<number>> {
    return this.#drawn.once(`kept:${event.id}`, async () => {
      if (!Number.isSafeInteger(contactId)) return new Set<number>();
      const rows = await this.database.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId));
      return new Set(rows.map((r) => r.id));
    });
  }

  async #inbox(event: LiveEvent, viewer: Viewer, conversationId: number): Promise<string> {
    // Read once per event for every viewer, awaited once per viewer: with a thousand agents on the
    // inbox, each await and key per viewer showed in the fan-out.
    const seen = await this.#seenBy(event, viewer, conversationId);
    if (!seen) return "";
    const { row, reads, drawn, restricted } = seen;
    // Unread is per agent: when each agent last read it was read once for everyone.
    const readAt = reads.get(viewer.actor.userId);
    const unread = unreadBy(row.lastInboundAt, readAt);
    // Viewers who get the same fragments share one drawing of them, the same string (whose frame
    // the live stream then encodes once): with a thousand agents on the inbox, assembling a copy per agent
    // was most of the fan-out. The person counts only where the fragments are theirs alone.
    const own = restricted || viewer.conversationId === conversationId ? viewer.actor.userId : "";
    const alike = `${own}|${viewer.locale}|${viewer.actor.timezone}|${viewer.tab}|${viewer.search}|${viewer.filtered}|${viewer.showsSpam}|${viewer.showsBot}|${unread}`;
    let html = drawn.get(alike);
    if (!html) {
      drawn.set(alike, (html = this.#drawInbox(event, viewer, row, restricted, unread, conversationId)));
      html.catch(() => drawn.delete(alike));
    }
    return html;
  }

  /**
   * The event's shared reads, and whether the viewer is an agent who sees only their own; null when
   * the conversation is gone or not theirs to see.
   */
  async #seenBy(event: LiveEvent, viewer: Viewer, conversationId: number): Promise<(InboxEvent & { row: Row; restricted: boolean }) | null> {
    const shared = await this.#shared(event, conversationId);
    const row = shared.row;
    if (!row) return null;
    const restricted = shared.agentsSeeOnlyOwn && viewer.actor.role === "agent";
    if (restricted && !(await this.#canSee(event, viewer, row))) return null;
    return { ...shared, row, restricted };
  }

  #shared(event: LiveEvent, conversationId: number): Promise<InboxEvent> {
    let ofEvent = this.#inboxEvents.get(event.id);
    if (!ofEvent) {
      if (this.#inboxEvents.size >= SHARED_EVENTS) this.#inboxEvents.delete(this.#inboxEvents.keys().next().value!);
      this.#inboxEvents.set(event.id, (ofEvent = new Map()));
    }
    let shared = ofEvent.get(conversationId);
    if (!shared) {
      const kept = ofEvent;
      kept.set(conversationId, (shared = this.#readInboxEvent(event, conversationId)));
      shared.catch(() => kept.delete(conversationId));
    }
    return shared;
  }

  /** The conversation's row, who has read it when, and the organization's visibility setting, as the event left them. */
  async #readInboxEvent(event: LiveEvent, conversationId: number): Promise<InboxEvent> {
    const { db } = this.database;
    const [row, reads, [org]] = await Promise.all([
      getConversationRow(db, event.orgId, conversationId),
      readsOf(db, conversationId),
      db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, event.orgId)),
    ]);
    return { row, reads, agentsSeeOnlyOwn: !!org?.settings.agentsSeeOnlyOwn, drawn: new Map() };
  }

  /**
   * The inbox's tab counts after an event that can move a conversation between tabs, or null.
   * Sent apart from the rows (the live stream writes them when ready): the rows reach every agent without
   * waiting for a read of the counts, or for an agent who sees only their own, a count of them.
   */
  later(event: LiveEvent, viewer: Viewer): Promise<string> | null {
    if (!event.conversationId || !TAB_MOVES.has(event.type as EventType)) return null;
    return this.#counts(event, viewer);
  }

  async #counts(event: LiveEvent, viewer: Viewer): Promise<string> {
    const seen = await this.#seenBy(event, viewer, event.conversationId!);
    if (!seen) return "";
    const tab = viewer.tab ?? "open";
    const search = viewer.search ?? "";
    const whose = seen.restricted ? viewer.actor.userId : "all";
    const counts = await this.#drawn.once(`counts:${event.id}:${whose}`, () => this.tabCounts.counts(this.database.db, viewer.actor));
    return this.#drawn.once(`counts-html:${event.id}:${whose}:${viewer.locale}:${tab}:${search}`, async () =>
      partial("#tab-counts", String(<TabCounts ui={uiFor(viewer.actor, viewer.locale)} tab={tab} search={search} counts={counts} />)),
    );
  }

  async #drawInbox(event: LiveEvent, viewer: Viewer, row: Row, restricted: boolean, unread: boolean, conversationId: number): Promise<string> {
    // Where the customer came from shows above the thread only: the row is unchanged.
    const out = event.type === "referral_kept" ? [] : [await this.#row(event, viewer, row, unread)];
    // A merge's open thread is drawn once, by #merged.
    if (viewer.conversationId === conversationId && event.type !== "contacts_merged") out.push(await this.#thread(event, viewer, conversationId));
    return out.join("");
  }

  /** The conversation's row where the viewer's list shows it (or should), or its removal. */
  async #row(event: LiveEvent, viewer: Viewer, row: Row, unread: boolean): Promise<string> {
    const tab = viewer.tab ?? "open";
    const search = viewer.search ?? "";
    // A searched or filtered list is left as the agent asked for it; only rows it shows are redrawn.
    const moved = MOVES_UP.has(event.type);
    // A merge renames rows: redrawn where a list shows them, never added to one (nor taken out).
    const renamed = event.type === "contacts_merged";
    // Kanal's support line stays pinned above the list, whatever the tab.
    const pinned = row.channelKind === "support";
    if (!pinned && !rowInTab(row, tab, viewer.showsSpam, viewer.showsBot)) return renamed ? "" : remove(`conv-${row.id}`);
    const current = viewer.conversationId === row.id;
    const html = await this.#drawn.once(`row-html:${event.id}:${row.id}:${viewer.locale}:${viewer.actor.timezone}:${tab}:${search}:${current}:${unread}`, async () =>
      String(<ConversationRow ui={uiFor(viewer.actor, viewer.locale)} row={{ ...row, unread }} tab={tab} search={search} now={this.now()} current={current} />),
    );
    const inbound = event.type === "message_created" && (event.data as { direction?: string }).direction === "in";
    const [into, at] = pinned ? ["#pinned-rows", renamed ? ("only" as const) : ("keep" as const)] : ["#conversation-rows", search || viewer.filtered || renamed ? ("only" as const) : moved ? ("top" as const) : ("keep" as const)];
    return upsert(`conv-${row.id}`, into, at, html, inbound ? `${row.contactName}: ${row.preview}` : undefined);
  }

  /** The reply-window notice above the composer, from the thread and options already read. */
  #windowNotice(viewer: Viewer, c: ThreadData["conversation"], options: ThreadOptions): string {
    return partial("#window-notice", String(<WindowNotice ui={uiFor(viewer.actor, viewer.locale)} channelKind={c.channelKind} lastInboundAt={c.lastInboundAt} templates={options.templates ?? []} base={`/inbox/${c.id}`} now={this.now()} />));
  }

  /** The open thread: a new message is appended; other changes redraw its head and footer. */
  async #thread(event: LiveEvent, viewer: Viewer, conversationId: number): Promise<string> {
    const { db } = this.database;
    if (event.type === "message_created" || event.type === "delivery_changed" || event.type === "message_updated") {
      const messageId = Number((event.data as { messageId?: number }).messageId);
      const message = await this.#drawn.once(`message:${event.id}`, () => getMessageItem(db, event.orgId, messageId));
      if (!message) return "";
      const html = await this.#drawn.once(`message-html:${event.id}:${viewer.locale}:${viewer.actor.timezone}`, async () =>
        String(<MessageItem ui={uiFor(viewer.actor, viewer.locale)} m={message} conversationId={conversationId} />),
      );
      const item = upsert(`m-${message.id}`, "#messages", event.type === "message_created" ? "bottom" : "only", html);
      if (event.type !== "message_created" || (event.data as { direction?: string }).direction !== "in") return item;
      // The customer wrote: the reply window opens again.
      const [thread, options] = await Promise.all([getThread(db, viewer.actor, conversationId), composerOptions(db, viewer.actor, conversationId)]);
      return thread ? item + this.#windowNotice(viewer, thread.conversation, options) : item;
    }
    if (event.type === "tagged" || event.type === "untagged") return "";
    // Head and footer depend on the person (joined or not), so they are drawn per viewer.
    // Options hold the viewer's personal quick replies, so they are read per viewer too.
    const [thread, options] = await Promise.all([getThread(db, viewer.actor, conversationId), composerOptions(db, viewer.actor, conversationId)]);
    if (!thread) return "";
    const ui = uiFor(viewer.actor, viewer.locale);
    const parts = [partial("#thread-head", String(<ThreadHead ui={ui} c={thread.conversation} options={options} back={inboxHref(viewer.tab ?? "open", viewer.search ?? "")} now={this.now()} />))];
    // The footer holds the composer: redraw it only when its shape changes, never under a draft.
    // The customer writing again (or the window job) changes what may be sent: redraw the notice only.
    if (event.type === "window_closed") return parts.concat(this.#windowNotice(viewer, thread.conversation, options)).join("");
    if (event.type === "referral_kept") return parts.concat(partial("#referral-card", String(<ReferralCard ui={ui} c={thread.conversation} />))).join("");
    const footerChanges = event.type === "closed" || event.type === "woke" || event.type === "marked_spam" || event.type === "unmarked_spam" || ((event.type === "assigned" || event.type === "joined") && event.subjectUserId === viewer.actor.userId);
    if (footerChanges) parts.push(partial("#thread-footer", String(<ThreadFooter ui={ui} c={thread.conversation} options={options} now={this.now()} />)));
    // An automatic assignment, a snooze and a wake tell the thread in a system line of their own.
    const systemLineId = event.type === "assigned" || event.type === "snoozed" || event.type === "woke" ? Number((event.data as { messageId?: number }).messageId) : NaN;
    if (Number.isInteger(systemLineId)) {
      const line = await this.#drawn.once(`message:${event.id}`, () => getMessageItem(db, event.orgId, systemLineId));
      if (line) parts.push(upsert(`m-${line.id}`, "#messages", "bottom", String(<MessageItem ui={ui} m={line} conversationId={conversationId} />)));
    }
    return parts.join("");
  }

  /** The visibility rule (visibility.ts) for a row already read, the viewer's workgroups read once per event. */
  #canSee(event: LiveEvent, viewer: Viewer, row: Row): Promise<boolean> {
    return seesRow({ ...viewer.actor, agentsSeeOnlyOwn: true }, row, () =>
      this.#drawn.once(`groups:${event.id}:${viewer.actor.userId}`, async () =>
        (await this.database.db.select({ id: workgroupMembers.workgroupId }).from(workgroupMembers).where(eq(workgroupMembers.userId, viewer.actor.userId))).map((g) => g.id),
      ),
    );
  }
}
