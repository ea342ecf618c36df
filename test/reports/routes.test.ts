import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, conversations, conversationTags, memberships, REPORT_AGENT, reportDailyStats, tags, users } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats } from "../../src/cockpit/metrics";
import { assignConversation } from "../../src/inbox/assignment";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { reply } from "../../src/inbox/replies";
import { BOM, conversationLines, csvField, csvLine, csvStream } from "../../src/reports/csv";
import { reportQuery } from "../../src/reports/figures";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function setup() {
  const w = await t.world();
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WhatsApp TR", webhookKey: newWebhookKey() }).returning();
  const supervisor = await t.signIn(w.supervisor.email, w.orgId);
  return { w, wa, supervisor };
}

/** Parses CSV as a spreadsheet would (RFC 4180), to read back what was written. */
function parseCsv(text: string): string[][] {
  const lines: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\r" && text[i + 1] === "\n") row.push(field), lines.push(row), (row = []), (field = ""), i++;
    else field += ch;
  }
  return lines;
}

describe("reports: who may see them", () => {
  it("agents get 403 on the page and on every export; supervisors and admins get them", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { w, supervisor } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/reports")).status).toBe(403);
    expect((await agent.get("/reports/export/agents.csv")).status).toBe(403);
    expect((await agent.get("/reports/export/conversations.csv")).status).toBe(403);
    const page = await supervisor.html("/reports?range=30d");
    expect(page.status).toBe(200);
    expect(page.text).toContain("<h1>Reports</h1>");
    expect(page.text).toContain('href="/reports"');
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.get("/reports")).status).toBe(200);
    expect((await t.client().get("/reports")).status).toBe(303);
  });

  it("an export streams through gzip when the browser takes it, never gathered whole first; plain otherwise", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { supervisor } = await setup();
    const zipped = await supervisor.get("/reports/export/conversations.csv?range=30d", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("content-length")).toBeNull();
    expect(zipped.headers.get("vary")).toContain("accept-encoding");
    // The byte order mark is kept (a default TextDecoder drops it).
    const decode = (bytes: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    const text = decode(Bun.gunzipSync(new Uint8Array(await zipped.arrayBuffer())));
    expect(text.startsWith(BOM)).toBe(true);
    const plain = await supervisor.get("/reports/export/conversations.csv?range=30d", { headers: { "accept-encoding": "gzip;q=0" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(decode(new Uint8Array(await plain.arrayBuffer()))).toBe(text);
  });

  it("a bad period is a 400 saying why; an unknown export a 404", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { supervisor } = await setup();
    const bad = await supervisor.html("/reports?range=custom&from=2026-02-10&to=2026-02-01");
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("at most 366 days apart");
    expect((await supervisor.get("/reports?range=forever")).status).toBe(400);
    expect((await supervisor.get("/reports?channel=abc")).status).toBe(400);
    expect((await supervisor.get("/reports/export/secrets.csv")).status).toBe(404);
    // Empty choices ("All brands") mean no filter.
    expect((await supervisor.get("/reports?range=7d&brand=&channel=&workgroup=&agent=&from=&to=")).status).toBe(200);
  });
});

