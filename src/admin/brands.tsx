// Admin → Brands: the products inside an organization that channels belong to.
import { and, asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { brands, channels } from "@db/schema";
import type { Actor } from "../context";
import { field } from "../forms";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import type { Section } from "./section-routes";

const brandInput = z.object({ name: field.text(80) });
type BrandInput = z.infer<typeof brandInput>;
type BrandRow = { id: number; name: string; channels: number; sortKey: string };

const sortKey = sql<string>`lower(${brands.name})`;

export async function listBrands(db: DbOrTx, orgId: number, cursor: Cursor | null, limit = PAGE_SIZE) {
  const used = db.select({ brandId: channels.brandId, n: count().as("n") }).from(channels).where(eq(channels.orgId, orgId)).groupBy(channels.brandId).as("used");
  const rows = await db
    .select({ id: brands.id, name: brands.name, channels: sql<number>`coalesce(${used.n}, 0)`.mapWith(Number), sortKey })
    .from(brands)
    .leftJoin(used, eq(used.brandId, brands.id))
    .where(and(eq(brands.orgId, orgId), after(sortKey, brands.id, cursor)))
    .orderBy(asc(sortKey), asc(brands.id))
    .limit(limit + 1);
  return page(rows, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

async function change(db: DbOrTx, actor: Actor, brandId: number, kind: string, now: Date) {
  await recordEvent(db, { orgId: actor.orgId, type: "brand_changed", actorId: actor.userId, data: { brandId, change: kind }, createdAt: now });
}

export async function createBrand(db: DbOrTx, actor: Actor, input: BrandInput, now: Date) {
  return db.transaction(async (tx) => {
    const [brand] = await tx.insert(brands).values({ orgId: actor.orgId, name: input.name, createdAt: now }).returning();
    await change(tx, actor, brand.id, "created", now);
    return brand;
  });
}

export async function renameBrand(db: DbOrTx, actor: Actor, id: number, input: BrandInput, now: Date) {
  return db.transaction(async (tx) => {
    const [brand] = await tx.update(brands).set({ name: input.name }).where(and(eq(brands.orgId, actor.orgId), eq(brands.id, id))).returning({ id: brands.id });
    if (!brand) return false;
    await change(tx, actor, id, "renamed", now);
    return true;
  });
}

/** Channels under a deleted brand keep working, without a brand. */
export async function deleteBrand(db: DbOrTx, actor: Actor, id: number, now: Date) {
  return db.transaction(async (tx) => {
    const [brand] = await tx.delete(brands).where(and(eq(brands.orgId, actor.orgId), eq(brands.id, id))).returning({ id: brands.id });
    if (!brand) return false;
    await change(tx, actor, id, "deleted", now);
    return true;
  });
}

export const brandsSection: Section<BrandRow, BrandInput, BrandInput> = {
  view: { base: "/admin/brands", title: "brands.title", createTitle: "brands.create", editTitle: "brands.edit", empty: "brands.empty", columns: ["common.name", "brands.channels"] },
  fields: async () => [{ name: "name", label: "common.name", kind: "text", max: 80, required: true }],
  createSchema: brandInput,
  updateSchema: brandInput,
  uniqueField: "name",
  list: (db, actor, cursor) => listBrands(db, actor.orgId, cursor),
  row: (_ui, r) => ({ id: r.id, cells: [r.name, r.channels] }),
  get: async (db, actor, id) => {
    const [brand] = await db.select().from(brands).where(and(eq(brands.orgId, actor.orgId), eq(brands.id, id)));
    return brand ? { name: brand.name, form: { name: brand.name } } : null;
  },
  create: createBrand,
  update: renameBrand,
  remove: deleteBrand,
};
