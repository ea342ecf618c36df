// Quick replies: shared ones for the whole organization (only admins write them) and personal ones
// (any agent, for themselves). The admin page and the inbox composer list them the same way.
import { and, asc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { escapeLike } from "@db/like";
import { quickReplies } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";

export const QUICK_REPLY_TITLE_MAX = 60;
export const QUICK_REPLY_BODY_MAX = 4096;

export const quickReplyScopes = ["shared", "personal"] as const;
export type QuickReplyScope = (typeof quickReplyScopes)[number];

export class QuickReplyRuleBroken extends Error {
  constructor(public field: string, public reason: "quickReplies.sharedAdminsOnly") {
    super(reason);
  }
}

export interface QuickReplyRow {
  id: number;
  title: string;
  body: string;
  scope: QuickReplyScope;
}

const columns = {
  id: quickReplies.id,
  title: quickReplies.title,
  body: quickReplies.body,
  scope: sql<QuickReplyScope>`case when ${quickReplies.userId} is null then 'shared' else 'personal' end`,
};

/** What the actor sees: the organization's shared replies and their own personal ones, never a colleague's. */
function visibleTo(actor: Actor, scope?: QuickReplyScope): SQL | undefined {
  const shared = isNull(quickReplies.userId);
  const mine = eq(quickReplies.userId, actor.userId);
  return and(eq(quickReplies.orgId, actor.orgId), scope === "shared" ? shared : scope === "personal" ? mine : or(shared, mine));
}

/** What the actor may change: their own personal replies, and the shared ones if they are an admin. */
function writableBy(actor: Actor, id: number): SQL | undefined {
  const mine = eq(quickReplies.userId, actor.userId);
  return and(eq(quickReplies.orgId, actor.orgId), eq(quickReplies.id, id), actor.role === "admin" ? or(isNull(quickReplies.userId), mine) : mine);
}

function assertMayWrite(actor: Actor, personal: boolean) {
  if (!personal && actor.role !== "admin") throw new QuickReplyRuleBroken("scope", "quickReplies.sharedAdminsOnly");
}

const sortKey = sql<string>`lower(${quickReplies.title})`;

export interface QuickReplyFilters {
  search?: string;
  scope?: QuickReplyScope;
  cursor?: Cursor | null;
  limit?: number;
}

/** Shared replies plus the actor's personal ones, by title; `scope` narrows to one kind. */
export async function listQuickReplies(db: DbOrTx, actor: Actor, filters: QuickReplyFilters = {}) {
  const limit = filters.limit ?? PAGE_SIZE;
  const like = filters.search ? `%${escapeLike(filters.search)}%` : null;
  const found = await db
    .select({ ...columns, sortKey })
    .from(quickReplies)
    .where(
      and(
        visibleTo(actor, filters.scope),
        like ? or(ilike(quickReplies.title, like), ilike(quickReplies.body, like)) : undefined,
        after(sortKey, quickReplies.id, filters.cursor ?? null),
      ),
    )
    .orderBy(asc(sortKey), asc(quickReplies.id))
    .limit(limit + 1);
  return page(found, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

/** One reply the actor may edit, or null (another organization's, a colleague's, or gone). */
export async function getQuickReply(db: DbOrTx, actor: Actor, id: number): Promise<QuickReplyRow | null> {
  const [row] = await db.select(columns).from(quickReplies).where(writableBy(actor, id));
  return row ?? null;
}

export interface QuickReplyInput {
  title: string;
  body: string;
  personal: boolean;
}

export async function createQuickReply(db: DbOrTx, actor: Actor, input: QuickReplyInput, now: Date): Promise<QuickReplyRow> {
  assertMayWrite(actor, input.personal);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(quickReplies)
      .values({ orgId: actor.orgId, userId: input.personal ? actor.userId : null, title: input.title, body: input.body, createdAt: now })
      .returning(columns);
    await recordEvent(tx, { orgId: actor.orgId, type: "quick_reply_changed", actorId: actor.userId, data: { quickReplyId: row.id, change: "created", scope: row.scope }, createdAt: now });
    return row;
  });
}

/** Moving a reply between shared and personal follows the same rule as creating one. */
export async function updateQuickReply(db: DbOrTx, actor: Actor, id: number, input: QuickReplyInput, now: Date): Promise<boolean> {
  assertMayWrite(actor, input.personal);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(quickReplies)
      .set({ title: input.title, body: input.body, userId: input.personal ? actor.userId : null })
      .where(writableBy(actor, id))
      .returning({ id: quickReplies.id });
    if (!row) return false;
    await recordEvent(tx, { orgId: actor.orgId, type: "quick_reply_changed", actorId: actor.userId, data: { quickReplyId: id, change: "updated", scope: input.personal ? "personal" : "shared" }, createdAt: now });
    return true;
  });
}

export async function deleteQuickReply(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(quickReplies).where(writableBy(actor, id)).returning({ id: quickReplies.id });
    if (!row) return false;
    await recordEvent(tx, { orgId: actor.orgId, type: "quick_reply_changed", actorId: actor.userId, data: { quickReplyId: id, change: "deleted" }, createdAt: now });
    return true;
  });
}
