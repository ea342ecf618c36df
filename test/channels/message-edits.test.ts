// Messenger and Instagram: a customer's edit (message_edit) replaces the text of the message it names,
// an unsend (message.is_deleted) marks it deleted with its text kept for audit only (out of the body,
// so out of search and previews), a shared link is shown as a link, and standby messages (another
// app holds the thread) are kept and marked. None of them is a new bubble, and none moves the
// conversation's queue, waiting time, window or unread.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { conversations, messages } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { findConversations } from "../../src/inbox/list";
import { noFilters } from "../../src/inbox/filters";
import { useTestApp } from "../support/app";
import { metaCustomer } from "./support/meta-customer";

const t = useTestApp();

async function setup(kind: "messenger" | "instagram") {
  const base = await metaCustomer(t, kind, "61");
  const { channel, own, customer, messaging, post } = base;
  const text = (mid: string, body: string, at: number) => ({ sender: { id: customer }, recipient: { id: own }, timestamp: at, message: { mid, text: body } });
  const edit = (mid: string, body: string, at: number, numEdit = 1) => ({ sender: { id: customer }, recipient: { id: own }, timestamp: at, message_edit: { mid, text: body, num_edit: numEdit } });
  const unsend = (mid: string, at: number) => ({ sender: { id: customer }, recipient: { id: own }, timestamp: at, message: { mid, is_deleted: true } });
  const conversationsOf = () => t.db.select().from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
  const stored = () => t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);
  return { ...base, text, edit, unsend, conversationsOf, stored, post, messaging };
}

for (const kind of ["messenger", "instagram"] as const) {
  describe(`${kind} edits and unsends`, () => {
    it("an edit replaces the text in place, keeps the earlier one, and leaves the conversation as it was", async () => {
      const s = await setup(kind);
      const at = Date.now() - 30 * 60_000;
      await s.post(s.messaging([s.text("m_edit_1", "Siparişim 1234", at), s.text("m_edit_2", "Ne zaman gelir?", at + 1000)]));
      const [before] = await s.conversationsOf();

      await s.post(s.messaging([s.edit("m_edit_1", "Siparişim 12345", at + 60_000)]));
      const [after] = await s.conversationsOf();
      expect(after).toEqual(before);
      const list = await s.stored();
      expect(list.map((m) => m.body)).toEqual(["Siparişim 12345", "Ne zaman gelir?"]);
      expect(list[0].metadata.edits).toEqual([{ body: "Siparişim 1234", at: new Date(at).toISOString() }]);

      // A second edit, then the first redelivered late: the latest text stays.
      await s.post(s.messaging([s.edit("m_edit_1", "Siparişim 123456", at + 120_000, 2)]));
      await s.post(s.messaging([s.edit("m_edit_1", "Siparişim 12345", at + 60_000)]));
      const [again] = await s.stored();
      expect(again.body).toBe("Siparişim 123456");
      expect((again.metadata.edits as unknown[]).length).toBe(2);

      const agent = await t.signIn(s.w.agent.email, s.w.orgId);
      const html = (await agent.html(`/inbox/${before.id}`)).text;
      expect(html).toContain("Siparişim 123456");
      expect(html).toContain('class="edited-mark" title="Edited by the customer; earlier text: Siparişim 12345"');
    });

    it("an unsend hides the text from the thread, keeps it for audit, and changes nothing else", async () => {
      const s = await setup(kind);
      const at = Date.now() - 10 * 60_000;
      await s.post(s.messaging([s.text("m_gone_1", "Kart numaram 4111 1111", at)]));
      const [before] = await s.conversationsOf();

      // Several entries in one body: the unsend and a new message from the same customer.
      await s.post({
        object: kind === "messenger" ? "page" : "instagram",
        entry: [
          { id: s.own, time: at + 5000, messaging: [s.unsend("m_gone_1", at + 5000)] },
          { id: s.own, time: at + 6000, messaging: [s.text("m_gone_2", "Yanlışlıkla yazdım", at + 6000)] },
        ],
      });
      const list = await s.stored();
      // The body is emptied; the text is kept beside the mark, for audit only.
      expect(list.map((m) => m.body)).toEqual(["", "Yanlışlıkla yazdım"]);
      expect(list[0].metadata.deleted).toEqual({ at: new Date(at + 5000).toISOString(), by: "customer", body: "Kart numaram 4111 1111" });
      const [after] = await s.conversationsOf();
      expect(after.id).toBe(before.id);
      expect(after.waitingSince).toEqual(before.waitingSince);
      expect(after.replyWindowEndsAt!.getTime()).toBeGreaterThan(before.replyWindowEndsAt!.getTime());

      const agent = await t.signIn(s.w.agent.email, s.w.orgId);
      const agentHtml = (await agent.html(`/inbox/${before.id}`)).text;
      expect(agentHtml).toContain("The customer deleted this message.");
      expect(agentHtml).not.toContain("4111");
      // Supervisors and admins may open the text for audit.
      const supervisor = await t.signIn(s.w.supervisor.email, s.w.orgId);
      const audit = (await supervisor.html(`/inbox/${before.id}`)).text;
      expect(audit).toContain("Deleted text (kept for audit)");
      expect(audit).toContain("Kart numaram 4111 1111");
    });

    it("an unsent message's text is found by no search and shown in no preview, while the thread says it was removed; an edit is found by its new text", async () => {
      const s = await setup(kind);
      const at = Date.now() - 20 * 60_000;
      await s.post(s.messaging([s.text("m_hy_1", "Merhaba, siparişim", at), s.text("m_hy_2", "Kartım 4111 2222 3333", at + 1000)]));
      await s.post(s.messaging([s.edit("m_hy_1", "Merhaba, siparişim KN-777", at + 2000)]));
      const [conversation] = await s.conversationsOf();
      const admin = (await actorFor(t.db, s.w.admin.id, s.w.orgId))!;
      const found = async (term: string) => (await findConversations(t.db, admin, { tab: "all", search: term, cursor: null, filters: noFilters })).items.map((c) => c.id);
      expect(await found("4111 2222")).toEqual([conversation.id]);
      expect(await found("KN-777")).toEqual([conversation.id]);

      await s.post(s.messaging([s.unsend("m_hy_2", at + 3000)]));
      expect(await found("4111 2222")).toEqual([]);
      expect(await found("KN-777")).toEqual([conversation.id]);
      expect((await s.conversationsOf())[0].lastMessagePreview).toBe("");

      // Delivered out of order, the older message last: the list keeps the latest one's text, and
      // the older one's unsend leaves it.
      await s.post(s.messaging([s.text("m_hy_4", "Yeni adresim Moda", at + 5000)]));
      await s.post(s.messaging([s.text("m_hy_3", "Eski adresim Kadıköy", at + 4000)]));
      expect((await s.conversationsOf())[0].lastMessagePreview).toBe("Yeni adresim Moda");
      await s.post(s.messaging([s.unsend("m_hy_3", at + 6000)]));
      expect((await s.conversationsOf())[0].lastMessagePreview).toBe("Yeni adresim Moda");
      expect(await found("Kadıköy")).toEqual([]);
      // The list page, searched as an agent sees it, shows neither text.
      const agent = await t.signIn(s.w.agent.email, s.w.orgId);
      for (const term of ["4111", "Kadıköy"]) expect((await agent.html(`/inbox?tab=all&q=${encodeURIComponent(term)}`)).text).not.toContain(term === "4111" ? "4111 2222" : "Eski adresim");

      // The thread still says each was removed; an agent reads no text of them, a supervisor may.
      const thread = (await agent.html(`/inbox/${conversation.id}`)).text;
      expect(thread.split("The customer deleted this message.").length - 1).toBe(2);
      expect(thread).not.toContain("4111");
      expect(thread).not.toContain("Eski adresim");
      expect(thread).toContain("Merhaba, siparişim KN-777");
      const supervisor = await t.signIn(s.w.supervisor.email, s.w.orgId);
      const audit = (await supervisor.html(`/inbox/${conversation.id}`)).text;
      expect(audit).toContain("<s>Kartım 4111 2222 3333</s>");
      expect(audit).toContain("<s>Eski adresim Kadıköy</s>");
    });

    it("an edit or unsend for a message never recorded opens nothing", async () => {
      const s = await setup(kind);
      await s.post(s.messaging([s.edit("m_unknown", "ne", Date.now()), s.unsend("m_unknown_2", Date.now())]));
      expect(await s.conversationsOf()).toEqual([]);
      expect(await s.stored()).toEqual([]);
    });

    it("standby messages are kept, marked, and start no wait", async () => {
      const s = await setup(kind);
      const at = Date.now() - 5 * 60_000;
      await s.post(s.messaging([s.text("m_sb_0", "Merhaba", at)]));
      const [opened] = await s.conversationsOf();
      await t.db.update(conversations).set({ waitingSince: null }).where(eq(conversations.id, opened.id));
      await s.post({ object: kind === "messenger" ? "page" : "instagram", entry: [{ id: s.own, time: at + 1000, standby: [s.text("m_sb_1", "Bot'a yazıyorum", at + 1000)] }] });
      const list = await s.stored();
      expect(list.map((m) => [m.body, m.metadata.standby ?? false])).toEqual([
        ["Merhaba", false],
        ["Bot'a yazıyorum", true],
      ]);
      const [after] = await s.conversationsOf();
      expect(after.waitingSince).toBeNull();
      const agent = await t.signIn(s.w.agent.email, s.w.orgId);
      expect((await agent.html(`/inbox/${opened.id}`)).text).toContain("Received while another app held the conversation");
    });
  });
}

