// The report's grains and running histograms against the events themselves: for several ranges and
// every kind of filter, the figures a report reads from the aggregates equal those computed here
// straight from the events, including late events of past days whose later days were counted already.
import { describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { brands, channels, closingMessages, conversations } from "@db/schema";
import { rows } from "@db/client";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats } from "../../src/cockpit/metrics";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { reply } from "../../src/inbox/replies";
import { recordEvent } from "../../src/realtime/events";
import { percentileMs, TIME_BUCKET_EDGES_MS } from "../../src/reports/aggregates";
import { buildReport, reportQuery, type Figures } from "../../src/reports/figures";
import { useTestApp } from "../support/app";

const t = useTestApp();
const TZ = "Europe/Istanbul";

interface Fact {
  day: string;
  type: string;
  ms: number | null;
  user: string;
  channel: number;
  workgroup: number;
}

const bucketOf = (ms: number) => TIME_BUCKET_EDGES_MS.filter((e) => e <= ms).length;

/** The figures computed from facts directly, as the cockpit's definitions say. */
function expected(facts: Fact[]): Pick<Figures, "opened" | "closed" | "avgFirstResponseMs" | "p90FirstResponseMs" | "avgResolutionMs" | "p90ResolutionMs"> & { median: number | null } {
  const times = (type: string) => facts.filter((f) => f.type === type && f.ms !== null).map((f) => f.ms!);
  const histogram = (ms: number[]) => ms.reduce((h, v) => ((h[bucketOf(v)] = (h[bucketOf(v)] ?? 0) + 1), h), [] as number[]);
  const avg = (ms: number[]) => (ms.length ? Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) : null);
  const fr = times("first_response");
  const res = times("closed");
  return {
    opened: facts.filter((f) => f.type === "conversation_created").length,
    closed: facts.filter((f) => f.type === "closed").length,
    avgFirstResponseMs: avg(fr),
    p90FirstResponseMs: percentileMs(histogram(fr), 90),
    avgResolutionMs: avg(res),
    p90ResolutionMs: percentileMs(histogram(res), 90),
    median: percentileMs(histogram(fr), 50),
  };
}

