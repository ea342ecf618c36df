import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { brands, channels, memberships } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats } from "../../src/cockpit/metrics";
import { assignConversation } from "../../src/inbox/assignment";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { reply } from "../../src/inbox/replies";
import { useTestApp } from "../support/app";

const t = useTestApp();

const statusOf = async (orgId: number, userId: string) =>
  (await t.db.select().from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))))[0].status;

describe("cockpit board", () => {
  it("is for supervisors and admins; agents are refused", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/cockpit")).status).toBe(403);
    expect((await agent.post("/cockpit/status", { userId: w.agent2.id, status: "break" })).status).toBe(403);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const page = await supervisor.html("/cockpit");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Okan Agent");
  });

  it("lets a supervisor put an online agent on break but never touch an offline one", async () => {
    const w = await t.world();
    await t.signIn(w.agent.email, w.orgId); // picking the organization brings the agent online
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    await supervisor.post("/cockpit/status", { userId: w.agent.id, status: "break" });
    expect(await statusOf(w.orgId, w.agent.id)).toBe("break");
    const refused = await supervisor.post("/cockpit/status", { userId: w.agent2.id, status: "online" });
    expect(refused.status).toBe(303);
    expect(await statusOf(w.orgId, w.agent2.id)).toBe("offline");
    expect((await supervisor.html("/cockpit")).text).toContain("only the agent can leave or enter Offline");
  });

  it("shows today's figures, searches names Turkish-insensitively, scopes to a brand or channel, and sorts", async () => {
    const w = await t.world();
    const [brand] = await t.db.insert(brands).values({ orgId: w.orgId, name: "Shoes" }).returning();
    const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, brandId: brand.id, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const [ig] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "instagram", name: "IG", webhookKey: newWebhookKey() }).returning();
    const supervisorActor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
    for (const [channelId, n] of [[wa.id, 2], [ig.id, 1]] as const) {
      for (let i = 0; i < n; i++) {
        const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId, externalId: `${channelId}-${i}`, contactName: "C", body: "hi", providerMessageId: `${channelId}-${i}`, at: t.clock.now() });
        await assignConversation(t.db, supervisorActor, conversationId, { userId: w.agent.id }, t.clock.now());
        t.clock.advance("3m");
        await reply(t.db, okan, conversationId, "hello", t.clock.now());
      }
    }
    await refreshOrganizationStats(t.db, w.orgId, "Europe/Istanbul", t.clock.now());
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const all = (await supervisor.html("/cockpit")).text;
    const okanRow = all.slice(all.indexOf('data-name="Okan Agent"'));
    expect(okanRow).toContain("3 min");
    expect(okanRow).toMatch(/<td class="num">3<\/td>/);
    const brandOnly = (await supervisor.html(`/cockpit?brand=${brand.id}`)).text;
    expect(brandOnly.slice(brandOnly.indexOf('data-name="Okan Agent"'))).toMatch(/<td class="num">2<\/td>/);
    const channelOnly = (await supervisor.html(`/cockpit?channel=${ig.id}`)).text;
    expect(channelOnly.slice(channelOnly.indexOf('data-name="Okan Agent"'))).toMatch(/<td class="num">1<\/td>/);
    // "ı", "I", "i" and "İ" match each other; "a" lists everyone whose name contains an a.
    expect((await supervisor.html("/cockpit?q=%C4%B0PEK")).text).toContain('data-name="İpek Agent"');
    const dotless = (await supervisor.html("/cockpit?q=selin")).text;
    expect(dotless).toContain('data-name="Selin Supervisor"');
    expect(dotless).not.toContain('data-name="Okan Agent"');
    const sorted = (await supervisor.html("/cockpit?sort=active&dir=desc")).text;
    expect(sorted).toContain('aria-sort="descending"');
  });

  it("cannot reach another organization's members", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    await t.signIn(rival.agent.email, rival.orgId);
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.post("/cockpit/status", { userId: rival.agent.id, status: "break" })).status).toBe(404);
    expect(await statusOf(rival.orgId, rival.agent.id)).toBe("online");
  });
});
