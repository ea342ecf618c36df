// Comment webhooks as Meta sends them (Page `feed`, Instagram `comments`) through the real route:
// one thread per commenter and post with its post, edits and removals shown, the Page's own comment
// and duplicates left out, several changes in one body, the same contact as the person's DMs.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { commentPosts, contacts, conversations, messages } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { findConversations } from "../../src/inbox/list";
import { noFilters } from "../../src/inbox/filters";
import { markAsSpam } from "../../src/inbox/spam";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

for (const kind of ["messenger", "instagram"] as const) {
  describe(`${kind} comments`, () => {
    async function setup() {
      const w = await t.world();
      const pageId = `52000000${String(++seq).padStart(7, "0")}`;
      const channel = await live.channel(w.orgId, kind, pageId);
      const from = `72000000${String(seq).padStart(8, "0")}`;
      const threads = () => t.db.select().from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
      const comment = (m: { text?: string; post?: string; from?: string; name?: string; verb?: "add" | "edited" | "remove" | "hide" | "unhide"; commentId?: string; duplicate?: boolean }) =>
        live.fake.pushComment({ kind, channel: pageId, from, name: "Selin Kaya", ...m });
      return { w, channel, pageId, from, threads, comment };
    }

    it("makes one comment thread per commenter and post, with the post's text, link and picture; duplicates are stored once", async () => {
      const s = await setup();
      const first = await s.comment({ text: "Fiyatı nedir?", post: "Yaz koleksiyonu geldi", duplicate: true });
      expect(first.status).toBe(200);
      await s.comment({ text: "Bedenler?", post: first.post.id });
      await s.comment({ text: "Başka bir gönderi", post: "Kış indirimi" });
      await live.settle();
      const threads = await s.threads();
      expect(threads.map((c) => [c.type, c.status])).toEqual([["comment", "open"], ["comment", "open"]]);
      const bodies = await t.db.select({ body: messages.body, conversationId: messages.conversationId }).from(messages).where(eq(messages.channelId, s.channel.id)).orderBy(messages.id);
      expect(bodies.filter((m) => m.conversationId === threads[0].id).map((m) => m.body)).toEqual(["Fiyatı nedir?", "Bedenler?"]);
      const [post] = await t.db.select().from(commentPosts).where(eq(commentPosts.id, threads[0].postId!));
      expect(post).toMatchObject({ providerPostId: first.post.id, body: "Yaz koleksiyonu geldi", permalink: first.post.permalink, imageMime: "image/png" });
      // The thread shows it, and the picture is served to whoever may see the thread.
      const admin = await t.signIn(s.w.admin.email, s.w.orgId);
      const page = (await admin.html(`/inbox/${threads[0].id}`)).text;
      expect(page).toContain("Yaz koleksiyonu geldi");
      expect(page).toContain(first.post.permalink);
      const image = await admin.get(`/inbox/${threads[0].id}/post-image`);
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");
    });

    it("leaves out the Page's or account's own comment, and reads several changes in one body", async () => {
      const s = await setup();
      const other = `73000000${String(seq).padStart(8, "0")}`;
      const { status } = await live.fake.pushComments([
        { kind, channel: s.pageId, from: s.from, name: "Selin", text: "Bir", post: "Tek gönderi" },
        { kind, channel: s.pageId, from: other, name: "Murat", text: "İki", post: "Tek gönderi" },
        { kind, channel: s.pageId, from: s.pageId, name: "Our Page", text: "Teşekkürler!", post: "Tek gönderi" },
      ]);
      expect(status).toBe(200);
      await live.settle();
      const threads = await s.threads();
      expect(threads).toHaveLength(2);
      const names = await t.db.select({ name: contacts.name }).from(contacts).innerJoin(conversations, eq(conversations.contactId, contacts.id)).where(eq(conversations.channelId, s.channel.id)).orderBy(contacts.name);
      expect(names.map((n) => n.name)).toEqual(["Murat", "Selin"]);
      expect(await t.db.$count(messages, and(eq(messages.channelId, s.channel.id), eq(messages.body, "Teşekkürler!")))).toBe(0);
    });

    it("is the same contact as the person's direct messages, beside their open chat", async () => {
      const s = await setup();
      const dm = kind === "messenger" ? live.fake.pushMessengerText : live.fake.pushInstagramText;
      await dm({ channel: s.channel.webhookKey, from: s.from, name: "Selin Kaya", text: "Merhaba" });
      await live.settle();
      await s.comment({ text: "Gönderiye yorum", post: "Ürün tanıtımı" });
      await live.settle();
      const threads = await s.threads();
      expect(threads.map((c) => [c.type, c.status])).toEqual([["chat", "open"], ["comment", "open"]]);
      expect(threads[0].contactId).toBe(threads[1].contactId);
      // The chat goes on in the chat, the comment in its thread.
      await dm({ channel: s.channel.webhookKey, from: s.from, text: "Yine ben" });
      await live.settle();
      const [last] = await t.db.select({ conversationId: messages.conversationId }).from(messages).where(and(eq(messages.body, "Yine ben"), eq(messages.channelId, s.channel.id)));
      expect(last.conversationId).toBe(threads[0].id);
    });

    it("the type filter's Comment choice finds comment threads, and only them", async () => {
      const s = await setup();
      await s.comment({ text: "Filtre", post: "Filtre gönderisi" });
      await live.settle();
      const actor = (await actorFor(t.db, s.w.admin.id, s.w.orgId))!;
      const found = await findConversations(t.db, actor, { tab: "all", filters: { ...noFilters, types: ["comment"] } });
      const [thread] = await s.threads();
      expect(found.items.map((r) => r.id)).toEqual([thread.id]);
      const admin = await t.signIn(s.w.admin.email, s.w.orgId);
      expect((await admin.html("/inbox?tab=all&type=comment")).text).toContain("Selin Kaya");
      expect((await admin.html("/inbox?tab=all&type=spam")).text).not.toContain("Selin Kaya");
    });

    it("a blocked contact's comments are stored in its spam conversation", async () => {
      const s = await setup();
      await s.comment({ text: "Spam yorum", post: "Kampanya" });
      await live.settle();
      const [thread] = await s.threads();
      const actor = (await actorFor(t.db, s.w.admin.id, s.w.orgId))!;
      await markAsSpam(t.db, actor, thread.id, t.clock.now());
      await s.comment({ text: "Yine spam", post: "Kampanya" });
      await live.settle();
      const [stored] = await t.db.select({ conversationId: messages.conversationId }).from(messages).where(and(eq(messages.body, "Yine spam"), eq(messages.channelId, s.channel.id)));
      const [where] = await t.db.select().from(conversations).where(eq(conversations.id, stored.conversationId));
      expect(where).toMatchObject({ type: "spam", status: "closed" });
    });
  });
}

