// Answering comments through the real app and the fake Graph API: public replies and private
// replies through the outbox (with Meta's refusals shown on the message), one private reply per
// comment within 7 days into the contact's chat, hide/unhide/delete, and another organization's
// agent kept out of all of it.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { contactIdentities, conversations, messages } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { joinConversation } from "../../src/inbox/joining";
import { reply } from "../../src/inbox/replies";
import { replyPrivately } from "../../src/comments/replies";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

for (const kind of ["messenger", "instagram"] as const) {
  describe(`${kind} comment replies`, () => {
    async function setup() {
      const w = await t.world();
      const pageId = `54000000${String(++seq).padStart(7, "0")}`;
      const channel = await live.channel(w.orgId, kind, pageId);
      const from = `74000000${String(seq).padStart(8, "0")}`;
      const { comment } = await live.fake.pushComment({ kind, channel: pageId, from, name: "Elif", text: "Kargo ne zaman?", post: "Yeni ürün" });
      await live.settle();
      const [thread] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
      const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
      await joinConversation(t.db, agent, thread.id, t.clock.now());
      const client = await t.signIn(w.agent.email, w.orgId);
      return { w, channel, pageId, from, comment, thread, agent, client };
    }
    const outOf = (conversationId: number) => t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out"))).orderBy(messages.id);

    it("replies publicly under the comment through the outbox", async () => {
      const s = await setup();
      const res = await s.client.post(`/inbox/${s.thread.id}/comments/reply`, { as: "public", body: "Yarın kargoda!" }, { htmx: true });
      expect(res.status).toBe(200);
      await t.app.runtime.outbox.runOnce();
      const [sent] = await outOf(s.thread.id);
      expect(sent).toMatchObject({ delivery: "sent", body: "Yarın kargoda!", metadata: expect.objectContaining({ commentReply: "public", replyToCommentId: s.comment.id }) });
      expect(live.fake.comments.comments.get(s.comment.id)!.replies.map((r) => r.text)).toEqual(["Yarın kargoda!"]);
      const call = live.fake.requests.find((r) => r.operation === "comment-reply" && r.path.includes(s.comment.id))!;
      expect(call.path).toContain(kind === "messenger" ? `/${s.comment.id}/comments` : `/${s.comment.id}/replies`);
      // The Page's own comment that Meta then reports is not a customer's.
      await live.settle();
      expect(await t.db.$count(messages, and(eq(messages.conversationId, s.thread.id), eq(messages.direction, "in")))).toBe(1);
    });

    it("shows Meta's refusal of a public reply on the message, with a retry", async () => {
      const s = await setup();
      live.fake.comments.comments.get(s.comment.id)!.deleted = true;
      await reply(t.db, s.agent, s.thread.id, "Cevap", t.clock.now());
      await t.app.runtime.outbox.runOnce();
      const [failed] = await outOf(s.thread.id);
      expect(failed).toMatchObject({ delivery: "failed", errorCode: "100" });
      const page = (await s.client.html(`/inbox/${s.thread.id}`)).text;
      expect(page).toContain("does not exist");
      expect(page).toContain(`/messages/${failed.id}/retry`);
    });

    it("replies privately once, into the contact's chat opened for the agent, and links it", async () => {
      const s = await setup();
      const res = await s.client.post(`/inbox/${s.thread.id}/comments/reply`, { as: "private", body: "Sipariş numaranızı yazar mısınız?" }, { htmx: true });
      expect(res.status).toBe(200);
      const html = await res.text();
      const [chat] = await t.db.select().from(conversations).where(and(eq(conversations.channelId, s.channel.id), eq(conversations.type, "chat")));
      expect(chat).toMatchObject({ status: "open", assigneeId: s.w.agent.id, contactId: s.thread.contactId, startedBy: "agent" });
      expect(html).toContain(`/inbox/${chat.id}`);
      await t.app.runtime.outbox.runOnce();
      const [dm] = await outOf(chat.id);
      expect(dm).toMatchObject({ delivery: "sent", body: "Sipariş numaranızı yazar mısınız?", metadata: expect.objectContaining({ commentReply: "private", replyToCommentId: s.comment.id }) });
      expect(live.fake.comments.comments.get(s.comment.id)!.privateReply).toBe(dm.providerMessageId!);
      // The commenter's answer in the chat lands in that chat.
      const push = kind === "messenger" ? live.fake.pushMessengerText : live.fake.pushInstagramText;
      await push({ channel: s.channel.webhookKey, from: s.from, text: "12345" });
      await live.settle();
      const [answer] = await t.db.select().from(messages).where(and(eq(messages.channelId, s.channel.id), eq(messages.body, "12345")));
      expect(answer.conversationId).toBe(chat.id);
      // One private reply per comment.
      const again = await s.client.post(`/inbox/${s.thread.id}/comments/reply`, { as: "private", body: "Tekrar" }, { htmx: true });
      expect(again.status).toBe(422);
      expect(await again.text()).toContain("already has its private reply");
    });

    it("refuses a private reply after 7 days, and when the contact's chat is open elsewhere", async () => {
      const s = await setup();
      t.clock.advance(8 * 24 * 3_600_000);
      await expect(replyPrivately(t.db, s.agent, s.thread.id, { body: "Geç" }, t.clock.now())).rejects.toThrow("reply_too_late");
      t.clock.advance(-8 * 24 * 3_600_000);
      const other = await t.db.insert(conversations).values({ orgId: s.w.orgId, contactId: s.thread.contactId, channelId: s.w.supportChannelId, createdAt: t.clock.now() }).returning();
      await expect(replyPrivately(t.db, s.agent, s.thread.id, { body: "Başka kanal" }, t.clock.now())).rejects.toThrow("open_elsewhere");
      await t.db.delete(conversations).where(eq(conversations.id, other[0].id));
    });

    it("hides, unhides and deletes the comment at the provider; a refusal is shown", async () => {
      const s = await setup();
      const [m] = await t.db.select().from(messages).where(eq(messages.providerMessageId, s.comment.id));
      expect((await s.client.post(`/inbox/${s.thread.id}/comments/${m.id}/hide`, {}, { htmx: true })).status).toBe(200);
      expect(live.fake.comments.comments.get(s.comment.id)!.hidden).toBe(true);
      let html = await (await s.client.post(`/inbox/${s.thread.id}/comments/${m.id}/unhide`, {}, { htmx: true })).text();
      expect(live.fake.comments.comments.get(s.comment.id)!.hidden).toBe(false);
      expect(html).toContain(`/comments/${m.id}/hide`);
      expect((await s.client.post(`/inbox/${s.thread.id}/comments/${m.id}/delete`, {}, { htmx: true })).status).toBe(200);
      expect(live.fake.comments.comments.get(s.comment.id)!.deleted).toBe(true);
      const [after] = await t.db.select().from(messages).where(eq(messages.id, m.id));
      expect(after.metadata).toMatchObject({ deleted: true, hidden: false });
      html = (await s.client.html(`/inbox/${s.thread.id}`)).text;
      expect(html).toContain("Deleted");
      // Deleted: nothing left to hide, and Kanal says why.
      const refused = await s.client.post(`/inbox/${s.thread.id}/comments/${m.id}/hide`, {}, { htmx: true });
      expect(refused.status).toBe(422);
      // At the provider: a comment gone there (deleted elsewhere) is refused with Meta's code.
      const second = await live.fake.pushComment({ kind, channel: s.pageId, from: s.from, text: "İkinci", post: s.comment.postId });
      await live.settle();
      live.fake.comments.comments.get(second.comment.id)!.deleted = true;
      const [m2] = await t.db.select().from(messages).where(eq(messages.providerMessageId, second.comment.id));
      const gone = await s.client.post(`/inbox/${s.thread.id}/comments/${m2.id}/hide`, {}, { htmx: true });
      expect(gone.status).toBe(422);
      expect(await gone.text()).toContain("(100)");
    });

    it("keeps another organization's agent out: no reply, no moderation, no post picture", async () => {
      const s = await setup();
      const attacker = await t.world("Rival");
      const client = await t.signIn(attacker.admin.email, attacker.orgId);
      const [m] = await t.db.select().from(messages).where(eq(messages.providerMessageId, s.comment.id));
      expect((await client.post(`/inbox/${s.thread.id}/comments/reply`, { as: "private", body: "x" }, { htmx: true })).status).toBe(404);
      expect((await client.post(`/inbox/${s.thread.id}/comments/${m.id}/delete`, {}, { htmx: true })).status).toBe(404);
      expect((await client.get(`/inbox/${s.thread.id}/post-image`)).status).toBe(404);
      expect(live.fake.comments.comments.get(s.comment.id)!.deleted).toBe(false);
      expect(await t.db.$count(messages, eq(messages.conversationId, s.thread.id))).toBe(1);
    });
  });
}

describe("identities", () => {
  it("a private reply's recipient id joins the commenter's contact", async () => {
    const w = await t.world();
    const pageId = `54990000${String(++seq).padStart(7, "0")}`;
    const channel = await live.channel(w.orgId, "messenger", pageId);
    const { comment } = await live.fake.pushComment({ kind: "messenger", channel: pageId, from: "7499000000000001", name: "Ada", text: "Soru", post: "Gönderi" });
    await live.settle();
    // Facebook names a commenter differently from their Messenger PSID: the answer says which.
    live.fake.comments.comments.get(comment.id)!.from.id = "7499000000000999";
    const [thread] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    await joinConversation(t.db, agent, thread.id, t.clock.now());
    await replyPrivately(t.db, agent, thread.id, { body: "Merhaba Ada" }, t.clock.now());
    await t.app.runtime.outbox.runOnce();
    const ids = await t.db.select({ externalId: contactIdentities.externalId }).from(contactIdentities).where(eq(contactIdentities.contactId, thread.contactId)).orderBy(contactIdentities.id);
    expect(ids.map((i) => i.externalId)).toEqual(["7499000000000001", "7499000000000999"]);
  });
});
