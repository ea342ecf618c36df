// A customer's file that cannot be fetched never holds its message back: the message (its caption)
// is stored and shown at once, the file is tried again with backoff a bounded number of times, then
// the message says "media unavailable" with a button to try again, which fetches it when it can.
// None of it moves the conversation (queue, waiting time, window, unread).
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { attachments, conversations, mediaDownloads, messages } from "@db/schema";
import { useTestApp } from "../support/app";
import { wamid, whatsappPayload } from "../support/channels";
import { metaCustomer } from "./support/meta-customer";
import { MAX_MEDIA_ATTEMPTS, processDueMediaDownloads } from "../../src/channels/media-downloads";

const t = useTestApp();
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
let failing = true;
let hits = 0;
let graph: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  // A Graph API whose media answers 500 while `failing`, then the URL and the bytes.
  graph = Bun.serve({
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      hits++;
      if (failing) return Response.json({ error: { message: "An unexpected error has occurred. Please retry your request later.", type: "OAuthException", code: 2, is_transient: true } }, { status: 500 });
      if (url.pathname.startsWith("/file/")) return new Response(PNG, { headers: { "content-type": "image/png" } });
      return Response.json({ messaging_product: "whatsapp", url: `${url.origin}/file${url.pathname}`, mime_type: "image/png", sha256: "x", file_size: String(PNG.length), id: url.pathname.split("/").pop() });
    },
  });
  t.config.META_GRAPH_URL = `http://localhost:${graph.port}`;
});
afterAll(() => graph?.stop(true));

describe("inbound media downloads", () => {
  it("stores the text at once, retries the file a bounded number of times, then offers a retry that fetches it", async () => {
    failing = true;
    const s = await metaCustomer(t, "whatsapp", "95");
    const image = (id: string, caption: string) => ({ from: s.customer, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "image", image: { caption, mime_type: "image/png", sha256: "9f2c", id } });
    // Two messages in one body: a text, and a picture whose file cannot be fetched.
    await s.post(
      whatsappPayload(s.own, {
        contacts: [{ profile: { name: "Derya" }, wa_id: s.customer }],
        messages: [{ from: s.customer, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Kutu hasarlı geldi" } }, image("1188000000000011", "Fotoğrafı burada")],
      }),
    );
    const stored = await t.db.select().from(messages).where(eq(messages.channelId, s.channel.id)).orderBy(messages.id);
    expect(stored.map((m) => [m.kind, m.body, m.metadata.media ?? null])).toEqual([
      ["text", "Kutu hasarlı geldi", null],
      ["image", "Fotoğrafı burada", "pending"],
    ]);
    const picture = stored[1];
    const [queued] = await t.db.select().from(mediaDownloads).where(eq(mediaDownloads.messageId, picture.id));
    expect(queued).toMatchObject({ attempts: 1, failedAt: null });
    const [before] = await t.db.select().from(conversations).where(eq(conversations.id, picture.conversationId));
    expect(before.waitingSince).not.toBeNull();

    // Tried again at its backoff until the last try, then unavailable.
    for (let i = 1; i < MAX_MEDIA_ATTEMPTS; i++) {
      t.clock.advance("31m");
      expect(await processDueMediaDownloads(t.deps)).toBe(1);
    }
    t.clock.advance("31m");
    expect(await processDueMediaDownloads(t.deps)).toBe(0);
    const [given] = await t.db.select().from(mediaDownloads).where(eq(mediaDownloads.messageId, picture.id));
    expect(given.attempts).toBe(MAX_MEDIA_ATTEMPTS);
    expect(given.failedAt).not.toBeNull();
    const [unavailable] = await t.db.select().from(messages).where(eq(messages.id, picture.id));
    expect(unavailable.metadata.media).toBe("unavailable");
    const [after] = await t.db.select().from(conversations).where(eq(conversations.id, picture.conversationId));
    expect(after).toEqual(before);

    const agent = await t.signIn(s.w.agent.email, s.w.orgId);
    const html = (await agent.html(`/inbox/${picture.conversationId}`)).text;
    expect(html).toContain("Media unavailable: the file could not be fetched from the provider.");
    expect(html).toContain("Fotoğrafı burada");
    expect(html).toContain(`action="/inbox/${picture.conversationId}/messages/${picture.id}/media-retry"`);

    // Another organization's admin cannot ask for it.
    const stranger = await t.world();
    const outsider = await t.signIn(stranger.admin.email, stranger.orgId);
    expect((await outsider.post(`/inbox/${picture.conversationId}/messages/${picture.id}/media-retry`, {}, { htmx: true })).status).toBe(404);

    // The provider is back: the agent's retry makes it due now, and the job fetches it.
    failing = false;
    const retried = await agent.post(`/inbox/${picture.conversationId}/messages/${picture.id}/media-retry`, {}, { htmx: true });
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain("The file is still being fetched from the provider.");
    expect(await processDueMediaDownloads(t.deps)).toBe(1);
    const [file] = await t.db.select().from(attachments).where(eq(attachments.messageId, picture.id));
    expect(file.mime).toBe("image/png");
    expect(await t.db.select().from(mediaDownloads).where(eq(mediaDownloads.messageId, picture.id))).toEqual([]);
    const [fetched] = await t.db.select().from(messages).where(eq(messages.id, picture.id));
    expect(fetched.metadata.media).toBeUndefined();
    expect((await t.db.select().from(conversations).where(eq(conversations.id, picture.conversationId)))[0]).toEqual(before);
    expect((await agent.html(`/inbox/${picture.conversationId}`)).text).not.toContain("Media unavailable");
  });

  it("a file fetched on the first try is attached at once and queues nothing", async () => {
    failing = false;
    hits = 0;
    const s = await metaCustomer(t, "whatsapp", "96");
    await s.post(
      whatsappPayload(s.own, {
        contacts: [{ profile: { name: "Derya" }, wa_id: s.customer }],
        messages: [{ from: s.customer, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "image", image: { mime_type: "image/png", sha256: "9f2c", id: "1188000000000099" } }],
      }),
    );
    const [m] = await t.db.select().from(messages).where(eq(messages.channelId, s.channel.id));
    expect(m.metadata.media).toBeUndefined();
    expect((await t.db.select().from(attachments).where(eq(attachments.messageId, m.id))).length).toBe(1);
    expect(await t.db.select().from(mediaDownloads).where(eq(mediaDownloads.messageId, m.id))).toEqual([]);
    expect(hits).toBe(2);
  });
});
