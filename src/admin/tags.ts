// Tags: a name and a colour; agents put them on conversations.
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { conversationTags, tags } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import { claimingName } from "./unique-names";

/** The same limit the inbox applies when a tag is created from a conversation. */
export const TAG_NAME_MAX = 40;
/** Six-digit hex, what `<input type="color">` submits. */
export const TAG_COLOR = /^#[0-9a-f]{6}$/i;
export const DEFAULT_TAG_COLOR = "#2563eb";

export interface TagRow {
  id: number;
  name: string;
  color: string;
  /** Conversations carrying the tag. */
  conversations: number;
}

export interface TagInput {
  name: string;
  color: string;
}

const sortKey = sql<string>`lower(${tags.name})`;
const own = (actor: Actor, id: number) => and(eq(tags.orgId, actor.orgId), eq(tags.id, id));

const columns = {
  id: tags.id,
  name: tags.name,
  color: tags.color,
  // Counted per listed tag through its index, never over every tagged conversation of the organization.
  conversations: sql<number>`(select count(*) from ${conversationTags} where ${conversationTags.tagId} = ${tags.id})`.mapWith(Number),
};

export async function listTags(db: DbOrTx, actor: Actor, cursor: Cursor | null = null, limit = PAGE_SIZE) {
  const found = await db
    .select({ ...columns, sortKey })
    .from(tags)
    .where(and(eq(tags.orgId, actor.orgId), after(sortKey, tags.id, cursor)))
    .orderBy(asc(sortKey), asc(tags.id))
    .limit(limit + 1);
  return page(found, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

export async function getTag(db: DbOrTx, actor: Actor, id: number): Promise<TagRow | null> {
  const [found] = await db.select(columns).from(tags).where(own(actor, id));
  return found ?? null;
}

async function changed(tx: DbOrTx, actor: Actor, tagId: number, data: Record<string, unknown>, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "tag_changed", actorId: actor.userId, data: { tagId, ...data }, createdAt: now });
}

/** Throws NameTaken when the organization already has a tag of that name in any case. */
export async function createTag(db: DbOrTx, actor: Actor, input: TagInput, now: Date): Promise<{ id: number; name: string; color: string }> {
  return claimingName("tags_org_name_uq", () =>
    db.transaction(async (tx) => {
      const [tag] = await tx
        .insert(tags)
        .values({ orgId: actor.orgId, name: input.name, color: input.color.toLowerCase(), createdAt: now })
        .returning({ id: tags.id, name: tags.name, color: tags.color });
      await changed(tx, actor, tag.id, { change: "created", name: tag.name, color: tag.color }, now);
      return tag;
    }),
  );
}

/** False when the tag is not this organization's; throws NameTaken like createTag. */
export async function updateTag(db: DbOrTx, actor: Actor, id: number, input: TagInput, now: Date): Promise<boolean> {
  return claimingName("tags_org_name_uq", () =>
    db.transaction(async (tx) => {
      const [tag] = await tx
        .update(tags)
        .set({ name: input.name, color: input.color.toLowerCase() })
        .where(own(actor, id))
        .returning({ name: tags.name, color: tags.color });
      if (!tag) return false;
      await changed(tx, actor, id, { change: "updated", name: tag.name, color: tag.color }, now);
      return true;
    }),
  );
}

/** Deleting a tag takes it off every conversation too (the FK cascades). */
export async function deleteTag(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [tag] = await tx.delete(tags).where(own(actor, id)).returning({ name: tags.name });
    if (!tag) return false;
    await changed(tx, actor, id, { change: "deleted", name: tag.name }, now);
    return true;
  });
}
