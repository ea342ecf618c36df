// Click-to-WhatsApp and click-to-Messenger ads (and m.me links): the referral Meta sends with the
// customer's first message, or on its own, is kept on the conversation, shown above the thread and
// filterable in the inbox; it changes nothing else about the conversation.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversations, events, messages } from "@db/schema";
import { useTestApp } from "../support/app";
import { wamid, whatsappPayload } from "../support/channels";
import { readSse } from "../support/sse";
import { metaCustomer } from "./support/meta-customer";

const t = useTestApp();

const ctwa = {
  source_url: "https://fb.me/3cr4Wqqkv",
  source_id: "120210000000000001",
  source_type: "ad",
  headline: "Kışa özel %30 indirim",
  body: "Mont ve botlarda sezon sonu fırsatı",
  media_type: "image",
  image_url: "https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.jpg",
  ctwa_clid: "ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-ZABe",
};

describe("click-to-WhatsApp", () => {
  it("keeps the ad on the conversation, shows it above the thread, and the inbox filters by it", async () => {
    const s = await metaCustomer(t, "whatsapp", "71");
    const other = `905710009${String(Date.now()).slice(-3)}`;
    // Two customers in one body: one from the ad, one not.
    await s.post(
      whatsappPayload(s.own, {
        contacts: [
          { profile: { name: "Elif Kara" }, wa_id: s.customer },
          { profile: { name: "Can Öz" }, wa_id: other },
        ],
        messages: [
          { from: s.customer, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Bu indirim hâlâ geçerli mi?" }, referral: ctwa },
          { from: other, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Merhaba" } },
        ],
      }),
    );
    const list = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id)).orderBy(conversations.id);
    expect(list.length).toBe(2);
    const [fromAd, plain] = list;
    expect(fromAd.referral).toEqual({
      source: "ad",
      headline: "Kışa özel %30 indirim",
      body: "Mont ve botlarda sezon sonu fırsatı",
      sourceUrl: "https://fb.me/3cr4Wqqkv",
      sourceId: "120210000000000001",
      mediaType: "image",
      mediaUrl: "https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.jpg",
      clickId: ctwa.ctwa_clid,
    });
    expect(plain.referral).toBeNull();
    // The message itself is stored as any other, and the conversation waits as any other.
    const [first] = await t.db.select().from(messages).where(eq(messages.conversationId, fromAd.id));
    expect(first.body).toBe("Bu indirim hâlâ geçerli mi?");
    expect(fromAd.waitingSince).not.toBeNull();
    expect(fromAd.status).toBe("open");

    // A later ad click in the same conversation keeps the first one.
    await s.post(
      whatsappPayload(s.own, {
        contacts: [{ profile: { name: "Elif Kara" }, wa_id: s.customer }],
        messages: [{ from: s.customer, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Bir de bu" }, referral: { ...ctwa, headline: "Başka reklam" } }],
      }),
    );
    const [still] = await t.db.select().from(conversations).where(eq(conversations.id, fromAd.id));
    expect((still.referral as { headline: string }).headline).toBe("Kışa özel %30 indirim");

    const agent = await t.signIn(s.w.admin.email, s.w.orgId);
    const html = (await agent.html(`/inbox/${fromAd.id}`)).text;
    expect(html).toContain('class="referral-card"');
    expect(html).toContain("Came from an ad");
    expect(html).toContain("Kışa özel %30 indirim");
    expect(html).toContain('href="https://fb.me/3cr4Wqqkv"');
    expect((await agent.html(`/inbox/${plain.id}`)).text).not.toContain('class="referral-card"');

    const filtered = (await agent.html(`/inbox?tab=all&ad=1`)).text;
    expect(filtered).toContain(`/inbox/${fromAd.id}`);
    expect(filtered).not.toContain(`/inbox/${plain.id}?`);
  });
});

for (const kind of ["messenger", "instagram"] as const) {
  describe(`click-to-${kind}`, () => {
    const adReferral = { ref: "kis-kampanyasi", ad_id: "6045246247433", source: "ADS", type: "OPEN_THREAD", ads_context_data: { ad_title: "Kışa özel %30 indirim", photo_url: "https://scontent.xx.fbcdn.net/ad.jpg", post_id: "1234567890_987654321" } };

    it("a referral on the first message is kept on the conversation it opens", async () => {
      const s = await metaCustomer(t, kind, "72");
      await s.post(s.messaging([{ sender: { id: s.customer }, recipient: { id: s.own }, timestamp: Date.now(), message: { mid: "m_ref_1", text: "Fiyat nedir?", referral: adReferral } }]));
      const [c] = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
      expect(c.referral).toMatchObject({ source: "ad", headline: "Kışa özel %30 indirim", sourceId: "6045246247433", ref: "kis-kampanyasi", mediaType: "image" });
    });

    it("a referral of its own (an existing thread opened from an ad) is kept on the customer's conversation and opens nothing", async () => {
      const s = await metaCustomer(t, kind, "73");
      const at = Date.now() - 60_000;
      await s.post(s.messaging([{ sender: { id: s.customer }, recipient: { id: s.own }, timestamp: at, message: { mid: "m_ref_2", text: "Merhaba" } }]));
      const [before] = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
      await s.post(s.messaging([{ sender: { id: s.customer }, recipient: { id: s.own }, timestamp: at + 1000, referral: { ref: "qr-magaza", source: "SHORTLINK", type: "OPEN_THREAD" } }]));
      const after = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
      expect(after.length).toBe(1);
      expect(after[0]).toEqual({ ...before, referral: { source: "link", ref: "qr-magaza" } });
      expect((await t.db.select().from(messages).where(eq(messages.channelId, s.channel.id))).length).toBe(1);
    });

    it("a referral of its own is drawn live above the thread open on an agent's screen, once", async () => {
      const s = await metaCustomer(t, kind, "74");
      const at = Date.now() - 60_000;
      await s.post(s.messaging([{ sender: { id: s.customer }, recipient: { id: s.own }, timestamp: at, message: { mid: "m_ref_3", text: "Merhaba" } }]));
      const [c] = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
      const agent = await t.signIn(s.w.agent.email, s.w.orgId);
      expect((await agent.html(`/inbox/${c.id}?tab=all`)).text).not.toContain('class="referral-card"');
      const stream = await agent.get(`/events?view=inbox&tab=all&conversation=${c.id}`);
      await s.post(s.messaging([{ sender: { id: s.customer }, recipient: { id: s.own }, timestamp: at + 1000, referral: adReferral }]));
      const got = await readSse(stream, (m) => m.data.includes('hx-target="#referral-card"'));
      const frame = got.map((m) => m.data).find((d) => d.includes('hx-target="#referral-card"'))!;
      expect(frame).toContain("Came from an ad");
      expect(frame).toContain("Kışa özel %30 indirim");
      expect(frame).toContain('hx-target="#thread-head"');
      // A later click keeps the first referral: nothing changed, nothing is told.
      const before = await t.db.select().from(events).where(and(eq(events.conversationId, c.id), eq(events.type, "referral_kept")));
      expect(before.length).toBe(1);
      await s.post(s.messaging([{ sender: { id: s.customer }, recipient: { id: s.own }, timestamp: at + 2000, referral: { ref: "qr-magaza", source: "SHORTLINK", type: "OPEN_THREAD" } }]));
      expect((await t.db.select().from(events).where(and(eq(events.conversationId, c.id), eq(events.type, "referral_kept")))).length).toBe(1);
    });
  });
}
