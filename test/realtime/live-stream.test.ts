import { describe, expect, it } from "bun:test";
import { channels } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { commit } from "../../src/realtime/changes";
import { openPostgres } from "@db/client";
import { createApp } from "../../src/app";
import { Client, useTestApp } from "../support/app";
import { eventIdOf, readSse } from "../support/sse";

const t = useTestApp();


async function openStream(client: Client, path: string, lastEventId?: string) {
  const res = await client.get(path, { headers: lastEventId ? { "last-event-id": lastEventId } : {} });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  return res;
}

describe("live updates over SSE", () => {
  it("passes on an event that commits after one with a larger id (ids are taken before commit)", async () => {
    const w = await t.world();
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const stream = await openStream(agent, "/events?view=inbox&tab=open");
    const early = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905550001001", contactName: "Early Id", body: "first id", providerMessageId: "ooo-1", at: t.clock.now() });
    const late = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905550001002", contactName: "Later Id", body: "second id", providerMessageId: "ooo-2", at: t.clock.now() });
    // The larger ids reach the stream first, as when their transaction committed first.
    await commit(t.database, w.orgId, async () => late);
    await commit(t.database, w.orgId, async () => early);
    // Each notification's rows are read on a pooled connection: either batch may render first.
    const seen = { early: false, later: false };
    const got = await readSse(stream, (m) => {
      seen.early ||= m.data.includes("Early Id");
      seen.later ||= m.data.includes("Later Id");
      return seen.early && seen.later;
    });
    expect(got.some((m) => m.data.includes("Later Id"))).toBe(true);
    expect(got.some((m) => m.data.includes("Early Id"))).toBe(true);
    // The browser resumes from the largest id, never moved back by the late one.
    expect(Math.max(...got.map((m) => eventIdOf(m.id)))).toBe(eventIdOf(got.at(-1)!.id));
  });


  it("pushes the cockpit board to a supervisor when an agent changes status", async () => {
    const w = await t.world();
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const stream = await openStream(supervisor, "/events?view=cockpit");
    await agent.post("/me/status", { status: "break" });
    const got = await readSse(stream, (m) => m.data.includes("cockpit-board"));
    const last = got[got.length - 1];
    expect(last.data).toContain('<hx-partial hx-target="#cockpit-board"');
    const breakSection = last.data.slice(last.data.indexOf("status-break"));
    expect(breakSection).toContain("Okan Agent");
    expect(eventIdOf(last.id)).toBeGreaterThan(0);
  });

  it("tells an agent's own page when a supervisor changes their status", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const stream = await openStream(agent, "/events");
    await supervisor.post("/cockpit/status", { userId: w.agent.id, status: "invisible" });
    const got = await readSse(stream, (m) => m.data.includes("status-switch"));
    expect(got.at(-1)!.data).toMatch(/value="invisible" selected/);
  });

  it("a replayed older status change draws the status as it is now, not the old one", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const before = await openStream(agent, "/events");
    await agent.post("/me/status", { status: "invisible" });
    const first = await readSse(before, (m) => m.data.includes("status-switch"));
    const invisibleId = first.at(-1)!.id!;
    await agent.post("/me/status", { status: "break" });
    // A stream resuming from before the change to Invisible is sent it again: it shows Break.
    const resumeBefore = `${eventIdOf(invisibleId) - 1}`;
    const again = await openStream(agent, "/events", resumeBefore);
    const replayed = await readSse(again, (m) => m.data.includes("status-switch"));
    expect(replayed[0]!.data).toMatch(/value="break" selected/);
    expect(replayed[0]!.data).not.toMatch(/value="invisible" selected/);
  });

  it("replays what a reconnecting stream missed, from Last-Event-ID", async () => {
    const w = await t.world();
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const first = await openStream(supervisor, "/events?view=cockpit");
    await agent.post("/me/status", { status: "break" });
    const seen = await readSse(first, (m) => m.data.includes("cockpit-board"));
    const lastId = seen.at(-1)!.id!;
    // Disconnected now; more happens meanwhile.
    await agent.post("/me/status", { status: "invisible" });
    const again = await openStream(supervisor, "/events?view=cockpit", lastId);
    // The replay may repeat what the stream had (a page redraws it in place); the new board follows.
    const replayed = await readSse(again, (m) => m.data.includes("cockpit-board") && eventIdOf(m.id) > eventIdOf(lastId));
    const msg = replayed.at(-1)!;
    expect(eventIdOf(msg.id)).toBeGreaterThan(eventIdOf(lastId));
    expect(msg.data.slice(msg.data.indexOf("status-invisible"))).toContain("Okan Agent");
  });

  it("sends what committed while the page was loading: the stream starts where the page was drawn", async () => {
    const w = await t.world();
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    await t.app.runtime.bus.start();
    const inbound = async (externalId: string, contactName: string) => {
      await commit(t.database, w.orgId, (db) => ingestInbound(db, { orgId: w.orgId, channelId: channel.id, externalId, contactName, body: "merhaba", providerMessageId: crypto.randomUUID(), at: t.clock.now() }));
    };
    await inbound("905550002001", "Drawn Already");
    const agent = await t.signIn(w.agent.email, w.orgId);
    const page = await (await agent.get("/inbox?tab=open")).text();
    expect(page).toContain("Drawn Already");
    const connect = page.match(/hx-sse:connect="([^"]+)"/)![1].replaceAll("&amp;", "&");
    expect(connect).toMatch(/since=\d+/);
    // A customer writes after the page was drawn, before its browser opens the stream.
    await inbound("905550002002", "While Loading");
    const stream = await openStream(agent, connect);
    const got = await readSse(stream, (m) => m.data.includes("While Loading"));
    expect(got.some((m) => m.data.includes('data-upsert="conv-'))).toBe(true);
  });

  it("never streams another organization's events", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const rivalAgent = await t.signIn(rival.agent.email, rival.orgId);
    const stream = await openStream(supervisor, "/events?view=cockpit");
    await rivalAgent.post("/me/status", { status: "break" });
    const got = await readSse(stream, () => false, 600);
    expect(got.filter((m) => m.data)).toEqual([]);
  });

  it("updates an agent's inbox list, counts and open thread when a colleague acts", async () => {
    const w = await t.world();
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "90555", contactName: "Özge", body: "merhaba", providerMessageId: "w1", at: t.clock.now() });
    const okan = await t.signIn(w.agent.email, w.orgId);
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    const onOpenTab = await openStream(ipek, `/events?view=inbox&tab=open`);
    await okan.post(`/inbox/${conversationId}/join`);
    // The row leaves the Open tab; the counts follow in a message of their own, once counted.
    const joined = await readSse(onOpenTab, (m) => m.data.includes('hx-target="#tab-counts"'));
    expect(joined.some((m) => m.data.includes(`data-remove="conv-${conversationId}"`))).toBe(true);
    const counts = joined.at(-1)!;
    expect(counts.data).toMatch(/Open <span class="count">0<\/span>/);
    expect(counts.data).toMatch(/Assigned <span class="count">1<\/span>/);
    expect(counts.id).toBeUndefined();

    const watching = await openStream(ipek, `/events?view=inbox&tab=assigned&conversation=${conversationId}`);
    await okan.post(`/inbox/${conversationId}/reply`, { body: "Kargonuz yolda", as: "reply" });
    const replied = await readSse(watching, (m) => m.data.includes("Kargonuz yolda") && m.data.includes('data-into="#messages"'));
    const msg = replied.at(-1)!.data;
    expect(msg).toContain(`data-upsert="conv-${conversationId}"`);
    expect(msg).toContain('data-at="top"');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("reaches streams served by another Kanal process on the same Postgres", async () => {
    const second = await openPostgres(t.databaseUrl!, { migrate: false, max: 3 });
    try {
      const otherProcess = createApp({ ...t.deps, database: second });
      const w = await t.world();
      const supervisor = await t.signIn(w.supervisor.email, w.orgId);
      const viaOther = new Client(otherProcess);
      viaOther.cookies = supervisor.cookies;
      const agent = await t.signIn(w.agent.email, w.orgId);
      const stream = await openStream(viaOther, "/events?view=cockpit");
      await agent.post("/me/status", { status: "break" });
      const got = await readSse(stream, (m) => m.data.includes("cockpit-board"));
      expect(got.at(-1)!.data.slice(got.at(-1)!.data.indexOf("status-break"))).toContain("Okan Agent");
      await otherProcess.runtime.bus.stop();
    } finally {
      await second.close();
    }
  });

  it("sends a process's own events to its streams without waiting for their NOTIFY", async () => {
    // NOTIFY goes nowhere here: only this process's own delivery can reach the stream.
    const database = { ...t.database, notify: async () => {} };
    const app = createApp({ ...t.deps, database });
    try {
      const w = await t.world();
      const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
      const agent = new Client(app);
      agent.cookies = (await t.signIn(w.agent.email, w.orgId)).cookies;
      const stream = await openStream(agent, "/events?view=inbox&tab=open");
      await commit(database, w.orgId, (db) => ingestInbound(db, { orgId: w.orgId, channelId: channel.id, externalId: "905550003001", contactName: "Heard Here", body: "no notify", providerMessageId: "local-1", at: t.clock.now() }));
      // Both of its events (the conversation and the message), so nothing is still drawing when the test ends.
      let heard = 0;
      const got = await readSse(stream, (m) => m.data.includes("Heard Here") && ++heard === 2);
      expect(got.some((m) => m.data.includes("Heard Here") && m.data.includes('data-upsert="conv-'))).toBe(true);
    } finally {
      await app.runtime.bus.stop();
    }
  });

  it("requires a signed-in member", async () => {
    expect((await t.client().get("/events")).status).toBe(303);
  });
});
