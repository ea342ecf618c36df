// The inbox list: its tabs, one keyset-paged query per page (filters, search, the pinned support
// line), and the one way a list row is read.
import { and, asc, eq, gt, isNotNull, isNull, lt, or, sql, type Placeholder, type SQL, type Subquery } from "drizzle-orm";
import { keptQuery, type DbOrTx } from "@db/client";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { channels, contacts, conversationReads, conversations, conversationTags, users, workgroups, type ChannelKind, type ConversationType } from "@db/schema";
import type { Actor } from "../context";
import { filterConditions, isFiltered, noFilters, type InboxFilters, type Sort } from "./filters";
import { withTags } from "./row-tags";
import { searchCondition } from "./search";
import { visibility } from "./visibility";

export const tabs = ["open", "assigned", "snoozed", "closed", "all"] as const;
export type Tab = (typeof tabs)[number];
export const INBOX_PAGE = 50;

export interface ConversationRow {
  id: number;
  unread: boolean;
  createdAt: Date;
  waitingSince: Date | null;
  lastInboundAt: Date | null;
  status: "open" | "closed";
  type: ConversationType;
  assigneeId: string | null;
  workgroupId: number | null;
  contactName: string;
  channelKind: ChannelKind;
  channelName: string;
  preview: string;
  lastMessageAt: Date;
  assigneeName: string | null;
  workgroupName: string | null;
  tags: { name: string; color: string }[];
  /** Snoozed until then (an open conversation in the Snoozed tab), or null. */
  snoozedUntil: Date | null;
}

export function tabCondition(tab: Tab): SQL | undefined {
  switch (tab) {
    case "open":
      return and(eq(conversations.status, "open"), isNull(conversations.assigneeId), isNull(conversations.snoozedUntil));
    case "assigned":
      return and(eq(conversations.status, "open"), isNotNull(conversations.assigneeId), isNull(conversations.snoozedUntil));
    case "snoozed":
      return and(eq(conversations.status, "open"), isNotNull(conversations.snoozedUntil));
    case "closed":
      return eq(conversations.status, "closed");
    case "all":
      return undefined;
  }
}

export interface InboxCursor {
  at: string;
  id: number;
}

export function encodeInboxCursor(c: InboxCursor): string {
  return Buffer.from(`${c.at}|${c.id}`).toString("base64url");
}

const FIRST_DAY = Date.parse("0001-01-01T00:00:00Z");
const LAST_DAY = Date.parse("9999-12-31T23:59:59Z");

export function decodeInboxCursor(raw: string | undefined): InboxCursor | null {
  if (!raw) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (!at || !id || !/^\d{1,16}$/.test(id) || Number(id) > Number.MAX_SAFE_INTEGER) return null;
  // Any date JavaScript reads is not one Postgres takes: years outside 1–9999 name no conversation.
  const time = Date.parse(at);
  if (!(time >= FIRST_DAY && time <= LAST_DAY)) return null;
  return { at, id: Number(id) };
}

export interface ConversationQuery {
  tab: Tab;
  search?: string;
  filters?: InboxFilters;
  cursor?: InboxCursor | null;
  limit?: number;
}

/**
 * Newest first, spelled as the indexes are (drizzle's `.desc()` indexes are NULLS LAST; a plain
 * DESC means NULLS FIRST, which would make Postgres sort the whole organization instead).
 */
function newestFirst(column: AnyPgColumn): SQL {
  return sql`${column} desc nulls last`;
}

/**
 * A LIMIT written into the SQL text instead of sent as a parameter. A tab's list query is prepared
 * (drizzle's `.prepare(name)`; postgres.js keeps one statement per SQL text and connection), so
 * Postgres can settle on a generic plan instead of planning every page (about 2 ms, more than
 * running it); with the limit as a parameter it cannot cost the generic plan and keeps re-planning.
 */
function literalLimit(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`Not a row limit: ${n}`);
  // drizzle's limit() takes a number or a placeholder and writes anything else as SQL.
  return sql.raw(String(n)) as unknown as number;
}

/** The column each sort orders by, and its direction (the list keysets on it, then on id). */
function sortColumn(sort: Sort) {
  return sort === "created" ? { column: conversations.createdAt, asc: false } : sort === "waiting" ? { column: conversations.waitingSince, asc: true } : { column: conversations.lastMessageAt, asc: false };
}

/**
 * The support line (Kanal's operators) is pinned above the list, not one of its rows: it is never
 * counted in the tabs nor paged with the customers' conversations.
 */
