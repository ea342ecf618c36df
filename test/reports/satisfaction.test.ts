// Survey results in reports: each rating counts on the day it was given, for the agent the survey
// rates, from the daily aggregates; averages and answer counts stand beside the previous period on
// the page, in the tables and in the CSV.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, closingMessages } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { runBot } from "../../src/bot/engine";
import { refreshOrganizationStats } from "../../src/cockpit/metrics";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { reply } from "../../src/inbox/replies";
import { BOM } from "../../src/reports/csv";
import { buildReport, figureKeys, reportQuery } from "../../src/reports/figures";
import { useTestApp } from "../support/app";
import { botWorld } from "../bot/support";

const t = useTestApp();
const TZ = "Europe/Istanbul";

async function setup() {
  const w = await t.world();
  const [web] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Web", webhookKey: newWebhookKey() }).returning();
  const bot = await botWorld(t.db, w, t.clock.now());
  await bot.save({ channelId: web.id }, { enabled: false, surveyEnabled: true, surveyComment: "" });
  const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
  const agents = { okan: (await actorFor(t.db, w.agent.id, w.orgId))!, ipek: (await actorFor(t.db, w.agent2.id, w.orgId))! };
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
  let n = 0;
  const say = (visitor: string, body: string) =>
    ingestInbound(t.db, { orgId: w.orgId, channelId: web.id, externalId: `${w.orgId}-${visitor}`, contactName: visitor, body, providerMessageId: `s-${w.orgId}-${++n}`, at: t.clock.now() });
  /** A visitor's conversation handled and closed by the agent, then rated `rating` in the survey. */
  const rated = async (visitor: string, agent: "okan" | "ipek", rating: number) => {
    const { conversationId } = await say(visitor, "merhaba");
    await assignConversation(t.db, supervisor, conversationId, { userId: agents[agent].userId }, t.clock.now());
    await reply(t.db, agents[agent], conversationId, "Merhaba", t.clock.now());
    await closeConversation(t.db, agents[agent], conversationId, closing.id, "en", t.clock.now());
    await runBot(t.database, () => t.clock.now());
    const answer = await say(visitor, String(rating));
    // Answering does not open a conversation: the rating is stored on the closed one.
    expect(answer.conversationId).toBe(conversationId);
  };
  const count = () => refreshOrganizationStats(t.db, w.orgId, TZ, t.clock.now());
  return { w, web, supervisor, rated, count };
}

describe("satisfaction in reports", () => {
  it("averages the ratings per agent, channel and day, beside the previous period", async () => {
    t.clock.set("2026-04-01T09:00:00Z");
    const s = await setup();
    await s.rated("A", "okan", 2);
    await s.count();
    t.clock.set("2026-04-02T09:00:00Z");
    await s.rated("B", "okan", 5);
    await s.rated("C", "okan", 4);
    await s.rated("D", "ipek", 3);
    await s.count();
    const report = await buildReport(t.db, s.supervisor, reportQuery.parse({ range: "today" }), t.clock.now());
    expect(report.totals.current).toMatchObject({ avgSatisfaction: 4, satisfactionAnswers: 3 });
    expect(report.totals.previous).toMatchObject({ avgSatisfaction: 2, satisfactionAnswers: 1 });
    const okan = report.agents.find((a) => a.key === s.w.agent.id)!;
    expect(okan.current).toMatchObject({ avgSatisfaction: 4.5, satisfactionAnswers: 2 });
    expect(okan.previous).toMatchObject({ avgSatisfaction: 2, satisfactionAnswers: 1 });
    expect(report.agents.find((a) => a.key === s.w.agent2.id)!.current).toMatchObject({ avgSatisfaction: 3, satisfactionAnswers: 1 });
    expect(report.channels.find((c) => c.key === String(s.web.id))!.current).toMatchObject({ avgSatisfaction: 4, satisfactionAnswers: 3 });
    expect(report.days.at(-1)!.figures).toMatchObject({ avgSatisfaction: 4, satisfactionAnswers: 3 });
    // Filtered to one agent, only their ratings count.
    const one = await buildReport(t.db, s.supervisor, reportQuery.parse({ range: "7d", agent: s.w.agent2.id }), t.clock.now());
    expect(one.totals.current).toMatchObject({ avgSatisfaction: 3, satisfactionAnswers: 1 });
    const week = await buildReport(t.db, s.supervisor, reportQuery.parse({ range: "7d" }), t.clock.now());
    expect(week.totals.current).toMatchObject({ avgSatisfaction: 3.5, satisfactionAnswers: 4 });
  });

  it("a recount from scratch gives the same figures", async () => {
    t.clock.set("2026-04-05T09:00:00Z");
    const s = await setup();
    await s.rated("A", "okan", 5);
    await s.count();
    await s.rated("B", "okan", 2);
    await s.count();
    const before = await buildReport(t.db, s.supervisor, reportQuery.parse({ range: "today" }), t.clock.now());
    await t.db.execute(`update agent_stats_watermarks set snapshot = null where org_id = ${s.w.orgId}`);
    await s.count();
    const after = await buildReport(t.db, s.supervisor, reportQuery.parse({ range: "today" }), t.clock.now());
    expect(after.totals).toEqual(before.totals);
    expect(after.totals.current).toMatchObject({ avgSatisfaction: 3.5, satisfactionAnswers: 2 });
  });

  it("the page shows the figures and their change, in English and Turkish, and the CSV carries them", async () => {
    t.clock.set("2026-04-08T09:00:00Z");
    const s = await setup();
    await s.rated("A", "okan", 3);
    await s.count();
    t.clock.set("2026-04-09T09:00:00Z");
    await s.rated("B", "okan", 5);
    await s.count();
    const supervisor = await t.signIn(s.w.supervisor.email, s.w.orgId);
    const page = (await supervisor.html("/reports?range=today")).text;
    expect(page).toContain("Avg. satisfaction");
    expect(page).toContain("Survey answers");
    expect(page).toContain("5.0");
    expect(page).toMatch(/▲ 2\.0/);
    const csv = (await (await supervisor.get("/reports/export/agents.csv?range=today")).text()).replace(BOM, "");
    const [header, ...lines] = csv.trim().split("\r\n");
    expect(header).toContain(`Avg. satisfaction,Survey answers,`);
    expect(header).toContain(`"Avg. satisfaction, previous period","Survey answers, previous period"`);
    // Numbers need no quotes: the row splits on commas (name, the figures now, the figures before).
    const okan = lines.map((l) => l.split(",")).find((l) => l[0] === "Okan Agent")!;
    const now = (k: (typeof figureKeys)[number]) => okan[1 + figureKeys.indexOf(k)];
    const before = (k: (typeof figureKeys)[number]) => okan[1 + figureKeys.length + figureKeys.indexOf(k)];
    expect([now("avgSatisfaction"), now("satisfactionAnswers"), before("avgSatisfaction"), before("satisfactionAnswers")]).toEqual(["5", "1", "3", "1"]);
    await supervisor.post("/me/locale", { locale: "tr" });
    const tr = (await supervisor.html("/reports?range=today")).text;
    expect(tr).toContain("Ort. memnuniyet");
    expect(tr).toContain("Anket yanıtı");
    expect(tr).toContain("5,0");
  });
});
