// Mentions: naming a colleague with @ in an internal note tells them. Access rule (README: Mentions):
// a mention grants nothing. Only people who may already see the conversation are offered and
// recorded; a typed "@Name" of anyone else stays plain text and tells no one. The Mentions view
// shows only conversations the reader may open now, so a conversation hidden later never shows.
import { and, asc, desc, eq, isNull, notInArray, sql, type SQL } from "drizzle-orm";
import { rows as sqlRows, type DbOrTx } from "@db/client";
import { contacts, conversations, memberships, mentions, messages, organizations, users, workgroupMembers } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { conversationScope, seesRow } from "./visibility";

export interface MentionCandidate {
  id: string;
  name: string;
}

/**
 * The organization's active members who may see this conversation, the writer excepted, by name:
 * whom the composer's @ offers and whom a note may mention.
 */
export async function mentionCandidates(db: DbOrTx, actor: Actor, conversationId: number): Promise<MentionCandidate[]> {
  const [conv] = await db
    .select({ assigneeId: conversations.assigneeId, workgroupId: conversations.workgroupId, settings: organizations.settings })
    .from(conversations)
    .innerJoin(organizations, eq(organizations.id, conversations.orgId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId)));
  if (!conv) return [];
  const [members, group] = await Promise.all([
    db
      .select({ id: users.id, name: users.name, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.active, true)))
      .orderBy(asc(users.name)),
    conv.workgroupId === null
      ? Promise.resolve([] as { userId: string }[])
      : db.select({ userId: workgroupMembers.userId }).from(workgroupMembers).where(eq(workgroupMembers.workgroupId, conv.workgroupId)),
  ]);
  const inGroup = new Set(group.map((g) => g.userId));
  const agentsSeeOnlyOwn = !!conv.settings.agentsSeeOnlyOwn;
  const out: MentionCandidate[] = [];
  for (const m of members) {
    if (m.id === actor.userId) continue;
    const sees = await seesRow({ ...actor, userId: m.id, role: m.role, agentsSeeOnlyOwn }, conv, async () => (inGroup.has(m.id) && conv.workgroupId !== null ? [conv.workgroupId] : []));
    if (sees) out.push({ id: m.id, name: m.name });
  }
  return out;
}

const fold = (text: string) => text.toLocaleLowerCase("tr").replace(/ı/g, "i");

/**
 * Who a note's text names: "@" and a candidate's full name, not followed by a letter or digit
 * (so "@Okan Agent" names Okan Agent, "@Okanx" nobody). Longer names first, so "@Ali Can" is not
 * taken for "@Ali".
 */
export function mentionedIn(text: string, candidates: MentionCandidate[]): MentionCandidate[] {
  const folded = fold(text);
  const found: MentionCandidate[] = [];
  let taken = folded;
  for (const c of [...candidates].sort((a, b) => b.name.length - a.name.length)) {
    const needle = "@" + fold(c.name);
    let at = taken.indexOf(needle);
    let hit = false;
    while (at >= 0) {
      const next = taken.charAt(at + needle.length);
      if (!next || !/[\p{L}\p{N}]/u.test(next)) {
        hit = true;
        taken = taken.slice(0, at) + " ".repeat(needle.length) + taken.slice(at + needle.length);
      }
      at = taken.indexOf(needle, at + 1);
    }
    if (hit) found.push(c);
  }
  return found;
}

/** Records the note's mentions and an event per person (their notification); returns the event ids. */
export async function recordMentions(tx: DbOrTx, actor: Actor, note: { id: number; conversationId: number; body: string }, now: Date): Promise<number[]> {
  if (!note.body.includes("@")) return [];
  const named = mentionedIn(note.body, await mentionCandidates(tx, actor, note.conversationId));
  if (named.length === 0) return [];
  const rows = await tx
    .insert(mentions)
    .values(named.map((p) => ({ orgId: actor.orgId, messageId: note.id, conversationId: note.conversationId, userId: p.id, authorId: actor.userId, createdAt: now })))
    .returning({ id: mentions.id, userId: mentions.userId });
  const ids: number[] = [];
  for (const row of rows) {
    ids.push(await recordEvent(tx, { orgId: actor.orgId, type: "mentioned", conversationId: note.conversationId, actorId: actor.userId, subjectUserId: row.userId, data: { messageId: note.id, mentionId: row.id }, createdAt: now }));
  }
  return ids;
}

