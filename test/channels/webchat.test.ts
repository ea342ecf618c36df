import { describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { attachments, channels, closingMessages, contactIdentities, contacts, conversations, messages } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { pruneBudgets, WIDGET_LIMITS } from "../../src/channels/webchat/limits";
import { widgetBudgets } from "@db/schema";
import { createApp } from "../../src/app";
import { ORIGIN, useTestApp } from "../support/app";
import { readSse } from "../support/sse";

const t = useTestApp({ DATA_DIR: `/tmp/kanal-test-webchat-${process.pid}`, TRUST_PROXY: "1" });
const SHOP = "https://shop.example";
const MB = 1024 * 1024;

let addressSeq = 0;
/** Each test speaks from its own address, so one test's budget never limits another's. */
const newAddress = () => `203.0.113.${++addressSeq}`;

async function webchat(orgId: number, config: Record<string, unknown> = {}) {
  const [row] = await t.db.insert(channels).values({ orgId, kind: "webchat", name: "Website chat", config, webhookKey: newWebhookKey() }).returning();
  return row;
}

interface Call {
  origin?: string | null;
  token?: string | null;
  address?: string;
  headers?: Record<string, string>;
}

function widgetApi(key: string, defaults: Call = {}, app = t.app) {
  const address = defaults.address ?? newAddress();
  const call = (method: string, path: string, body?: BodyInit | object, opts: Call = {}) => {
    const o = { ...defaults, ...opts };
    const headers = new Headers({ "x-forwarded-for": o.address ?? address, ...o.headers });
    if (o.origin !== null) headers.set("origin", o.origin ?? SHOP);
    if (o.token) headers.set("authorization", `Bearer ${o.token}`);
    let payload: BodyInit | undefined;
    if (body instanceof FormData || typeof body === "string") payload = body;
    else if (body) {
      payload = JSON.stringify(body);
      headers.set("content-type", "application/json");
    }
    return app.request(`${ORIGIN}/widget/api/${key}${path}`, { method, headers, body: payload });
  };
  return {
    call,
    async visitor(extra: object = {}, opts: Call = {}) {
      const res = await call("POST", "/session", extra, opts);
      expect(res.status).toBe(200);
      return (await res.json()) as { visitorId: string; token: string; contact: { name: string; email: string | null } | null; limits: { media: Record<string, { maxBytes: number }> } };
    },
    async say(token: string, body: string, clientId = crypto.randomUUID().replaceAll("-", "")) {
      return call("POST", "/messages", { body, clientId }, { token });
    },
    async history(token: string) {
      const res = await call("GET", "/messages", undefined, { token });
      expect(res.status).toBe(200);
      return (await res.json()) as { messages: { id: number; direction: string; body: string; attachments: { id: number; mime: string }[] }[]; closedConversations: number[]; cursor: number };
    },
    async upload(token: string, file: File, fields: Record<string, string> = {}) {
      const form = new FormData();
      form.append("file", file);
      form.append("clientId", crypto.randomUUID().replaceAll("-", ""));
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      return call("POST", "/files", form, { token });
    },
  };
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
/** A PNG-headed file of exactly `size` bytes. */
const png = (size: number, name = "photo.png") => {
  const bytes = new Uint8Array(size);
  bytes.set(PNG);
  return new File([bytes], name, { type: "image/png" });
};

async function agentReplies(orgId: number, email: string, conversationId: number, body: string, as: "reply" | "note" = "reply") {
  const agent = await t.signIn(email, orgId);
  await agent.post(`/inbox/${conversationId}/join`);
  const res = await agent.post(`/inbox/${conversationId}/reply`, { body, as });
  expect(res.status).toBeLessThan(400);
  return agent;
}


describe("the widget script", () => {
  it("is served at /widget.js with a long cache and an ETag, and stays small", async () => {
    const res = await t.app.request(`${ORIGIN}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    expect(res.headers.get("cache-control")).toContain("max-age=86400");
    const etag = res.headers.get("etag")!;
    const text = await res.text();
    const again = await t.app.request(`${ORIGIN}/widget.js`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    // A size budget, not a timing: the widget rides on every page of a customer's site.
    expect(Bun.gzipSync(new TextEncoder().encode(text)).length).toBeLessThan(15 * 1024);
  });

  it("has a public demo page that embeds a channel's widget", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const res = await t.app.request(`${ORIGIN}/widget/demo?channel=${channel.webhookKey}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`<script src="/widget.js" data-channel="${channel.webhookKey}" async`));
  });
});

describe("who may call the widget API", () => {
  it("answers allowed origins with CORS headers and preflights, and refuses others", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId, { allowedOrigins: [SHOP] });
    const api = widgetApi(channel.webhookKey);
    const ok = await api.call("POST", "/session", {});
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(ok.headers.get("vary")).toContain("Origin");

    const preflight = await api.call("OPTIONS", "/messages", undefined, { headers: { "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");

    const evil = await api.call("POST", "/session", {}, { origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect((await api.call("OPTIONS", "/messages", undefined, { origin: "https://evil.example" })).status).toBe(403);
    expect((await api.call("POST", "/session", {}, { origin: null })).status).toBe(403);
    // Kanal's own pages (the demo) may always talk to it.
    expect((await api.call("POST", "/session", {}, { origin: ORIGIN })).status).toBe(200);
  });

  it("lets any origin in when the channel lists none", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const res = await widgetApi(channel.webhookKey).call("POST", "/session", {}, { origin: "https://anywhere.example" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://anywhere.example");
  });

  it("refuses a missing, forged or other channel's token with 401", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const other = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { visitorId, token } = await api.visitor();
    const theirs = await widgetApi(other.webhookKey).visitor();
    expect((await api.call("GET", "/messages")).status).toBe(401);
    expect((await api.call("GET", "/messages", undefined, { token: `${visitorId}.forged` })).status).toBe(401);
    expect((await api.call("GET", "/messages", undefined, { token: `${crypto.randomUUID()}.${token.split(".")[1]}` })).status).toBe(401);
    expect((await api.call("GET", "/messages", undefined, { token: theirs.token })).status).toBe(401);
    expect((await api.say("nope", "hi")).status).toBe(401);
    expect((await api.call("GET", "/events?token=bad")).status).toBe(401);
    expect((await api.call("GET", "/messages", undefined, { token })).status).toBe(200);
  });

  it("answers an unknown or inactive channel with 404", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    await t.db.update(channels).set({ active: false }).where(eq(channels.id, channel.id));
    expect((await widgetApi(channel.webhookKey).call("POST", "/session", {})).status).toBe(404);
    expect((await widgetApi("no-such-key").call("POST", "/session", {})).status).toBe(404);
  });

  it("slows a visitor who writes too fast with a clear 429, and an address that calls too often", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { token } = await api.visitor();
    for (let i = 0; i < WIDGET_LIMITS.perVisitor.max; i++) expect((await api.say(token, `message ${i}`)).status).toBe(201);
    const limited = await api.say(token, "one too many");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: "rate_limited" });
    expect(limited.headers.get("access-control-allow-origin")).toBe(SHOP);
    // Another visitor on another address is not affected; the window passes.
    const other = widgetApi(channel.webhookKey);
    expect((await other.say((await other.visitor()).token, "hello")).status).toBe(201);
    t.clock.advance("61s");
    expect((await api.say(token, "later")).status).toBe(201);

    const busy = widgetApi(channel.webhookKey);
    const reader = await busy.visitor();
    for (let i = 1; i < WIDGET_LIMITS.perAddress.max; i++) await busy.call("GET", "/messages", undefined, { token: reader.token });
    const blocked = await busy.call("GET", "/messages", undefined, { token: reader.token });
    expect(blocked.status).toBe(429);
  });
});