describe("report grains and running histograms", () => {
  it("every filter and range reads what the events say, late events of past days included", async () => {
    t.clock.set("2026-09-07T06:00:00Z");
    const w = await t.world();
    const [brand] = await t.db.insert(brands).values({ orgId: w.orgId, name: "Shop" }).returning();
    const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", brandId: brand.id, webhookKey: newWebhookKey() }).returning();
    const [web] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Web", webhookKey: newWebhookKey() }).returning();
    const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    const agents = [(await actorFor(t.db, w.agent.id, w.orgId))!, (await actorFor(t.db, w.agent2.id, w.orgId))!];
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    const count = () => refreshOrganizationStats(t.db, w.orgId, TZ, t.clock.now());

    // Five days; each day conversations on both channels, for both agents, some in the workgroup,
    // answered and closed after times that differ by day, agent and channel.
    let n = 0;
    const ids: number[] = [];
    for (let day = 0; day < 5; day++) {
      for (let k = 0; k < 6; k++) {
        t.clock.set(`2026-09-${String(7 + day).padStart(2, "0")}T${String(7 + k).padStart(2, "0")}:00:00Z`);
        const channelId = k % 3 === 0 ? web.id : wa.id;
        const agent = agents[(day + k) % 2];
        const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId, externalId: `g-${++n}`, contactName: `C${n}`, body: "merhaba", providerMessageId: `gm-${n}`, at: t.clock.now() });
        ids.push(conversationId);
        if (k % 2 === 0) await t.db.update(conversations).set({ workgroupId: w.workgroupId }).where(eq(conversations.id, conversationId));
        if (k === 5) continue; // left waiting, nobody assigned
        await assignConversation(t.db, supervisor, conversationId, { userId: agent.userId }, t.clock.now());
        t.clock.advance(`${1 + ((day * 7 + k * 3) % 11)}m`);
        await reply(t.db, agent, conversationId, "Merhaba", t.clock.now());
        if (k % 3 !== 2) {
          t.clock.advance(`${5 + ((day * 13 + k * 5) % 40)}m`);
          await closeConversation(t.db, agent, conversationId, closing.id, "en", t.clock.now());
        }
      }
      await count();
    }
    // Late: events of the second and third day committed after the fifth was counted, whose running
    // totals must reach the days after them.
    t.clock.set("2026-09-11T15:00:00Z");
    await recordEvent(t.db, { orgId: w.orgId, type: "first_response", conversationId: ids[7], actorId: w.agent.id, subjectUserId: w.agent.id, data: { ms: 3 * 3_600_000 }, createdAt: new Date("2026-09-08T10:00:00Z") });
    await recordEvent(t.db, { orgId: w.orgId, type: "first_response", conversationId: ids[13], actorId: w.agent2.id, subjectUserId: w.agent2.id, data: { ms: 20_000 }, createdAt: new Date("2026-09-09T10:00:00Z") });
    await recordEvent(t.db, { orgId: w.orgId, type: "closed", conversationId: ids[12], actorId: w.agent.id, subjectUserId: w.agent.id, data: { ms: 9 * 3_600_000 }, createdAt: new Date("2026-09-09T11:00:00Z") });
    await count();

    const facts = await rows<Fact>(
      t.db,
      sql`select (e.created_at at time zone ${TZ})::date::text as day, e.type, (e.data->>'ms')::float8 as ms,
                 coalesce(e.subject_user_id, '') as "user", c.channel_id::int as channel, coalesce(c.workgroup_id, 0)::int as workgroup
          from events e join conversations c on c.id = e.conversation_id
          where e.org_id = ${w.orgId} and e.type in ('conversation_created', 'first_response', 'closed') and c.channel_id in (${wa.id}, ${web.id})`,
    );
    const filters: { name: string; query: Record<string, string>; keep: (f: Fact) => boolean }[] = [
      { name: "none", query: {}, keep: () => true },
      { name: "channel", query: { channel: String(web.id) }, keep: (f) => f.channel === web.id },
      { name: "brand", query: { brand: String(brand.id) }, keep: (f) => f.channel === wa.id },
      { name: "workgroup", query: { workgroup: String(w.workgroupId) }, keep: (f) => f.workgroup === w.workgroupId },
      { name: "agent", query: { agent: w.agent.id }, keep: (f) => f.user === w.agent.id },
      { name: "agent and channel", query: { agent: w.agent2.id, channel: String(wa.id) }, keep: (f) => f.user === w.agent2.id && f.channel === wa.id },
      { name: "all three", query: { agent: w.agent.id, brand: String(brand.id), workgroup: String(w.workgroupId) }, keep: (f) => f.user === w.agent.id && f.channel === wa.id && f.workgroup === w.workgroupId },
    ];
    const ranges = [
      ["2026-09-07", "2026-09-11"],
      ["2026-09-08", "2026-09-09"],
      ["2026-09-09", "2026-09-11"],
      ["2026-09-10", "2026-09-11"],
    ];
    for (const filter of filters) {
      for (const [from, to] of ranges) {
        const r = await buildReport(t.db, supervisor, reportQuery.parse({ range: "custom", from, to, ...filter.query }), t.clock.now());
        const inRange = facts.filter((f) => filter.keep(f) && f.day >= from && f.day <= to);
        const want = expected(inRange);
        const got = r.totals.current;
        const label = `${filter.name} ${from}…${to}`;
        expect({ label, opened: got.opened, closed: got.closed, avgFr: got.avgFirstResponseMs, p90Fr: got.p90FirstResponseMs, avgRes: got.avgResolutionMs, p90Res: got.p90ResolutionMs, median: r.medianFirstResponseMs }).toEqual({
          label,
          opened: want.opened,
          closed: want.closed,
          avgFr: want.avgFirstResponseMs,
          p90Fr: want.p90FirstResponseMs,
          avgRes: want.avgResolutionMs,
          p90Res: want.p90ResolutionMs,
          median: want.median,
        });
        // Each agent's and channel's row, and each day's, read the same way.
        for (const row of r.agents) expect([label, row.key, row.current.p90FirstResponseMs, row.current.closed]).toEqual([label, row.key, expected(inRange.filter((f) => f.user === row.key)).p90FirstResponseMs, expected(inRange.filter((f) => f.user === row.key)).closed]);
        for (const row of r.channels) expect([label, row.key, row.current.p90ResolutionMs]).toEqual([label, row.key, expected(inRange.filter((f) => String(f.channel) === row.key)).p90ResolutionMs]);
        for (const row of r.workgroups) expect([label, row.key, row.current.avgFirstResponseMs]).toEqual([label, row.key, expected(inRange.filter((f) => (f.workgroup ? String(f.workgroup) : "") === row.key)).avgFirstResponseMs]);
        for (const d of r.days) expect([label, d.day, d.figures.p90FirstResponseMs, d.medianFirstResponseMs]).toEqual([label, d.day, expected(inRange.filter((f) => f.day === d.day)).p90FirstResponseMs, expected(inRange.filter((f) => f.day === d.day)).median]);
      }
    }
  });
});
