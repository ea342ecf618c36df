import { describe, expect, it } from "bun:test";
import { channels } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp, type Client } from "../support/app";
import { readSse } from "../support/sse";

const t = useTestApp();

/** Three customers who wrote a minute apart, newest (C) first; the conversation ids by name. */
async function threeWaiting() {
  const w = await t.world();
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const ids: Record<string, number> = {};
  for (const name of ["Aylin", "Berk", "Cem"]) {
    ids[name] = (await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: `${w.orgId}-${name}`, contactName: name, body: "merhaba", providerMessageId: `m-${w.orgId}-${name}`, at: t.clock.now() })).conversationId;
    t.clock.advance("1m");
  }
  return { w, ids };
}

/** The All tab's rows, by name, in the order drawn. */
async function allOrder(client: Client) {
  const html = (await client.html("/inbox?tab=all")).text;
  const list = html.slice(html.indexOf('id="conversation-rows"'));
  return ["Aylin", "Berk", "Cem"].sort((a, b) => list.indexOf(a) - list.indexOf(b));
}

describe("the All tab, ordered by last action", () => {
  it("assignment, joining, closing and reactivation move a conversation to the top, not only messages", async () => {
    t.clock.set("2026-05-04T09:00:00Z");
    const { w, ids } = await threeWaiting();
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const okan = await t.signIn(w.agent.email, w.orgId);
    expect(await allOrder(supervisor)).toEqual(["Cem", "Berk", "Aylin"]);

    t.clock.advance("1m");
    expect((await supervisor.post(`/inbox/${ids.Aylin}/assign`, { target: `user:${w.agent.id}` })).status).toBe(303);
    expect(await allOrder(supervisor)).toEqual(["Aylin", "Cem", "Berk"]);

    t.clock.advance("1m");
    expect((await okan.post(`/inbox/${ids.Berk}/join`)).status).toBe(303);
    expect(await allOrder(supervisor)).toEqual(["Berk", "Aylin", "Cem"]);

    t.clock.advance("1m");
    expect((await supervisor.post(`/inbox/${ids.Cem}/close`, { closingMessageId: "none" })).status).toBe(303);
    expect(await allOrder(supervisor)).toEqual(["Cem", "Berk", "Aylin"]);

    t.clock.advance("1m");
    expect((await okan.post(`/inbox/${ids.Aylin}/close`, { closingMessageId: "none" })).status).toBe(303);
    t.clock.advance("1m");
    // Reactivating Cem's (closed 2 minutes ago, inside WhatsApp's day) brings it back on top.
    expect((await okan.post(`/inbox/${ids.Cem}/reactivate`)).status).toBe(303);
    expect((await allOrder(supervisor))[0]).toBe("Cem");
  });

  it("an open All tab moves the row to the top live when the conversation is assigned", async () => {
    t.clock.set("2026-05-04T10:00:00Z");
    const { w, ids } = await threeWaiting();
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    const watcher = await t.signIn(w.admin.email, w.orgId);
    const stream = await watcher.get("/events?view=inbox&tab=all");
    t.clock.advance("1m");
    await supervisor.post(`/inbox/${ids.Aylin}/assign`, { target: `user:${w.agent.id}` });
    const got = await readSse(stream, (m) => m.data.includes(`data-upsert="conv-${ids.Aylin}"`));
    expect(got.at(-1)!.data).toContain(`data-upsert="conv-${ids.Aylin}" data-into="#conversation-rows" data-at="top"`);
  });
});