export function notSupport(orgId: number | Placeholder): SQL {
  return sql`${conversations.channelId} not in (select s.id from ${channels} s where s.org_id = ${orgId} and s.kind = 'support')`;
}

/**
 * The organization's latest conversation with Kanal's support team, pinned first in the inbox.
 * Picked per status on the (org, channel, status, activity) index: ordered by activity alone,
 * Postgres walks the whole organization's activity index looking for the one support row.
 */
export async function supportRow(db: DbOrTx, actor: Actor): Promise<ConversationRow | null> {
  const query = keptQuery(db, "support_row", () => {
    const orgId = sql.placeholder("orgId");
    const supportChannel = sql`(select s.id from ${channels} s where s.org_id = ${orgId} and s.kind = 'support' order by s.id limit 1)`;
    const latestWith = (status: "open" | "closed") =>
      sql`(select c.id, c.last_message_at from ${conversations} c where c.org_id = ${orgId} and c.channel_id = ${supportChannel} and c.status = ${status} order by c.last_message_at desc nulls last limit 1)`;
    const latest = sql`select x.id from (${latestWith("open")} union all ${latestWith("closed")}) x order by x.last_message_at desc nulls last limit 1`;
    return rowsQuery(db, sql`${conversations.id} = (${latest})`, 1, sql.placeholder("viewerId")).prepare("support_row");
  });
  const [row] = await withTags(db, actor.orgId, actor.rosterVersion, await query.execute({ orgId: actor.orgId, viewerId: actor.userId }));
  return row ?? null;
}

/** One query per page, newest activity first, continuing strictly after the cursor. */
export async function findConversations(db: DbOrTx, actor: Actor, query: ConversationQuery) {
  const limit = query.limit ?? INBOX_PAGE;
  const filters = query.filters ?? noFilters;
  const term = query.search?.trim();
  const cursor = query.cursor && !Number.isNaN(Date.parse(query.cursor.at)) ? query.cursor : null;
  const visible = await visibility(db, actor);
  // Only the fixed shapes (a tab, a sort, a cursor) are prepared: postgres.js keeps every prepared
  // text per connection for good, and searches and filter lists would make endless variants. Those
  // shapes are also built once (keptQuery), their values given as placeholders.
  const fixed = !term && !isFiltered(filters);
  let rows: ConversationRow[];
  if (fixed && !visible) {
    const kept = keptQuery(db, `inbox_rows:${query.tab}:${filters.sort}:${cursor ? "after" : "first"}:${limit}`, () =>
      pageQuery(db, {
        limit,
        sort: filters.sort,
        viewerId: sql.placeholder("viewerId"),
        where: and(
          eq(conversations.orgId, sql.placeholder("orgId")),
          notSupport(sql.placeholder("orgId")),
          tabCondition(query.tab),
          // Unfiltered: only the sort may add a condition, and none carries a value of this actor's.
          filterConditions({ ...noFilters, sort: filters.sort }, "UTC", ""),
          cursor ? afterCursor(filters.sort, sql.placeholder("cursorAt"), sql.placeholder("cursorId")) : undefined,
        ),
      }).prepare("inbox_rows"),
    );
    rows = await withTags(db, actor.orgId, actor.rosterVersion, await kept.execute({ orgId: actor.orgId, viewerId: actor.userId, ...(cursor ? { cursorAt: new Date(cursor.at).toISOString(), cursorId: cursor.id } : {}) }));
  } else {
    const page = pageQuery(db, {
      limit,
      sort: filters.sort,
      viewerId: actor.userId,
      where: and(
        eq(conversations.orgId, actor.orgId),
        notSupport(actor.orgId),
        tabCondition(query.tab),
        visible,
        filterConditions(filters, actor.timezone, actor.userId),
        cursor ? afterCursor(filters.sort, new Date(cursor.at), cursor.id) : undefined,
        term ? await searchCondition(db, actor.orgId, term) : undefined,
      ),
    });
    rows = await withTags(db, actor.orgId, actor.rosterVersion, fixed ? await page.prepare("inbox_rows").execute() : await page);
  }
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const lastAt = last ? (filters.sort === "created" ? last.createdAt : filters.sort === "waiting" ? last.waitingSince : last.lastMessageAt) : null;
  return {
    items,
    next: rows.length > limit && last && lastAt ? encodeInboxCursor({ at: lastAt.toISOString(), id: last.id }) : null,
  };
}

