import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, contacts, conversations, customFields, messages, quickReplies } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { fillVariables } from "../../src/inbox/reply-variables";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function joinedConversation(fields: Record<string, unknown> = {}) {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905551112233", contactName: "Özge Yılmaz", body: "Siparişim nerede?", providerMessageId: `wamid.${crypto.randomUUID()}`, at: t.clock.now() });
  await t.db.insert(customFields).values({ orgId: w.orgId, key: "order_number", label: "Order number", type: "text" });
  const [conv] = await t.db.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, conversationId));
  await t.db.update(contacts).set({ customFields: fields }).where(eq(contacts.id, conv.contactId));
  const agent = await t.signIn(w.agent.email, w.orgId);
  await agent.post(`/inbox/${conversationId}/join`);
  return { w, conversationId, agent };
}

const sentBodies = (conversationId: number) =>
  t.db.select({ body: messages.body }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out"))).then((rows) => rows.map((r) => r.body));

describe("variables in replies and quick replies", () => {
  it("fills contact, agent, organization and CRM variables when the reply is sent", async () => {
    const { w, conversationId, agent } = await joinedConversation({ order_number: "TR-1042" });
    const res = await agent.post(`/inbox/${conversationId}/reply`, { body: "Hi {{contact.first_name}} ({{ contact.name }}), order {{crm.order_number}} is on its way. {{agent.name}}, {{organization.name}}", as: "reply" });
    expect(res.status).toBe(303);
    const [org] = (await agent.html(`/inbox/${conversationId}`)).text.match(/Acme \d+/)!;
    expect(await sentBodies(conversationId)).toEqual([`Hi Özge (Özge Yılmaz), order TR-1042 is on its way. Okan Agent, ${org}`]);
    expect(w.orgId).toBeGreaterThan(0);
  });

  it("a quick reply's variables are filled when it is sent with a click", async () => {
    const { w, conversationId, agent } = await joinedConversation({ order_number: "TR-7" });
    const [qr] = await t.db.insert(quickReplies).values({ orgId: w.orgId, title: "Shipped", body: "Dear {{contact.first_name}}, {{crm.order_number}} shipped." }).returning();
    // The composer previews it as it would go out here.
    const thread = await agent.html(`/inbox/${conversationId}`);
    expect(thread.text).toContain('title="Dear Özge, TR-7 shipped."');
    expect(thread.text).toContain('data-body="Dear {{contact.first_name}}, {{crm.order_number}} shipped."');
    expect((await agent.post(`/inbox/${conversationId}/quick-reply`, { quickReplyId: String(qr.id) })).status).toBe(303);
    expect(await sentBodies(conversationId)).toEqual(["Dear Özge, TR-7 shipped."]);
  });

  it("a variable with no value stops the send with a clear warning, and the text stays in the draft", async () => {
    const { w, conversationId, agent } = await joinedConversation({});
    const typed = await agent.post(`/inbox/${conversationId}/reply`, { body: "Order {{crm.order_number}} for {{contact.first_name}}", as: "reply" }, { htmx: true });
    expect(typed.status).toBe(422);
    const html = await typed.text();
    expect(html).toContain("Not sent: this conversation has no value for {{crm.order_number}}.");
    expect(html).toContain("Order {{crm.order_number}} for {{contact.first_name}}</textarea>");

    const [qr] = await t.db.insert(quickReplies).values({ orgId: w.orgId, title: "Where", body: "Your order {{crm.order_number}} and {{crm.unknown_field}}" }).returning();
    const thread = await agent.html(`/inbox/${conversationId}`);
    expect(thread.text).toContain("⚠ No value for {{crm.order_number}}, {{crm.unknown_field}}: fill it in by hand before sending.");
    const clicked = await agent.post(`/inbox/${conversationId}/quick-reply`, { quickReplyId: String(qr.id) });
    expect(clicked.status).toBe(422);
    const page = await clicked.text();
    expect(page).toContain("no value for {{crm.order_number}}, {{crm.unknown_field}}");
    expect(page).toContain("Your order {{crm.order_number}} and {{crm.unknown_field}}</textarea>");
    expect(await sentBodies(conversationId)).toEqual([]);

    // Turkish readers are told in Turkish.
    await agent.post("/me/locale", { locale: "tr" });
    const tr = await agent.post(`/inbox/${conversationId}/reply`, { body: "{{crm.order_number}}", as: "reply" }, { htmx: true });
    expect(await tr.text()).toContain("Gönderilmedi: bu konuşmada {{crm.order_number}} için değer yok.");
  });

  it("leaves WhatsApp template parameters and notes alone", async () => {
    expect(fillVariables("Hello {{1}}, {{contact.name}}", { "contact.name": "Ada" })).toEqual({ text: "Hello {{1}}, Ada", missing: [] });
    const { conversationId, agent } = await joinedConversation({});
    await agent.post(`/inbox/${conversationId}/reply`, { body: "remember {{crm.order_number}}", as: "note" });
    const [note] = await t.db.select({ body: messages.body }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "note")));
    expect(note.body).toBe("remember {{crm.order_number}}");
  });

  it("fills only from the conversation's own contact: another organization's conversation is not found", async () => {
    const { conversationId } = await joinedConversation({ order_number: "SECRET-1" });
    const other = await t.world("Other");
    const stranger = await t.signIn(other.agent.email, other.orgId);
    const res = await stranger.post(`/inbox/${conversationId}/reply`, { body: "{{crm.order_number}}", as: "reply" }, { htmx: true });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("SECRET-1");
  });
});
