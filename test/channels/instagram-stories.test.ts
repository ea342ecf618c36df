// Instagram stories and shares as Meta's messaging webhooks write them: a story mention is a card
// whose picture comes from Meta's link while the story lives (never stored), a story reply quotes
// the story, a shared post or reel is one card with its link — one message per customer action.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { attachments, conversations, messages } from "@db/schema";
import { useTestApp } from "../support/app";
import { metaCustomer } from "./support/meta-customer";
import { useLiveChannels } from "./support/live-channels";

const t = useTestApp();
const live = useLiveChannels(t);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

async function setup() {
  const base = await metaCustomer(t, "instagram", "54");
  const { own, customer, messaging, newId, channel } = base;
  const event = (message: Record<string, unknown>, at = Date.now()) => ({ sender: { id: customer }, recipient: { id: own }, timestamp: at, message: { mid: newId(), ...message } });
  const conversationsOf = () => t.db.select().from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
  const stored = () => t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);
  const agent = () => t.signIn(base.w.agent.email, base.w.orgId);
  /** A story's media on the fake's CDN, as lookaside serves it. */
  const storyUrl = (bytes = JPEG, mime = "image/jpeg") => live.fake.mediaUrl(live.fake.putMedia(bytes, mime, own).id);
  return { ...base, event, conversationsOf, stored, agent, storyUrl, send: (...events: unknown[]) => base.post(messaging(events)) };
}

describe("Instagram story mentions", () => {
  it("is a card whose picture Kanal fetches from the story's link on each view and never stores; it opens the conversation as a message", async () => {
    const s = await setup();
    const url = s.storyUrl();
    await s.send(s.event({ attachments: [{ type: "story_mention", payload: { url } }] }));
    const [m] = await s.stored();
    expect(m).toMatchObject({ kind: "story", body: "", direction: "in" });
    expect(m.metadata.story).toMatchObject({ kind: "mention", url });
    expect(await t.db.$count(attachments, eq(attachments.messageId, m.id))).toBe(0);
    const [conversation] = await s.conversationsOf();
    expect(conversation).toMatchObject({ status: "open" });
    expect(conversation.waitingSince).not.toBeNull();

    const agent = await s.agent();
    const html = (await agent.html(`/inbox/${conversation.id}`)).text;
    expect(html).toContain('class="share-card story-card story-mention"');
    expect(html).toContain("Mentioned you in their story");
    expect(html).toContain(`<img src="/inbox/${conversation.id}/messages/${m.id}/story"`);
    expect(html).not.toContain("cannot show");

    const picture = await agent.get(`/inbox/${conversation.id}/messages/${m.id}/story`);
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe("image/jpeg");
    expect(picture.headers.get("cache-control")).toBe("private, no-store");
    expect(new Uint8Array(await picture.arrayBuffer())).toEqual(JPEG);

    // Another organization's agent gets nothing.
    const other = await t.world("Other");
    const stranger = await t.signIn(other.admin.email, other.orgId);
    expect((await stranger.get(`/inbox/${conversation.id}/messages/${m.id}/story`)).status).toBe(404);
  });

  it("reads as gone once the story has ended or its link stopped working", async () => {
    const s = await setup();
    // Mentioned 25 hours ago: the story is over (its link would still answer on the fake).
    await s.send(s.event({ attachments: [{ type: "story_mention", payload: { url: s.storyUrl() } }] }, t.clock.now().getTime() - 25 * 3600_000));
    // A second mention whose link no longer works (the customer deleted the story).
    await s.send(s.event({ attachments: [{ type: "story_mention", payload: { url: `${live.fake.url}/cdn/expired/0_n.jpg` } }] }));
    const [old, deleted] = await s.stored();
    const [conversation] = await s.conversationsOf();
    const agent = await s.agent();
    for (const m of [old, deleted]) {
      const answer = await agent.get(`/inbox/${conversation.id}/messages/${m.id}/story`);
      expect(answer.headers.get("content-type")).toBe("image/svg+xml");
      expect(await answer.text()).toContain("<tspan x=\"90\" dy=\"0\">This story is no</tspan><tspan x=\"90\" dy=\"20\">longer available.</tspan>");
    }
    expect((await agent.get(`/inbox/${conversation.id}/messages/${deleted.id}/story?play=1`)).status).toBe(404);
  });
});

describe("Instagram story replies and shares", () => {
  it("a story reply is the customer's text with the story it answers quoted above it", async () => {
    const s = await setup();
    const url = s.storyUrl();
    await s.send(s.event({ text: "Bu ceket hangi mağazada var?", reply_to: { story: { url, id: "17912345678901234" } } }));
    const [m] = await s.stored();
    expect(m).toMatchObject({ kind: "text", body: "Bu ceket hangi mağazada var?" });
    expect(m.metadata.story).toMatchObject({ kind: "reply", id: "17912345678901234", url });
    const [conversation] = await s.conversationsOf();
    const html = (await (await s.agent()).html(`/inbox/${conversation.id}`)).text;
    const bubble = html.slice(html.indexOf(`id="m-${m.id}"`));
    expect(bubble).toMatch(/Replied to your story[\s\S]*<img src="[^"]+\/story"[\s\S]*Bu ceket hangi mağazada var\?/);
  });

  it("a shared post (share + ig_post, as Meta sends since November 2025) with its text is one card; a reel likewise", async () => {
    const s = await setup();
    const post = { ig_post_media_id: "18139494541428835", title: "Yeni sezon ceketler 🧥", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=18139494541428835&signature=abc" };
    const at = Date.now() - 60_000;
    // One body, two entries: the post share with text, then a reel share whose text came as the next event.
    const first = s.messaging([s.event({ text: "Bunun M bedeni var mı?", attachments: [{ type: "share", payload: post }, { type: "ig_post", payload: post }] }, at)]) as any;
    const reel = { reel_video_id: "3342151234567890123", title: "Kombin önerileri", url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=3342151234567890123&signature=def" };
    const second = s.messaging([s.event({ attachments: [{ type: "ig_reel", payload: reel }] }, at + 1_000), s.event({ text: "Bu da güzel" }, at + 2_000)]) as any;
    first.entry.push(...second.entry);
    await s.post(first);

    const stored = await s.stored();
    expect(stored.map((m) => [m.kind, m.body])).toEqual([
      ["share", "Bunun M bedeni var mı?"],
      ["share", "Bu da güzel"],
    ]);
    expect(stored[0].metadata.share).toEqual({ kind: "post", mediaId: "18139494541428835", title: "Yeni sezon ceketler 🧥", url: post.url });
    expect(stored[1].metadata.share).toMatchObject({ kind: "reel", mediaId: "3342151234567890123" });
    const [conversation] = await s.conversationsOf();
    const html = (await (await s.agent()).html(`/inbox/${conversation.id}`)).text;
    expect(html).toContain("Shared a post");
    expect(html).toContain("Yeni sezon ceketler 🧥");
    expect(html).toContain(`href="${post.url.replace(/&/g, "&amp;")}"`);
    expect(html).toContain("Shared a reel");
    expect(html).not.toContain("cannot show");
  });

  it("an unsupported message names the Instagram app, not the phone", async () => {
    const s = await setup();
    await s.send(s.event({ is_unsupported: true }));
    const [conversation] = await s.conversationsOf();
    const html = (await (await s.agent()).html(`/inbox/${conversation.id}`)).text;
    expect(html).toContain("Open the conversation in the Instagram app to see it.");
    expect(html).not.toContain("on the phone");
  });
});
