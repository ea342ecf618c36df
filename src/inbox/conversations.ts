// Finding conversations for the inbox: tabs, visibility, keyset pages, counts, and one thread.
import { and, asc, count, desc, eq, gt, ilike, inArray, isNotNull, isNull, lt, lte, or, sql, type Placeholder, type SQL, type Subquery } from "drizzle-orm";
import { keptQuery, rows as sqlRows, type DbOrTx } from "@db/client";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import {
  channels,
  closingMessages,
  contacts,
  conversationParticipants,
  conversationReads,
  memberships,
  conversations,
  conversationTabCounts,
  conversationTags,
  messages,
  organizations,
  tags,
  users,
  workgroupMembers,
  workgroups,
  type ChannelKind,
} from "@db/schema";
import type { Actor } from "../context";
import { escapeLike } from "../admin/users";
import { filterConditions, isFiltered, noFilters, type InboxFilters, type Sort } from "./filters";
import { attachmentsOf } from "../media/uploads";
import { KeptByRoster } from "./roster";

export const tabs = ["open", "assigned", "closed", "all"] as const;
export type Tab = (typeof tabs)[number];
export const INBOX_PAGE = 50;

export interface ConversationRow {
  id: number;
  unread: boolean;
  createdAt: Date;
  waitingSince: Date | null;
  lastInboundAt: Date | null;
  status: "open" | "closed";
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
}

export function tabCondition(tab: Tab): SQL | undefined {
  switch (tab) {
    case "open":
      return and(eq(conversations.status, "open"), isNull(conversations.assigneeId));
    case "assigned":
      return and(eq(conversations.status, "open"), isNotNull(conversations.assigneeId));
    case "closed":
      return eq(conversations.status, "closed");
    case "all":
      return undefined;
  }
}

/**
 * With the organization setting "agents see only their own", an agent sees conversations assigned
 * to them, to their workgroups, or to nobody. Supervisors and admins see everything.
 */
export async function visibility(db: DbOrTx, actor: Actor): Promise<SQL | undefined> {
  // The setting arrives with the session (standingColumns), so most pages ask nothing more here.
  if (actor.role !== "agent" || !actor.agentsSeeOnlyOwn) return undefined;
  const myGroups = db.select({ id: workgroupMembers.workgroupId }).from(workgroupMembers).where(eq(workgroupMembers.userId, actor.userId));
  return or(
    eq(conversations.assigneeId, actor.userId),
    inArray(conversations.workgroupId, myGroups),
    and(isNull(conversations.assigneeId), isNull(conversations.workgroupId)),
  );
}

export interface InboxCursor {
  at: string;
  id: number;
}

export function encodeInboxCursor(c: InboxCursor): string {
  return Buffer.from(`${c.at}|${c.id}`).toString("base64url");
}