describe("widget limits across processes", () => {
  it("two processes on one database spend one budget per visitor and per address", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    // A second app on the same database: its own memory, as a second process behind a load balancer has.
    const other = createApp(t.deps);
    const address = newAddress();
    const here = widgetApi(channel.webhookKey, { address });
    const there = widgetApi(channel.webhookKey, { address }, other);
    const { token } = await here.visitor();
    for (let i = 0; i < WIDGET_LIMITS.perVisitor.max; i++) expect((await (i % 2 ? there : here).say(token, `message ${i}`)).status).toBe(201);
    for (const api of [here, there]) {
      const limited = await api.say(token, "one too many");
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ error: "rate_limited" });
    }
    t.clock.advance("61s");
    expect((await there.say(token, "later")).status).toBe(201);

    const busyAddress = newAddress();
    const reader = await widgetApi(channel.webhookKey, { address: busyAddress }).visitor();
    for (let i = 1; i < WIDGET_LIMITS.perAddress.max; i++) await widgetApi(channel.webhookKey, { address: busyAddress }, i % 2 ? other : t.app).call("GET", "/messages", undefined, { token: reader.token });
    expect((await widgetApi(channel.webhookKey, { address: busyAddress }, other).call("GET", "/messages", undefined, { token: reader.token })).status).toBe(429);
    expect((await widgetApi(channel.webhookKey, { address: busyAddress }).call("GET", "/messages", undefined, { token: reader.token })).status).toBe(429);

    // Passed windows are pruned by the job; budgets still running are kept.
    t.clock.advance("2m");
    await widgetApi(channel.webhookKey, { address: busyAddress }).call("GET", "/messages", undefined, { token: reader.token });
    await pruneBudgets(t.db, t.clock.now());
    const left = await t.db.select({ key: widgetBudgets.key }).from(widgetBudgets);
    expect(left.map((b) => b.key)).toEqual([`perAddress:${channel.id}:${busyAddress}`]);
  });
});

