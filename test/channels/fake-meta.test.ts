// The fake Meta Graph API speaks the wire formats of channels.md: what Kanal's adapters are tested against.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { tmpdir } from "node:os";
import { FixedClock } from "../../src/clock";
import { fb, mergePayloads, messagingPayload, wa, whatsappPayload } from "../../fakes/meta/payloads";
import { startFakeMeta, type FakeMeta } from "../../fakes/meta/server";
import { metaJson, signatureOf, verifySignature } from "../../fakes/meta/sign";

const SECRET = "test-app-secret";
const TOKEN = "test-access-token";
const PHONE_ID = "420000000000002";
const PAGE_ID = "510000000000003";
const IG_ID = "17841400000000004";

interface Received {
  raw: string;
  signature: string | null;
  valid: boolean;
  json: any;
}

/** Stands in for Kanal's webhook endpoint: checks the signature over the raw bytes, as Kanal must. */
function startReceiver() {
  const received: Received[] = [];
  const files = new Map<string, { bytes: Uint8Array<ArrayBuffer>; type: string }>();
  const server = Bun.serve({
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname.startsWith("/files/")) {
        const file = files.get(url.pathname);
        return file ? new Response(file.bytes, { headers: { "content-type": file.type } }) : new Response("gone", { status: 404 });
      }
      if (req.method === "GET") {
        const ok = url.searchParams.get("hub.mode") === "subscribe" && url.searchParams.get("hub.verify_token") === "test-verify-token";
        return ok ? new Response(url.searchParams.get("hub.challenge")) : new Response("forbidden", { status: 403 });
      }
      const raw = await req.text();
      const signature = req.headers.get("x-hub-signature-256");
      const valid = verifySignature(raw, signature, SECRET);
      received.push({ raw, signature, valid, json: valid ? JSON.parse(raw) : null });
      return new Response(valid ? "EVENT_RECEIVED" : "bad signature", { status: valid ? 200 : 401 });
    },
  });
  return {
    url: `http://localhost:${server.port}`,
    received,
    serveFile: (path: string, bytes: Uint8Array<ArrayBuffer>, type: string) => files.set(path, { bytes, type }),
    stop: () => server.stop(true),
  };
}

const receiver = startReceiver();
const clock = new FixedClock("2026-01-05T09:00:00Z");
let fake: FakeMeta;

beforeAll(async () => {
  fake = await startFakeMeta({
    port: 0,
    clock,
    receipts: { delayMs: 1 },
    channels: [
      { kind: "whatsapp", id: PHONE_ID, accessToken: TOKEN, appSecret: SECRET, verifyToken: "test-verify-token", webhookUrl: `${receiver.url}/webhooks/wa`, name: "wa" },
      { kind: "messenger", id: PAGE_ID, accessToken: TOKEN, appSecret: SECRET, webhookUrl: `${receiver.url}/webhooks/fb` },
      { kind: "instagram", id: IG_ID, accessToken: TOKEN, appSecret: SECRET, webhookUrl: `${receiver.url}/webhooks/ig` },
    ],
  });
});

afterEach(async () => {
  await fake.drain();
  fake.reset();
  Object.assign(fake.receipts, { enabled: true, sequence: ["sent", "delivered", "read"], duplicate: false, echo: false });
  receiver.received.length = 0;
});

afterAll(async () => {
  await fake.stop();
  receiver.stop();
});

function graph(path: string, init: RequestInit & { json?: unknown; token?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set("authorization", `Bearer ${init.token ?? TOKEN}`);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  return fetch(`${fake.url}${path}`, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
}

const waText = (to: string, body: string) => ({ messaging_product: "whatsapp", recipient_type: "individual", to, type: "text", text: { body, preview_url: false } });
const sendWa = (json: unknown, token?: string | null) => graph(`/v25.0/${PHONE_ID}/messages`, { method: "POST", json, token });
const fbText = (to: string, text: string) => ({ recipient: { id: to }, messaging_type: "RESPONSE", message: { text } });
const statusesOf = (r: Received[]) => r.flatMap((x) => x.json.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? [])));

async function expectGraphError(res: Response, status: number, code: number) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body.error).toMatchObject({ type: "OAuthException", code });
  expect(typeof body.error.message).toBe("string");
  expect(body.error.fbtrace_id).toMatch(/^[\w-]{10,}$/);
  return body.error;
}