describe("messenger link shares", () => {
  it("a shared link is one message with the text and the link, not 'cannot show'", async () => {
    const s = await setup("messenger");
    const at = Date.now();
    await s.post(
      s.messaging([
        {
          sender: { id: s.customer },
          recipient: { id: s.own },
          timestamp: at,
          message: { mid: "m_link_1", text: "Şuna bakar mısınız https://shop.example.com/p/42", attachments: [{ type: "fallback", payload: { url: "https://shop.example.com/p/42", title: "Mavi ceket" } }] },
        },
        {
          sender: { id: s.customer },
          recipient: { id: s.own },
          timestamp: at + 1,
          message: { mid: "m_link_2", attachments: [{ type: "template", payload: { template_type: "generic", elements: [{ title: "Kırmızı elbise", default_action: { type: "web_url", url: "https://shop.example.com/p/7" } }] } }] },
        },
      ]),
    );
    const list = await s.stored();
    expect(list.map((m) => [m.kind, m.body, m.metadata.link])).toEqual([
      ["text", "Şuna bakar mısınız https://shop.example.com/p/42", { url: "https://shop.example.com/p/42", title: "Mavi ceket" }],
      ["text", "", { url: "https://shop.example.com/p/7", title: "Kırmızı elbise" }],
    ]);
    const [conversation] = await s.conversationsOf();
    const agent = await t.signIn(s.w.agent.email, s.w.orgId);
    const html = (await agent.html(`/inbox/${conversation.id}`)).text;
    expect(html).toContain('<a href="https://shop.example.com/p/42" target="_blank" rel="noopener noreferrer nofollow">Mavi ceket</a>');
    expect(html).not.toContain("cannot show");
  });
});