describe("visitors writing", () => {
  it("a first message creates the contact and opens a conversation once; the next joins it", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { visitorId, token } = await api.visitor();
    expect((await api.say(token, "Do you ship to Germany?")).status).toBe(201);
    expect((await api.say(token, "And to Austria?")).status).toBe(201);
    const identities = await t.db.select().from(contactIdentities).where(eq(contactIdentities.channelId, channel.id));
    expect(identities.map((i) => i.externalId)).toEqual([visitorId]);
    const convs = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    expect(convs).toHaveLength(1);
    expect(convs[0]).toMatchObject({ status: "open", assigneeId: null, startedBy: "contact" });
    const rows = await t.db.select().from(messages).where(eq(messages.conversationId, convs[0].id));
    expect(rows.map((m) => [m.direction, m.body])).toEqual([
      ["in", "Do you ship to Germany?"],
      ["in", "And to Austria?"],
    ]);
    // Agents see it in the inbox like any channel's conversation.
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.html("/inbox")).text).toContain("And to Austria?");
  });

  it("the same message sent twice (a retry) is stored once", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { token } = await api.visitor();
    expect((await api.say(token, "hello", "retry1")).status).toBe(201);
    const again = await api.say(token, "hello", "retry1");
    expect(again.status).toBe(200);
    expect((await api.history(token)).messages).toHaveLength(1);
  });

  it("the pre-chat form creates the contact with name and email, and updates it later", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId, { preChatForm: true });
    const api = widgetApi(channel.webhookKey);
    const first = await api.visitor({});
    expect(first.contact).toBeNull();
    const named = await api.visitor({ token: first.token, name: "John Carter", email: "john@example.com" });
    expect(named.visitorId).toBe(first.visitorId);
    expect(named.contact).toEqual({ name: "John Carter", email: "john@example.com" });
    await api.say(first.token, "Hi, it's John");
    await api.visitor({ token: first.token, name: "John C.", email: "jc@example.com" });
    const rows = await t.db
      .select({ name: contacts.name, email: contacts.email })
      .from(contacts)
      .innerJoin(contactIdentities, eq(contactIdentities.contactId, contacts.id))
      .where(eq(contactIdentities.channelId, channel.id));
    expect(rows).toEqual([{ name: "John C.", email: "jc@example.com" }]);
    expect((await api.call("POST", "/session", { token: first.token, name: "X", email: "not-an-email" })).status).toBe(422);
  });

  it("two visitors are two contacts, and neither reads the other's messages or files", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const ana = await api.visitor();
    const ben = await api.visitor();
    await api.say(ana.token, "Ana's secret order");
    const upload = await api.upload(ana.token, png(2048));
    expect(upload.status).toBe(201);
    const fileId = ((await upload.json()) as { message: { attachments: { id: number }[] } }).message.attachments[0].id;
    await api.say(ben.token, "Ben here");
    expect((await api.history(ben.token)).messages.map((m) => m.body)).toEqual(["Ben here"]);
    expect((await api.history(ana.token)).messages.map((m) => m.body)).toEqual(["Ana's secret order", "photo.png"]);
    expect(await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id))).toHaveLength(2);
    // The file: Ana's token reads it (with ?token= as an <img> would); Ben's does not.
    const mine = await api.call("GET", `/files/${fileId}?token=${encodeURIComponent(ana.token)}`, undefined, { origin: null });
    expect(mine.status).toBe(200);
    expect(mine.headers.get("content-type")).toBe("image/png");
    expect(mine.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await mine.arrayBuffer()).byteLength).toBe(2048);
    expect((await api.call("GET", `/files/${fileId}?token=${encodeURIComponent(ben.token)}`, undefined, { origin: null })).status).toBe(404);
    expect((await api.call("GET", `/files/${fileId}`, undefined, { origin: null })).status).toBe(401);
  });

  it("internal notes never reach the visitor, in the history or the live stream", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { token } = await api.visitor();
    await api.say(token, "Where is my parcel?");
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    const stream = await api.call("GET", `/events?token=${encodeURIComponent(token)}`);
    expect(stream.status).toBe(200);
    const agent = await agentReplies(w.orgId, w.agent.email, conv.id, "Customer is rude, careful", "note");
    await agent.post(`/inbox/${conv.id}/reply`, { body: "It ships today.", as: "reply" });
    const got = await readSse(stream, (m) => m.data.includes("It ships today."));
    expect(got.map((m) => m.data).join("")).not.toContain("careful");
    const bodies = (await api.history(token)).messages.map((m) => m.body);
    expect(bodies).toEqual(["Where is my parcel?", "It ships today."]);
  });
});