/** Strictly after the cursor's row in the sort's order (ties broken by id). */
function afterCursor(sort: Sort, at: Date | Placeholder, id: number | Placeholder): SQL | undefined {
  const order = sortColumn(sort);
  return or(order.asc ? gt(order.column, at) : lt(order.column, at), and(eq(order.column, at), order.asc ? gt(conversations.id, id) : lt(conversations.id, id)));
}

/**
 * One page of rows (one more than `limit`, to know whether there is a next page). The page's
 * conversations come from conversations alone (an index walk that stops after one page), as a
 * derived table under the table's own name; the joins then run for just those rows, all in one
 * round trip, without looking each row up again by id.
 */
function pageQuery(db: DbOrTx, page: { where: SQL | undefined; limit: number; sort: Sort; viewerId: string | Placeholder }) {
  const order = sortColumn(page.sort);
  const onePage = db
    .select()
    .from(conversations)
    .where(page.where)
    .orderBy(order.asc ? asc(order.column) : newestFirst(order.column), order.asc ? asc(conversations.id) : newestFirst(conversations.id))
    .limit(literalLimit(page.limit + 1));
  return rowsQuery(db, undefined, page.limit + 1, page.viewerId, page.sort, onePage.as("conversations"));
}

/**
 * The one way a list row is read: for a page, and for a single row a live update redraws.
 * `viewerId` marks rows with inbound messages that viewer has not read.
 */
function rowsQuery(db: DbOrTx, where: SQL | undefined, limit: number, viewerId?: string | Placeholder, sort: Sort = "activity", from: typeof conversations | Subquery = conversations) {
  const order = sortColumn(sort);
  return db
    .select({
      id: conversations.id,
      unread: viewerId
        ? sql<boolean>`(${conversations.lastInboundAt} is not null and not exists (select 1 from ${conversationReads} r where r.conversation_id = ${conversations.id} and r.user_id = ${viewerId} and r.read_at >= ${conversations.lastInboundAt}))`
        : sql<boolean>`false`,
      createdAt: conversations.createdAt,
      waitingSince: conversations.waitingSince,
      lastInboundAt: conversations.lastInboundAt,
      status: conversations.status,
      type: conversations.type,
      assigneeId: conversations.assigneeId,
      workgroupId: conversations.workgroupId,
      contactName: contacts.name,
      channelKind: channels.kind,
      channelName: channels.name,
      preview: conversations.lastMessagePreview,
      lastMessageAt: conversations.lastMessageAt,
      assigneeName: users.name,
      workgroupName: workgroups.name,
      snoozedUntil: conversations.snoozedUntil,
      // Only the tags' ids: their names and colours are the organization's, kept (`tagsOf`); building
      // them into JSON per row cost Postgres more than the rest of the row.
      tagIds: sql<(string | number)[]>`array(select ct.tag_id from ${conversationTags} ct where ct.conversation_id = ${conversations.id})`,
    })
    .from(from)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .leftJoin(workgroups, eq(workgroups.id, conversations.workgroupId))
    .where(where)
    .orderBy(order.asc ? asc(order.column) : newestFirst(order.column), order.asc ? asc(conversations.id) : newestFirst(conversations.id))
    .limit(literalLimit(limit));
}

export async function getConversationRow(db: DbOrTx, orgId: number, conversationId: number): Promise<ConversationRow | null> {
  const [row] = await withTags(db, orgId, undefined, await rowsQuery(db, and(eq(conversations.orgId, orgId), eq(conversations.id, conversationId)), 1).prepare("conversation_row").execute());
  return row ?? null;
}

/**
 * Whether a row belongs in a tab (the live list decides where a changed row goes). Spam is in none,
 * unless the list is filtered to show spam.
 */
export function rowInTab(row: { status: string; type: string; assigneeId: string | null; snoozedUntil: Date | null }, tab: Tab, showsSpam = false, showsBot = false): boolean {
  if (row.type === "spam" && !showsSpam) return false;
  // The bot's conversations are in no tab while it has them (the Bot type filter lists them).
  if (row.type === "bot" && !showsBot) return false;
  switch (tab) {
    case "open":
      return row.status === "open" && !row.assigneeId && !row.snoozedUntil;
    case "assigned":
      return row.status === "open" && !!row.assigneeId && !row.snoozedUntil;
    case "snoozed":
      return row.status === "open" && !!row.snoozedUntil;
    case "closed":
      return row.status === "closed";
    case "all":
      return true;
  }
}