describe("WhatsApp sends", () => {
  it("a text send answers like the Cloud API and is recorded", async () => {
    const res = await sendWa(waText("+90 555 111 2233", "Merhaba"));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      messaging_product: "whatsapp",
      contacts: [{ input: "+90 555 111 2233", wa_id: "905551112233" }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/=]{20,}$/), message_status: "accepted" }],
    });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]).toMatchObject({ kind: "whatsapp", channel: PHONE_ID, to: "905551112233", type: "text", text: "Merhaba", messageId: body.messages[0].id });
    expect(fake.requests.at(-1)).toMatchObject({ method: "POST", version: "v25.0", operation: "send", status: 200 });
  });

  it("a wrong bearer token is refused with code 190 and HTTP 401", async () => {
    const error = await expectGraphError(await sendWa(waText("905551112233", "hi"), "not-the-token"), 401, 190);
    expect(error.message).toContain("access token");
    await expectGraphError(await sendWa(waText("905551112233", "hi"), null), 401, 190);
    expect(fake.sent).toHaveLength(0);
  });

  it("an unknown phone number id is error 100 with subcode 33", async () => {
    const res = await graph("/v25.0/999/messages", { method: "POST", json: waText("905551112233", "hi") });
    expect((await expectGraphError(res, 400, 100)).error_subcode).toBe(33);
  });

  it("text over 4,096 characters is error 100; 4,096 go", async () => {
    const error = await expectGraphError(await sendWa(waText("905551112233", "a".repeat(4097))), 400, 100);
    expect(error.error_data).toMatchObject({ messaging_product: "whatsapp" });
    expect((await sendWa(waText("905551112233", "a".repeat(4096)))).status).toBe(200);
  });

  it("missing parameters and captions on audio are refused as Meta does", async () => {
    await expectGraphError(await sendWa({ messaging_product: "whatsapp", type: "text", text: { body: "x" } }), 400, 131008);
    await expectGraphError(await sendWa({ ...waText("905551112233", "x"), messaging_product: undefined }), 400, 100);
    await expectGraphError(await sendWa({ messaging_product: "whatsapp", to: "905551112233", type: "audio", audio: { id: "1", caption: "no" } }), 400, 100);
  });

  it("marking a message read answers success", async () => {
    const res = await sendWa({ messaging_product: "whatsapp", status: "read", message_id: "wamid.X" });
    expect(await res.json()).toEqual({ success: true });
    expect(fake.requests.at(-1)?.operation).toBe("mark-read");
  });

  const cases = [
    { failure: "window", mode: "sync", status: 400, code: 131047, subcode: 2494010 },
    { failure: "rate-limit", status: 429, code: 130429 },
    { failure: "token-expired", status: 401, code: 190, subcode: 463 },
    { failure: "server-error", status: 500, code: 131000 },
    { failure: "unavailable", status: 503, code: 131016 },
  ] as const;
  for (const c of cases) {
    it(`failNext("${c.failure}") answers HTTP ${c.status} with code ${c.code} once, then sends go through`, async () => {
      fake.failNext(c.failure, { mode: "mode" in c ? c.mode : undefined });
      const error = await expectGraphError(await sendWa(waText("905551112233", "hi")), c.status, c.code);
      if ("subcode" in c) expect(error.error_subcode).toBe(c.subcode);
      if (c.code !== 190) expect(error.error_data).toMatchObject({ messaging_product: "whatsapp", details: expect.any(String) });
      expect((await sendWa(waText("905551112233", "hi"))).status).toBe(200);
    });
  }

  it("a network failure closes the connection without a response", async () => {
    fake.failNext("network");
    await expect(sendWa(waText("905551112233", "hi"))).rejects.toThrow();
    expect(fake.requests.at(-1)).toMatchObject({ operation: "send", response: null });
    expect(fake.sent).toHaveLength(0);
  });

  it("the window error comes by default as HTTP 200 then a failed status webhook", async () => {
    fake.failNext("window");
    const res = await sendWa(waText("905551112233", "hi"));
    expect(res.status).toBe(200);
    const id = (await res.json()).messages[0].id;
    await fake.drain();
    const statuses = statusesOf(receiver.received);
    expect(statuses).toEqual([
      expect.objectContaining({ id, status: "failed", recipient_id: "905551112233", errors: [expect.objectContaining({ code: 131047, title: "Re-engagement message", error_data: { details: expect.stringContaining("24 hours") } })] }),
    ]);
    expect(fake.sent[0]).toMatchObject({ outcome: "failed", failure: { code: 131047 } });
  });

  it("rules can target a recipient, repeat, and be set over HTTP", async () => {
    const set = await fetch(`${fake.url}/_fake/rules`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ failure: "rate-limit", to: "905550000000", times: 2 }) });
    expect(set.status).toBe(201);
    expect((await sendWa(waText("905551112233", "other"))).status).toBe(200);
    expect((await sendWa(waText("905550000000", "a"))).status).toBe(429);
    expect((await sendWa(waText("905550000000", "b"))).status).toBe(429);
    expect((await sendWa(waText("905550000000", "c"))).status).toBe(200);
    fake.failNext("server-error", { times: "always" });
    for (let i = 0; i < 3; i++) expect((await sendWa(waText("905551112233", "x"))).status).toBe(500);
    fake.clearRules();
    expect((await sendWa(waText("905551112233", "x"))).status).toBe(200);
  });
});

