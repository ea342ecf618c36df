import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { events, quickReplies } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { createQuickReply, listQuickReplies, QuickReplyRuleBroken, updateQuickReply } from "../../src/admin/quick-replies";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

async function replyTitled(w: World, title: string) {
  const [row] = await t.db.select().from(quickReplies).where(and(eq(quickReplies.orgId, w.orgId), eq(quickReplies.title, title)));
  return row;
}

const actorOf = async (w: World, userId: string) => (await actorFor(t.db, userId, w.orgId))!;

describe("admin quick replies", () => {
  it("an admin creates, edits and deletes a shared reply, and each change is an event", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.post("/admin/quick-replies", { title: "Hello", body: "Hi there!", scope: "shared" })).status).toBe(303);
    const made = await replyTitled(w, "Hello");
    expect(made).toMatchObject({ body: "Hi there!", userId: null });
    expect((await admin.html("/admin/quick-replies")).text).toContain("Hi there!");

    const edit = await admin.html(`/admin/quick-replies/${made.id}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain("Hi there!");
    expect((await admin.post(`/admin/quick-replies/${made.id}`, { title: "Hello again", body: "Welcome back!", scope: "shared" })).status).toBe(303);
    expect(await replyTitled(w, "Hello again")).toMatchObject({ id: made.id, body: "Welcome back!", userId: null });

    expect((await admin.post(`/admin/quick-replies/${made.id}/delete`)).status).toBe(303);
    expect(await replyTitled(w, "Hello again")).toBeUndefined();
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "quick_reply_changed")));
    expect(log.map((e) => (e.data as { change: string }).change)).toEqual(["created", "updated", "deleted"]);
  });

  it("answers htmx with the list panel and a saved notice", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const res = await admin.post("/admin/quick-replies", { title: "Hello", body: "Hi there!", scope: "shared" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="quick-replies-panel"');
    expect(html).toContain("Saved.");
    expect(html).toContain("Hi there!");
  });

  it("refuses a blank title and a body over 4096 characters, keeping what was typed", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const long = "x".repeat(4097);
    const res = await admin.post("/admin/quick-replies", { title: "  ", body: long, scope: "personal" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("Required.");
    expect(html).toContain("At most 4096 characters.");
    expect(html).toContain(`>${long}</textarea>`);
    expect(html).toMatch(/<option value="personal" selected/);
    expect(await t.db.select().from(quickReplies).where(eq(quickReplies.orgId, w.orgId))).toEqual([]);

    await admin.post("/admin/quick-replies", { title: "Hello", body: "Hi", scope: "shared" });
    const made = await replyTitled(w, "Hello");
    const edit = await admin.post(`/admin/quick-replies/${made.id}`, { title: "Hello, typed", body: "", scope: "shared" });
    expect(edit.status).toBe(422);
    const editHtml = await edit.text();
    expect(editHtml).toContain("Required.");
    expect(editHtml).toContain('value="Hello, typed"');
    expect((await replyTitled(w, "Hello")).body).toBe("Hi");
  });

  it("a personal reply is its owner's alone: other people never see or change it", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    await admin.post("/admin/quick-replies", { title: "Team hello", body: "Hello from the team", scope: "shared" });
    await admin.post("/admin/quick-replies", { title: "Ayşe's sign-off", body: "— Ayşe", scope: "personal" });
    const okan = await actorOf(w, w.agent.id);
    const ipek = await actorOf(w, w.agent2.id);
    const okans = await createQuickReply(t.db, okan, { title: "Okan's sign-off", body: "Cheers, Okan", personal: true }, t.clock.now());

    const titles = async (actor: typeof okan) => (await listQuickReplies(t.db, actor)).items.map((r) => r.title);
    expect(await titles(okan)).toEqual(["Okan's sign-off", "Team hello"]);
    expect(await titles(ipek)).toEqual(["Team hello"]);
    expect(await titles(await actorOf(w, w.admin.id))).toEqual(["Ayşe's sign-off", "Team hello"]);

    const page = await admin.html("/admin/quick-replies");
    expect(page.text).not.toContain("Cheers, Okan");
    expect((await admin.get(`/admin/quick-replies/${okans.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/quick-replies/${okans.id}`, { title: "Taken", body: "x", scope: "shared" })).status).toBe(404);
    expect((await admin.post(`/admin/quick-replies/${okans.id}/delete`)).status).toBe(404);
    expect(await updateQuickReply(t.db, ipek, okans.id, { title: "Mine now", body: "x", personal: true }, t.clock.now())).toBe(false);
    expect(await replyTitled(w, "Okan's sign-off")).toMatchObject({ userId: w.agent.id, body: "Cheers, Okan" });
  });

  it("any agent may keep personal replies, but only admins share them with the organization", async () => {
    const w = await t.world();
    const okan = await actorOf(w, w.agent.id);
    const selin = await actorOf(w, w.supervisor.id);
    const mine = await createQuickReply(t.db, okan, { title: "Mine", body: "Personal", personal: true }, t.clock.now());
    expect(mine.scope).toBe("personal");
    for (const actor of [okan, selin]) {
      await expect(createQuickReply(t.db, actor, { title: "For all", body: "x", personal: false }, t.clock.now())).rejects.toBeInstanceOf(QuickReplyRuleBroken);
    }
    await expect(updateQuickReply(t.db, okan, mine.id, { title: "Mine", body: "Personal", personal: false }, t.clock.now())).rejects.toBeInstanceOf(QuickReplyRuleBroken);
    expect((await replyTitled(w, "Mine")).userId).toBe(w.agent.id);
    const shared = await createQuickReply(t.db, await actorOf(w, w.admin.id), { title: "For all", body: "x", personal: false }, t.clock.now());
    expect(shared.scope).toBe("shared");
  });

  it("filters the list to shared or personal replies and searches titles and texts", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    await admin.post("/admin/quick-replies", { title: "Team hello", body: "Hello from the team", scope: "shared" });
    await admin.post("/admin/quick-replies", { title: "My sign-off", body: "Kind regards, Ayşe", scope: "personal" });
    const personal = await admin.html("/admin/quick-replies?scope=personal");
    expect(personal.text).toContain("My sign-off");
    expect(personal.text).not.toContain("Team hello");
    const shared = await admin.html("/admin/quick-replies?scope=shared");
    expect(shared.text).toContain("Team hello");
    expect(shared.text).not.toContain("My sign-off");
    const search = await admin.html("/admin/quick-replies?q=regards");
    expect(search.text).toContain("My sign-off");
    expect(search.text).not.toContain("Team hello");
    // A create from a filtered list comes back to the same filter.
    const res = await admin.post("/admin/quick-replies?scope=personal", { title: "Another", body: "x", scope: "personal" });
    expect(res.headers.get("location")).toBe("/admin/quick-replies?scope=personal");
  });

  it("pages with Load more when there are more than 25", async () => {
    const w = await t.world();
    await t.db.insert(quickReplies).values(Array.from({ length: 30 }, (_, i) => ({ orgId: w.orgId, title: `Reply ${String(i).padStart(2, "0")}`, body: `Text ${i}` })));
    const admin = await t.signIn(w.admin.email, w.orgId);
    const first = await admin.html("/admin/quick-replies");
    expect((first.text.match(/class="row-actions"/g) ?? []).length).toBe(25);
    expect(first.text).toContain("Reply 24");
    expect(first.text).not.toContain("Reply 25");
    const next = first.text.match(/hx-get="(\/admin\/quick-replies\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await admin.get(next, { htmx: true })).text();
    expect(more.startsWith("<tr")).toBe(true);
    expect((more.match(/class="row-actions"/g) ?? []).length).toBe(5);
    expect(more).toContain("Reply 29");
    expect(more).not.toContain("Load more");
  });

  it("is for admins only", async () => {
    const w = await t.world();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/quick-replies")).status).toBe(403);
      expect((await client.post("/admin/quick-replies", { title: "X", body: "Y", scope: "personal" })).status).toBe(403);
    }
    expect(await t.db.select().from(quickReplies).where(eq(quickReplies.orgId, w.orgId))).toEqual([]);
  });

  it("never shows or changes another organization's replies", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const theirs = await createQuickReply(t.db, await actorOf(rival, rival.admin.id), { title: "Rival hello", body: "Rival text", personal: false }, t.clock.now());
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.html("/admin/quick-replies")).text).not.toContain("Rival hello");
    expect((await admin.get(`/admin/quick-replies/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/quick-replies/${theirs.id}`, { title: "Hijack", body: "x", scope: "shared" })).status).toBe(404);
    expect((await admin.post(`/admin/quick-replies/${theirs.id}/delete`)).status).toBe(404);
    expect(await replyTitled(rival, "Rival hello")).toMatchObject({ id: theirs.id, body: "Rival text" });
  });
});