export interface MentionItem {
  id: number;
  conversationId: number;
  messageId: number;
  body: string;
  authorName: string | null;
  contactName: string;
  createdAt: Date;
}

const LIST_LIMIT = 100;

/**
 * The reader's unread mentions, newest first, in conversations they may open now. Unread mentions
 * of conversations since hidden from them are set read, with the `mentions_read` event that redraws
 * their badge on their other screens, so that the header's count agrees with the list everywhere.
 */
export async function unreadMentions(db: DbOrTx, actor: Actor, now: Date): Promise<{ items: MentionItem[]; eventId: number | null }> {
  const author = sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${mentions.authorId})`;
  const rows = await db
    .select({ id: mentions.id, conversationId: mentions.conversationId, messageId: mentions.messageId, body: messages.body, authorName: author, contactName: contacts.name, createdAt: mentions.createdAt })
    .from(mentions)
    .innerJoin(messages, eq(messages.id, mentions.messageId))
    .innerJoin(conversations, eq(conversations.id, mentions.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(mentions.orgId, actor.orgId), eq(mentions.userId, actor.userId), isNull(mentions.readAt), await conversationScope(db, actor)))
    .orderBy(desc(mentions.id))
    .limit(LIST_LIMIT);
  const items = rows.map((r) => ({ ...r, contactName: r.contactName ?? "" }));
  // Fewer than the badge counts: some are in conversations hidden from the reader now. Those (and
  // only those: not one written since the list was read) are set read.
  if (rows.length >= LIST_LIMIT || rows.length >= (actor.unreadMentions ?? 0)) return { items, eventId: null };
  const visible = db.select({ id: conversations.id }).from(conversations).where(await conversationScope(db, actor));
  const { eventId } = await markMentionsRead(db, actor, { hidden: notInArray(mentions.conversationId, visible) }, now);
  return { items, eventId };
}

/** What reading mentions changed: how many, and the event that redraws the reader's badge everywhere. */
export interface MentionsRead {
  read: number;
  eventId: number | null;
}

/** Opening a conversation reads the reader's mentions in it. */
export function readMentions(db: DbOrTx, actor: Actor, conversationId: number, now: Date): Promise<MentionsRead> {
  return markMentionsRead(db, actor, { conversationId }, now);
}

/** "Mark all read" on the Mentions view: the reader's own, nobody else's. */
export function readAllMentions(db: DbOrTx, actor: Actor, now: Date): Promise<MentionsRead> {
  return markMentionsRead(db, actor, {}, now);
}

/**
 * Sets the reader's unread mentions (in one conversation, or all, or those `hidden` selects) read,
 * with a `mentions_read` event whose subject is the reader: their other open screens redraw the
 * badge from it (mentions-live.tsx), and nobody else's.
 */
async function markMentionsRead(db: DbOrTx, actor: Actor, which: { conversationId?: number; hidden?: SQL }, now: Date): Promise<MentionsRead> {
  const conversationId = which.conversationId ?? null;
  return db.transaction(async (tx) => {
    const read = await tx
      .update(mentions)
      .set({ readAt: now })
      .where(and(eq(mentions.orgId, actor.orgId), eq(mentions.userId, actor.userId), conversationId === null ? undefined : eq(mentions.conversationId, conversationId), which.hidden, isNull(mentions.readAt)))
      .returning({ id: mentions.id });
    if (read.length === 0) return { read: 0, eventId: null };
    const mentionIds = read.slice(0, LIST_LIMIT).map((m) => m.id);
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "mentions_read", conversationId, actorId: actor.userId, subjectUserId: actor.userId, data: { mentionIds }, createdAt: now });
    return { read: read.length, eventId };
  });
}

/** How many unread mentions a person has (at most `cap`): the header's badge, drawn live. */
export async function unreadMentionCount(db: DbOrTx, orgId: number, userId: string, cap = LIST_LIMIT): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(db, sql`select count(*)::int as n from (select 1 from ${mentions} where org_id = ${orgId} and user_id = ${userId} and read_at is null limit ${cap}) m`);
  return Number(row?.n ?? 0);
}
