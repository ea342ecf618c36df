import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { brands, events, tags, workgroupMembers, workgroups } from "@db/schema";
import { useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

/** One valid creation per section, and how to find its id afterwards. */
const sections = {
  workgroups: { form: { name: "Billing" }, find: async (w: World) => (await t.db.select().from(workgroups).where(and(eq(workgroups.orgId, w.orgId), eq(workgroups.name, "Billing"))))[0]?.id },
  brands: { form: { name: "Kanal Shoes" }, find: async (w: World) => (await t.db.select().from(brands).where(eq(brands.orgId, w.orgId)))[0]?.id },
  tags: { form: { name: "Refund", color: "#DC2626" }, find: async (w: World) => (await t.db.select().from(tags).where(eq(tags.orgId, w.orgId)))[0]?.id },
} as const;

describe.each(Object.entries(sections))("admin section %s", (name, spec) => {
  const base = `/admin/${name}`;

  it("creates, edits and deletes, writing an event for each change", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const created = await admin.post(base, spec.form);
    expect(created.status).toBe(303);
    const id = await spec.find(w);
    expect(id).toBeGreaterThan(0);
    const edit = await admin.html(`${base}/${id}`);
    expect(edit.status).toBe(200);
    const deleted = await admin.post(`${base}/${id}/delete`);
    expect(deleted.status).toBe(303);
    expect(await spec.find(w)).toBeUndefined();
    const changes = await t.db.select().from(events).where(eq(events.orgId, w.orgId));
    expect(changes.filter((e) => e.type.endsWith("_changed") && e.type !== "status_changed").length).toBe(2);
  });

  it("answers htmx with the list panel", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const res = await admin.post(base, spec.form, { htmx: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Saved.");
  });

  it("is for admins only", async () => {
    const w = await t.world();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get(base)).status).toBe(403);
      expect((await client.post(base, spec.form)).status).toBe(403);
    }
  });

  it("never shows or changes another organization's rows", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const rivalAdmin = await t.signIn(rival.admin.email, rival.orgId);
    await rivalAdmin.post(base, spec.form);
    const theirs = await spec.find(rival);
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.get(`${base}/${theirs}`)).status).toBe(404);
    expect((await admin.post(`${base}/${theirs}`, spec.form)).status).toBe(404);
    expect((await admin.post(`${base}/${theirs}/delete`)).status).toBe(404);
    expect(await spec.find(rival)).toBe(theirs);
  });
});

async function adminOf(): Promise<{ w: World; admin: Client }> {
  const w = await t.world();
  return { w, admin: await t.signIn(w.admin.email, w.orgId) };
}

describe("validation keeps what was typed", () => {
  it("tags: blank name, bad colour, a name already used in another case", async () => {
    const { admin } = await adminOf();
    const bad = await admin.post("/admin/tags", { name: "", color: "red" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Required.");
    expect(html).toContain("Pick a colour like #1e88e5.");
    await admin.post("/admin/tags", { name: "VIP", color: "#d97706" });
    const dup = await admin.post("/admin/tags", { name: "vip", color: "#123456" });
    expect(dup.status).toBe(422);
    const dupHtml = await dup.text();
    expect(dupHtml).toContain("Already in use.");
    expect(dupHtml).toContain('value="vip"');
    expect((await admin.post("/admin/tags", { name: "x".repeat(41), color: "#123456" })).status).toBe(422);
  });

  it("workgroups: duplicate names in any case are refused; members must belong to the organization", async () => {
    const { w, admin } = await adminOf();
    const rival = await t.world("Rival");
    await admin.post("/admin/workgroups", { name: "Sales", memberIds: [w.agent.id, rival.agent.id] });
    const [sales] = await t.db.select().from(workgroups).where(and(eq(workgroups.orgId, w.orgId), eq(workgroups.name, "Sales")));
    const members = await t.db.select().from(workgroupMembers).where(eq(workgroupMembers.workgroupId, sales.id));
    expect(members.map((m) => m.userId)).toEqual([w.agent.id]);
    const dup = await admin.post("/admin/workgroups", { name: "SALES", memberIds: [w.agent2.id] });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toMatch(new RegExp(`value="${w.agent2.id}" checked`));
  });
});

describe("pagination", () => {
  it("pages every list with Load more", async () => {
    const { w, admin } = await adminOf();
    await t.db.insert(tags).values(Array.from({ length: 30 }, (_, i) => ({ orgId: w.orgId, name: `Tag ${String(i).padStart(2, "0")}` })));
    for (const [path, total] of [["/admin/tags", 30]] as const) {
      const first = await admin.html(path);
      const next = first.text.match(/hx-get="([^"]+after=[^"]+)"/)![1].replaceAll("&amp;", "&");
      const more = await (await admin.get(next, { htmx: true })).text();
      const count = (html: string) => (html.match(/class="row-actions"/g) ?? []).length;
      expect(count(first.text) + count(more)).toBe(total);
      expect(more).not.toContain("Load more");
    }
  });
});
