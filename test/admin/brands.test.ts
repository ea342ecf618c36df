import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { brands, channels, events } from "@db/schema";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

async function brandNamed(w: World, name: string) {
  const [row] = await t.db.select().from(brands).where(and(eq(brands.orgId, w.orgId), eq(brands.name, name)));
  return row;
}

async function adminOf(w: World) {
  return t.signIn(w.admin.email, w.orgId);
}

describe("admin brands", () => {
  it("an admin creates, renames and deletes a brand; each change is an event", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    expect((await admin.post("/admin/brands", { name: "Kanal Shoes" })).status).toBe(303);
    const shoes = await brandNamed(w, "Kanal Shoes");
    expect((await admin.html("/admin/brands")).text).toContain(">Kanal Shoes</a>");

    const edit = await admin.html(`/admin/brands/${shoes.id}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Kanal Shoes"');
    expect((await admin.post(`/admin/brands/${shoes.id}`, { name: "Kanal Footwear" })).status).toBe(303);
    expect(await brandNamed(w, "Kanal Footwear")).toMatchObject({ id: shoes.id });

    expect((await admin.post(`/admin/brands/${shoes.id}/delete`)).status).toBe(303);
    expect(await brandNamed(w, "Kanal Footwear")).toBeUndefined();
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "brand_changed")));
    expect(log.map((e) => e.data)).toEqual([
      { brandId: shoes.id, change: "created", name: "Kanal Shoes" },
      { brandId: shoes.id, change: "renamed", from: "Kanal Shoes", name: "Kanal Footwear" },
      { brandId: shoes.id, change: "deleted", name: "Kanal Footwear" },
    ]);
  });

  it("answers htmx with the list panel and a saved notice", async () => {
    const w = await t.world();
    const res = await (await adminOf(w)).post("/admin/brands", { name: "Kanal Outlet" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="brands-panel"');
    expect(html).toContain("Saved.");
    expect(html).toContain(">Kanal Outlet</a>");
  });

  it("lists how many channels each brand has; deleting a brand leaves its channels working without one", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    await admin.post("/admin/brands", { name: "Kanal Shoes" });
    const shoes = await brandNamed(w, "Kanal Shoes");
    await t.db.update(channels).set({ brandId: shoes.id }).where(eq(channels.id, w.supportChannelId));
    expect((await admin.html("/admin/brands")).text).toMatch(/>Kanal Shoes<\/a><\/td><td>1<\/td>/);
    expect((await admin.html(`/admin/brands/${shoes.id}`)).text).toContain("Channels under this brand: 1.");

    expect((await admin.post(`/admin/brands/${shoes.id}/delete`)).status).toBe(303);
    const [channel] = await t.db.select().from(channels).where(eq(channels.id, w.supportChannelId));
    expect(channel).toMatchObject({ brandId: null, active: true });
  });

  it("refuses a blank name, one over 80 characters, and one already used in another case, keeping what was typed", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const blank = await admin.post("/admin/brands", { name: "" });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain("Required.");

    const long = "b".repeat(81);
    const tooLong = await admin.post("/admin/brands", { name: long });
    expect(tooLong.status).toBe(422);
    const longHtml = await tooLong.text();
    expect(longHtml).toContain("At most 80 characters.");
    expect(longHtml).toContain(`value="${long}"`);

    await admin.post("/admin/brands", { name: "Kanal Shoes" });
    const dup = await admin.post("/admin/brands", { name: "KANAL shoes" });
    expect(dup.status).toBe(422);
    const dupHtml = await dup.text();
    expect(dupHtml).toContain("Already in use.");
    expect(dupHtml).toContain('value="KANAL shoes"');

    await admin.post("/admin/brands", { name: "Kanal Bags" });
    const bags = await brandNamed(w, "Kanal Bags");
    const rename = await admin.post(`/admin/brands/${bags.id}`, { name: "kanal SHOES" });
    expect(rename.status).toBe(422);
    const renameHtml = await rename.text();
    expect(renameHtml).toContain("Already in use.");
    expect(renameHtml).toContain('value="kanal SHOES"');
    const blankRename = await admin.post(`/admin/brands/${bags.id}`, { name: " " });
    expect(blankRename.status).toBe(422);
    expect(await blankRename.text()).toContain("Required.");
    expect(await brandNamed(w, "Kanal Bags")).toMatchObject({ id: bags.id });
    expect(await t.db.select().from(brands).where(eq(brands.orgId, w.orgId))).toHaveLength(2);
  });

  it("pages with Load more when there are more than 25", async () => {
    const w = await t.world();
    await t.db.insert(brands).values(Array.from({ length: 30 }, (_, i) => ({ orgId: w.orgId, name: `Brand ${String(i).padStart(2, "0")}` })));
    const admin = await adminOf(w);
    const first = await admin.html("/admin/brands");
    expect((first.text.match(/class="row-actions"/g) ?? []).length).toBe(25);
    expect(first.text).toContain(">Brand 24</a>");
    expect(first.text).not.toContain(">Brand 25</a>");
    const next = first.text.match(/hx-get="(\/admin\/brands\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await admin.get(next, { htmx: true })).text();
    expect(more.startsWith("<tr")).toBe(true);
    expect((more.match(/class="row-actions"/g) ?? []).length).toBe(5);
    expect(more).toContain(">Brand 29</a>");
    expect(more).not.toContain("Load more");
  });

  it("is for admins only", async () => {
    const w = await t.world();
    const [brand] = await t.db.insert(brands).values({ orgId: w.orgId, name: "Kanal Shoes" }).returning();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/brands")).status).toBe(403);
      expect((await client.post("/admin/brands", { name: "Mine" })).status).toBe(403);
      expect((await client.get(`/admin/brands/${brand.id}`)).status).toBe(403);
      expect((await client.post(`/admin/brands/${brand.id}`, { name: "Mine" })).status).toBe(403);
      expect((await client.post(`/admin/brands/${brand.id}/delete`)).status).toBe(403);
    }
    expect(await t.db.select({ name: brands.name }).from(brands).where(eq(brands.orgId, w.orgId))).toEqual([{ name: "Kanal Shoes" }]);
  });

  it("never shows or changes another organization's brands; the same name is fine there", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await (await adminOf(rival)).post("/admin/brands", { name: "Rival Shoes" });
    const theirs = await brandNamed(rival, "Rival Shoes");
    const admin = await adminOf(w);
    expect((await admin.html("/admin/brands")).text).not.toContain("Rival Shoes");
    expect((await admin.get(`/admin/brands/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/brands/${theirs.id}`, { name: "Taken" })).status).toBe(404);
    expect((await admin.post(`/admin/brands/${theirs.id}/delete`)).status).toBe(404);
    expect(await brandNamed(rival, "Rival Shoes")).toMatchObject({ id: theirs.id });
    expect((await admin.post("/admin/brands", { name: "rival shoes" })).status).toBe(303);
  });
});