describe("reports: the page", () => {
  it("draws the figures, four charts with text alternatives, and the tables in Turkish too", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { w, wa, supervisor } = await setup();
    const actor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: "905551112233", contactName: "Özge", body: "merhaba", providerMessageId: "p-1", at: t.clock.now() });
    await assignConversation(t.db, actor, conversationId, { userId: w.agent.id }, t.clock.now());
    t.clock.advance("3m");
    await reply(t.db, okan, conversationId, "Merhaba Özge", t.clock.now());
    await refreshOrganizationStats(t.db, w.orgId, "Europe/Istanbul", t.clock.now());
    const page = await supervisor.html(`/reports?range=7d&channel=${wa.id}`);
    expect(page.status).toBe(200);
    for (const id of ["chart-opened-closed", "chart-first-response", "chart-heatmap", "chart-channels"]) expect(page.text).toContain(`id="${id}"`);
    expect(page.text.match(/<svg viewBox[^>]*role="img"/g)!.length).toBe(4);
    expect(page.text).toContain("Opened: 1, closed: 0. Most opened on Feb 10 (1).");
    expect(page.text).toContain("Okan Agent");
    expect(page.text).toContain("3 min");
    expect(page.text).toContain(`/reports/export/agents.csv?range=7d&amp;channel=${wa.id}`);
    // The language switch brings the same report back: its period and filters ride along.
    expect(page.text).toContain(`name="back" value="/reports?range=7d&amp;channel=${wa.id}"`);
    const switched = await supervisor.post("/me/locale", { locale: "tr", back: `/reports?range=7d&channel=${wa.id}` });
    expect(switched.headers.get("location")).toBe(`/reports?range=7d&channel=${wa.id}`);
    const tr = await supervisor.html(`/reports?range=7d&channel=${wa.id}`);
    expect(tr.text).toContain("<h1>Raporlar</h1>");
    expect(tr.text).toContain("Açılan: 1, kapanan: 0. En çok açılan gün: 10 Şub (1).");
    expect(tr.text).toContain("Temsilci bazında");
  });
});

