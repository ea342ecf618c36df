import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, events, mentions, organizations } from "@db/schema";
import { DEMO_PASSWORD, demoUsers, seedDemo } from "@db/seed";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { mentionedIn } from "../../src/inbox/mentions";
import { useTestApp, type Client } from "../support/app";
import { readSse } from "../support/sse";
import type { World } from "../support/world";

const t = useTestApp();

async function conversationIn(w: World, name = "Özge") {
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: `90555${Math.floor(Math.random() * 1e7)}`, contactName: name, body: "Siparişim nerede?", providerMessageId: `wamid.${crypto.randomUUID()}`, at: t.clock.now() });
  return conversationId;
}

async function joinedAgent(w: World, conversationId: number): Promise<Client> {
  const agent = await t.signIn(w.agent.email, w.orgId);
  expect((await agent.post(`/inbox/${conversationId}/join`)).status).toBe(303);
  return agent;
}

describe("mentions in internal notes", () => {
  // First in the file: seedDemo only seeds an empty database.
  it("the demo data shows a mention: Okan asks Ayşe in a note, unread on her Mentions view", async () => {
    expect(await seedDemo(t.db, t.clock.now())).not.toBeNull();
    const [org] = await t.db.select().from(organizations);
    const admin = await t.signIn(demoUsers[0].email, org.id, DEMO_PASSWORD);
    const page = await admin.html("/mentions");
    expect(page.text).toContain("Okan Demir mentioned you · Mehmet Öz");
    expect(page.text).toContain("May we send a replacement instead of a refund?");
    expect(page.text).toMatch(/id="mentions-badge"[^>]*><span aria-hidden="true">1</);
  });

  it("a note naming a colleague with @ lists it in their Mentions view until they open the conversation", async () => {
    const w = await t.world();
    const conversationId = await conversationIn(w);
    const agent = await joinedAgent(w, conversationId);
    expect((await agent.post(`/inbox/${conversationId}/reply`, { body: "@Selin Supervisor can we refund this order?", as: "note" })).status).toBe(303);

    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const page = await supervisor.html("/mentions");
    expect(page.status).toBe(200);
    expect(page.text).toContain("can we refund this order?");
    expect(page.text).toContain("Okan Agent mentioned you · Özge");
    expect(page.text).toMatch(/id="mentions-badge"[^>]*><span aria-hidden="true">1</);

    // Opening the conversation reads it: the list and the badge empty.
    expect((await supervisor.html(`/inbox/${conversationId}`)).text).toMatch(/id="mentions-badge"[^>]*hidden/);
    const after = await supervisor.html("/mentions");
    expect(after.text).toContain("No unread mentions.");
    // The writer mentioned no one else, and never themself.
    expect((await agent.html("/mentions")).text).toContain("No unread mentions.");
  });

  it("reads '@Name' written by hand, in any case, and not a longer word or a reply to the customer", async () => {
    const people = [
      { id: "a", name: "Okan Agent" },
      { id: "b", name: "İpek Agent" },
      { id: "c", name: "Ali" },
      { id: "d", name: "Ali Can" },
    ];
    expect(mentionedIn("@okan agent, look", people).map((p) => p.id)).toEqual(["a"]);
    expect(mentionedIn("@İPEK AGENT and @Ipek agent", people).map((p) => p.id)).toEqual(["b"]);
    expect(mentionedIn("@Okan Agentx", people)).toEqual([]);
    expect(mentionedIn("@Ali Can please", people).map((p) => p.id)).toEqual(["d"]);
    expect(mentionedIn("@Ali Can and @Ali", people).map((p) => p.id).sort()).toEqual(["c", "d"]);

    const w = await t.world();
    const conversationId = await conversationIn(w);
    const agent = await joinedAgent(w, conversationId);
    // A reply to the customer is not a note: it mentions no one.
    await agent.post(`/inbox/${conversationId}/reply`, { body: "Thanks! @Selin Supervisor will call you", as: "reply" });
    const rows = await t.db.select().from(mentions).where(eq(mentions.conversationId, conversationId));
    expect(rows).toEqual([]);
  });

  it("offers and records only colleagues who may see the conversation: a mention grants nothing", async () => {
    const w = await t.world("Own", { agentsSeeOnlyOwn: true });
    const conversationId = await conversationIn(w);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    // Assigned to Okan: İpek (in no workgroup) may not see it.
    expect((await supervisor.post(`/inbox/${conversationId}/assign`, { target: `user:${w.agent.id}` })).status).toBe(303);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const thread = await agent.html(`/inbox/${conversationId}`);
    const offered = thread.text.match(/data-mention-people="([^"]*)"/)![1];
    expect(offered).toContain("Selin Supervisor");
    expect(offered).toContain("Ayşe Admin");
    expect(offered).not.toContain("İpek Agent");
    expect(offered).not.toContain("Okan Agent");

    await agent.post(`/inbox/${conversationId}/reply`, { body: "@İpek Agent and @Selin Supervisor: have a look", as: "note" });
    const rows = await t.db.select({ userId: mentions.userId }).from(mentions).where(eq(mentions.conversationId, conversationId));
    expect(rows.map((r) => r.userId)).toEqual([w.supervisor.id]);
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    expect((await ipek.html("/mentions")).text).toContain("No unread mentions.");
    expect((await ipek.get(`/inbox/${conversationId}`)).status).toBe(404);
  });

  it("a mention whose conversation is later hidden from the reader leaves their list and badge", async () => {
    const w = await t.world("Later", { agentsSeeOnlyOwn: true });
    const conversationId = await conversationIn(w);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    // Unassigned: everyone sees it, so İpek may be mentioned (a note needs no joining).
    await supervisor.post(`/inbox/${conversationId}/reply`, { body: "@İpek Agent can you take this?", as: "note" });
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    expect((await ipek.html("/mentions")).text).toContain("can you take this?");
    // Then it goes to Okan: İpek may no longer open it, so her Mentions view no longer shows it.
    await supervisor.post(`/inbox/${conversationId}/assign`, { target: `user:${w.agent.id}` });
    const elsewhere = await ipek.get("/events?view=other");
    const page = await ipek.html("/mentions");
    expect(page.text).not.toContain("can you take this?");
    expect(page.text).toMatch(/id="mentions-badge"[^>]*hidden/);
    // Set read with its event: the badge on her other screens agrees.
    const got = await readSse(elsewhere, (m) => m.data.includes('hx-target="#mentions-badge"'));
    expect(got.at(-1)!.data).toMatch(/id="mentions-badge"[^>]*hidden/);
    const [read] = await t.db.select().from(events).where(and(eq(events.type, "mentions_read"), eq(events.subjectUserId, w.agent2.id)));
    expect(read.data.mentionIds).toHaveLength(1);
  });

  it("never reaches another organization, though its people have the same names", async () => {
    const w = await t.world();
    const other = await t.world("Other");
    const conversationId = await conversationIn(w);
    const agent = await joinedAgent(w, conversationId);
    await agent.post(`/inbox/${conversationId}/reply`, { body: "@İpek Agent see this", as: "note" });
    const rows = await t.db.select({ userId: mentions.userId, orgId: mentions.orgId }).from(mentions).where(eq(mentions.conversationId, conversationId));
    expect(rows).toEqual([{ userId: w.agent2.id, orgId: w.orgId }]);
    const stranger = await t.signIn(other.agent2.email, other.orgId);
    expect((await stranger.html("/mentions")).text).toContain("No unread mentions.");
    expect((await stranger.get(`/inbox/${conversationId}`)).status).toBe(404);
    // Marking all read touches only the reader's own.
    expect((await stranger.post("/mentions/read")).status).toBe(303);
    const [mine] = await t.db.select({ readAt: mentions.readAt }).from(mentions).where(and(eq(mentions.conversationId, conversationId), eq(mentions.userId, w.agent2.id)));
    expect(mine.readAt).toBeNull();
  });

  it("tells the person named live: their badge is redrawn with an alert, on any page", async () => {
    const w = await t.world();
    const conversationId = await conversationIn(w, "Deniz");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const stream = await supervisor.get("/events?view=other");
    expect(stream.status).toBe(200);
    const agent = await joinedAgent(w, conversationId);
    await agent.post(`/inbox/${conversationId}/reply`, { body: "@Selin Supervisor ping", as: "note" });
    const got = await readSse(stream, (m) => m.data.includes("mentions-badge"));
    const frame = got.at(-1)!.data;
    expect(frame).toContain('hx-target="#mentions-badge"');
    expect(frame).toContain("Okan Agent mentioned you in the conversation with Deniz");
    expect(frame).toContain(`data-href="/inbox/${conversationId}?tab=all"`);
  });

  it("reading mentions in one tab redraws the badge on the reader's other screens, and on no one else's", async () => {
    const w = await t.world();
    const first = await conversationIn(w, "Deniz");
    const second = await conversationIn(w, "Ece");
    const agent = await joinedAgent(w, first);
    await agent.post(`/inbox/${first}/reply`, { body: "@Selin Supervisor and @Ayşe Admin, look", as: "note" });
    await agent.post(`/inbox/${second}/reply`, { body: "@Selin Supervisor this one too", as: "note" });
    const selin = await t.signIn(w.supervisor.email, w.orgId);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const badge = (m: { data: string }) => m.data.includes('hx-target="#mentions-badge"');

    // Selin has the Mentions view in one tab and the inbox in another; Ayşe has a page open too.
    const [elsewhere, inbox, hers] = await Promise.all([selin.get("/events?view=mentions"), selin.get("/events?view=inbox&tab=all"), admin.get("/events?view=other")]);
    expect((await selin.get(`/inbox/${first}?tab=all`)).status).toBe(200);
    const [onMentions, onInbox, onHers] = await Promise.all([readSse(elsewhere, badge), readSse(inbox, badge), readSse(hers, badge, 800)]);
    for (const got of [onMentions, onInbox]) {
      const frame = got.find(badge)!.data;
      expect(frame).toMatch(/id="mentions-badge"[^>]*><span aria-hidden="true">1</);
      // A read is no new mention: no alert to ring.
      expect(frame).not.toContain("data-alert");
    }
    // The read mention leaves the Mentions view open in the other tab.
    expect(onMentions.some((m) => m.data.includes('data-remove="mention-'))).toBe(true);
    // Ayşe's own mention is still unread, and her screen is told nothing of Selin's.
    expect(onHers.filter(badge)).toEqual([]);

    const again = await selin.get("/events?view=other");
    expect((await selin.post("/mentions/read")).status).toBe(303);
    const cleared = await readSse(again, badge);
    expect(cleared.find(badge)!.data).toMatch(/id="mentions-badge"[^>]*hidden/);
  });

  it("marks all read from the Mentions view", async () => {
    const w = await t.world();
    const conversationId = await conversationIn(w);
    const agent = await joinedAgent(w, conversationId);
    await agent.post(`/inbox/${conversationId}/reply`, { body: "@Ayşe Admin one", as: "note" });
    await agent.post(`/inbox/${conversationId}/reply`, { body: "@Ayşe Admin two", as: "note" });
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.html("/mentions")).text).toContain("two");
    const res = await admin.post("/mentions/read");
    expect(res.headers.get("location")).toBe("/mentions");
    const page = await admin.html("/mentions");
    expect(page.text).toContain("All mentions are marked read.");
    expect(page.text).toContain("No unread mentions.");
  });
});
