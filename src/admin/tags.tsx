// Admin → Tags: name and colour; conversations carry them.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { conversationTags, tags } from "@db/schema";
import type { Actor } from "../context";
import { field } from "../forms";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import type { Section } from "./section-routes";

const tagInput = z.object({
  name: field.text(40),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, "validation.color").transform((v) => v.toLowerCase()),
});
type TagInput = z.infer<typeof tagInput>;
type TagRow = { id: number; name: string; color: string; usage: number; sortKey: string };

const sortKey = sql<string>`lower(${tags.name})`;

export async function listTags(db: DbOrTx, orgId: number, cursor: Cursor | null, limit = PAGE_SIZE) {
  const usage = db.select({ tagId: conversationTags.tagId, n: count().as("n") }).from(conversationTags).groupBy(conversationTags.tagId).as("usage");
  const rows = await db
    .select({ id: tags.id, name: tags.name, color: tags.color, usage: sql<number>`coalesce(${usage.n}, 0)`.mapWith(Number), sortKey })
    .from(tags)
    .leftJoin(usage, eq(usage.tagId, tags.id))
    .where(and(eq(tags.orgId, orgId), after(sortKey, tags.id, cursor)))
    .orderBy(asc(sortKey), asc(tags.id))
    .limit(limit + 1);
  return page(rows, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

export async function createTag(db: DbOrTx, actor: Actor, input: TagInput, now: Date) {
  return db.transaction(async (tx) => {
    const [tag] = await tx.insert(tags).values({ orgId: actor.orgId, name: input.name, color: input.color, createdAt: now }).returning();
    await recordEvent(tx, { orgId: actor.orgId, type: "tag_changed", actorId: actor.userId, data: { tagId: tag.id, change: "created" }, createdAt: now });
    return tag;
  });
}

export async function updateTag(db: DbOrTx, actor: Actor, id: number, input: TagInput, now: Date) {
  return db.transaction(async (tx) => {
    const [tag] = await tx.update(tags).set(input).where(and(eq(tags.orgId, actor.orgId), eq(tags.id, id))).returning({ id: tags.id });
    if (!tag) return false;
    await recordEvent(tx, { orgId: actor.orgId, type: "tag_changed", actorId: actor.userId, data: { tagId: id, change: "updated" }, createdAt: now });
    return true;
  });
}

/** Deleting a tag takes it off every conversation too. */
export async function deleteTag(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const [tag] = await tx.delete(tags).where(and(eq(tags.orgId, actor.orgId), eq(tags.id, id))).returning({ id: tags.id });
    if (!tag) return false;
    await recordEvent(tx, { orgId: actor.orgId, type: "tag_changed", actorId: actor.userId, data: { tagId: id, change: "deleted" }, createdAt: now });
    return true;
  });
}

export const tagsSection: Section<TagRow, TagInput, TagInput> = {
  view: { base: "/admin/tags", title: "tags.title", createTitle: "tags.create", editTitle: "tags.edit", empty: "tags.empty", columns: ["common.name", "tags.color", "tags.usage"] },
  fields: async () => [
    { name: "name", label: "common.name", kind: "text", max: 40, required: true },
    { name: "color", label: "tags.color", kind: "color" },
  ],
  createSchema: tagInput,
  updateSchema: tagInput,
  uniqueField: "name",
  defaults: { color: "#2563eb" },
  list: (db, actor, cursor) => listTags(db, actor.orgId, cursor),
  row: (_ui, r) => ({
    id: r.id,
    cells: [
      <span class="tag" style={`background:${r.color}`}>
        {r.name}
      </span>,
      <code>{r.color}</code>,
      r.usage,
    ],
  }),
  get: async (db, actor, id) => {
    const [tag] = await db.select().from(tags).where(and(eq(tags.orgId, actor.orgId), eq(tags.id, id)));
    return tag ? { name: tag.name, form: { name: tag.name, color: tag.color } } : null;
  },
  create: createTag,
  update: updateTag,
  remove: deleteTag,
};
