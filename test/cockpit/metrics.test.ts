import { describe, expect, it } from "bun:test";
import { channels } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats, todayIn, todaysFigures } from "../../src/cockpit/metrics";
import { agentBoard } from "../../src/cockpit/board";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { reply } from "../../src/inbox/replies";
import { closingMessages } from "@db/schema";
import { eq } from "drizzle-orm";
import { useTestApp } from "../support/app";

const t = useTestApp();
const TZ = "Europe/Istanbul";

async function setup() {
  const w = await t.world();
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
  const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
  let n = 0;
  const customer = async (name: string) =>
    (await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: `${w.orgId}-${name}-${++n}`, contactName: name, body: "merhaba", providerMessageId: `m-${w.orgId}-${n}`, at: t.clock.now() })).conversationId;
  const figures = async () => {
    await refreshOrganizationStats(t.db, w.orgId, TZ, t.clock.now());
    return (await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null)).get(w.agent.id);
  };
  return { w, supervisor, okan, closingId: closing.id, customer, figures };
}

describe("cockpit metrics (seeds' worked examples)", () => {
  it("first replies after 2 and 4 minutes average 3 minutes", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const { supervisor, okan, customer, figures, w } = await setup();
    const ozge = await customer("Özge");
    const ipek = await customer("İpek");
    await assignConversation(t.db, supervisor, ozge, { userId: w.agent.id }, t.clock.now());
    await assignConversation(t.db, supervisor, ipek, { userId: w.agent.id }, t.clock.now());
    t.clock.advance("2m");
    await reply(t.db, okan, ozge, "Merhaba Özge", t.clock.now());
    t.clock.advance("2m");
    await reply(t.db, okan, ipek, "Merhaba İpek", t.clock.now());
    await reply(t.db, okan, ipek, "a second reply does not count", t.clock.now());
    expect((await figures())!.avgFirstResponseMs).toBe(3 * 60_000);
  });

  it("resolutions after 2 and 4 minutes average 3 minutes; resolving moves active −1 and resolved +1", async () => {
    t.clock.set("2026-01-05T10:00:00Z");
    const { supervisor, okan, customer, figures, w, closingId } = await setup();
    const a = await customer("A");
    const b = await customer("B");
    await assignConversation(t.db, supervisor, a, { userId: w.agent.id }, t.clock.now());
    await assignConversation(t.db, supervisor, b, { userId: w.agent.id }, t.clock.now());
    const active = async () => (await agentBoard(t.db, supervisor)).find((r) => r.userId === w.agent.id)!.active;
    expect(await active()).toBe(2);
    t.clock.advance("2m");
    await closeConversation(t.db, okan, a, closingId, "en", t.clock.now());
    expect(await active()).toBe(1);
    expect((await figures())!.resolved).toBe(1);
    t.clock.advance("2m");
    await closeConversation(t.db, okan, b, closingId, "en", t.clock.now());
    const f = (await figures())!;
    expect(f.avgResolutionMs).toBe(3 * 60_000);
    expect(f.resolved).toBe(2);
    expect(await active()).toBe(0);
  });

  it("100 assigned conversations show 100 active; 20 manual reassignments show 20 forwarded", async () => {
    t.clock.set("2026-01-05T11:00:00Z");
    const { supervisor, okan, customer, figures, w } = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 100; i++) {
      const id = await customer(`C${i}`);
      await assignConversation(t.db, supervisor, id, { userId: w.agent.id }, t.clock.now());
      ids.push(id);
    }
    expect((await agentBoard(t.db, supervisor)).find((r) => r.userId === w.agent.id)!.active).toBe(100);
    for (const id of ids.slice(0, 20)) await assignConversation(t.db, okan, id, { userId: w.agent2.id }, t.clock.now());
    // Not forwards: a supervisor's assignment, and assigning to oneself.
    await assignConversation(t.db, supervisor, ids[50], { userId: w.agent2.id }, t.clock.now());
    expect((await figures())!.forwarded).toBe(20);
  });

  it("today starts at midnight in the organization's time zone (Europe/Istanbul, UTC+3)", async () => {
    expect(todayIn(TZ, new Date("2026-01-05T20:59:00Z")).day).toBe("2026-01-05");
    expect(todayIn(TZ, new Date("2026-01-05T21:00:00Z")).day).toBe("2026-01-06");
    expect(todayIn(TZ, new Date("2026-01-05T21:00:00Z")).start.toISOString()).toBe("2026-01-05T21:00:00.000Z");
    t.clock.set("2026-01-05T20:50:00Z"); // 23:50 in Istanbul
    const { supervisor, okan, customer, figures, w, closingId } = await setup();
    const late = await customer("Late");
    await assignConversation(t.db, supervisor, late, { userId: w.agent.id }, t.clock.now());
    await closeConversation(t.db, okan, late, closingId, "en", t.clock.now());
    expect((await figures())!.resolved).toBe(1);
    t.clock.set("2026-01-05T21:05:00Z"); // 00:05 the next day there
    expect(await figures()).toBeUndefined();
  });
});
