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
    // Not Okan's: a supervisor's reassignment of his conversation (the supervisor's forward).
    await assignConversation(t.db, supervisor, ids[50], { userId: w.agent2.id }, t.clock.now());
    expect((await figures())!.forwarded).toBe(20);
  });

  it("a forward belongs to who assigned by hand, whoever held it; taking it oneself, routing and rules are not forwards", async () => {
    t.clock.set("2026-01-05T12:00:00Z");
    const { supervisor, okan, customer, w } = await setup();
    const a = await customer("A");
    const b = await customer("B");
    const c = await customer("C");
    await assignConversation(t.db, supervisor, a, { userId: w.agent.id }, t.clock.now()); // from nobody: the supervisor's
    await assignConversation(t.db, supervisor, a, { userId: w.agent2.id }, t.clock.now()); // Okan's to Ayşe: the supervisor's again, same conversation
    await assignConversation(t.db, okan, b, { userId: w.agent.id }, t.clock.now()); // to himself: nobody's
    await assignConversation(t.db, okan, b, { userId: w.agent2.id }, t.clock.now()); // his own on: Okan's
    await assignConversation(t.db, supervisor, c, { userId: w.agent.id }, t.clock.now(), "rule"); // as a rule: nobody's
    await refreshOrganizationStats(t.db, w.orgId, TZ, t.clock.now());
    const all = await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null);
    // Conversations forwarded: the supervisor handed A on twice today, which counts once.
    expect(all.get(w.supervisor.id)!.forwarded).toBe(1);
    expect(all.get(w.agent.id)!.forwarded).toBe(1);
    expect(all.get(w.agent2.id)?.forwarded ?? 0).toBe(0);
    t.clock.set("2026-01-06T12:00:00Z");
    await assignConversation(t.db, supervisor, a, { userId: w.agent.id }, t.clock.now());
    await refreshOrganizationStats(t.db, w.orgId, TZ, t.clock.now());
    expect((await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null)).get(w.supervisor.id)!.forwarded).toBe(1);
  });

  it("resolved and its time belong to who marked it resolved, from when it was assigned to them", async () => {
    t.clock.set("2026-01-05T13:00:00Z");
    const { supervisor, okan, customer, w, closingId } = await setup();
    const a = await customer("A");
    const b = await customer("B");
    await assignConversation(t.db, supervisor, a, { userId: w.agent.id }, t.clock.now());
    await assignConversation(t.db, supervisor, b, { userId: w.agent2.id }, t.clock.now());
    t.clock.advance("10m");
    // Okan had A for 10 minutes, then gives it to Ayşe, who resolves it 4 minutes later.
    await assignConversation(t.db, okan, a, { userId: w.agent2.id }, t.clock.now());
    const ayse = (await actorFor(t.db, w.agent2.id, w.orgId))!;
    t.clock.advance("4m");
    await closeConversation(t.db, ayse, a, closingId, "en", t.clock.now());
    // The supervisor closes Ayşe's B: resolved by the supervisor, who never had it (no time).
    await closeConversation(t.db, supervisor, b, closingId, "en", t.clock.now());
    await refreshOrganizationStats(t.db, w.orgId, TZ, t.clock.now());
    const all = await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null);
    expect(all.get(w.agent2.id)).toMatchObject({ resolved: 1, avgResolutionMs: 4 * 60_000 });
    expect(all.get(w.supervisor.id)).toMatchObject({ resolved: 1, avgResolutionMs: null });
    expect(all.get(w.agent.id)?.resolved ?? 0).toBe(0);
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
