// Messenger and Instagram Direct against the fake Graph API: names from the profile API, echoes
// kept as sent elsewhere, attachments fetched from their temporary URLs, replies tagged HUMAN_AGENT after 24 h.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { attachments, contacts, conversations, messages } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { joinConversation } from "../../src/inbox/joining";
import { reply } from "../../src/inbox/replies";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "./support/live-channels";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

for (const kind of ["messenger", "instagram"] as const) {
  describe(kind, () => {
    async function setup() {
      const w = await t.world();
      const pageId = `51000000${String(++seq).padStart(7, "0")}`;
      const channel = await live.channel(w.orgId, kind, pageId);
      const from = `71000000${String(seq).padStart(8, "0")}`;
      const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
      const push = kind === "messenger" ? live.fake.pushMessengerText : live.fake.pushInstagramText;
      const inbound = () => t.db.select().from(messages).where(and(eq(messages.channelId, channel.id), eq(messages.direction, "in"))).orderBy(messages.id);
      return { w, channel, pageId, from, agent, push, inbound };
    }

    it("stores a customer's text under the name from the profile API, once, and an echo as sent elsewhere", async () => {
      const s = await setup();
      await s.push({ channel: s.channel.webhookKey, from: s.from, name: "Selin Kaya", text: "Bu ürün stokta var mı? 🙂", duplicate: true });
      const echo = kind === "messenger" ? live.fake.pushMessengerEcho : live.fake.pushInstagramEcho;
      await echo({ channel: s.channel.webhookKey, to: s.from, text: "sent from the page elsewhere" });
      await live.settle();
      const stored = await s.inbound();
      expect(stored.map((m) => m.body)).toEqual(["Bu ürün stokta var mı? 🙂"]);
      const [elsewhere] = await t.db.select().from(messages).where(and(eq(messages.channelId, s.channel.id), eq(messages.direction, "out")));
      expect(elsewhere).toMatchObject({ body: "sent from the page elsewhere", authorId: null, metadata: { sentElsewhere: true } });
      const [c] = await t.db.select().from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(conversations.channelId, s.channel.id));
      expect(c.contacts.name).toBe("Selin Kaya");
    });

    it("fetches an attachment from its temporary URL", async () => {
      const s = await setup();
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7]);
      const attach = kind === "messenger" ? live.fake.pushMessengerAttachment : live.fake.pushInstagramAttachment;
      await attach({ channel: s.channel.webhookKey, from: s.from, name: "Okan", type: "image", bytes: png, mimeType: "image/png" });
      await live.settle();
      const [m] = await s.inbound();
      expect(m.kind).toBe("image");
      const [file] = await t.db.select().from(attachments).where(eq(attachments.messageId, m.id));
      expect(file.size).toBe(png.length);
      expect(file.mime).toBe("image/png");
    });

    it("never fetches an attachment URL off Meta's hosts, even in a correctly signed payload", async () => {
      const s = await setup();
      let hits = 0;
      const internal = Bun.serve({ port: 0, fetch: () => (hits++, new Response("secret internal data")) });
      const events = kind === "messenger" ? live.fake.pushMessenger : live.fake.pushInstagram;
      const mid = `m_ssrf_${crypto.randomUUID()}`;
      await events(
        [{ sender: { id: s.from }, recipient: { id: s.pageId }, timestamp: Date.now(), message: { mid, attachments: [{ type: "image", payload: { url: `http://127.0.0.1:${internal.port}/latest/meta-data` } }] } }],
        { channel: s.channel.webhookKey },
      );
      await live.settle();
      internal.stop(true);
      expect(hits).toBe(0);
      const [m] = await s.inbound();
      expect(m.providerMessageId).toBe(mid);
      expect(String(m.metadata.mediaError)).toContain("bad_media_url");
      expect(await t.db.$count(attachments, eq(attachments.messageId, m.id))).toBe(0);
    });

    it("answers as RESPONSE within 24 h and with the HUMAN_AGENT tag up to 7 days; refuses after", async () => {
      const s = await setup();
      await s.push({ channel: s.channel.webhookKey, from: s.from, name: "İpek", text: "Merhaba" });
      await live.settle();
      const [c] = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
      await joinConversation(t.db, s.agent, c.id, t.clock.now());
      await reply(t.db, s.agent, c.id, "Hemen bakıyorum", t.clock.now());
      await t.app.runtime.outbox.runOnce();
      t.clock.advance(3 * 24 * 3_600_000);
      const { messageId } = await reply(t.db, s.agent, c.id, "Üç gün sonra yazıyorum", t.clock.now());
      await t.app.runtime.outbox.runOnce();
      const sends = live.fake.sent.filter((m) => m.channel === s.pageId);
      expect(sends.length).toBe(2);
      expect(JSON.stringify(sends[0])).toContain("RESPONSE");
      expect(JSON.stringify(sends[1])).toContain("HUMAN_AGENT");
      const [late] = await t.db.select().from(messages).where(eq(messages.id, messageId));
      expect(late.providerMessageId).toBeTruthy();
      t.clock.advance(5 * 24 * 3_600_000);
      await expect(reply(t.db, s.agent, c.id, "Bir hafta sonra", t.clock.now())).rejects.toMatchObject({ reason: "outside_window" });
      await live.settle();
    });
  });
}