export function decodeInboxCursor(raw: string | undefined): InboxCursor | null {
  if (!raw) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^\d+$/.test(id)) return null;
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
function notSupport(orgId: number | Placeholder): SQL {
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

/**
 * Beyond this many matching messages, or conversations of matching contacts, a search term is
 * common: the page walks the conversations in their order and checks each one's messages, and
 * meets its 50 matches early.
 */
export const SEARCH_SET_LIMIT = 2_000;

/**
 * Where a search's matches are, for the page query. A term of three or more characters is first
 * looked up through the trigram indexes (migration 0007): when few messages and contacts match, the
 * page reads just their conversations, whatever the tab and filters. Otherwise, and for shorter terms,
 * which trigrams cannot narrow, each conversation in the page's order is checked until the page is
 * full; matches are then dense, so that ends soon.
 */
async function searchCondition(db: DbOrTx, orgId: number, term: string): Promise<SQL> {
  const like = `%${escapeLike(term)}%`;
  if ([...term].length >= 3) {
    const [found] = await sqlRows<{ byMessage: string | null; byContact: string | null }>(
      db,
      sql`select
        (select string_agg(id::text, ',') from (
          select conversation_id as id from ${messages} where org_id = ${orgId} and body ilike ${like} limit ${SEARCH_SET_LIMIT + 1}) m) as "byMessage",
        (select string_agg(id::text, ',') from (
          select c.id from ${contacts} ct join ${conversations} c on c.contact_id = ct.id
          where ct.org_id = ${orgId} and (ct.name ilike ${like} or ct.phone ilike ${like}) limit ${SEARCH_SET_LIMIT + 1}) k) as "byContact"`,
    );
    const byMessage = found.byMessage?.split(",") ?? [];
    const byContact = found.byContact?.split(",") ?? [];
    if (byMessage.length <= SEARCH_SET_LIMIT && byContact.length <= SEARCH_SET_LIMIT) {
      const ids = [...new Set([...byMessage, ...byContact])];
      return sql`${conversations.id} = any(${`{${ids.join(",")}}`}::bigint[])`;
    }
  }
  // "offset 0" keeps each check a lookup of this conversation's messages: without it Postgres may
  // first gather every matching message of the organization into a hash, which is what a common
  // term's page must not wait for.
  return or(
    sql`exists (select 1 from ${contacts} ct where ct.id = ${conversations.contactId} and (ct.name ilike ${like} or ct.phone ilike ${like}))`,
    sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.body ilike ${like} offset 0)`,
  )!;
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
      assigneeId: conversations.assigneeId,
      workgroupId: conversations.workgroupId,
      contactName: contacts.name,
      channelKind: channels.kind,
      channelName: channels.name,
      preview: conversations.lastMessagePreview,
      lastMessageAt: conversations.lastMessageAt,
      assigneeName: users.name,
      workgroupName: workgroups.name,
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

type RowWithTagIds = Omit<ConversationRow, "tags"> & { tagIds: (string | number)[] };
type TagLook = { name: string; color: string };
/** An organization's tags by id, in the order a row lists them (by name, case aside). */
type Tags = Map<number, TagLook & { rank: number }>;

const keptTags = new KeptByRoster<Tags>();

/**
 * The organization's tags as they are now, or as kept while its roster_version is the one given
 * (the session's, `actor.rosterVersion`); triggers move it on with any change of a tag.
 */
async function tagsOf(db: DbOrTx, orgId: number, rosterVersion?: number): Promise<Tags> {
  const read = async () => {
    const query = keptQuery(db, "organization_tags", () =>
      db
        .select({
          version: organizations.rosterVersion,
          tags: sql<string>`(select coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) order by lower(t.name)), '[]'::json) from ${tags} t where t.org_id = ${sql.placeholder("orgId")})::text`,
        })
        .from(organizations)
        .where(eq(organizations.id, sql.placeholder("orgId")))
        .prepare("organization_tags"),
    );
    const [row] = await query.execute({ orgId });
    if (!row) return null;
    const list = JSON.parse(row.tags) as ({ id: number } & TagLook)[];
    return { version: row.version, value: new Map(list.map((t, rank) => [Number(t.id), { name: t.name, color: t.color, rank }])) as Tags };
  };
  const found = rosterVersion === undefined ? (await read())?.value : await keptTags.get(db, orgId, rosterVersion, read);
  return found ?? new Map();
}

/**
 * Rows with their tags' names and colours. A tag newer than the kept ones (made after the session
 * was read) has the organization's tags read again, so no row shows fewer tags than it has.
 */
async function withTags(db: DbOrTx, orgId: number, rosterVersion: number | undefined, rows: RowWithTagIds[]): Promise<ConversationRow[]> {
  let known = await tagsOf(db, orgId, rosterVersion);
  if (rosterVersion !== undefined && rows.some((r) => r.tagIds.some((id) => !known.has(Number(id))))) known = await tagsOf(db, orgId);
  // Filled in place (the ids left beside): copying fifty rows showed in profiles.
  const out = rows as unknown as (ConversationRow & RowWithTagIds)[];
  for (const row of out) {
    const looks = row.tagIds.flatMap((id) => known.get(Number(id)) ?? []);
    if (looks.length > 1) looks.sort((a, b) => a.rank - b.rank);
    row.tags = looks.map(({ name, color }) => ({ name, color }));
  }
  return out;
}

export async function getConversationRow(db: DbOrTx, orgId: number, conversationId: number): Promise<ConversationRow | null> {
  const [row] = await withTags(db, orgId, undefined, await rowsQuery(db, and(eq(conversations.orgId, orgId), eq(conversations.id, conversationId)), 1).prepare("conversation_row").execute());
  return row ?? null;
}

/** Whether a row belongs in a tab (the live list decides where a changed row goes). */
export function rowInTab(row: { status: string; assigneeId: string | null }, tab: Tab): boolean {
  switch (tab) {
    case "open":
      return row.status === "open" && !row.assigneeId;
    case "assigned":
      return row.status === "open" && !!row.assigneeId;
    case "closed":
      return row.status === "closed";
    case "all":
      return true;
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
        })
        .from(conversationTabCounts)
        .where(eq(conversationTabCounts.orgId, sql.placeholder("orgId")))
        .prepare("tab_counts_kept"),
    ).execute({ orgId });
    return { ...kept, all: kept.open + kept.assigned + kept.closed };
  }
  const [row] = await db
    .select({
      open: sql<number>`count(*) filter (where ${conversations.status} = 'open' and ${conversations.assigneeId} is null)`.mapWith(Number),
      assigned: sql<number>`count(*) filter (where ${conversations.status} = 'open' and ${conversations.assigneeId} is not null)`.mapWith(Number),
      closed: sql<number>`count(*) filter (where ${conversations.status} = 'closed')`.mapWith(Number),
      all: count(),
    })
    .from(conversations)
    .where(and(eq(conversations.orgId, orgId), notSupport(orgId), visible))
    .prepare("tab_counts")
    .execute();
  return row;
}

/** One conversation with its contact and messages, or null when it is not the actor's to see. */
export async function getThread(db: DbOrTx, actor: Actor, conversationId: number) {
  const [conversation] = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      createdAt: conversations.createdAt,
      contactId: contacts.id,
      contactName: contacts.name,
      contactPhone: contacts.phone,
      contactEmail: contacts.email,
      channelKind: channels.kind,
      channelName: channels.name,
      channelConfig: channels.config,
      assigneeId: conversations.assigneeId,
      assigneeName: users.name,
      workgroupName: workgroups.name,
      lastInboundAt: conversations.lastInboundAt,
      joined: sql<boolean>`(${conversations.assigneeId} = ${actor.userId} or exists (select 1 from ${conversationParticipants} p where p.conversation_id = ${conversations.id} and p.user_id = ${actor.userId}))`,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .leftJoin(workgroups, eq(workgroups.id, conversations.workgroupId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId), await visibility(db, actor)));
  if (!conversation) return null;
  const history = await withAttachments(db, actor.orgId, await selectMessages(db, eq(messages.conversationId, conversationId)));
  return { conversation, messages: history };
}

function selectMessages(db: DbOrTx, where: SQL) {
  return db
    .select({
      id: messages.id,
      direction: messages.direction,
      kind: messages.kind,
      body: messages.body,
      delivery: messages.delivery,
      errorCode: messages.errorCode,
      errorText: messages.errorText,
      metadata: messages.metadata,
      // What a reply or a reaction points at, as a short quote.
      replyToBody: sql<string | null>`(select left(r.body, 120) from ${messages} r where r.id = ${messages.replyToId})`,
      createdAt: messages.createdAt,
      authorName: users.name,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(where)
    .orderBy(asc(messages.id));
}

export async function getMessageItem(db: DbOrTx, orgId: number, messageId: number) {
  const [row] = await withAttachments(db, orgId, await selectMessages(db, and(eq(messages.orgId, orgId), eq(messages.id, messageId))!));
  return row ?? null;
}

/** Messages with their files (one query for all of them). */
async function withAttachments<M extends { id: number; kind: string }>(db: DbOrTx, orgId: number, list: M[]) {
  const media = list.filter((m) => m.kind !== "text").map((m) => m.id);
  const files = await attachmentsOf(db, orgId, media);
  return list.map((m) => ({ ...m, attachments: files.get(m.id) ?? [] }));
}

/** Everyone and every workgroup a conversation can be assigned to, for the assignment dropdown. */
export async function assignmentChoices(db: DbOrTx, actor: Actor) {
  const [people, groups] = await Promise.all([
    db
      .select({ id: users.id, name: users.name, status: memberships.status })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.active, true)))
      .orderBy(asc(users.name)),
    db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, actor.orgId)).orderBy(asc(workgroups.name)),
  ]);
  return { people, groups };
}

/** Built-in closing messages first, then the organization's own. */
export async function closingChoices(db: DbOrTx, actor: Actor) {
  return db
    .select({ id: closingMessages.id, builtinKey: closingMessages.builtinKey, body: closingMessages.body })
    .from(closingMessages)
    .where(eq(closingMessages.orgId, actor.orgId))
    .orderBy(sql`${closingMessages.builtinKey} is null`, asc(closingMessages.position), asc(closingMessages.id));
}

/** The contact's earlier conversations (newest first, a few), folded above the current thread. */
export async function earlierConversations(db: DbOrTx, actor: Actor, conversationId: number, limit = 3, messagesEach = 20) {
  const [current] = await db
    .select({ contactId: conversations.contactId, createdAt: conversations.createdAt })
    .from(conversations)
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId)));
  if (!current) return { total: 0, items: [] };
  const earlier = and(eq(conversations.orgId, actor.orgId), eq(conversations.contactId, current.contactId), lt(conversations.id, conversationId));
  const [{ total }] = await db.select({ total: count() }).from(conversations).where(earlier);
  const convs = await db
    .select({ id: conversations.id, createdAt: conversations.createdAt, closedAt: conversations.closedAt, channelKind: channels.kind })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(earlier)
    .orderBy(desc(conversations.id))
    .limit(limit);
  if (convs.length === 0) return { total, items: [] };
  const ids = convs.map((c) => c.id);
  const ranked = db
    .select({
      id: messages.id,
      conversationId: messages.conversationId,
      direction: messages.direction,
      kind: messages.kind,
      body: messages.body,
      delivery: messages.delivery,
      errorText: messages.errorText,
      createdAt: messages.createdAt,
      authorName: users.name,
      rank: sql<number>`row_number() over (partition by ${messages.conversationId} order by ${messages.id} desc)`.as("rank"),
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(inArray(messages.conversationId, ids))
    .as("ranked");
  const recent = await withAttachments(db, actor.orgId, await db.select().from(ranked).where(lte(ranked.rank, messagesEach)).orderBy(asc(ranked.id)));
  const byConversation = new Map<number, typeof recent>();
  for (const m of recent) {
    byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m]);
  }
  return { total, items: convs.map((c) => ({ ...c, messages: byConversation.get(c.id) ?? [] })) };
}

/**
 * Opening a conversation marks it read for that agent (the unread marker and filter). Their
 * reads_version moves on in the same statement (kept pages know their markers are still right).
 */
export async function markRead(db: DbOrTx, actor: Actor, conversationId: number, now: Date) {
  await db.execute(sql`with read as (
      insert into ${conversationReads} (conversation_id, user_id, read_at) values (${conversationId}, ${actor.userId}, ${now.toISOString()})
      on conflict (user_id, conversation_id) do update set read_at = excluded.read_at
    )
    update ${memberships} set reads_version = reads_version + 1 where org_id = ${actor.orgId} and user_id = ${actor.userId}`);
}

/**
 * Which of these rows hold an inbound message the viewer has not read: the `unread` of rows read
 * once for every viewer (kept-pages.ts). One statement whatever the rows, so it is prepared once.
 */
export async function unreadAmong(db: DbOrTx, viewerId: string, rows: Pick<ConversationRow, "id" | "lastInboundAt">[]): Promise<Set<number>> {
  const inbound = rows.filter((r) => r.lastInboundAt);
  if (inbound.length === 0) return new Set();
  // The viewer's reads of these conversations (few), not the rows' timestamps sent to the server.
  const reads = await sqlRows<{ id: string; readAt: Date | string }>(
    db,
    sql`select conversation_id::text as id, read_at as "readAt" from ${conversationReads} where user_id = ${viewerId} and conversation_id = any(${`{${inbound.map((r) => r.id).join(",")}}`}::bigint[])`,
  );
  const readAt = new Map(reads.map((r) => [Number(r.id), new Date(r.readAt)]));
  return new Set(inbound.filter((r) => unreadBy(r.lastInboundAt, readAt.get(r.id))).map((r) => r.id));
}

/** Whether a conversation holds an inbound message its reader has not read (`readAt`: when they last read it), as the list query decides it. */
export function unreadBy(lastInboundAt: Date | null, readAt: Date | undefined): boolean {
  return !!lastInboundAt && !(readAt && readAt >= lastInboundAt);
}

/** When each of the given agents last read a conversation (live rows show their unread marker). */
export async function readsOf(db: DbOrTx, conversationId: number): Promise<Map<string, Date>> {
  const rows = await db.select({ userId: conversationReads.userId, readAt: conversationReads.readAt }).from(conversationReads).where(eq(conversationReads.conversationId, conversationId));
  return new Map(rows.map((r) => [r.userId, r.readAt]));
}
