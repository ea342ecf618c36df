// The fake Graph API's interactive messages: it refuses what Meta refuses (a fourth reply button, a
// title too long, an eleventh list row, a quick reply without payload) and its command line pushes a
// customer's taps in Meta's shapes (button and list replies, quick replies, postbacks).
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { FixedClock } from "../../src/clock";
import { startFakeMeta, type FakeMeta } from "../../fakes/meta/server";
import { signedReceiver } from "../support/webhook-receiver";

const SECRET = "test-app-secret";
const TOKEN = "test-access-token";
const PHONE_ID = "420000000000099";
const PAGE_ID = "510000000000099";

const receiver = signedReceiver(SECRET);
const received = receiver.received;
let fake: FakeMeta;

beforeAll(async () => {
  fake = await startFakeMeta({ port: 0, clock: new FixedClock(), receipts: { enabled: false } });
  fake.register({ kind: "whatsapp", id: PHONE_ID, accessToken: TOKEN, appSecret: SECRET, wabaId: "310000000000099", name: "wa", webhookUrl: `${receiver.url}/webhooks/wa` });
  fake.register({ kind: "messenger", id: PAGE_ID, accessToken: TOKEN, appSecret: SECRET, name: "fb", webhookUrl: `${receiver.url}/webhooks/fb` });
});
afterAll(async () => {
  await fake.stop();
  receiver.stop();
});

const post = (path: string, body: unknown) => fetch(`${fake.url}/v25.0/${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
const buttons = (n: number, title = "Choice") => ({ type: "button", body: { text: "Pick one" }, action: { buttons: Array.from({ length: n }, (_, i) => ({ type: "reply", reply: { id: `b${i}`, title: `${title} ${i}` } })) } });
const list = (n: number) => ({ type: "list", body: { text: "Pick one" }, action: { button: "Options", sections: [{ rows: Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) }] } });
const wa = (interactive: unknown) => post(`${PHONE_ID}/messages`, { messaging_product: "whatsapp", recipient_type: "individual", to: "905551112233", type: "interactive", interactive });

describe("interactive sends", () => {
  it("WhatsApp accepts up to three reply buttons and ten list rows, and refuses more, long titles and repeated ids", async () => {
    expect((await wa(buttons(3))).status).toBe(200);
    expect((await wa(list(10))).status).toBe(200);
    const four = await wa(buttons(4));
    expect(four.status).toBe(400);
    expect((await four.json()).error.error_data.details).toContain("buttons");
    expect((await wa(buttons(2, "A title much too long for it"))).status).toBe(400);
    expect((await wa(list(11))).status).toBe(400);
    expect((await wa({ ...buttons(2), action: { buttons: [{ type: "reply", reply: { id: "x", title: "A" } }, { type: "reply", reply: { id: "x", title: "B" } }] } })).status).toBe(400);
    expect(fake.sent.filter((s) => s.type === "interactive").map((s) => s.text)).toEqual(["Pick one", "Pick one"]);
  });

  it("Messenger accepts quick replies with a title and payload, and refuses one without payload", async () => {
    const ok = await post(`${PAGE_ID}/messages`, { recipient: { id: "7100000000000001" }, messaging_type: "RESPONSE", message: { text: "Pick", quick_replies: [{ content_type: "text", title: "Yes", payload: "poll:1:0" }] } });
    expect(ok.status).toBe(200);
    const bad = await post(`${PAGE_ID}/messages`, { recipient: { id: "7100000000000001" }, messaging_type: "RESPONSE", message: { text: "Pick", quick_replies: [{ content_type: "text", title: "Yes" }] } });
    expect(bad.status).toBe(400);
  });
});

describe("the command line's taps", () => {
  async function cli(...args: string[]) {
    const proc = Bun.spawn(["bun", "fakes/meta/cli.ts", "send", "--kanal", `${receiver.url}`, "--fake", fake.url, "--secret", SECRET, ...args], { cwd: `${import.meta.dir}/../..`, stdout: "pipe", stderr: "pipe" });
    const [stdout, exitCode] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    return { stdout, exitCode };
  }

  it("--button and --list push WhatsApp's button_reply and list_reply; on Messenger --button is a quick reply and --postback a postback", async () => {
    received.length = 0;
    expect((await cli("--channel", "wa", "--id", PHONE_ID, "--from", "905551112233", "--button", "bot:talk", "--text", "Talk to us")).exitCode).toBe(0);
    expect((await cli("--channel", "wa", "--id", PHONE_ID, "--from", "905551112233", "--list", "bot:order", "--text", "Order status")).exitCode).toBe(0);
    expect((await cli("--kind", "messenger", "--channel", "fb", "--page", PAGE_ID, "--from", "7100000000000001", "--button", "bot:hours", "--text", "Hours")).exitCode).toBe(0);
    expect((await cli("--kind", "messenger", "--channel", "fb", "--page", PAGE_ID, "--from", "7100000000000001", "--postback", "bot:talk", "--text", "Talk to us")).exitCode).toBe(0);
    const [button, row, quick, postback] = received;
    expect(button.entry[0].changes[0].value.messages[0]).toMatchObject({ type: "interactive", interactive: { type: "button_reply", button_reply: { id: "bot:talk", title: "Talk to us" } } });
    expect(row.entry[0].changes[0].value.messages[0]).toMatchObject({ type: "interactive", interactive: { type: "list_reply", list_reply: { id: "bot:order", title: "Order status" } } });
    expect(quick.entry[0].messaging[0].message).toMatchObject({ text: "Hours", quick_reply: { payload: "bot:hours" } });
    expect(postback.entry[0].messaging[0].postback).toMatchObject({ title: "Talk to us", payload: "bot:talk" });
  });
});
