import { describe, expect, it } from "bun:test";
import { channels, contacts, conversations, messages, organizations } from "@db/schema";
import { eq } from "drizzle-orm";
import { openPostgres } from "@db/client";
import { newWebhookKey } from "../../src/admin/organizations";
import { createApp } from "../../src/app";
import { Client, useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

/** Contacts with one conversation each on a WhatsApp channel; returns the conversation ids. */
async function conversationsFor(w: World, specs: { name: string; assignee?: string | null; status?: "open" | "closed"; minutesAgo: number; text?: string; workgroupId?: number }[]) {
  const now = t.clock.now();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const ids: number[] = [];
  for (const s of specs) {
    const at = new Date(now.getTime() - s.minutesAgo * 60_000);
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: s.name, phone: "+90555" + Math.floor(Math.random() * 1e7) }).returning();
    const [conv] = await t.db
      .insert(conversations)
      .values({ orgId: w.orgId, contactId: contact.id, channelId: channel.id, status: s.status ?? "open", assigneeId: s.assignee ?? null, workgroupId: s.workgroupId ?? null, lastMessageAt: at, lastMessagePreview: s.text ?? "hello" })
      .returning();
    await t.db.insert(messages).values({ orgId: w.orgId, conversationId: conv.id, channelId: channel.id, direction: "in", body: s.text ?? "hello", createdAt: at });
    ids.push(conv.id);
  }
  return ids;
}

const rowCount = (html: string) => (html.match(/class="conversation( current)?"/g) ?? []).length;

