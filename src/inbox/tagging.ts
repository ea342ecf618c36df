// Tags on a conversation: add, remove, and create one on the spot where the role allows it.
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { conversations, conversationTags, tags } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { conversationScope } from "./visibility";

export class TaggingRefused extends Error {
  constructor(public reason: "not_found" | "forbidden" | "invalid") {
    super(reason);
  }
}

/** Admins and supervisors may add new tags to the organization from a conversation. */
export const mayCreateTags = (actor: Actor) => actor.role !== "agent";

export async function orgTags(db: DbOrTx, orgId: number) {
  return db.select({ id: tags.id, name: tags.name, color: tags.color }).from(tags).where(eq(tags.orgId, orgId)).orderBy(asc(sql`lower(${tags.name})`));
}

export async function conversationTagList(db: DbOrTx, orgId: number, conversationId: number) {
  return db
    .select({ id: tags.id, name: tags.name, color: tags.color })
    .from(conversationTags)
    .innerJoin(tags, eq(tags.id, conversationTags.tagId))
    .where(and(eq(tags.orgId, orgId), eq(conversationTags.conversationId, conversationId)))
    .orderBy(asc(sql`lower(${tags.name})`));
}

async function ownConversation(db: DbOrTx, actor: Actor, conversationId: number) {
  const [row] = await db.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
  if (!row) throw new TaggingRefused("not_found");
}

/** Adds an existing tag (by id) or, when allowed, a new one by name (reusing a tag of that name). */
export async function tagConversation(db: DbOrTx, actor: Actor, conversationId: number, tag: { id: number } | { name: string }, now: Date) {
  return db.transaction(async (tx) => {
    await ownConversation(tx, actor, conversationId);
    let tagId: number;
    if ("id" in tag) {
      const [own] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.orgId, actor.orgId), eq(tags.id, tag.id)));
      if (!own) throw new TaggingRefused("not_found");
      tagId = own.id;
    } else {
      const name = tag.name.trim();
      if (!name || name.length > 40) throw new TaggingRefused("invalid");
      const [existing] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.orgId, actor.orgId), sql`lower(${tags.name}) = lower(${name})`));
      if (existing) tagId = existing.id;
      else {
        if (!mayCreateTags(actor)) throw new TaggingRefused("forbidden");
        const [created] = await tx.insert(tags).values({ orgId: actor.orgId, name, createdAt: now }).onConflictDoNothing().returning({ id: tags.id });
        tagId = created.id;
      }
    }
    const added = await tx.insert(conversationTags).values({ conversationId, tagId }).onConflictDoNothing().returning({ tagId: conversationTags.tagId });
    if (!added.length) return null;
    return recordEvent(tx, { orgId: actor.orgId, type: "tagged", conversationId, actorId: actor.userId, data: { tagId }, createdAt: now });
  });
}

export async function untagConversation(db: DbOrTx, actor: Actor, conversationId: number, tagId: number, now: Date) {
  return db.transaction(async (tx) => {
    await ownConversation(tx, actor, conversationId);
    const removed = await tx
      .delete(conversationTags)
      .where(and(eq(conversationTags.conversationId, conversationId), eq(conversationTags.tagId, tagId)))
      .returning({ tagId: conversationTags.tagId });
    if (!removed.length) return null;
    return recordEvent(tx, { orgId: actor.orgId, type: "untagged", conversationId, actorId: actor.userId, data: { tagId }, createdAt: now });
  });
}
