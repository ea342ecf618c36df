// A WhatsApp conversation end to end against the fake Graph API: a customer writes (text, image,
// voice), an agent answers through the outbox, receipts come back; every provider failure mode.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { attachments, conversations, messages, outbox } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { joinConversation } from "../../src/inbox/joining";
import { reply, retryMessage, sendTemplate } from "../../src/inbox/replies";
import { storageFor } from "../../src/media/storage";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "./support/live-channels";
import { channels } from "@db/schema";
import { syncTemplates } from "../../src/channels/templates";
import { processDueDeliveries } from "../../src/channels/inbound";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

async function setup() {
  const w = await t.world();
  const phoneId = `42000000${String(++seq).padStart(7, "0")}`;
  const channel = await live.channel(w.orgId, "whatsapp", phoneId);
  const from = `90555${String(seq).padStart(7, "0")}`;
  const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const worker = t.app.runtime.outbox;
  const thread = async () => {
    const [c] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    return c;
  };
  /** The customer writes, the agent joins and answers; returns the outgoing message id. */
  const conversationWithReply = async (text = "Merhaba, siparişim nerede?", answer = "Kargoda, yarın elinizde 📦") => {
    await live.fake.pushWhatsAppText({ channel: channel.webhookKey, from, name: "Ayşe Yılmaz", text });
    await live.settle();
    const c = await thread();
    await joinConversation(t.db, agent, c.id, t.clock.now());
    const { messageId } = await reply(t.db, agent, c.id, answer, t.clock.now());
    return { c, messageId };
  };
  const message = async (id: number) => (await t.db.select().from(messages).where(eq(messages.id, id)))[0];
  return { w, channel, from, agent, worker, thread, conversationWithReply, message, phoneId };
}

