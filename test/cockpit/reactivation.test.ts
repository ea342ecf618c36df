import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, closingMessages, conversations, type ChannelKind } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats, todaysFigures } from "../../src/cockpit/metrics";
import { closeConversation } from "../../src/inbox/closing";
import { ConversationRuleBroken } from "../../src/inbox/changes";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { joinConversation } from "../../src/inbox/joining";
import { reactivateConversation } from "../../src/inbox/opening";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function archived(kind: ChannelKind) {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind, name: kind, webhookKey: newWebhookKey() }).returning();
  const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: `x-${w.orgId}`, contactName: "Archived", body: "hi", providerMessageId: `p-${w.orgId}`, at: t.clock.now() });
  await joinConversation(t.db, okan, conversationId, t.clock.now());
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
  await closeConversation(t.db, okan, conversationId, closing.id, "en", t.clock.now());
  return { w, okan, conversationId };
}

describe("reactivation from the archive", () => {
  it("Instagram: allowed at 6 days 23 hours, refused at 7 days 1 hour", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const allowed = await archived("instagram");
    t.clock.advance("6d23h");
    const { conversationId } = await reactivateConversation(t.db, allowed.okan, allowed.conversationId, t.clock.now());
    const [fresh] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(fresh).toMatchObject({ status: "open", assigneeId: allowed.w.agent.id, reactivatedFromId: allowed.conversationId });
    await refreshOrganizationStats(t.db, allowed.w.orgId, "Europe/Istanbul", t.clock.now());
    expect((await todaysFigures(t.db, allowed.w.orgId, "Europe/Istanbul", t.clock.now(), null)).get(allowed.w.agent.id)!.reactivated).toBe(1);

    t.clock.set("2026-01-05T09:00:00Z");
    const refused = await archived("instagram");
    t.clock.advance("7d1h");
    await expect(reactivateConversation(t.db, refused.okan, refused.conversationId, t.clock.now())).rejects.toEqual(new ConversationRuleBroken("window_passed"));
  });

  it("WhatsApp: allowed at 23 hours, refused at 25 hours; the button is offered only inside the window", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const inside = await archived("whatsapp");
    t.clock.advance("23h");
    const agent = await t.signIn(inside.w.agent.email, inside.w.orgId);
    expect((await agent.html(`/inbox/${inside.conversationId}?tab=closed`)).text).toContain("Reactivate from the archive");
    const res = await agent.post(`/inbox/${inside.conversationId}/reactivate`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/inbox\/\d+\?tab=assigned$/);

    t.clock.set("2026-01-05T09:00:00Z");
    const outside = await archived("whatsapp");
    t.clock.advance("25h");
    const late = await t.signIn(outside.w.agent.email, outside.w.orgId);
    expect((await late.html(`/inbox/${outside.conversationId}?tab=closed`)).text).not.toContain("Reactivate from the archive");
    const refused = await late.post(`/inbox/${outside.conversationId}/reactivate`);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Too long since the customer");
  });

  it("never reactivates while the contact has an open conversation, nor another organization's", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const { w, okan, conversationId } = await archived("messenger");
    await reactivateConversation(t.db, okan, conversationId, t.clock.now());
    await expect(reactivateConversation(t.db, okan, conversationId, t.clock.now())).rejects.toThrow();
    const rival = await t.world("Rival");
    const theirs = (await actorFor(t.db, rival.admin.id, rival.orgId))!;
    await expect(reactivateConversation(t.db, theirs, conversationId, t.clock.now())).rejects.toEqual(new ConversationRuleBroken("not_found"));
    void w;
  });
});
