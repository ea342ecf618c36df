// Admin → Workgroups: each group's routing settings, and Admin → Channels: a channel's workgroup.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { brands, channels, memberships, workgroups } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("a workgroup's routing in Admin", () => {
  it("an admin sets the method, capacity, owner wait, re-routing and return on Break; a new group routes by hand", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.post("/admin/workgroups", { name: "Sales", memberIds: [w.agent.id] })).status).toBe(303);
    const [sales] = await t.db.select().from(workgroups).where(and(eq(workgroups.orgId, w.orgId), eq(workgroups.name, "Sales")));
    expect(sales).toMatchObject({ routing: "manual", capacity: 5, ownerWaitMinutes: 0, returnOnAway: false, rerouteMinutes: null });
    const form = { name: "Sales", memberIds: [w.agent.id], routing: "round_robin", capacity: "3", ownerWaitMinutes: "10", rerouteMinutes: "5", returnOnAway: "on" };
    expect((await admin.post(`/admin/workgroups/${sales.id}`, form)).status).toBe(303);
    const [saved] = await t.db.select().from(workgroups).where(eq(workgroups.id, sales.id));
    expect(saved).toMatchObject({ routing: "round_robin", capacity: 3, ownerWaitMinutes: 10, returnOnAway: true, rerouteMinutes: 5 });
    const list = await admin.html("/admin/workgroups");
    expect(list.text).toContain("<td>Round-robin</td>");
    const edit = await admin.html(`/admin/workgroups/${sales.id}`);
    expect(edit.text).toContain('<option value="round_robin" selected="">');
  });

  it("a capacity out of range or an unknown method is refused with the form as typed, never saved", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const res = await admin.post(`/admin/workgroups/${w.workgroupId}`, { name: "Support", capacity: "0" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Enter a whole number in the range shown.");
    expect((await admin.post(`/admin/workgroups/${w.workgroupId}`, { name: "Support", routing: "lottery" })).status).toBe(422);
    const [unchanged] = await t.db.select().from(workgroups).where(eq(workgroups.id, w.workgroupId));
    expect(unchanged).toMatchObject({ routing: "manual", capacity: 5 });
  });
});

describe("a channel's workgroup in Admin", () => {
  it("an admin sends a channel's new conversations to a workgroup of theirs, never another organization's", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const admin = await t.signIn(w.admin.email, w.orgId);
    const [brand] = await t.db.insert(brands).values({ orgId: w.orgId, name: "Shoes" }).returning();
    const form = { kind: "whatsapp", name: "Shoes WhatsApp", brandId: String(brand.id), phoneNumberId: "420000000005555", wabaId: "310000000000001", accessToken: "t", appSecret: "s", verifyToken: "v" };
    expect((await admin.post("/admin/channels", { ...form, workgroupId: String(rival.workgroupId) })).status).toBe(422);
    expect((await admin.post("/admin/channels", { ...form, workgroupId: String(w.workgroupId) })).status).toBe(303);
    const [channel] = await t.db.select().from(channels).where(and(eq(channels.orgId, w.orgId), eq(channels.name, "Shoes WhatsApp")));
    expect(channel.workgroupId).toBe(w.workgroupId);
    const page = await admin.html(`/admin/channels/${channel.id}`);
    expect(page.text).toContain(`<option value="${w.workgroupId}" selected="">Support</option>`);
    expect((await admin.post(`/admin/channels/${channel.id}`, { ...form, workgroupId: "" })).status).toBe(303);
    const [cleared] = await t.db.select().from(channels).where(eq(channels.id, channel.id));
    expect(cleared.workgroupId).toBeNull();
  });
});

describe("a member's own capacity in Admin", () => {
  it("an admin sets a member's capacity over the group's, and clears it back to the group's", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const capacityOf = async () => (await t.db.select().from(memberships).where(and(eq(memberships.orgId, w.orgId), eq(memberships.userId, w.agent.id))))[0].capacity;
    expect((await admin.post(`/admin/users/${w.agent.id}`, { name: "Okan Agent", role: "agent", workgroupIds: [String(w.workgroupId)], capacity: "8" })).status).toBe(303);
    expect(await capacityOf()).toBe(8);
    expect((await admin.html(`/admin/users/${w.agent.id}`)).text).toContain('name="capacity" type="number" value="8"');
    expect((await admin.post(`/admin/users/${w.agent.id}`, { name: "Okan Agent", role: "agent", capacity: "-1" })).status).toBe(422);
    expect((await admin.post(`/admin/users/${w.agent.id}`, { name: "Okan Agent", role: "agent", capacity: "" })).status).toBe(303);
    expect(await capacityOf()).toBeNull();
  });
});
