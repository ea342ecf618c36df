import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversations, events, memberships, workgroupMembers, workgroups } from "@db/schema";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

async function workgroupNamed(w: World, name: string) {
  const [row] = await t.db.select().from(workgroups).where(and(eq(workgroups.orgId, w.orgId), eq(workgroups.name, name)));
  return row;
}

async function memberIdsOf(workgroupId: number) {
  const rows = await t.db.select().from(workgroupMembers).where(eq(workgroupMembers.workgroupId, workgroupId));
  return rows.map((r) => r.userId).sort();
}

async function adminOf(w: World) {
  return t.signIn(w.admin.email, w.orgId);
}

describe("admin workgroups", () => {
  it("an admin creates a workgroup with members, renames it, changes its members and deletes it; each change is an event", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    expect((await admin.post("/admin/workgroups", { name: "Billing", memberIds: [w.agent.id, w.agent2.id] })).status).toBe(303);
    const billing = await workgroupNamed(w, "Billing");
    expect(await memberIdsOf(billing.id)).toEqual([w.agent.id, w.agent2.id].sort());

    const list = await admin.html("/admin/workgroups");
    expect(list.text).toContain(">Billing</a>");
    const row = list.text.match(/<tr><td><a href="\/admin\/workgroups\/\d+">Billing<\/a><\/td>.*?<\/tr>/)![0];
    expect(row).toContain("<td>2</td>");
    expect(row).toContain("Okan Agent");
    expect(row).toContain("İpek Agent");

    const edit = await admin.html(`/admin/workgroups/${billing.id}`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Billing"');
    expect(edit.text).toContain(`value="${w.agent.id}" checked`);

    expect((await admin.post(`/admin/workgroups/${billing.id}`, { name: "Billing & Refunds", memberIds: [w.supervisor.id] })).status).toBe(303);
    expect(await workgroupNamed(w, "Billing & Refunds")).toMatchObject({ id: billing.id });
    expect(await memberIdsOf(billing.id)).toEqual([w.supervisor.id]);

    const removed = await admin.post(`/admin/workgroups/${billing.id}/delete`);
    expect(removed.status).toBe(303);
    expect(removed.headers.get("location")).toBe("/admin/workgroups");
    expect(await workgroupNamed(w, "Billing & Refunds")).toBeUndefined();
    expect(await memberIdsOf(billing.id)).toEqual([]);

    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "workgroup_changed")));
    expect(log.map((e) => e.data)).toEqual([
      { workgroupId: billing.id, change: "created", name: "Billing", added: expect.arrayContaining([w.agent.id, w.agent2.id]) },
      { workgroupId: billing.id, change: "updated", name: "Billing & Refunds", added: [w.supervisor.id], removed: expect.arrayContaining([w.agent.id, w.agent2.id]) },
      { workgroupId: billing.id, change: "deleted", name: "Billing & Refunds" },
    ]);
    expect(log.every((e) => e.actorId === w.admin.id)).toBe(true);
  });

  it("answers htmx with the list panel and a saved notice", async () => {
    const w = await t.world();
    const res = await (await adminOf(w)).post("/admin/workgroups", { name: "Night shift" }, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="workgroups-panel"');
    expect(html).toContain("Saved.");
    expect(html).toContain(">Night shift</a>");
  });

  it("refuses a blank name and one over 80 characters, keeping the ticked members", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const blank = await admin.post("/admin/workgroups", { name: "   ", memberIds: [w.agent2.id] });
    expect(blank.status).toBe(422);
    const html = await blank.text();
    expect(html).toContain("Required.");
    expect(html).toContain(`value="${w.agent2.id}" checked`);
    expect(html).toMatch(/<details class="card" open/);

    const long = "x".repeat(81);
    const tooLong = await admin.post("/admin/workgroups", { name: long });
    expect(tooLong.status).toBe(422);
    const longHtml = await tooLong.text();
    expect(longHtml).toContain("At most 80 characters.");
    expect(longHtml).toContain(`value="${long}"`);
    expect(await t.db.select().from(workgroups).where(eq(workgroups.orgId, w.orgId))).toHaveLength(1);
  });

  it("a name is unique in the organization in any letter case: 'Already in use.' on the field, as typed", async () => {
    const w = await t.world(); // has "Support"
    const admin = await adminOf(w);
    const dup = await admin.post("/admin/workgroups", { name: "SUPPORT", memberIds: [w.agent2.id] });
    expect(dup.status).toBe(422);
    const html = await dup.text();
    expect(html).toContain("Already in use.");
    expect(html).toContain('value="SUPPORT"');
    expect(html).toContain(`value="${w.agent2.id}" checked`);

    await admin.post("/admin/workgroups", { name: "Sales" });
    const sales = await workgroupNamed(w, "Sales");
    const rename = await admin.post(`/admin/workgroups/${sales.id}`, { name: "support" });
    expect(rename.status).toBe(422);
    const renameHtml = await rename.text();
    expect(renameHtml).toContain("Already in use.");
    expect(renameHtml).toContain('value="support"');
    expect(await workgroupNamed(w, "Sales")).toBeDefined();

    // Changing only the case of its own name is no clash.
    const support = await workgroupNamed(w, "Support");
    expect((await admin.post(`/admin/workgroups/${support.id}`, { name: "SUPPORT", memberIds: [w.agent.id] })).status).toBe(303);
    expect(await workgroupNamed(w, "SUPPORT")).toMatchObject({ id: support.id });

    // Another organization may use the same name.
    const rival = await t.world("Rival");
    expect((await (await adminOf(rival)).post("/admin/workgroups", { name: "Sales" })).status).toBe(303);
  });

  it("offers the organization's active members; another organization's user is never added", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const admin = await adminOf(w);
    const page = await admin.html("/admin/workgroups");
    for (const person of [w.admin, w.supervisor, w.agent, w.agent2]) expect(page.text).toContain(`value="${person.id}"`);
    expect(page.text).not.toContain(rival.agent.id);

    await admin.post("/admin/workgroups", { name: "Mixed", memberIds: [w.agent.id, rival.agent.id] });
    const mixed = await workgroupNamed(w, "Mixed");
    expect(await memberIdsOf(mixed.id)).toEqual([w.agent.id]);

    await admin.post(`/admin/workgroups/${mixed.id}`, { name: "Mixed", memberIds: [rival.admin.id, rival.agent2.id] });
    expect(await memberIdsOf(mixed.id)).toEqual([]);
  });

  it("a deactivated member stays when the form is saved, but cannot be newly added", async () => {
    const w = await t.world(); // Okan (agent) is in "Support"
    await t.db.update(memberships).set({ active: false }).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent.id)));
    const admin = await adminOf(w);
    const edit = await admin.html(`/admin/workgroups/${w.workgroupId}`);
    expect(edit.text).toContain(`value="${w.agent.id}" checked`);
    expect(edit.text).toContain("(deactivated)");
    expect((await admin.post(`/admin/workgroups/${w.workgroupId}`, { name: "Support", memberIds: [w.agent.id, w.agent2.id] })).status).toBe(303);
    expect(await memberIdsOf(w.workgroupId)).toEqual([w.agent.id, w.agent2.id].sort());

    expect((await admin.html("/admin/workgroups")).text).not.toContain(`name="memberIds" value="${w.agent.id}"`);
    await admin.post("/admin/workgroups", { name: "Later", memberIds: [w.agent.id] });
    expect(await memberIdsOf((await workgroupNamed(w, "Later")).id)).toEqual([]);
  });

  it("deleting a workgroup keeps its conversations and their agent, without the group", async () => {
    const w = await t.world();
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: w.supportChannelId, externalId: "v-1", contactName: "Özge", body: "merhaba", providerMessageId: "m-1", at: t.clock.now() });
    await t.db.update(conversations).set({ workgroupId: w.workgroupId, assigneeId: w.agent.id }).where(eq(conversations.id, conversationId));
    expect((await (await adminOf(w)).post(`/admin/workgroups/${w.workgroupId}/delete`)).status).toBe(303);
    const [conversation] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conversation).toMatchObject({ workgroupId: null, assigneeId: w.agent.id });
  });

  it("pages with Load more when there are more than 25", async () => {
    const w = await t.world(); // has "Support"
    await t.db.insert(workgroups).values(Array.from({ length: 29 }, (_, i) => ({ orgId: w.orgId, name: `Group ${String(i).padStart(2, "0")}` })));
    const admin = await adminOf(w);
    const first = await admin.html("/admin/workgroups");
    expect((first.text.match(/class="row-actions"/g) ?? []).length).toBe(25);
    expect(first.text).toContain(">Group 24</a>");
    expect(first.text).not.toContain(">Group 25</a>");
    const next = first.text.match(/hx-get="(\/admin\/workgroups\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await admin.get(next, { htmx: true })).text();
    expect(more.startsWith("<tr")).toBe(true);
    expect((more.match(/class="row-actions"/g) ?? []).length).toBe(5);
    expect(more).toContain(">Group 28</a>");
    expect(more).toContain(">Support</a>");
    expect(more).not.toContain("Load more");
    // Without JavaScript the same link is a whole page.
    expect((await admin.html(next)).text).toContain('id="workgroups-panel"');
  });

  it("is for admins only", async () => {
    const w = await t.world();
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/workgroups")).status).toBe(403);
      expect((await client.post("/admin/workgroups", { name: "Mine" })).status).toBe(403);
      expect((await client.get(`/admin/workgroups/${w.workgroupId}`)).status).toBe(403);
      expect((await client.post(`/admin/workgroups/${w.workgroupId}`, { name: "Mine", memberIds: [person.id] })).status).toBe(403);
      expect((await client.post(`/admin/workgroups/${w.workgroupId}/delete`)).status).toBe(403);
    }
    expect(await t.db.select({ name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, w.orgId))).toEqual([{ name: "Support" }]);
  });

  it("never shows or changes another organization's workgroups", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await (await adminOf(rival)).post("/admin/workgroups", { name: "Rival team", memberIds: [rival.agent.id] });
    const theirs = await workgroupNamed(rival, "Rival team");
    const admin = await adminOf(w);
    expect((await admin.html("/admin/workgroups")).text).not.toContain("Rival team");
    expect((await admin.get(`/admin/workgroups/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/workgroups/${theirs.id}`, { name: "Taken", memberIds: [w.agent.id] })).status).toBe(404);
    expect((await admin.post(`/admin/workgroups/${theirs.id}/delete`)).status).toBe(404);
    expect(await workgroupNamed(rival, "Rival team")).toMatchObject({ id: theirs.id });
    expect(await memberIdsOf(theirs.id)).toEqual([rival.agent.id]);
  });
});