describe("files and voice notes", () => {
  it("takes a file just under and at the channel's limit, refuses one over it", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId, { maxUploadMb: 1 });
    const api = widgetApi(channel.webhookKey);
    const { token, limits } = await api.visitor();
    expect(limits.media.image.maxBytes).toBe(MB);
    expect((await api.upload(token, png(MB - 1))).status).toBe(201);
    expect((await api.upload(token, png(MB))).status).toBe(201);
    const over = await api.upload(token, png(MB + 1));
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ error: "too_large" });
    const stored = await t.db.select({ size: attachments.size, mime: attachments.mime }).from(attachments).innerJoin(messages, eq(messages.id, attachments.messageId)).where(eq(messages.channelId, channel.id));
    expect(stored.map((s) => s.size).sort()).toEqual([MB - 1, MB]);
  });

  it("types a file by its bytes, not its name: a program named .png is refused", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { token } = await api.visitor();
    const exe = new Uint8Array(4096);
    exe.set([0x4d, 0x5a, 0x90, 0x00, 0x03]);
    const disguised = await api.upload(token, new File([exe], "cat.png", { type: "image/png" }));
    expect(disguised.status).toBe(415);
    expect(await disguised.json()).toEqual({ error: "bad_type" });
    const html = await api.upload(token, new File(["<script>alert(1)</script>"], "page.txt", { type: "text/plain" }));
    // A page is a page whatever it is called: refused, never stored to be served back.
    expect(html.status).toBe(415);
    const notes = await api.upload(token, new File(["order 1042: two boxes"], "notes.bin", { type: "application/octet-stream" }));
    expect(notes.status).toBe(201);
    const body = (await notes.json()) as { message: { kind: string; attachments: { mime: string }[] } };
    expect(body.message.attachments[0].mime).toBe("text/plain");
    const pdf = await api.upload(token, new File(["%PDF-1.7\n%…"], "invoice.bin", { type: "application/octet-stream" }));
    expect(pdf.status).toBe(201);
    expect(((await pdf.json()) as { message: { kind: string; attachments: { mime: string }[] } }).message).toMatchObject({ kind: "file", attachments: [{ mime: "application/pdf" }] });
  });

  it("a voice note is stored as a voice message with its duration", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { token } = await api.visitor();
    const webm = new Uint8Array(1500);
    // EBML header with DocType "webm", as MediaRecorder writes it.
    webm.set([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d]);
    const res = await api.upload(token, new File([webm], "voice-note.webm", { type: "audio/webm;codecs=opus" }), { voice: "1", durationMs: "4200" });
    expect(res.status).toBe(201);
    const { message } = (await res.json()) as { message: { id: number; kind: string; attachments: { mime: string; durationMs: number }[] } };
    expect(message).toMatchObject({ kind: "voice", attachments: [{ mime: "audio/webm", durationMs: 4200 }] });
    const [row] = await t.db.select().from(attachments).where(eq(attachments.messageId, message.id));
    expect(row.contactId).not.toBeNull();
    // A PNG is no voice note.
    expect((await api.upload(token, png(100), { voice: "1" })).status).toBe(415);
  });
});

