import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, closingMessages, conversations, messages, outbox, quickReplies } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function conversationFromCustomer() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905551234567", contactName: "Özge", body: "Siparişim nerede?", providerMessageId: "wamid.1", at: t.clock.now() });
  return { w, conversationId };
}

describe("thread actions over HTTP", () => {
  it("shows Join session until the agent joins, then the composer; replies appear as pending", async () => {
    const { w, conversationId } = await conversationFromCustomer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const before = await agent.html(`/inbox/${conversationId}`);
    expect(before.text).toContain("Join session");
    expect(before.text).not.toContain(`id="composer-body"`);
    const joined = await agent.post(`/inbox/${conversationId}/join`, {}, { htmx: true });
    expect(joined.status).toBe(200);
    const html = await joined.text();
    expect(html.startsWith('<section class="thread" id="thread"')).toBe(true);
    expect(html).toContain(`id="composer-body"`);
    const sent = await agent.post(`/inbox/${conversationId}/reply`, { body: "Kargoya verildi!", as: "reply" }, { htmx: true });
    const thread = await sent.text();
    expect(thread).toContain("Kargoya verildi!");
    expect(thread).toContain("Pending");
  });

  it("works without JavaScript: plain posts redirect back to the conversation", async () => {
    const { w, conversationId } = await conversationFromCustomer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.post(`/inbox/${conversationId}/join`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/inbox/${conversationId}`);
    expect((await agent.post(`/inbox/${conversationId}/reply`, { body: "Hello", as: "reply" })).status).toBe(303);
    expect((await agent.html(`/inbox/${conversationId}`)).text).toContain("Hello");
  });

  it("keeps the draft and says why when a reply is refused", async () => {
    const { w, conversationId } = await conversationFromCustomer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const notJoined = await agent.post(`/inbox/${conversationId}/reply`, { body: "my careful draft", as: "reply" }, { htmx: true });
    expect(notJoined.status).toBe(422);
    // Not joined: the composer is not offered, but the reason is shown.
    expect(await notJoined.text()).toContain("Join the session before writing.");
    await agent.post(`/inbox/${conversationId}/join`, {}, { htmx: true });
    const tooLong = await agent.post(`/inbox/${conversationId}/reply`, { body: "x".repeat(4097), as: "reply" }, { htmx: true });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toContain("At most 4096 characters.");
    const empty = await agent.post(`/inbox/${conversationId}/reply`, { body: "   ", as: "reply" });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Write something first.");
  });

  it("a private note stays inside Kanal", async () => {
    const { w, conversationId } = await conversationFromCustomer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    await agent.post(`/inbox/${conversationId}/join`);
    await agent.post(`/inbox/${conversationId}/reply`, { body: "VIP, be gentle", as: "note" });
    const [note] = await t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "note")));
    expect(note.body).toBe("VIP, be gentle");
    expect(note.delivery).toBeNull();
  });

  it("assigns from the dropdown and closes with a closing message", async () => {
    const { w, conversationId } = await conversationFromCustomer();
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    await supervisor.post(`/inbox/${conversationId}/assign`, { target: `user:${w.agent2.id}` });
    expect((await t.db.select().from(conversations).where(eq(conversations.id, conversationId)))[0].assigneeId).toBe(w.agent2.id);
    await supervisor.post(`/inbox/${conversationId}/assign`, { target: `group:${w.workgroupId}` });
    expect((await t.db.select().from(conversations).where(eq(conversations.id, conversationId)))[0].workgroupId).toBe(w.workgroupId);
    expect((await supervisor.post(`/inbox/${conversationId}/assign`, { target: "user:'; drop table" })).status).toBe(422);
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    const agent2 = await t.signIn(w.agent2.email, w.orgId);
    const closed = await agent2.post(`/inbox/${conversationId}/close`, { closingMessageId: String(closing.id) }, { htmx: true });
    expect(closed.status).toBe(200);
    expect(await closed.text()).toContain("This conversation is closed.");
    const open = await agent2.html("/inbox?tab=assigned");
    expect(open.text).not.toContain(`conv-${conversationId}"`);
  });

  it("a failed send shows the provider's reason and can be retried", async () => {
    const { w, conversationId } = await conversationFromCustomer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    await agent.post(`/inbox/${conversationId}/join`);
    await agent.post(`/inbox/${conversationId}/reply`, { body: "Are you there?", as: "reply" });
    const [sent] = await t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out")));
    await t.db.update(outbox).set({ doneAt: t.clock.now(), attempts: 3, lastError: "131047" }).where(eq(outbox.messageId, sent.id));
    await t.db.update(messages).set({ delivery: "failed", errorCode: "131047", errorText: "Message failed to send because more than 24 hours have passed" }).where(eq(messages.id, sent.id));
    const thread = await agent.html(`/inbox/${conversationId}`);
    expect(thread.text).toContain("more than 24 hours have passed");
    expect(thread.text).toContain(`/messages/${sent.id}/retry`);
    const res = await agent.post(`/inbox/${conversationId}/messages/${sent.id}/retry`, {}, { htmx: true });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Pending");
    const [queued] = await t.db.select().from(outbox).where(eq(outbox.messageId, sent.id));
    expect(queued).toMatchObject({ attempts: 0, doneAt: null, lastError: null });
    const again = await agent.post(`/inbox/${conversationId}/messages/${sent.id}/retry`);
    expect(again.status).toBe(422);
  });

  it("quick replies above the composer send with a click, and agents add their own on the spot", async () => {
    const { w, conversationId } = await conversationFromCustomer();
    const [shared] = await t.db.insert(quickReplies).values({ orgId: w.orgId, title: "Kargo", body: "Kargonuz yolda!" }).returning();
    const [colleagues] = await t.db.insert(quickReplies).values({ orgId: w.orgId, userId: w.agent2.id, title: "İpek's", body: "— İpek" }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    await agent.post(`/inbox/${conversationId}/join`);
    const page = await agent.html(`/inbox/${conversationId}`);
    expect(page.text).toContain('data-body="Kargonuz yolda!"');
    expect(page.text).not.toContain("— İpek");
    const sent = await agent.post(`/inbox/${conversationId}/quick-reply`, { quickReplyId: String(shared.id) }, { htmx: true });
    expect(await sent.text()).toContain("Kargonuz yolda!");
    expect((await agent.post(`/inbox/${conversationId}/quick-reply`, { quickReplyId: String(colleagues.id) })).status).toBe(422);
    // Adding one on the spot: personal for an agent even when asking to share.
    const added = await agent.post(`/inbox/${conversationId}/quick-replies`, { title: "Teşekkür", body: "Teşekkürler!", shared: "1" }, { htmx: true });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain('data-body="Teşekkürler!"');
    const [mine] = await t.db.select().from(quickReplies).where(eq(quickReplies.title, "Teşekkür"));
    expect(mine.userId).toBe(w.agent.id);
    const blank = await agent.post(`/inbox/${conversationId}/quick-replies`, { title: "", body: "x" }, { htmx: true });
    expect(blank.status).toBe(422);
    expect(await blank.text()).toContain("Required.");
  });

  it("another organization gets 404 for every action", async () => {
    const { conversationId } = await conversationFromCustomer();
    const rival = await t.world("Rival");
    const admin = await t.signIn(rival.admin.email, rival.orgId);
    for (const [path, form] of [
      ["join", {}],
      ["reply", { body: "x", as: "reply" }],
      ["assign", { target: "none" }],
      ["close", { closingMessageId: "1" }],
    ] as const) {
      expect((await admin.post(`/inbox/${conversationId}/${path}`, form)).status).toBe(404);
    }
  });
});
