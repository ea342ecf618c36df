import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, closingMessages, conversations } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { figuresOn, refreshOrganizationStats } from "../../src/cockpit/metrics";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { reply } from "../../src/inbox/replies";
import { bucketValueMs, percentileMs, TIME_BUCKET_EDGES_MS } from "../../src/reports/aggregates";
import { buildReport, previousRange, reportQuery, resolveRange } from "../../src/reports/figures";
import { useTestApp } from "../support/app";

const t = useTestApp();
const TZ = "Europe/Istanbul";

async function setup() {
  const w = await t.world();
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const [web] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Web", webhookKey: newWebhookKey() }).returning();
  const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
  const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
  let n = 0;
  const customer = async (name: string, channelId = wa.id, at = t.clock.now()) =>
    (await ingestInbound(t.db, { orgId: w.orgId, channelId, externalId: `${w.orgId}-${name}-${++n}`, contactName: name, body: "merhaba", providerMessageId: `m-${w.orgId}-${n}`, at })).conversationId;
  const count = () => refreshOrganizationStats(t.db, w.orgId, TZ, t.clock.now());
  const report = async (query: Record<string, string>) => {
    await count();
    return buildReport(t.db, supervisor, reportQuery.parse(query), t.clock.now());
  };
  /** A conversation assigned to Okan, answered after `answer` and closed after `close` more. */
  const handled = async (name: string, answer: string, close?: string, channelId = wa.id) => {
    const id = await customer(name, channelId);
    await assignConversation(t.db, supervisor, id, { userId: w.agent.id }, t.clock.now());
    t.clock.advance(answer);
    await reply(t.db, okan, id, `Merhaba ${name}`, t.clock.now());
    if (close) {
      t.clock.advance(close);
      await closeConversation(t.db, okan, id, closing.id, "en", t.clock.now());
    }
    return id;
  };
  return { w, wa, web, supervisor, okan, customer, count, report, handled };
}