describe("reports: CSV", () => {
  it("quotes commas, quotes and line breaks, keeps Turkish letters, and starts with a byte order mark", async () => {
    expect(csvField('Ayşe "Kara", Şahin')).toBe('"Ayşe ""Kara"", Şahin"');
    expect(csvField("İstanbul\nÇankaya")).toBe('"İstanbul\nÇankaya"');
    expect(csvField("plain ığüşöç")).toBe("plain ığüşöç");
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(null)).toBe("");
    expect(csvField(-5)).toBe("-5");
    expect(csvLine(["a", 1, null])).toBe("a,1,\r\n");
    const bytes = new Uint8Array(await new Response(csvStream(["Ad"], (async function* () { yield [["Şule"]]; })())).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toBe(`${BOM}Ad\r\nŞule\r\n`);
  });

  it("exports the conversations of the range with their contact, channel, times, assignee and tags", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { w, wa, supervisor } = await setup();
    const actor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    const name = 'Ayşe "Kara", Şahin\nİstanbul';
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: "905550000001", contactName: name, body: "selam", providerMessageId: "p-2", at: t.clock.now() });
    await assignConversation(t.db, actor, conversationId, { userId: w.agent.id }, t.clock.now());
    const [tag] = await t.db.insert(tags).values({ orgId: w.orgId, name: "İade, acil" }).returning();
    await t.db.insert(conversationTags).values({ conversationId, tagId: tag.id });
    await t.db.update(conversations).set({ workgroupId: w.workgroupId }).where(eq(conversations.id, conversationId));
    // Before the range: not exported.
    t.clock.set("2026-01-01T09:00:00Z");
    await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: "905550000002", contactName: "Old", body: "eski", providerMessageId: "p-3", at: t.clock.now() });
    t.clock.set("2026-02-10T10:00:00Z");
    const res = await supervisor.get(`/reports/export/conversations.csv?range=7d&channel=${wa.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="kanal-conversations-2026-02-04-2026-02-10.csv"');
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith(BOM)).toBe(true);
    const lines = parseCsv(text.slice(1));
    expect(lines[0]).toEqual(["ID", "Contact", "Channel", "Created", "First response", "Closed", "Assignee", "Workgroup", "Tags", "Type"]);
    expect(lines.slice(1)).toEqual([[String(conversationId), name, "WhatsApp TR", "2026-02-10 12:00:00", "", "", "Okan Agent", "Support", "İade, acil", "chat"]]);
  });

  it("exports each table with times in seconds and the previous period beside them", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { w, wa, supervisor } = await setup();
    const actor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: "905550000003", contactName: "Özge", body: "selam", providerMessageId: "p-4", at: t.clock.now() });
    await assignConversation(t.db, actor, conversationId, { userId: w.agent.id }, t.clock.now());
    t.clock.advance("2m");
    await reply(t.db, okan, conversationId, "Merhaba", t.clock.now());
    await refreshOrganizationStats(t.db, w.orgId, "Europe/Istanbul", t.clock.now());
    await supervisor.post("/me/locale", { locale: "tr" });
    const agents = parseCsv((await (await supervisor.get("/reports/export/agents.csv?range=today")).text()).replace(BOM, ""));
    expect(agents[0].slice(0, 6)).toEqual(["Ad", "Açılan", "Kapanan", "Yeniden açılan", "Yönlendirilen", "Ort. ilk yanıt (sn)"]);
    expect(agents[0]).toContain("Açılan, önceki dönem");
    const okanRow = agents.find((r) => r[0] === "Okan Agent")!;
    // Opened counts for whoever had the conversation when it opened: nobody here.
    expect(okanRow.slice(1, 6)).toEqual(["0", "0", "0", "0", "120"]);
    const days = parseCsv((await (await supervisor.get("/reports/export/days.csv?range=7d")).text()).replace(BOM, ""));
    expect(days).toHaveLength(8);
    expect(days[7][0]).toBe("2026-02-10");
    for (const table of ["channels", "workgroups"]) expect((await supervisor.get(`/reports/export/${table}.csv?range=30d`)).status).toBe(200);
  });

  it("reads the conversations page by page, conversations opened at the same instant each once", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { w, wa } = await setup();
    const actor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      if (i % 3 === 0) t.clock.advance("1m");
      ids.push((await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: `9055500001${i}`, contactName: `K${i}`, body: "x", providerMessageId: `pp-${i}`, at: t.clock.now() })).conversationId);
    }
    const pages: number[][] = [];
    for await (const page of conversationLines(t.db, actor, reportQuery.parse({ range: "today" }), t.clock.now(), 2)) pages.push(page.map((line) => line[0] as number));
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(ids);
  });
});

describe("reports: a large team's page", () => {
  it("shows the per-agent table 25 rows a page, with links to the others, while its CSV has every agent", async () => {
    t.clock.set("2026-02-10T09:00:00Z");
    const { w, supervisor } = await setup();
    const team = Array.from({ length: 30 }, (_, i) => ({ id: crypto.randomUUID(), email: `pager-${i}@reports.test`, name: `Temsilci ${String(i).padStart(2, "0")}` }));
    await t.db.insert(users).values(team.map((a) => ({ ...a, passwordHash: "x" })));
    await t.db.insert(memberships).values(team.map((a) => ({ orgId: w.orgId, userId: a.id, role: "agent" as const })));
    await t.db.insert(reportDailyStats).values(team.map((a, i) => ({ orgId: w.orgId, grain: REPORT_AGENT, day: "2026-02-10", userId: a.id, opened: i + 1 })));
    const first = await supervisor.html("/reports?range=today");
    expect(first.status).toBe(200);
    const names = (html: string) => [...html.matchAll(/<th scope="row">(Temsilci \d+)<\/th>/g)].map((m) => m[1]);
    expect(names(first.text)).toEqual(team.slice(0, 25).map((a) => a.name));
    expect(first.text).toContain("1–25 of 30; the CSV has them all");
    expect(first.text).toContain('href="/reports?range=today&amp;page=2#table-agents"');
    expect(first.text).not.toContain('rel="prev"');
    const second = await supervisor.html("/reports?range=today&page=2");
    expect(names(second.text)).toEqual(team.slice(25).map((a) => a.name));
    expect(second.text).toContain('href="/reports?range=today#table-agents"');
    // Past the last page: the last page. The downloads never carry the page.
    expect(names((await supervisor.html("/reports?range=today&page=9")).text)).toEqual(team.slice(25).map((a) => a.name));
    expect(second.text).toContain('href="/reports/export/agents.csv?range=today"');
    const csv = await (await supervisor.get("/reports/export/agents.csv?range=today&page=2")).text();
    for (const a of team) expect(csv).toContain(a.name);
    expect((await supervisor.get("/reports?range=today&page=0")).status).toBe(400);
  });
});