describe("WhatsApp media", () => {
  const upload = (bytes: Uint8Array<ArrayBuffer>, type: string, name = "photo.jpg") => {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", type);
    form.set("file", new File([bytes], name, { type }));
    return graph(`/v25.0/${PHONE_ID}/media`, { method: "POST", body: form });
  };
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);

  it("upload, then get the URL, then download with the bearer token", async () => {
    const { id } = await (await upload(jpeg, "image/jpeg")).json();
    expect(id).toMatch(/^\d{15,}$/);
    const info = await (await graph(`/v25.0/${id}`)).json();
    const sha = new Bun.CryptoHasher("sha256").update(jpeg).digest("hex");
    expect(info).toEqual({ messaging_product: "whatsapp", url: expect.stringContaining(fake.url), mime_type: "image/jpeg", sha256: sha, file_size: String(jpeg.length), id });
    const download = await fetch(info.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("image/jpeg");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(jpeg);
    await expectGraphError(await fetch(info.url), 401, 190);
    expect(fake.requests.map((r) => r.operation)).toEqual(["upload", "media-url", "download", "download"]);
  });

  it("a media URL expires after 5 minutes; asking again gives a fresh one", async () => {
    const { id } = await (await upload(jpeg, "image/jpeg")).json();
    const { url } = await (await graph(`/v25.0/${id}`)).json();
    clock.advance("4m59s");
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    clock.advance("2s");
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    const fresh = (await (await graph(`/v25.0/${id}`)).json()).url;
    expect((await fetch(fresh, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it("uploads of a type or size WhatsApp refuses are error 131053", async () => {
    await expectGraphError(await upload(jpeg, "image/gif", "a.gif"), 400, 131053);
    await expectGraphError(await upload(new Uint8Array(600 * 1024), "image/webp", "s.webp"), 400, 131053);
    await expectGraphError(await graph(`/v25.0/1234567890123456`), 400, 100);
  });

  it("a send by media id records the bytes; a voice note that is not OGG fails by webhook", async () => {
    const { id } = await (await upload(new Uint8Array([1, 2, 3]), "audio/mpeg", "a.mp3")).json();
    const res = await sendWa({ messaging_product: "whatsapp", to: "905551112233", type: "audio", audio: { id, voice: true } });
    expect(res.status).toBe(200);
    await fake.drain();
    expect(fake.sent[0]).toMatchObject({ type: "audio", voice: true, media: { id, mimeType: "audio/mpeg" } });
    expect(fake.sent[0].media?.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect(statusesOf(receiver.received).map((s: any) => [s.status, s.errors?.[0]?.code])).toEqual([["failed", 131053]]);
  });

  it("inbound voice notes and images name media the fake serves", async () => {
    const ogg = new TextEncoder().encode("OggS voice bytes");
    const { status, message, media } = await fake.pushWhatsAppMedia({ from: "905551112233", name: "Ayşe", kind: "voice", bytes: ogg, mimeType: "audio/ogg; codecs=opus" });
    expect(status).toBe(200);
    expect(message).toMatchObject({ type: "audio", audio: { id: media.id, mime_type: "audio/ogg; codecs=opus", voice: true } });
    const got = receiver.received[0].json.entry[0].changes[0].value;
    expect(got.contacts).toEqual([{ profile: { name: "Ayşe" }, wa_id: "905551112233" }]);
    expect(got.messages[0].audio.sha256).toBe(new Bun.CryptoHasher("sha256").update(ogg).digest("base64"));
    const { url } = await (await graph(`/v25.0/${media.id}`)).json();
    expect(new Uint8Array(await (await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).arrayBuffer())).toEqual(ogg);

    await fake.pushWhatsAppMedia({ from: "905551112233", kind: "image", bytes: new Uint8Array([9]), mimeType: "image/jpeg", caption: "Kutu hasarlı" });
    expect(receiver.received[1].json.entry[0].changes[0].value.messages[0]).toMatchObject({ type: "image", image: { caption: "Kutu hasarlı", mime_type: "image/jpeg" } });
  });
});

describe("receipts after a send", () => {
  const sendAndCollect = async () => {
    const id = (await (await sendWa(waText("905551112233", "hi"))).json()).messages[0].id;
    await fake.drain();
    return { id, statuses: statusesOf(receiver.received) };
  };

  it("WhatsApp pushes signed sent, delivered, read in that order by default", async () => {
    const { id, statuses } = await sendAndCollect();
    expect(statuses.map((s: any) => s.status)).toEqual(["sent", "delivered", "read"]);
    expect(statuses.every((s: any) => s.id === id && s.recipient_id === "905551112233" && /^\d+$/.test(s.timestamp))).toBe(true);
    expect(receiver.received.every((r) => r.valid)).toBe(true);
  });

  it("can reorder, skip, duplicate or switch them off", async () => {
    fake.receipts.sequence = ["sent", "read", "delivered"];
    expect((await sendAndCollect()).statuses.map((s: any) => s.status)).toEqual(["sent", "read", "delivered"]);
    receiver.received.length = 0;
    fake.receipts.sequence = ["read"];
    fake.receipts.duplicate = true;
    expect((await sendAndCollect()).statuses.map((s: any) => s.status)).toEqual(["read", "read"]);
    receiver.received.length = 0;
    const off = await fetch(`${fake.url}/_fake/receipts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ enabled: false }) });
    expect(off.status).toBe(200);
    expect((await sendAndCollect()).statuses).toEqual([]);
  });

  it("Messenger gets delivery and read events, Instagram read only; echoes on request", async () => {
    fake.receipts.echo = true;
    const res = await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: fbText("7100000000000001", "Merhaba") });
    const { message_id } = await res.json();
    await fake.drain();
    const events = receiver.received.flatMap((r) => r.json.entry[0].messaging);
    expect(events.map((e: any) => Object.keys(e).find((k) => !["sender", "recipient", "timestamp"].includes(k)))).toEqual(["message", "delivery", "read"]);
    expect(events[0]).toMatchObject({ sender: { id: PAGE_ID }, recipient: { id: "7100000000000001" }, message: { mid: message_id, is_echo: true, text: "Merhaba" } });
    expect(events[1].delivery.mids).toEqual([message_id]);
    receiver.received.length = 0;
    fake.receipts.echo = false;
    await graph(`/v25.0/${IG_ID}/messages`, { method: "POST", json: fbText("6600000000000001", "Selam") });
    await fake.drain();
    expect(receiver.received.map((r) => r.json.object)).toEqual(["instagram"]);
    expect(receiver.received[0].json.entry[0].messaging[0].read).toEqual({ mid: fake.sent[1].messageId });
  });
});

describe("Messenger and Instagram sends", () => {
  it("a text send answers recipient_id and an m_ message id", async () => {
    const res = await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: fbText("7100000000000001", "Merhaba") });
    expect(await res.json()).toEqual({ recipient_id: "7100000000000001", message_id: expect.stringMatching(/^m_[\w-]{20,}$/) });
  });

  it("limits, missing fields and the closed window are refused as Meta does", async () => {
    await expectGraphError(await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: fbText("7100000000000001", "a".repeat(2001)) }), 400, 100);
    await expectGraphError(await graph(`/v25.0/${IG_ID}/messages`, { method: "POST", json: fbText("6600000000000001", "a".repeat(1001)) }), 400, 100);
    await expectGraphError(await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: { recipient: { id: "7100000000000001" }, message: { text: "x" } } }), 400, 100);
    fake.failNext("window");
    const error = await expectGraphError(await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: fbText("7100000000000001", "x") }), 400, 10);
    expect(error.error_subcode).toBe(2018278);
  });

  it("attachments go by uploaded attachment_id or by a URL the fake fetches", async () => {
    const form = new FormData();
    form.set("message", JSON.stringify({ attachment: { type: "image", payload: { is_reusable: true } } }));
    form.set("filedata", new File([new Uint8Array([7, 7, 7])], "a.png", { type: "image/png" }));
    const { attachment_id } = await (await graph(`/v25.0/${PAGE_ID}/message_attachments`, { method: "POST", body: form })).json();
    expect(attachment_id).toMatch(/^\d+$/);
    const byId = { recipient: { id: "7100000000000001" }, messaging_type: "RESPONSE", message: { attachment: { type: "image", payload: { attachment_id } } } };
    expect((await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: byId })).status).toBe(200);
    expect(fake.sent[0]).toMatchObject({ type: "image", media: { mimeType: "image/png", bytes: new Uint8Array([7, 7, 7]) } });

    receiver.serveFile("/files/doc.pdf", new Uint8Array([37, 80, 68, 70]), "application/pdf");
    const byUrl = { recipient: { id: "7100000000000001" }, messaging_type: "RESPONSE", message: { attachment: { type: "file", payload: { url: `${receiver.url}/files/doc.pdf` } } } };
    expect((await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: byUrl })).status).toBe(200);
    expect(fake.sent[1].media).toMatchObject({ mimeType: "application/pdf", bytes: new Uint8Array([37, 80, 68, 70]) });
    const missing = { ...byUrl, message: { attachment: { type: "file", payload: { url: `${receiver.url}/files/gone.pdf` } } } };
    expect((await expectGraphError(await graph(`/v25.0/${PAGE_ID}/messages`, { method: "POST", json: missing }), 400, 100)).error_subcode).toBe(2018008);
  });

  it("inbound attachments carry temporary URLs the fake serves", async () => {
    const { status, url, payload } = await fake.pushMessengerAttachment({ from: "7100000000000001", name: "Ayşe Yılmaz", type: "image", bytes: new Uint8Array([1, 2]), mimeType: "image/jpeg" });
    expect(status).toBe(200);
    expect(payload).toMatchObject({ object: "page", entry: [{ id: PAGE_ID, messaging: [{ message: { attachments: [{ type: "image", payload: { url } }] } }] }] });
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(new Uint8Array([1, 2]));
    clock.advance("61m");
    expect((await fetch(url)).status).toBe(403);
    const profile = await (await graph(`/v25.0/7100000000000001?fields=first_name,last_name,profile_pic`)).json();
    expect(profile).toEqual({ first_name: "Ayşe", last_name: "Yılmaz", id: "7100000000000001" });
  });
});

describe("webhook pushes", () => {
  it("serialise non-ASCII as lowercase \\u escapes (emoji as surrogate pairs) and sign those exact bytes", async () => {
    expect(metaJson({ t: "Ayşe İ 👋 /" })).toBe('{"t":"Ay\\u015fe \\u0130 \\ud83d\\udc4b /"}');
    expect(metaJson({ u: "a/b" }, { escapeSlashes: true })).toBe('{"u":"a\\/b"}');
    const { status } = await fake.pushWhatsAppText({ from: "905551112233", name: "Ayşe", text: "Merhaba 👋 ÇĞİÖŞÜ" });
    expect(status).toBe(200);
    const [got] = receiver.received;
    expect(got.raw).toContain('"text":{"body":"Merhaba \\ud83d\\udc4b \\u00c7\\u011e\\u0130\\u00d6\\u015e\\u00dc"}');
    expect(got.raw).toContain('"name":"Ay\\u015fe"');
    expect(/^[\x20-\x7e]*$/.test(got.raw)).toBe(true);
    expect(got.signature).toBe(signatureOf(got.raw, SECRET));
    expect(got.valid).toBe(true);
    expect(got.json.entry[0].changes[0].value.messages[0].text.body).toBe("Merhaba 👋 ÇĞİÖŞÜ");
    // Re-serialising the parsed body gives other bytes, hence another signature: receivers must check the raw body.
    expect(verifySignature(JSON.stringify(got.json), got.signature, SECRET)).toBe(false);
  });

  it("a duplicate push sends the same bytes twice; a bad signature is refused", async () => {
    expect(await fake.push(whatsappPayload(fake.channel("wa") as any, { statuses: [wa.status({ id: "wamid.A", status: "read", recipient: "905551112233" })] }), PHONE_ID, { duplicate: true })).toBe(200);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0].raw).toBe(receiver.received[1].raw);
    expect(receiver.received[0].signature).toBe(receiver.received[1].signature);
    const { status } = await fake.pushWhatsAppText({ from: "905551112233", text: "x", badSignature: true });
    expect(status).toBe(401);
    expect(fake.pushes.map((p) => p.status)).toEqual([200, 200, 401]);
  });

  it("one POST can carry several entries, changes and messages", async () => {
    const channel = fake.channel("wa") as any;
    const at = clock.now();
    const first = whatsappPayload(
      channel,
      { contacts: [{ name: "Ana", waId: "5491122334455" }], messages: [wa.text({ from: "5491122334455", text: "uno", at }), wa.location({ from: "5491122334455", latitude: 41.0, longitude: 29.0, name: "Kadıköy", at })] },
      { statuses: [wa.status({ id: "wamid.B", status: "delivered", recipient: "5491122334455", at })] },
    );
    const second = whatsappPayload(channel, {
      contacts: [{ name: "Can", waId: "905551112233" }],
      messages: [
        wa.reaction({ from: "905551112233", messageId: "wamid.B", emoji: "👍", at }),
        wa.buttonReply({ from: "905551112233", buttonId: "yes", title: "Evet", at }),
        wa.unsupported({ from: "905551112233", at }),
      ],
    });
    expect(await fake.push(mergePayloads(first, second), PHONE_ID)).toBe(200);
    const json = receiver.received[0].json;
    expect(json.entry).toHaveLength(2);
    expect(json.entry[0].changes).toHaveLength(2);
    expect(json.entry.flatMap((e: any) => e.changes.flatMap((c: any) => (c.value.messages ?? []).map((m: any) => m.type)))).toEqual(["text", "location", "reaction", "interactive", "unsupported"]);
    expect(json.entry[1].changes[0].value.messages[2].errors[0].code).toBe(131051);
  });

  it("Messenger and Instagram payloads have their own envelopes", async () => {
    const at = clock.now();
    const events = [
      fb.text({ from: "7100000000000001", to: PAGE_ID, mid: "m_1", text: "selam", at }),
      fb.reaction({ from: "7100000000000001", to: PAGE_ID, mid: "m_1", emoji: "❤️", at }),
      fb.echo({ page: PAGE_ID, to: "7100000000000001", mid: "m_2", appId: "99", text: "from another app", at }),
    ];
    expect(await fake.pushMessenger(events).then((r) => r.status)).toBe(200);
    expect(receiver.received[0].json).toMatchObject({ object: "page", entry: [{ id: PAGE_ID, time: at.getTime(), messaging: [{}, { reaction: { emoji: "❤️", action: "react" } }, { message: { is_echo: true, app_id: 99 } }] }] });
    const ig = messagingPayload("instagram", IG_ID, [fb.text({ from: "6600000000000001", to: IG_ID, mid: "aWdf", text: "hey", at })], at);
    expect(await fake.push(ig, IG_ID)).toBe(200);
    expect(receiver.received[1].json.object).toBe("instagram");
  });

  it("the verification handshake echoes the challenge", async () => {
    expect(await fake.verify("wa")).toMatchObject({ status: 200, ok: true });
  });
});

describe("the command line", () => {
  // Async: the receiver and the fake answer from this process while the command runs.
  async function cli(...args: string[]) {
    const proc = Bun.spawn(["bun", "fakes/meta/cli.ts", "send", "--kanal", receiver.url, "--fake", fake.url, "--secret", SECRET, ...args], {
      cwd: `${import.meta.dir}/../..`,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, exitCode] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    return { stdout, exitCode };
  }

  it("send pushes one signed inbound message and prints Kanal's status", async () => {
    const run = await cli("--channel", "wa", "--from", "905551112233", "--name", "Ayşe", "--text", "Merhaba 👋");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`POST ${receiver.url}/webhooks/wa → 200`);
    expect(receiver.received[0].valid).toBe(true);
    expect(receiver.received[0].raw).toContain('"body":"Merhaba \\ud83d\\udc4b"');
  });

  it("send --voice stores the file in the running fake and names it as a voice note", async () => {
    const path = `${tmpdir()}/kanal-fake-meta-${process.pid}.ogg`;
    await Bun.write(path, "OggS fixture");
    try {
      const run = await cli("--channel", "wa", "--id", PHONE_ID, "--from", "905551112233", "--voice", path);
      expect(run.exitCode).toBe(0);
    } finally {
      await Bun.file(path).delete();
    }
    const audio = receiver.received[0].json.entry[0].changes[0].value.messages[0].audio;
    expect(audio).toMatchObject({ voice: true, mime_type: "audio/ogg; codecs=opus" });
    expect(new TextDecoder().decode(fake.media.get(audio.id)!.bytes)).toBe("OggS fixture");
  });
});
