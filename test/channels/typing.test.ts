// Typing indicators: a WebChat visitor's typing shows in the agent's open thread, an agent's in the
// widget, and a WhatsApp customer gets WhatsApp's own indicator (a read receipt with
// typing_indicator), each throttled; nobody outside the conversation is told anything.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, conversations, events } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ORIGIN, useTestApp } from "../support/app";
import { readSse } from "../support/sse";
import { useLiveChannels } from "./support/live-channels";

const t = useTestApp({ TRUST_PROXY: "1" });
const live = useLiveChannels(t);

let phoneSeq = 0;

async function whatsappConversation() {
  const w = await t.world();
  const phoneId = `10990000${++phoneSeq}`;
  const channel = await live.channel(w.orgId, "whatsapp", phoneId);
  await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from: `90555000${phoneSeq}`, name: "Özge", text: "Merhaba" });
  await live.settle();
  const [conversation] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
  const agent = await t.signIn(w.agent.email, w.orgId);
  await agent.post(`/inbox/${conversation.id}/join`);
  return { w, phoneId, conversationId: conversation.id, agent };
}

const typingCalls = (phoneId: string) => live.fake.requests.filter((r) => r.operation === "typing" && r.channel === phoneId);

function widget(key: string) {
  const address = `198.51.100.${++phoneSeq}`;
  return (method: string, path: string, body?: object, token?: string) =>
    t.app.request(`${ORIGIN}/widget/api/${key}${path}`, {
      method,
      headers: { origin: ORIGIN, "x-forwarded-for": address, "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
}

async function webchatConversation() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Website chat", config: {}, webhookKey: newWebhookKey() }).returning();
  const call = widget(channel.webhookKey);
  const session = (await (await call("POST", "/session", { name: "Deniz Kaya", email: "deniz@example.com" })).json()) as { token: string };
  expect((await call("POST", "/messages", { body: "Hello?", clientId: "c1" }, session.token)).status).toBe(201);
  const [conversation] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
  return { w, call, token: session.token, conversationId: conversation.id };
}

describe("typing indicators", () => {
  it("an agent typing a WhatsApp reply sends WhatsApp's typing indicator on the customer's message, at most every 20 s", async () => {
    const { phoneId, conversationId, agent } = await whatsappConversation();
    expect((await agent.post(`/inbox/${conversationId}/typing`)).status).toBe(204);
    const [first] = typingCalls(phoneId);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ messaging_product: "whatsapp", status: "read", typing_indicator: { type: "text" } });
    expect(String((first.body as { message_id: string }).message_id)).toStartWith("wamid.");
    // Typing on: nothing more within the throttle, then a colleague-visible signal but no new
    // WhatsApp call until its indicator is about to lapse.
    await agent.post(`/inbox/${conversationId}/typing`);
    t.clock.advance(5_000);
    await agent.post(`/inbox/${conversationId}/typing`);
    expect(typingCalls(phoneId)).toHaveLength(1);
    const signals = await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "typing")));
    expect(signals).toHaveLength(2);
    t.clock.advance(21_000);
    await agent.post(`/inbox/${conversationId}/typing`);
    expect(typingCalls(phoneId)).toHaveLength(2);
  });

  it("tells no one when the typist has not joined, or the conversation is another organization's", async () => {
    const { w, phoneId, conversationId } = await whatsappConversation();
    const notJoined = await t.signIn(w.agent2.email, w.orgId);
    expect((await notJoined.post(`/inbox/${conversationId}/typing`)).status).toBe(204);
    const other = await t.world("Other");
    const stranger = await t.signIn(other.admin.email, other.orgId);
    await stranger.post(`/inbox/${conversationId}/typing`);
    expect(typingCalls(phoneId)).toHaveLength(0);
    expect(await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "typing")))).toEqual([]);
  });

  it("the fake Graph API accepts only the text typing indicator", async () => {
    const { phoneId } = await whatsappConversation();
    const res = await fetch(`${live.fake.url}/v21.0/${phoneId}/messages`, {
      method: "POST",
      headers: { authorization: "Bearer test-access-token", "content-type": "application/json" },
      body: JSON.stringify({ messaging_product: "whatsapp", status: "read", message_id: "wamid.x", typing_indicator: { type: "audio" } }),
    });
    expect(res.status).toBe(400);
  });

  it("a WebChat visitor typing shows in the agent's open thread, and the agent typing shows in the widget", async () => {
    const { w, call, token, conversationId } = await webchatConversation();
    const agent = await t.signIn(w.agent.email, w.orgId);
    await agent.post(`/inbox/${conversationId}/join`);
    const thread = await agent.get(`/events?view=inbox&conversation=${conversationId}`);
    expect((await call("POST", "/typing", {}, token)).status).toBe(200);
    const got = await readSse(thread, (m) => m.data.includes("typing-indicator"));
    expect(got.at(-1)!.data).toContain("Deniz Kaya is typing…");

    const stream = await call("GET", `/events?token=${encodeURIComponent(token)}`);
    await agent.post(`/inbox/${conversationId}/typing`);
    const seen = await readSse(stream, (m) => m.event === "typing");
    expect(JSON.parse(seen.at(-1)!.data)).toEqual({ name: "Okan" });
  });

  it("an old typing signal replayed to a reconnecting page is not drawn", async () => {
    const { w, call, token, conversationId } = await webchatConversation();
    await call("POST", "/typing", {}, token);
    t.clock.advance(60_000);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const [signal] = await t.db.select({ id: events.id }).from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "typing")));
    const thread = await agent.get(`/events?view=inbox&conversation=${conversationId}`, { headers: { "last-event-id": String(signal.id - 1) } });
    await call("POST", "/messages", { body: "still there?", clientId: "c2" }, token);
    const got = await readSse(thread, (m) => m.data.includes("still there?"));
    expect(got.some((m) => m.data.includes("is typing"))).toBe(false);
  });
});