describe("report figures over a range (seeds' worked examples)", () => {
  it("first replies after 2 and 4 minutes on different days average 3 minutes over the week", async () => {
    t.clock.set("2026-02-02T09:00:00Z");
    const { w, report, handled, count } = await setup();
    await handled("Özge", "2m");
    await count();
    t.clock.set("2026-02-04T09:00:00Z");
    await handled("İpek", "4m");
    t.clock.set("2026-02-05T12:00:00Z");
    const r = await report({ range: "7d" });
    const okan = r.agents.find((a) => a.key === w.agent.id)!;
    expect(okan.name).toBe("Okan Agent");
    expect(okan.current.avgFirstResponseMs).toBe(3 * 60_000);
    expect(r.totals.current.avgFirstResponseMs).toBe(3 * 60_000);
    // The p90 of {2 min, 4 min} is 4 min, read as its bucket's upper edge: not below, under 1.2 times.
    expect(okan.current.p90FirstResponseMs!).toBeGreaterThan(4 * 60_000);
    expect(okan.current.p90FirstResponseMs!).toBeLessThanOrEqual(1.2 * 4 * 60_000);
    expect(r.days.find((d) => d.day === "2026-02-02")!.figures.avgFirstResponseMs).toBe(2 * 60_000);
    expect(r.days.find((d) => d.day === "2026-02-04")!.figures.avgFirstResponseMs).toBe(4 * 60_000);
    expect(r.days).toHaveLength(7);
  });

  it("50 resolved and 20 forwarded over three days count 50 and 20", async () => {
    t.clock.set("2026-03-02T08:00:00Z");
    const { w, supervisor, okan, report, customer, handled } = await setup();
    const ids: number[] = [];
    for (let day = 0; day < 3; day++) {
      t.clock.set(`2026-03-0${2 + day}T08:00:00Z`);
      for (let i = 0; i < (day === 2 ? 16 : 17); i++) await handled(`R${day}-${i}`, "1m", "1m");
      for (let i = 0; i < 7 && ids.length < 20; i++) {
        const id = await customer(`F${day}-${i}`);
        await assignConversation(t.db, supervisor, id, { userId: w.agent.id }, t.clock.now());
        await assignConversation(t.db, okan, id, { userId: w.agent2.id }, t.clock.now());
        ids.push(id);
      }
    }
    const r = await report({ range: "custom", from: "2026-03-02", to: "2026-03-04" });
    const row = r.agents.find((a) => a.key === w.agent.id)!;
    expect(row.current.closed).toBe(50);
    expect(row.current.forwarded).toBe(20);
    expect(r.totals.current.closed).toBe(50);
    // The supervisor handed the 70 conversations to Okan by hand: 70 forwards of theirs.
    expect(r.agents.find((a) => a.key === w.supervisor.id)!.current.forwarded).toBe(70);
    expect(r.totals.current.forwarded).toBe(90);
    expect(r.totals.current.opened).toBe(70);
    expect(r.channels.map((c) => [c.name, c.current.opened])).toEqual([["WA", 70]]);
  });

  it("a range's figures equal the sum of the cockpit's figures for its days", async () => {
    t.clock.set("2026-04-06T07:00:00Z");
    const { w, report, handled, count } = await setup();
    const days = ["2026-04-06", "2026-04-07", "2026-04-08"];
    for (const [i, day] of days.entries()) {
      t.clock.set(`${day}T07:00:00Z`);
      for (let k = 0; k <= i; k++) await handled(`D${i}-${k}`, `${k + 1}m`, `${3 * (k + 1)}m`);
      await handled(`Open${i}`, "30s");
      await count();
    }
    t.clock.set("2026-04-08T18:00:00Z");
    const r = await report({ range: "custom", from: days[0], to: days[2] });
    const cockpit = await Promise.all(days.map((d) => figuresOn(t.db, w.orgId, d, null).then((m) => m.get(w.agent.id)!)));
    const row = r.agents.find((a) => a.key === w.agent.id)!.current;
    expect(row.closed).toBe(cockpit.reduce((s, f) => s + f.resolved, 0));
    expect(row.forwarded).toBe(cockpit.reduce((s, f) => s + f.forwarded, 0));
    expect(row.reactivated).toBe(cockpit.reduce((s, f) => s + f.reactivated, 0));
    // Averages over the range weigh each day by its count, as one average over all conversations.
    const answered = [2, 3, 4];
    const closed = [1, 2, 3];
    const weighted = (k: "avgFirstResponseMs" | "avgResolutionMs", n: number[]) => Math.round(cockpit.reduce((s, f, i) => s + f[k]! * n[i], 0) / n.reduce((a, b) => a + b, 0));
    expect(row.avgFirstResponseMs).toBe(weighted("avgFirstResponseMs", answered));
    expect(row.avgResolutionMs).toBe(weighted("avgResolutionMs", closed));
    expect(row.closed).toBe(6);
  });

  it("days start at midnight in Istanbul: 23:50 counts on its day, 00:05 on the next", async () => {
    t.clock.set("2026-05-04T20:50:00Z"); // 23:50 in Istanbul
    const { report, handled, customer } = await setup();
    await handled("Late", "1m", "1m");
    t.clock.set("2026-05-04T21:05:00Z"); // 00:05 the next day there
    await customer("Early");
    const monday = await report({ range: "custom", from: "2026-05-04", to: "2026-05-04" });
    const tuesday = await report({ range: "today" });
    expect(monday.totals.current.opened).toBe(1);
    expect(monday.totals.current.closed).toBe(1);
    expect(tuesday.range).toEqual({ from: "2026-05-05", to: "2026-05-05" });
    expect(tuesday.totals.current.opened).toBe(1);
    expect(tuesday.totals.current.closed).toBe(0);
    // Inbound messages by local weekday and hour: Monday 23:00 and Tuesday 00:00.
    expect(monday.heatmap[0][23]).toBe(1);
    expect(tuesday.heatmap[1][0]).toBe(1);
  });

  it("each figure stands beside the previous period of the same length", async () => {
    t.clock.set("2026-06-01T09:00:00Z");
    const { report, handled, web } = await setup();
    await handled("Before1", "2m", "5m");
    await handled("Before2", "2m");
    t.clock.set("2026-06-09T09:00:00Z");
    await handled("Now", "1m", "1m", web.id);
    const r = await report({ range: "7d" });
    expect(r.range).toEqual({ from: "2026-06-03", to: "2026-06-09" });
    expect(r.previous).toEqual({ from: "2026-05-27", to: "2026-06-02" });
    expect(r.totals.current.opened).toBe(1);
    expect(r.totals.previous.opened).toBe(2);
    expect(r.totals.previous.avgFirstResponseMs).toBe(2 * 60_000);
    expect(r.totals.current.avgFirstResponseMs).toBe(60_000);
    // A channel with activity only before still has its row, with nothing now.
    expect(r.channels.map((c) => [c.name, c.current.opened, c.previous.opened])).toEqual([
      ["WA", 0, 2],
      ["Web", 1, 0],
    ]);
  });

  it("a late event lands on its own past day when the job next runs", async () => {
    t.clock.set("2026-08-05T09:00:00Z");
    const { report, customer, wa } = await setup();
    await customer("Today");
    const before = await report({ range: "custom", from: "2026-08-04", to: "2026-08-05" });
    expect(before.days.map((d) => d.figures.messagesIn)).toEqual([0, 1]);
    // Yesterday's message reaches Kanal only now, with yesterday's time on it.
    t.clock.set("2026-08-05T09:05:00Z");
    await customer("Late", wa.id, new Date("2026-08-04T15:00:00Z"));
    const after = await report({ range: "custom", from: "2026-08-04", to: "2026-08-05" });
    expect(after.days.map((d) => [d.figures.messagesIn, d.figures.opened])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(after.heatmap[1][18]).toBe(1); // Tuesday 18:00 in Istanbul
  });

  it("filters by channel, workgroup and agent", async () => {
    t.clock.set("2026-07-01T09:00:00Z");
    const { w, report, handled, web, wa } = await setup();
    const a = await handled("Wa", "1m");
    await handled("Web", "1m", undefined, web.id);
    await t.db.update(conversations).set({ workgroupId: w.workgroupId }).where(eq(conversations.id, a));
    expect((await report({ range: "today", channel: String(web.id) })).totals.current.opened).toBe(1);
    expect((await report({ range: "today", channel: String(wa.id) })).totals.current.messagesOut).toBe(1);
    expect((await report({ range: "today", agent: w.agent2.id })).totals.current.messagesOut).toBe(0);
    expect((await report({ range: "today", agent: w.agent.id })).totals.current.messagesOut).toBe(2);
  });
});

describe("ranges and percentiles", () => {
  it("presets resolve in the organization's time zone", () => {
    const now = new Date("2026-03-31T21:30:00Z"); // 00:30 on 1 April in Istanbul
    expect(resolveRange({ range: "today" }, TZ, now)).toEqual({ from: "2026-04-01", to: "2026-04-01" });
    expect(resolveRange({ range: "yesterday" }, TZ, now)).toEqual({ from: "2026-03-31", to: "2026-03-31" });
    expect(resolveRange({ range: "30d" }, TZ, now)).toEqual({ from: "2026-03-03", to: "2026-04-01" });
    expect(resolveRange({ range: "month" }, TZ, now)).toEqual({ from: "2026-04-01", to: "2026-04-01" });
    expect(previousRange({ from: "2026-03-01", to: "2026-03-31" })).toEqual({ from: "2026-01-29", to: "2026-02-28" });
  });

  it("a bad range is refused", () => {
    expect(reportQuery.safeParse({ range: "custom", from: "2026-03-05", to: "2026-03-01" }).success).toBe(false);
    expect(reportQuery.safeParse({ range: "custom", from: "2026-02-30", to: "2026-03-01" }).success).toBe(false);
    expect(reportQuery.safeParse({ range: "custom", from: "2024-01-01", to: "2026-01-01" }).success).toBe(false);
    expect(reportQuery.safeParse({ range: "week" }).success).toBe(false);
  });

  it("a percentile reads as its bucket's upper edge, within 20 % above the true value", () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 + i * 7_919 * 13);
    const counts: number[] = [];
    for (const ms of samples) {
      const bucket = TIME_BUCKET_EDGES_MS.filter((e) => e <= ms).length;
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    const truth = [...samples].sort((a, b) => a - b)[Math.ceil(0.9 * samples.length) - 1];
    const p90 = percentileMs(counts, 90)!;
    expect(p90).toBeGreaterThan(truth);
    expect(p90).toBeLessThanOrEqual(truth * 1.2);
    expect(bucketValueMs(0)).toBe(10_000);
    expect(percentileMs([], 90)).toBeNull();
    expect(percentileMs([0, 0, 3], 50)).toBe(bucketValueMs(2));
  });
});
