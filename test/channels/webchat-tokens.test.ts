// WebChat visitor tokens lapse after the configured idle time and are renewed while used.
import { describe, expect, it } from "bun:test";
import { channels } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { signVisitor } from "../../src/channels/secrets";
import { ORIGIN, useTestApp } from "../support/app";

const t = useTestApp({ TRUST_PROXY: "1", WEBCHAT_VISITOR_IDLE_DAYS: "7" });
let address = 0;

async function widget(orgId: number) {
  const [channel] = await t.db.insert(channels).values({ orgId, kind: "webchat", name: "Website chat", config: {}, webhookKey: newWebhookKey() }).returning();
  const from = `198.51.100.${++address}`;
  const call = (method: string, path: string, body?: object, token?: string) =>
    t.app.request(`${ORIGIN}/widget/api/${channel.webhookKey}${path}`, {
      method,
      headers: { origin: "https://shop.example", "x-forwarded-for": from, ...(body ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const session = async (token?: string) => (await (await call("POST", "/session", { token })).json()) as { visitorId: string; token: string };
  return { channel, call, session };
}

describe("WebChat visitor tokens", () => {
  it("lapse after the idle time unused: the visitor starts afresh", async () => {
    t.clock.set("2026-06-01T09:00:00Z");
    const w = await t.world();
    const { call, session } = await widget(w.orgId);
    const first = await session();
    expect((await call("GET", "/messages", undefined, first.token)).status).toBe(200);
    t.clock.advance("7d");
    t.clock.advance("1m");
    expect((await call("GET", "/messages", undefined, first.token)).status).toBe(401);
    const again = await session(first.token);
    expect(again.visitorId).not.toBe(first.visitorId);
  });

  it("are renewed while used: each visit and, past an hour, each answer hands out a fresh one", async () => {
    t.clock.set("2026-06-01T09:00:00Z");
    const w = await t.world();
    const { call, session } = await widget(w.orgId);
    let { visitorId, token } = await session();
    expect((await call("POST", "/messages", { body: "merhaba", clientId: "a1" }, token)).status).toBe(201);
    // Not yet an hour old: no new token.
    expect((await call("GET", "/messages", undefined, token)).headers.get("x-visitor-token")).toBeNull();
    for (let day = 0; day < 3; day++) {
      t.clock.advance("5d");
      const res = await call("GET", "/messages", undefined, token);
      expect(res.status).toBe(200);
      const renewed = res.headers.get("x-visitor-token");
      expect(renewed).toBeTruthy();
      expect(renewed!.startsWith(`${visitorId}.`)).toBe(true);
      token = renewed!;
    }
    // Fifteen days on, the visitor is the same, with their conversation.
    t.clock.advance("5d");
    const back = await session(token);
    expect(back.visitorId).toBe(visitorId);
    expect(back.token).not.toBe(token);
    const history = (await (await call("GET", "/messages", undefined, back.token)).json()) as { messages: { body: string }[] };
    expect(history.messages.map((m) => m.body)).toContain("merhaba");
  });

  it("refuse a forged time, and take an old token without a time only from a recently active visitor", async () => {
    t.clock.set("2026-06-01T09:00:00Z");
    const w = await t.world();
    const { channel, call, session } = await widget(w.orgId);
    const { visitorId, token } = await session();
    const [, issued, mac] = token.split(".");
    expect((await call("GET", "/messages", undefined, `${visitorId}.${Number(issued) + 86_400}.${mac}`)).status).toBe(401);
    await call("POST", "/messages", { body: "hello", clientId: "b1" }, token);
    const legacy = `${visitorId}.${signVisitor(t.config, channel.id, visitorId)}`;
    // The first form is not taken by the API, only traded in at the session start.
    expect((await call("GET", "/messages", undefined, legacy)).status).toBe(401);
    expect((await session(legacy)).visitorId).toBe(visitorId);
    t.clock.advance("8d");
    expect((await session(legacy)).visitorId).not.toBe(visitorId);
  });
});