describe("WhatsApp through the fake Graph API", () => {
  it("a customer's message opens a conversation; the reply goes out and its receipts come back", async () => {
    const s = await setup();
    const { c, messageId } = await s.conversationWithReply();
    expect(c.status).toBe("open");
    expect((await s.message(messageId)).delivery).toBe("pending");
    expect(await s.worker.runOnce()).toBe(1);
    const sent = live.fake.sent.filter((m) => m.channel === s.phoneId);
    expect(sent.length).toBe(1);
    expect(sent[0].to).toBe(s.from);
    expect(JSON.stringify(sent[0])).toContain("Kargoda, yarın elinizde 📦");
    const after = await s.message(messageId);
    expect(after.providerMessageId).toMatch(/^wamid\./);
    expect(["sent", "delivered", "read"]).toContain(after.delivery!);
    await live.settle();
    // Receipts that overtook the send being recorded wait and are applied on a retry.
    t.clock.advance(60_000);
    await processDueDeliveries(t.deps);
    const final = await s.message(messageId);
    expect(final.delivery).toBe("read");
    expect(final.readAt).not.toBeNull();
    expect((await t.db.select().from(outbox).where(eq(outbox.messageId, messageId)))[0].doneAt).not.toBeNull();
    // Nothing left to send: a second pass sends nothing again.
    expect(await s.worker.runOnce()).toBe(0);
    expect(live.fake.sent.filter((m) => m.channel === s.phoneId).length).toBe(1);
  });

  it("downloads an inbound image and a voice note into Kanal's storage", async () => {
    const s = await setup();
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 0xff, 0xd9]);
    // The first page of an Opus voice note: Kanal reads the type from the bytes, not from the sender's claim.
    const ogg = new Uint8Array([...new TextEncoder().encode("OggS"), 0, 2, ...new Array(20).fill(9), 1, 19, ...new TextEncoder().encode("OpusHead"), 1, 1, 0, 0]);
    await live.fake.pushWhatsAppMedia({ channel: s.channel.webhookKey, from: s.from, name: "Ayşe", kind: "image", bytes: jpeg, mimeType: "image/jpeg", caption: "Kutu hasarlı geldi" });
    await live.fake.pushWhatsAppMedia({ channel: s.channel.webhookKey, from: s.from, name: "Ayşe", kind: "voice", bytes: ogg, mimeType: "audio/ogg; codecs=opus" });
    await live.settle();
    const stored = await t.db.select().from(messages).where(and(eq(messages.channelId, s.channel.id), eq(messages.direction, "in"))).orderBy(messages.id);
    expect(stored.map((m) => m.kind)).toEqual(["image", "voice"]);
    expect(stored[0].body).toBe("Kutu hasarlı geldi");
    const files = await t.db.select().from(attachments).where(eq(attachments.orgId, s.w.orgId)).orderBy(attachments.id);
    expect(files.length).toBe(2);
    expect(files[0].messageId).toBe(stored[0].id);
    expect(files[0].contactId).not.toBeNull();
    const bytes = await storageFor(t.config).read(files[0].storageKey);
    expect(new Uint8Array(await bytes!.blob.arrayBuffer())).toEqual(jpeg);
    expect(files[1].mime).toStartWith("audio/ogg");
  });

  it("retries a rate limit, a 5xx and a network failure with backoff, then sends once", async () => {
    const s = await setup();
    const { messageId } = await s.conversationWithReply();
    for (const failure of ["rate-limit", "server-error", "network"] as const) {
      live.fake.failNext(failure, { to: s.from });
      await s.worker.runOnce();
      const [row] = await t.db.select().from(outbox).where(eq(outbox.messageId, messageId));
      expect(row.doneAt).toBeNull();
      expect(row.lockedUntil).toBeNull();
      expect(row.nextAttemptAt.getTime()).toBeGreaterThan(t.clock.now().getTime());
      expect((await s.message(messageId)).delivery).toBe("pending");
      // Not due yet: nothing is tried.
      expect(await s.worker.runOnce()).toBe(0);
      t.clock.advance(10 * 60_000);
    }
    const [row] = await t.db.select().from(outbox).where(eq(outbox.messageId, messageId));
    expect(row.lastError).toMatch(/network|Could not reach/);
    expect(await s.worker.runOnce()).toBe(1);
    expect((await s.message(messageId)).providerMessageId).toMatch(/^wamid\./);
    const accepted = live.fake.requests.filter((r) => r.operation === "send" && r.channel === s.phoneId && r.status === 200);
    expect(accepted.length).toBe(1);
  });

  it("fails at once with the provider's code and text for a closed window (sync) and an expired token, and a retry sends it", async () => {
    const s = await setup();
    const { c, messageId } = await s.conversationWithReply();
    live.fake.failNext("window", { to: s.from, mode: "sync" });
    await s.worker.runOnce();
    const failed = await s.message(messageId);
    expect(failed.delivery).toBe("failed");
    expect(failed.errorCode).toBe("131047");
    expect(failed.errorText).toContain("24 hours");
    await retryMessage(t.db, s.agent, c.id, messageId, t.clock.now());
    live.fake.failNext("token-expired", { to: s.from });
    await s.worker.runOnce();
    expect((await s.message(messageId)).errorCode).toBe("190");
    await retryMessage(t.db, s.agent, c.id, messageId, t.clock.now());
    await s.worker.runOnce();
    expect((await s.message(messageId)).delivery).not.toBe("failed");
  });

  it("shows a window closed after acceptance (async failed status) on the message", async () => {
    const s = await setup();
    const { messageId } = await s.conversationWithReply();
    live.fake.failNext("window", { to: s.from, mode: "async" });
    await s.worker.runOnce();
    await live.settle();
    // The failed status may overtake the send being recorded: it waits and is applied on a retry.
    t.clock.advance(60_000);
    await processDueDeliveries(t.deps);
    const m = await s.message(messageId);
    expect(m.delivery).toBe("failed");
    expect(m.errorCode).toBe("131047");
  });

  it("outside the 24-hour window refuses free text but sends an approved template", async () => {
    const s = await setup();
    const { c } = await s.conversationWithReply();
    await s.worker.runOnce();
    // Approved templates come from the WABA (the pending one is left out).
    const [row] = await t.db.select().from(channels).where(eq(channels.id, s.channel.id));
    expect(await syncTemplates(t.deps, row)).toBe(3);
    t.clock.advance(25 * 3_600_000);
    const agentPage = await t.signIn(s.w.agent.email, s.w.orgId);
    const page = (await agentPage.html(`/inbox/${c.id}`)).text;
    expect(page).toContain("WhatsApp only allows a template now");
    expect(page).toContain("Merhaba {{1}}, {{2}} numaralı siparişiniz kargoya verildi.");
    expect(page).not.toContain("promo_draft");
    const refused = await agentPage.post(`/inbox/${c.id}/reply`, { body: "Hâlâ orada mısınız?", as: "reply" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Hâlâ orada mısınız?");
    await expect(reply(t.db, s.agent, c.id, "Hâlâ orada mısınız?", t.clock.now())).rejects.toMatchObject({ reason: "outside_window" });
    await expect(sendTemplate(t.db, s.agent, c.id, { name: "nope", language: "tr", parameters: [] }, t.clock.now())).rejects.toMatchObject({ reason: "no_template" });
    const { messageId } = await sendTemplate(t.db, s.agent, c.id, { name: "order_update", language: "tr", parameters: ["Ayşe", "KN-10422"] }, t.clock.now());
    expect((await s.message(messageId)).body).toBe("Merhaba Ayşe, KN-10422 numaralı siparişiniz kargoya verildi.");
    await s.worker.runOnce();
    const last = live.fake.sent.filter((m) => m.channel === s.phoneId).at(-1)!;
    expect(JSON.stringify(last)).toContain("order_update");
  });

  it("sends an image with its caption and a voice note as a voice note, uploading each to the media endpoint", async () => {
    const s = await setup();
    const { c } = await s.conversationWithReply();
    await s.worker.runOnce();
    const storage = storageFor(t.config);
    const upload = async (bytes: Uint8Array, mime: string, filename: string) => {
      const key = `test/${crypto.randomUUID()}`;
      await storage.write(key, bytes, mime);
      const [row] = await t.db
        .insert(attachments)
        .values({ orgId: s.w.orgId, storageKey: key, filename, mime, size: bytes.length, sha256: "x", uploadedBy: s.w.agent.id, createdAt: t.clock.now() })
        .returning();
      return row.id;
    };
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
    const image = await upload(jpeg, "image/jpeg", "kutu.jpg");
    await reply(t.db, s.agent, c.id, { body: "Kutunun fotoğrafı", kind: "image", attachmentIds: [image] }, t.clock.now());
    const voice = await upload(new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2, 0, 0]), "audio/ogg", "voice-note.ogg");
    await reply(t.db, s.agent, c.id, { body: "", kind: "voice", attachmentIds: [voice] }, t.clock.now());
    await s.worker.runOnce();
    const sends = live.fake.sent.filter((m) => m.channel === s.phoneId).slice(-2);
    const [imageSend, voiceSend] = sends.map((m) => JSON.stringify(m));
    expect(imageSend).toContain('"caption":"Kutunun fotoğrafı"');
    expect(voiceSend).toContain('"voice":true');
    const uploads = live.fake.requests.filter((r) => r.operation === "upload" && r.channel === s.phoneId);
    expect(uploads.length).toBe(2);
  });
});
