import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversationTags, events, tags } from "@db/schema";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

async function tagNamed(w: World, name: string) {
  const [row] = await t.db.select().from(tags).where(and(eq(tags.orgId, w.orgId), eq(tags.name, name)));
  return row;
}

async function adminOf(w: World) {
  return t.signIn(w.admin.email, w.orgId);
}

describe("admin tags", () => {
  it("an admin creates a tag with a colour, edits and deletes it; each change is an event", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    expect((await admin.post("/admin/tags", { name: "Refund", color: "#DC2626" })).status).toBe(303);
    const refund = await tagNamed(w, "Refund");
    expect(refund.color).toBe("#dc2626");
    const list = await admin.html("/admin/tags");
    expect(list.text).toContain('<span class="swatch" style="background:#dc2626" aria-hidden="true"></span><a href="/admin/tags/');
    expect(list.text).toContain("<code>#dc2626</code>");

    const edit = await admin.html(`/admin/tags/${refund.id}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Refund"');
    expect(edit.text).toContain('type="color" value="#dc2626"');
    expect((await admin.post(`/admin/tags/${refund.id}`, { name: "Refunds", color: "#16a34a" })).status).toBe(303);
    expect(await tagNamed(w, "Refunds")).toMatchObject({ id: refund.id, color: "#16a34a" });

    expect((await admin.post(`/admin/tags/${refund.id}/delete`)).status).toBe(303);
    expect(await tagNamed(w, "Refunds")).toBeUndefined();
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "tag_changed")));
    expect(log.map((e) => e.data)).toEqual([
      { tagId: refund.id, change: "created", name: "Refund", color: "#dc2626" },
      { tagId: refund.id, change: "updated", name: "Refunds", color: "#16a34a" },
      { tagId: refund.id, change: "deleted", name: "Refunds" },
    ]);
  });

  it("the create form posts name and color to /admin/tags with a Create button; htmx gets the panel with the new tag", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const page = (await admin.html("/admin/tags")).text;
    const form = page.match(/<form method="post" action="\/admin\/tags" .*?<\/form>/)![0];
    expect(form).toContain('name="name"');
    expect(form).toContain('type="color"');
    expect(form).toContain('name="color"');
    expect(form).toContain(">Create</button>");

    const res = await admin.post("/admin/tags", { name: "VIP", color: "#d97706" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="tags-panel"');
    expect(html).toContain("Saved.");
    expect(html).toContain(">VIP</a>");
  });

  it("speaks Turkish too", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    await admin.post("/me/locale", { locale: "tr", back: "/admin/tags" });
    const page = (await admin.html("/admin/tags")).text;
    expect(page).toContain("<h1>Etiketler</h1>");
    expect(page).toContain(">Oluştur</button>");
  });

  it("counts the conversations carrying each tag; deleting the tag takes it off them", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    await admin.post("/admin/tags", { name: "Refund", color: "#dc2626" });
    const refund = await tagNamed(w, "Refund");
    for (const [i, name] of ["Özge", "Deniz"].entries()) {
      const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: w.supportChannelId, externalId: `v-${i}`, contactName: name, body: "merhaba", providerMessageId: `m-${i}`, at: t.clock.now() });
      await t.db.insert(conversationTags).values({ conversationId, tagId: refund.id });
    }
    expect((await admin.html("/admin/tags")).text).toMatch(/<code>#dc2626<\/code><\/td><td>2<\/td>/);
    expect((await admin.html(`/admin/tags/${refund.id}`)).text).toContain("Conversations with this tag: 2.");
    await admin.post(`/admin/tags/${refund.id}/delete`);
    expect(await t.db.select().from(conversationTags).where(eq(conversationTags.tagId, refund.id))).toEqual([]);
  });

  it("refuses a blank name, a bad colour, a name over 40 characters and one used in another case, keeping what was typed", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const bad = await admin.post("/admin/tags", { name: "", color: "red" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Required.");
    expect(html).toContain("Pick a colour like #1e88e5.");
    expect(html).toContain('type="color" value="red"');
    expect(html).toMatch(/<details class="card" open/);

    const long = "x".repeat(41);
    const tooLong = await admin.post("/admin/tags", { name: long, color: "#123456" });
    expect(tooLong.status).toBe(422);
    const longHtml = await tooLong.text();
    expect(longHtml).toContain("At most 40 characters.");
    expect(longHtml).toContain(`value="${long}"`);
    expect((await admin.post("/admin/tags", { name: "Short", color: "#12345" })).status).toBe(422);

    await admin.post("/admin/tags", { name: "VIP", color: "#d97706" });
    const dup = await admin.post("/admin/tags", { name: "vip", color: "#123456" });
    expect(dup.status).toBe(422);
    const dupHtml = await dup.text();
    expect(dupHtml).toContain("Already in use.");
    expect(dupHtml).toContain('value="vip"');
    expect(dupHtml).toContain('value="#123456"');

    await admin.post("/admin/tags", { name: "Refund", color: "#dc2626" });
    const refund = await tagNamed(w, "Refund");
    const rename = await admin.post(`/admin/tags/${refund.id}`, { name: "Vip", color: "#000000" });
    expect(rename.status).toBe(422);
    const renameHtml = await rename.text();
    expect(renameHtml).toContain("Already in use.");
    expect(renameHtml).toContain('value="Vip"');
    expect(renameHtml).toContain('value="#000000"');
    const badColour = await admin.post(`/admin/tags/${refund.id}`, { name: "Refund", color: "blue" });
    expect(badColour.status).toBe(422);
    expect(await badColour.text()).toContain("Pick a colour like #1e88e5.");
    expect(await tagNamed(w, "Refund")).toMatchObject({ id: refund.id, color: "#dc2626" });
    expect(await t.db.select().from(tags).where(eq(tags.orgId, w.orgId))).toHaveLength(2);
  });

  it("pages with Load more when there are more than 25", async () => {
    const w = await t.world();
    await t.db.insert(tags).values(Array.from({ length: 30 }, (_, i) => ({ orgId: w.orgId, name: `Tag ${String(i).padStart(2, "0")}` })));
    const admin = await adminOf(w);
    const first = await admin.html("/admin/tags");
    expect((first.text.match(/class="row-actions"/g) ?? []).length).toBe(25);
    expect(first.text).toContain(">Tag 24</a>");
    expect(first.text).not.toContain(">Tag 25</a>");
    const next = first.text.match(/hx-get="(\/admin\/tags\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await admin.get(next, { htmx: true })).text();
    expect(more.startsWith("<tr")).toBe(true);
    expect((more.match(/class="row-actions"/g) ?? []).length).toBe(5);
    expect(more).toContain(">Tag 29</a>");
    expect(more).not.toContain("Load more");
  });

  it("is for admins only", async () => {
    const w = await t.world();
    const [tag] = await t.db.insert(tags).values({ orgId: w.orgId, name: "Refund" }).returning();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/tags")).status).toBe(403);
      expect((await client.post("/admin/tags", { name: "Mine", color: "#123456" })).status).toBe(403);
      expect((await client.get(`/admin/tags/${tag.id}`)).status).toBe(403);
      expect((await client.post(`/admin/tags/${tag.id}`, { name: "Mine", color: "#123456" })).status).toBe(403);
      expect((await client.post(`/admin/tags/${tag.id}/delete`)).status).toBe(403);
    }
    expect(await t.db.select({ name: tags.name }).from(tags).where(eq(tags.orgId, w.orgId))).toEqual([{ name: "Refund" }]);
  });

  it("never shows or changes another organization's tags; the same name is fine there", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await (await adminOf(rival)).post("/admin/tags", { name: "Rival VIP", color: "#7c3aed" });
    const theirs = await tagNamed(rival, "Rival VIP");
    const admin = await adminOf(w);
    expect((await admin.html("/admin/tags")).text).not.toContain("Rival VIP");
    expect((await admin.get(`/admin/tags/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/tags/${theirs.id}`, { name: "Taken", color: "#000000" })).status).toBe(404);
    expect((await admin.post(`/admin/tags/${theirs.id}/delete`)).status).toBe(404);
    expect(await tagNamed(rival, "Rival VIP")).toMatchObject({ id: theirs.id, color: "#7c3aed" });
    expect((await admin.post("/admin/tags", { name: "rival vip", color: "#000000" })).status).toBe(303);
  });
});
