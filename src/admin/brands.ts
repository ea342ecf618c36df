// Brands: the products inside an organization that its channels belong to.
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { brands, channels } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";
import { claimingName } from "./unique-names";

export const BRAND_NAME_MAX = 80;

export interface BrandRow {
  id: number;
  name: string;
  /** Channels under the brand. */
  channels: number;
}

const sortKey = sql<string>`lower(${brands.name})`;
const own = (actor: Actor, id: number) => and(eq(brands.orgId, actor.orgId), eq(brands.id, id));

const columns = {
  id: brands.id,
  name: brands.name,
  // Counted per listed brand, so a page costs the same however many brands the organization has.
  channels: sql<number>`(select count(*) from ${channels} where ${channels.brandId} = ${brands.id})`.mapWith(Number),
};

export async function listBrands(db: DbOrTx, actor: Actor, cursor: Cursor | null = null, limit = PAGE_SIZE) {
  const found = await db
    .select({ ...columns, sortKey })
    .from(brands)
    .where(and(eq(brands.orgId, actor.orgId), after(sortKey, brands.id, cursor)))
    .orderBy(asc(sortKey), asc(brands.id))
    .limit(limit + 1);
  return page(found, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

export async function getBrand(db: DbOrTx, actor: Actor, id: number): Promise<BrandRow | null> {
  const [found] = await db.select(columns).from(brands).where(own(actor, id));
  return found ?? null;
}

async function changed(tx: DbOrTx, actor: Actor, brandId: number, data: Record<string, unknown>, now: Date) {
  await recordEvent(tx, { orgId: actor.orgId, type: "brand_changed", actorId: actor.userId, data: { brandId, ...data }, createdAt: now });
}

/** Throws NameTaken when the organization already has a brand of that name in any case. */
export async function createBrand(db: DbOrTx, actor: Actor, input: { name: string }, now: Date): Promise<{ id: number; name: string }> {
  return claimingName("brands_org_name_uq", () =>
    db.transaction(async (tx) => {
      const [brand] = await tx.insert(brands).values({ orgId: actor.orgId, name: input.name, createdAt: now }).returning({ id: brands.id, name: brands.name });
      await changed(tx, actor, brand.id, { change: "created", name: brand.name }, now);
      return brand;
    }),
  );
}

/** False when the brand is not this organization's; throws NameTaken like createBrand. */
export async function renameBrand(db: DbOrTx, actor: Actor, id: number, input: { name: string }, now: Date): Promise<boolean> {
  return claimingName("brands_org_name_uq", () =>
    db.transaction(async (tx) => {
      const [before] = await tx.select({ name: brands.name }).from(brands).where(own(actor, id)).for("update");
      if (!before) return false;
      await tx.update(brands).set({ name: input.name }).where(own(actor, id));
      await changed(tx, actor, id, { change: "renamed", from: before.name, name: input.name }, now);
      return true;
    }),
  );
}

/** Channels under a deleted brand keep working without one (the FK sets their brand to null). */
export async function deleteBrand(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [brand] = await tx.delete(brands).where(own(actor, id)).returning({ name: brands.name });
    if (!brand) return false;
    await changed(tx, actor, id, { change: "deleted", name: brand.name }, now);
    return true;
  });
}