describe("Facebook comment changes", () => {
  it("shows an edit and a removal by the author, and a hide from the Page's side", async () => {
    const w = await t.world();
    const pageId = `52990000${String(++seq).padStart(7, "0")}`;
    const channel = await live.channel(w.orgId, "messenger", pageId);
    const from = "7299000000000001";
    const { comment } = await live.fake.pushComment({ kind: "messenger", channel: pageId, from, name: "Deniz", text: "Ilk hali", post: "Düzenleme" });
    await live.fake.pushComment({ kind: "messenger", channel: pageId, verb: "edited", commentId: comment.id, text: "İlk hali (düzeltildi)" });
    await live.settle();
    const read = async () => (await t.db.select().from(messages).where(and(eq(messages.channelId, channel.id), eq(messages.providerMessageId, comment.id))))[0];
    expect(await read()).toMatchObject({ body: "İlk hali (düzeltildi)", metadata: expect.objectContaining({ edited: true, commentId: comment.id }) });
    await live.fake.pushComment({ kind: "messenger", channel: pageId, verb: "hide", commentId: comment.id });
    await live.fake.pushComment({ kind: "messenger", channel: pageId, verb: "remove", commentId: comment.id, duplicate: true });
    await live.settle();
    expect((await read()).metadata).toMatchObject({ edited: true, hidden: true, removed: true });
    // Only one message for the comment, whatever was sent twice.
    expect(await t.db.$count(messages, eq(messages.channelId, channel.id))).toBe(1);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const [thread] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    const page = (await admin.html(`/inbox/${thread.id}`)).text;
    expect(page).toContain("Removed by its author");
    expect(page).toContain("edited");
  });
});
