import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { automatedReplies, businessHours, channels, tags, workflows } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { collectRuns, runWorkflows } from "../../src/workflows/engine";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function setup() {
  const w = await t.world();
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const [vip] = await t.db.insert(tags).values({ orgId: w.orgId, name: "vip" }).returning();
  await collectRuns(t.db, t.clock.now());
  const admin = await t.signIn(w.admin.email, w.orgId);
  return { w, wa, vip, admin };
}

describe("Admin → Workflows", () => {
  it("an admin creates a rule from the form; it runs, its log shows the run, and the test button judges without acting", async () => {
    const { w, vip, admin } = await setup();
    const created = await admin.post("/admin/workflows", { name: "Returns", enabled: "on", flow: "stop", trigger: "message_received", c0: "channel_kind:whatsapp", c1: "text_contains", c1v: "iade", a0: `assign_workgroup:${w.workgroupId}`, a1: `add_tag:${vip.id}` });
    expect(created.status).toBe(303);
    const [rule] = await t.db.select().from(workflows).where(eq(workflows.orgId, w.orgId));
    expect(rule).toMatchObject({ name: "Returns", enabled: true, stopAfter: true, trigger: { type: "message_received" } });
    expect(rule.conditions).toEqual([{ type: "channel_kind", kinds: ["whatsapp"] }, { type: "text_contains", value: "iade" }]);
    const [wa] = await t.db.select().from(channels).where(eq(channels.orgId, w.orgId)).then((l) => l.filter((c) => c.kind === "whatsapp"));
    const hit = await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: "905551112233", contactName: "Özge", body: "iade lütfen", providerMessageId: "wamid.1", at: t.clock.now() });
    const miss = await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: "905551112234", contactName: "İpek", body: "merhaba", providerMessageId: "wamid.2", at: t.clock.now() });
    await runWorkflows(t.database, () => t.clock.now());
    const page = await (await admin.get(`/admin/workflows/${rule.id}`)).text();
    expect(page).toContain(`#${hit.conversationId}`);
    expect(page).toContain("assign to workgroup: done");
    const tested = await admin.post(`/admin/workflows/${rule.id}/test`, { conversationId: String(miss.conversationId) });
    const html = await tested.text();
    expect(html).toContain(`Conversation #${miss.conversationId} does not match.`);
    expect(html).toContain("✗ text contains");
    const list = await (await admin.get("/admin/workflows")).text();
    expect(list).toContain("Returns");
  });

  it("refuses a rule with no action or a broken pattern (422), an unknown conversation to test (400), another rule's id (404)", async () => {
    const { admin } = await setup();
    expect((await admin.post("/admin/workflows", { name: "Empty", trigger: "message_received" })).status).toBe(422);
    expect((await admin.post("/admin/workflows", { name: "Bad", trigger: "message_received", c0: "text_matches", c0v: "([", a0: "note", a0v: "x" })).status).toBe(422);
    expect((await admin.post("/admin/workflows", { name: "Bad", trigger: "no_agent_reply", minutes: "0", a0: "note", a0v: "x" })).status).toBe(422);
    expect((await admin.get("/admin/workflows/999999")).status).toBe(404);
    await admin.post("/admin/workflows", { name: "Ok", enabled: "on", trigger: "closed", a0: "note", a0v: "bye" });
    const [rule] = await t.db.select().from(workflows).where(eq(workflows.name, "Ok"));
    expect((await admin.post(`/admin/workflows/${rule.id}/test`, { conversationId: "999999" })).status).toBe(400);
    expect((await admin.post(`/admin/workflows/${rule.id}/test`, { conversationId: "abc" })).status).toBe(400);
  });

  it("agents cannot reach it", async () => {
    const { w } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/admin/workflows")).status).toBe(403);
  });
});

describe("Admin → Business hours", () => {
  it("saves the week and holidays, refuses a bad span, and stores a channel's out-of-office reply", async () => {
    const { w, wa, admin } = await setup();
    const bad = await admin.post("/admin/business-hours", { d1: "9-18", holidays: "" });
    expect(bad.status).toBe(422);
    const ok = await admin.post("/admin/business-hours", { d1: "09:00-18:00", d5: "09:00-18:00, 22:00-02:00", holidays: "2026-04-23\n2026-05-19" });
    expect(ok.status).toBe(303);
    const [hours] = await t.db.select().from(businessHours).where(eq(businessHours.orgId, w.orgId));
    expect(hours.weekly["5"]).toEqual([{ from: "09:00", to: "18:00" }, { from: "22:00", to: "02:00" }]);
    expect(hours.holidays).toEqual(["2026-04-23", "2026-05-19"]);
    expect((await admin.post(`/admin/business-hours?workgroup=${w.workgroupId}`, { d1: "10:00-16:00", holidays: "" })).status).toBe(303);
    expect((await admin.get("/admin/business-hours?workgroup=abc")).status).toBe(400);
    const saved = await admin.post("/admin/business-hours/replies", { [`ooo_${wa.id}`]: "We are closed.", [`welcome_${wa.id}`]: "", [`gap_${wa.id}`]: "60" });
    expect(saved.status).toBe(303);
    const replies = await t.db.select().from(automatedReplies).where(eq(automatedReplies.channelId, wa.id));
    expect(replies.map((r) => [r.kind, r.body, r.gapMinutes])).toEqual([["out_of_office", "We are closed.", 60]]);
    const page = await (await admin.get("/admin/business-hours")).text();
    expect(page).toContain("09:00-18:00, 22:00-02:00");
  });
});
