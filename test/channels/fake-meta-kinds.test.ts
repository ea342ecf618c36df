// `bun run fake-meta send` speaks the real-world shapes of issue 18, so each can be seen in the demo:
// ad referrals, BSUID-only WhatsApp users, Messenger/Instagram edits, unsends, link shares and standby,
// items Kanal does not handle, and files whose first downloads fail.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { tmpdir } from "node:os";
import { startFakeMeta, type FakeMeta } from "../../fakes/meta/server";
import { signedReceiver } from "../support/webhook-receiver";

const SECRET = "test-app-secret";
const TOKEN = "test-access-token";
const PHONE_ID = "420000000000012";
const PAGE_ID = "510000000000013";

const receiver = signedReceiver(SECRET);
const received = receiver.received;
const kanal = receiver.url;
let fake: FakeMeta;

beforeAll(async () => {
  fake = await startFakeMeta({
    port: 0,
    receipts: { delayMs: 1 },
    channels: [
      { kind: "whatsapp", id: PHONE_ID, accessToken: TOKEN, appSecret: SECRET, webhookUrl: `${kanal}/webhooks/wa`, name: "wa" },
      { kind: "messenger", id: PAGE_ID, accessToken: TOKEN, appSecret: SECRET, webhookUrl: `${kanal}/webhooks/fb`, name: "fb" },
    ],
  });
});
afterEach(() => void (received.length = 0));
afterAll(async () => {
  await fake.stop();
  receiver.stop();
});

async function cli(...args: string[]) {
  const proc = Bun.spawn(["bun", "fakes/meta/cli.ts", "send", "--kanal", kanal, "--fake", fake.url, "--secret", SECRET, ...args], { cwd: `${import.meta.dir}/../..`, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
}

describe("fake-meta send: real-world shapes", () => {
  it("WhatsApp: an ad referral, a BSUID-only user and an unhandled change", async () => {
    const run = await cli("--channel", "wa", "--id", PHONE_ID, "--bsuid", "TR.1502576394655843", "--username", "elif.k", "--text", "İndirim geçerli mi?", "--ad", "Kışa özel %30", "--unhandled");
    expect(run.exitCode).toBe(0);
    const [body] = received;
    const value = body.entry[0].changes[0].value;
    expect(value.contacts).toEqual([{ profile: { name: "", username: "elif.k" }, user_id: "TR.1502576394655843" }]);
    expect(value.messages[0]).not.toHaveProperty("from");
    expect(value.messages[0]).toMatchObject({ from_user_id: "TR.1502576394655843", text: { body: "İndirim geçerli mi?" }, referral: { source_type: "ad", headline: "Kışa özel %30" } });
    expect(body.entry[1].changes[0].field).toBe("account_update");
  });

  it("Messenger: a link share prints its id; an edit, an unsend and a standby message follow", async () => {
    const shared = await cli("--kind", "messenger", "--channel", "fb", "--page", PAGE_ID, "--link", "https://shop.example.com/p/42", "--text", "Mavi ceket");
    expect(shared.exitCode).toBe(0);
    const mid = /message id (\S+)/.exec(shared.stdout)![1];
    expect(received[0].entry[0].messaging[0].message).toEqual({ mid, text: "https://shop.example.com/p/42", attachments: [{ type: "fallback", payload: { url: "https://shop.example.com/p/42", title: "Mavi ceket" } }] });
    await cli("--kind", "messenger", "--channel", "fb", "--page", PAGE_ID, "--edit", mid, "--text", "Lacivert ceket");
    expect(received[1].entry[0].messaging[0].message_edit).toEqual({ mid, text: "Lacivert ceket", num_edit: 1 });
    await cli("--kind", "messenger", "--channel", "fb", "--page", PAGE_ID, "--unsend", mid);
    expect(received[2].entry[0].messaging[0].message).toEqual({ mid, is_deleted: true });
    await cli("--kind", "messenger", "--channel", "fb", "--page", PAGE_ID, "--standby", "--text", "Bota yazıyorum");
    expect(received[3].entry[0].standby[0].message.text).toBe("Bota yazıyorum");
    expect(received[3].entry[0].messaging).toBeUndefined();
  });

  it("--media-fails makes the first downloads of the file fail", async () => {
    const path = `${tmpdir()}/kanal-fake-kinds-${process.pid}.png`;
    await Bun.write(path, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    try {
      expect((await cli("--kind", "messenger", "--channel", "fb", "--page", PAGE_ID, "--image", path, "--media-fails", "1")).exitCode).toBe(0);
    } finally {
      await Bun.file(path).delete();
    }
    const url = received[0].entry[0].messaging[0].message.attachments[0].payload.url;
    expect((await fetch(url)).status).toBe(503);
    expect((await fetch(url)).status).toBe(200);
  });
});