describe("agent replies reach the widget", () => {
  it("streams an agent's reply live, replays what a reconnecting widget missed, and shows the closing", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { token } = await api.visitor();
    await api.say(token, "Is the blue one in stock?");
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    const { cursor } = await api.history(token);

    const stream = await api.call("GET", `/events?token=${encodeURIComponent(token)}&lastEventId=${cursor}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(stream.headers.get("access-control-allow-origin")).toBe(SHOP);
    const agent = await agentReplies(w.orgId, w.agent.email, conv.id, "Yes, size M and L.");
    const live = await readSse(stream, (m) => m.event === "msg" && m.data.includes("size M"));
    const reply = JSON.parse(live.at(-1)!.data);
    expect(reply).toMatchObject({ direction: "out", body: "Yes, size M and L.", author: "Okan" });
    const seenUpTo = live.at(-1)!.id!;

    // Away meanwhile: the agent closes the conversation with a closing message.
    const [closing] = await t.db.select().from(closingMessages).where(and(eq(closingMessages.orgId, w.orgId)));
    expect((await agent.post(`/inbox/${conv.id}/close`, { closingMessageId: String(closing.id) })).status).toBeLessThan(400);
    const resumed = await api.call("GET", `/events?token=${encodeURIComponent(token)}`, undefined, { headers: { "last-event-id": seenUpTo } });
    const replayed = await readSse(resumed, (m) => m.event === "closed");
    expect(replayed.map((m) => m.event)).toEqual(["msg", "closed"]);

    // A resume point far behind is not replayed across the organization: the widget rereads its history.
    await t.db.execute(sql`insert into events (org_id, type, created_at) select ${w.orgId}, 'status_changed', now() from generate_series(1, 2100)`);
    const far = await api.call("GET", `/events?token=${encodeURIComponent(token)}&lastEventId=1`);
    const told = await readSse(far, (m) => m.event === "stale");
    expect(told.map((m) => m.event)).toEqual(["stale"]);
    expect(JSON.parse(replayed[1].data)).toEqual({ conversationId: conv.id });
    const history = await api.history(token);
    expect(history.closedConversations).toEqual([conv.id]);

    // Writing again opens a new conversation.
    await api.say(token, "One more question");
    const convs = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    expect(convs.map((c) => c.status).sort()).toEqual(["closed", "open"]);
  });

  it("marks replies read once the widget showed them", async () => {
    const w = await t.world();
    const channel = await webchat(w.orgId);
    const api = widgetApi(channel.webhookKey);
    const { token } = await api.visitor();
    await api.say(token, "Hello?");
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    await agentReplies(w.orgId, w.agent.email, conv.id, "Hello! How can I help?");
    const [out] = await t.db.select().from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, "out")));
    // The outbox worker hands webchat replies over at once.
    await t.db.update(messages).set({ delivery: "sent" }).where(eq(messages.id, out.id));
    expect((await api.call("POST", "/seen", { upTo: out.id }, { token })).status).toBe(200);
    const [after] = await t.db.select().from(messages).where(eq(messages.id, out.id));
    expect(after.delivery).toBe("read");
  });
});
