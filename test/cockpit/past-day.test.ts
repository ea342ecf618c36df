import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, closingMessages } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats } from "../../src/cockpit/metrics";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("cockpit on a past day", () => {
  it("shows that day's figures in one table, without live statuses, and today's again without a day", async () => {
    t.clock.set("2026-03-09T10:00:00Z"); // 13:00 on Monday in Istanbul
    const w = await t.world();
    const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    const supervisorActor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
    for (let i = 0; i < 2; i++) {
      const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: `p-${i}`, contactName: "C", body: "hi", providerMessageId: `p-${i}`, at: t.clock.now() });
      await assignConversation(t.db, supervisorActor, conversationId, { userId: w.agent.id }, t.clock.now());
      t.clock.advance("4m");
      await closeConversation(t.db, okan, conversationId, closing.id, "en", t.clock.now());
    }
    await refreshOrganizationStats(t.db, w.orgId, "Europe/Istanbul", t.clock.now());
    t.clock.set("2026-03-10T10:00:00Z");
    await refreshOrganizationStats(t.db, w.orgId, "Europe/Istanbul", t.clock.now());
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);

    const past = (await supervisor.html("/cockpit?day=2026-03-09")).text;
    expect(past).toContain("Figures of Monday, March 9, 2026");
    expect(past).toContain('id="cockpit-past-day"');
    expect(past).not.toContain('id="cockpit-board"');
    expect(past).not.toContain("view=cockpit");
    expect(past).not.toContain('action="/cockpit/status"');
    const okanRow = past.slice(past.indexOf('data-name="Okan Agent"'));
    expect(okanRow).toContain("4 min");
    expect(okanRow).toMatch(/<td class="num">2<\/td>/);
    expect(past).toContain('<input type="date" name="day" value="2026-03-09" max="2026-03-10"/>');

    const today = (await supervisor.html("/cockpit")).text;
    expect(today).toContain('id="cockpit-board"');
    expect(today).toContain("view=cockpit");
    expect(today.slice(today.indexOf('data-name="Okan Agent"'))).not.toMatch(/<td class="num">2<\/td>/);
    // Today, a later day or a malformed one: the live board.
    for (const day of ["2026-03-10", "2026-03-11", "yesterday"]) expect((await supervisor.html(`/cockpit?day=${day}`)).text).toContain('id="cockpit-board"');
  });
});
