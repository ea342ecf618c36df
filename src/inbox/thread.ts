// One conversation as the thread pane shows it: the conversation with its messages and their files
// (getThread), a single message for a live update, the contact's earlier conversations folded above
// it (earlierConversations), and a refused draft.
import { and, asc, count, desc, eq, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, commentPosts, contacts, conversationParticipants, conversations, messages, users, workgroups, type ChannelKind, type ConversationType } from "@db/schema";
import type { Actor } from "../context";
import { attachmentsOf, type AttachmentView } from "../media/attachments";
import type { UploadedFile } from "../media/uploads";
import { assertMaySee, conversationScope } from "./visibility";

export interface ThreadData {
  conversation: {
    id: number;
    status: "open" | "closed";
    type: ConversationType;
    createdAt: Date;
    contactId: number;
    contactName: string;
    contactPhone: string | null;
    contactEmail: string | null;
    channelKind: ChannelKind;
    channelName: string;
    /** The channel's settings (WebChat's upload limit): the composer's file rules depend on them. */
    channelConfig?: Record<string, unknown>;
    assigneeId: string | null;
    assigneeName: string | null;
    workgroupName: string | null;
    waitingSince: Date | null;
    lastInboundAt: Date | null;
    /** Snoozed until then (src/inbox/snoozing.ts), or null. */
    snoozedUntil?: Date | null;
    /** The bulk send the conversation was made for (src/bulk/). */
    bulkSend?: { id: number; name: string } | null;
    joined: boolean;
    /** A comment thread's post (src/comments/): its text, link, and whether a picture is stored. */
    post?: { body: string; permalink: string | null; image: boolean } | null;
    /** The ad or link the customer came from (channels/referrals.ts). */
    referral?: Record<string, unknown> | null;
  };
  messages: {
    id: number;
    direction: "in" | "out" | "note" | "event";
    kind?: string;
    body: string;
    attachments?: AttachmentView[];
    delivery: string | null;
    errorText: string | null;
    createdAt: Date;
    authorName: string | null;
  }[];
}

export interface Earlier {
  total: number;
  items: { id: number; createdAt: Date; closedAt: Date | null; channelKind: ChannelKind; messages: ThreadData["messages"] }[];
}

/** What the composer shows after a refused send: the draft as typed and why. */
export interface Draft {
  body: string;
  error: string | null;
  /** Uploaded files still waiting to go out; voice notes are marked. */
  files?: { file: Pick<UploadedFile, "id" | "filename" | "mime" | "size" | "durationMs">; voice: boolean }[];
}

/** One conversation with its contact and messages, or null when it is not the actor's to see. */
export async function getThread(db: DbOrTx, actor: Actor, conversationId: number) {
  const [conversation] = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      type: conversations.type,
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
      waitingSince: conversations.waitingSince,
      lastInboundAt: conversations.lastInboundAt,
      snoozedUntil: conversations.snoozedUntil,
      // The bulk send the conversation was made for (a reply to it opened it), shown in the header.
      bulkSend: sql<{ id: number; name: string } | null>`(select json_build_object('id', b.id, 'name', b.name) from bulk_recipients r join bulk_sends b on b.id = r.bulk_send_id where r.conversation_id = ${conversations.id} order by r.id desc limit 1)`,
      joined: sql<boolean>`(${conversations.assigneeId} = ${actor.userId} or exists (select 1 from ${conversationParticipants} p where p.conversation_id = ${conversations.id} and p.user_id = ${actor.userId}))`,
      post: sql<ThreadData["conversation"]["post"]>`(select json_build_object('body', p.body, 'permalink', p.permalink, 'image', p.image_key is not null) from ${commentPosts} p where p.id = ${conversations.postId})`,
      referral: conversations.referral,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .leftJoin(workgroups, eq(workgroups.id, conversations.workgroupId))
    .where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
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
      // Which provider's app to name for what Kanal cannot show.
      channelKind: sql<ChannelKind | null>`(select c.kind from ${channels} c where c.id = ${messages.channelId})`,
      // What a reply or a reaction points at, as a short quote.
      // An unsent message's text is for audit only: never quoted.
      replyToBody: sql<string | null>`(select case when r.metadata ? 'deleted' then null else left(r.body, 120) end from ${messages} r where r.id = ${messages.replyToId})`,
      createdAt: messages.createdAt,
      authorName: users.name,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.authorId))
    .where(where)
    .orderBy(asc(messages.id));
}

/** One message (for a live update, whose conversation the renderer has checked for its viewer). */
export async function getMessageItem(db: DbOrTx, orgId: number, messageId: number) {
  const [row] = await withAttachments(db, orgId, await selectMessages(db, and(eq(messages.orgId, orgId), eq(messages.id, messageId))!));
  return row ?? null;
}

/** One message of a conversation the actor may see (NotFound otherwise): never another conversation's. */
export async function visibleMessageItem(db: DbOrTx, actor: Actor, conversationId: number, messageId: number) {
  await assertMaySee(db, actor, conversationId);
  const [row] = await withAttachments(db, actor.orgId, await selectMessages(db, and(eq(messages.orgId, actor.orgId), eq(messages.conversationId, conversationId), eq(messages.id, messageId))!));
  return row ?? null;
}

/** Messages with their files (one query for all of them). */
async function withAttachments<M extends { id: number; kind: string }>(db: DbOrTx, orgId: number, list: M[]) {
  const media = list.filter((m) => m.kind !== "text").map((m) => m.id);
  const files = await attachmentsOf(db, orgId, media);
  return list.map((m) => ({ ...m, attachments: files.get(m.id) ?? [] }));
}

/** The contact's earlier conversations (newest first, a few), folded above the current thread. */
export async function earlierConversations(db: DbOrTx, actor: Actor, conversationId: number, limit = 3, messagesEach = 20) {
  const scope = await conversationScope(db, actor);
  const [current] = await db
    .select({ contactId: conversations.contactId, createdAt: conversations.createdAt })
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), scope));
  if (!current) return { total: 0, items: [] };
  // Earlier conversations someone else handled stay as hidden as they are in the list.
  const earlier = and(scope, eq(conversations.contactId, current.contactId), lt(conversations.id, conversationId));
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
      metadata: messages.metadata,
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