describe("inbox list", () => {
  it("splits conversations into Open (unassigned), Assigned, Closed and All, with counts", async () => {
    const w = await t.world();
    await conversationsFor(w, [
      { name: "Özge", minutesAgo: 2 },
      { name: "İpek", minutesAgo: 4, assignee: w.agent.id },
      { name: "Can", minutesAgo: 6, status: "closed", assignee: w.agent.id },
    ]);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const open = await agent.html("/inbox");
    expect(rowCount(open.text)).toBe(1 + 0);
    expect(open.text).toContain("Özge");
    expect(open.text).toMatch(/Open <span class="count">1<\/span>/);
    expect(open.text).toMatch(/Assigned <span class="count">1<\/span>/);
    expect(open.text).toMatch(/Closed <span class="count">1<\/span>/);
    expect(open.text).toMatch(/All <span class="count">3<\/span>/);
    expect((await agent.html("/inbox?tab=assigned")).text).toContain("İpek");
    expect((await agent.html("/inbox?tab=closed")).text).toContain("Can");
    const all = (await agent.html("/inbox?tab=all")).text;
    const list = all.slice(all.indexOf('id="conversation-rows"'));
    expect(list.indexOf("Özge")).toBeLessThan(list.indexOf("İpek"));
    expect(list.indexOf("İpek")).toBeLessThan(list.indexOf("Can"));
  });

  it("pages by last activity with a keyset cursor", async () => {
    const w = await t.world();
    await conversationsFor(w, Array.from({ length: 60 }, (_, i) => ({ name: `Contact ${i}`, minutesAgo: i })));
    const agent = await t.signIn(w.agent.email, w.orgId);
    const first = await agent.html("/inbox");
    expect(rowCount(first.text)).toBe(50);
    const next = first.text.match(/hx-get="([^"]+after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await agent.get(next, { htmx: true })).text();
    expect(rowCount(more)).toBe(10);
    expect(more).toContain("Contact 50");
    expect(more).toContain("Contact 59");
    expect(first.text).not.toContain("Contact 50<");
  });

  it("searches contact name, phone and message text", async () => {
    const w = await t.world();
    await conversationsFor(w, [
      { name: "Zeynep", minutesAgo: 1, text: "kargo nerede?" },
      { name: "Yusuf", minutesAgo: 2, text: "fatura lazım" },
    ]);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const byText = await agent.html("/inbox?q=kargo");
    expect(byText.text).toContain("Zeynep");
    expect(byText.text).not.toContain("Yusuf");
    const byName = await agent.html("/inbox?q=yus");
    expect(byName.text).toContain("Yusuf");
    expect((await agent.html("/inbox?q=%25")).text).not.toContain("Zeynep");
    // Nothing found says so, naming the term as typed, escaped.
    const none = (await agent.html(`/inbox?q=${encodeURIComponent("<b>yok</b>")}`)).text;
    expect(none).toContain("No conversation here matches “&lt;b&gt;yok&lt;/b&gt;”.");
    expect(none).not.toContain("No conversations here.");
    expect((await agent.html("/inbox?tab=closed")).text).toContain("No conversations here.");
  });

  it("lets agents see only their own, their workgroups' and unassigned conversations when the organization says so", async () => {
    const w = await t.world();
    await conversationsFor(w, [
      { name: "Mine", minutesAgo: 1, assignee: w.agent.id },
      { name: "Theirs", minutesAgo: 2, assignee: w.agent2.id },
      { name: "Team", minutesAgo: 3, workgroupId: w.workgroupId, assignee: w.agent2.id },
      { name: "Nobody", minutesAgo: 4 },
    ]);
    await t.db.update(organizations).set({ settings: { agentsSeeOnlyOwn: true } }).where(eq(organizations.id, w.orgId));
    const agent = await t.signIn(w.agent.email, w.orgId);
    const all = (await agent.html("/inbox?tab=all")).text;
    expect(all).toContain("Mine");
    expect(all).toContain("Team");
    expect(all).toContain("Nobody");
    expect(all).not.toContain("Theirs");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    expect((await supervisor.html("/inbox?tab=all")).text).toContain("Theirs");
  });

  it("shows a thread only to its own organization", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const [id] = await conversationsFor(w, [{ name: "Secret", minutesAgo: 1, text: "private words" }]);
    const mine = await t.signIn(w.agent.email, w.orgId);
    const thread = await mine.html(`/inbox/${id}`);
    expect(thread.status).toBe(200);
    expect(thread.text).toContain("private words");
    const other = await t.signIn(rival.admin.email, rival.orgId);
    const res = await other.html(`/inbox/${id}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain("private words");
    expect((await other.html("/inbox?tab=all")).text).not.toContain("Secret");
    // The same list shape, asked by both organizations (its query is built once per process).
    expect((await mine.html("/inbox")).text).toContain("Secret");
    expect((await other.html("/inbox")).text).not.toContain("Secret");
  });

  it("rejects a malformed list query with 400", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/inbox?tab=everything")).status).toBe(400);
  });

  it("keeps tab counts right the moment a conversation changes, also when another Kanal process changed it", async () => {
    const w = await t.world();
    const [a, b] = await conversationsFor(w, [
      { name: "Özge", minutesAgo: 2 },
      { name: "İpek", minutesAgo: 4 },
    ]);
    const okan = await t.signIn(w.agent.email, w.orgId);
    const counts = async (client: Client) => {
      const html = (await client.html("/inbox")).text;
      return ["Open", "Assigned", "Closed", "All"].map((tab) => Number(html.match(new RegExp(`${tab} <span class="count">(\\d+)</span>`))![1]));
    };
    expect(await counts(okan)).toEqual([2, 0, 0, 2]);
    expect(await counts(okan)).toEqual([2, 0, 0, 2]);
    expect((await okan.post(`/inbox/${a}/join`)).status).toBe(303);
    expect(await counts(okan)).toEqual([1, 1, 0, 2]);
    if (!t.databaseUrl) return;

    // A second process on the same Postgres hears the change through LISTEN/NOTIFY.
    const second = await openPostgres(t.databaseUrl, { migrate: false, max: 3 });
    const otherProcess = createApp({ ...t.deps, database: second });
    try {
      const viaOther = new Client(otherProcess);
      viaOther.cookies = okan.cookies;
      expect(await counts(viaOther)).toEqual([1, 1, 0, 2]);
      await otherProcess.runtime.bus.start();
      expect(await counts(viaOther)).toEqual([1, 1, 0, 2]);
      expect((await okan.post(`/inbox/${b}/join`)).status).toBe(303);
      const deadline = Date.now() + 3000;
      let seen = await counts(viaOther);
      while (seen[0] !== 0 && Date.now() < deadline) {
        await Bun.sleep(20);
        seen = await counts(viaOther);
      }
      expect(seen).toEqual([0, 2, 0, 2]);
    } finally {
      await otherProcess.runtime.bus.stop();
      await second.close();
    }
  });
});
