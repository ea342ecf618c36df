import { describe, expect, it } from "bun:test";
import { and, eq, isNotNull } from "drizzle-orm";
import { channels, contactIdentities, contacts, conversations, events, messages, outbox } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { useTestApp } from "../support/app";

const t = useTestApp();
const TEMPLATES = { templates: [{ name: "order_update", language: "tr", body: "Merhaba {{1}}, siparişiniz {{2}} yolda.", params: 2 }] };

async function setup(options: { agentsSeeOnlyOwn?: boolean } = {}) {
  const w = await t.world("Acme", options);
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WhatsApp", webhookKey: newWebhookKey(), config: TEMPLATES }).returning();
  const [web] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Site chat", webhookKey: newWebhookKey() }).returning();
  return { w, wa, web };
}

describe("new conversation from the inbox", () => {
  it("writes first to a new phone number on WhatsApp: a template outside the window, assigned to the agent, one contact with its identity", async () => {
    const { w, wa } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.html("/inbox")).text).toContain("New conversation");
    const form = await agent.html(`/inbox/new?phone=${encodeURIComponent("+90 532 111 22 33")}&channelId=${wa.id}`);
    expect(form.text).toContain("the first message must be an approved template");

    // Free text is refused outside the window, and nothing is left behind.
    const text = await agent.post("/inbox/new", { phone: "+90 532 111 22 33", name: "Deniz", channelId: String(wa.id), body: "Hello!" });
    expect(text.status).toBe(422);
    expect(await text.text()).toContain("choose an approved template");
    expect(await t.db.select().from(contacts).where(and(eq(contacts.orgId, w.orgId), isNotNull(contacts.phone)))).toHaveLength(0);

    const res = await agent.post("/inbox/new", { phone: "+90 532 111 22 33", name: "Deniz", channelId: String(wa.id), template: "order_update|tr", param: ["Deniz", "A-100"] });
    expect(res.status).toBe(303);
    const [contact] = await t.db.select().from(contacts).where(and(eq(contacts.orgId, w.orgId), isNotNull(contacts.phone)));
    expect(contact).toMatchObject({ name: "Deniz", phone: "+905321112233", ownerId: w.agent.id });
    const [identity] = await t.db.select().from(contactIdentities).where(eq(contactIdentities.contactId, contact.id));
    expect(identity).toMatchObject({ channelId: wa.id, externalId: "905321112233" });
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.contactId, contact.id));
    expect(res.headers.get("location")).toBe(`/inbox/${conv.id}?tab=assigned`);
    expect(conv).toMatchObject({ status: "open", assigneeId: w.agent.id, startedBy: "agent", channelId: wa.id });
    const [message] = await t.db.select().from(messages).where(eq(messages.conversationId, conv.id));
    expect(message).toMatchObject({ kind: "template", direction: "out", body: "Merhaba Deniz, siparişiniz A-100 yolda.", delivery: "pending" });
    expect(await t.db.select().from(outbox).where(eq(outbox.messageId, message.id))).toHaveLength(1);
    // The events other agents' lists are drawn from live.
    const types = (await t.db.select({ type: events.type }).from(events).where(eq(events.conversationId, conv.id))).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["conversation_created", "assigned", "message_created"]));
    // Nobody was waiting: the agent's opening message is not a first response for the cockpit.
    expect(types).not.toContain("first_response");
  });

  it("checks the number in E.164 and says how to write it, keeping what was typed", async () => {
    const { w, wa } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.post("/inbox/new", { phone: "0532 111", channelId: String(wa.id), body: "Hi there" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("international form");
    expect(html).toContain('value="0532 111"');
    expect(await t.db.select().from(contacts).where(and(eq(contacts.orgId, w.orgId), isNotNull(contacts.phone)))).toHaveLength(0);
  });

  it("a phone number is written to on WhatsApp only", async () => {
    const { w, web } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.post("/inbox/new", { phone: "+905321112233", channelId: String(web.id), body: "Hi" });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("WhatsApp only");
  });

  it("sends free text to a contact who wrote within the window (in an earlier conversation), and opens the open one instead of a second", async () => {
    const { w, wa } = await setup();
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Ece", phone: "+905551112233" }).returning();
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: contact.id, channelId: wa.id, status: "closed", lastInboundAt: new Date(t.clock.now().getTime() - 2 * 3600_000) });
    const agent = await t.signIn(w.agent.email, w.orgId);
    // The contact page's "Start conversation" leads here, to write the first message.
    const contactPage = await (await agent.get(`/contacts/${contact.id}`)).text();
    expect(contactPage).toContain('action="/inbox/new"');
    expect(contactPage).toContain(`name="contactId" value="${contact.id}"`);
    expect((await agent.html(`/inbox/new?contactId=${contact.id}&channelId=${wa.id}`)).text).toContain("allows a free message");
    const res = await agent.post("/inbox/new", { contactId: String(contact.id), channelId: String(wa.id), body: "Your order is ready." });
    expect(res.status).toBe(303);
    const [open] = await t.db.select().from(conversations).where(and(eq(conversations.contactId, contact.id), eq(conversations.status, "open")));
    const [sent] = await t.db.select().from(messages).where(eq(messages.conversationId, open.id));
    expect(sent).toMatchObject({ kind: "text", body: "Your order is ready." });

    // One open conversation per contact: the form says so, and a post opens the open one.
    expect((await agent.html(`/inbox/new?contactId=${contact.id}&channelId=${wa.id}`)).text).toContain("already has an open conversation");
    const again = await agent.post("/inbox/new", { contactId: String(contact.id), channelId: String(wa.id), body: "Again" });
    expect(again.headers.get("location")).toBe(`/inbox/${open.id}?tab=all`);
    expect(await t.db.select().from(conversations).where(eq(conversations.contactId, contact.id))).toHaveLength(2);
  });

  it("a typed number that is a known contact is that contact", async () => {
    const { w, wa } = await setup();
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Known", phone: "+90 555 999 88 77" }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.get(`/inbox/new?phone=%2B905559998877&channelId=${wa.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/inbox/new?contactId=${contact.id}&channelId=${wa.id}`);
  });

  it("refuses contacts the agent may not see: another organization's, and another agent's where agents see only their own", async () => {
    const { w, wa } = await setup({ agentsSeeOnlyOwn: true });
    const [theirs] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Okan's customer", phone: "+905550001122", ownerId: w.agent.id }).returning();
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: theirs.id, channelId: wa.id, status: "closed", assigneeId: w.agent.id });
    const ipek = await t.signIn(w.agent2.email, w.orgId);
    const byId = await ipek.post("/inbox/new", { contactId: String(theirs.id), channelId: String(wa.id), template: "order_update|tr", param: ["a", "b"] });
    expect(byId.status).toBe(422);
    expect((await ipek.html(`/inbox/new?phone=%2B905550001122&channelId=${wa.id}`)).text).toContain("a contact you may not see");
    const byPhone = await ipek.post("/inbox/new", { phone: "+905550001122", channelId: String(wa.id), template: "order_update|tr", param: ["a", "b"] });
    expect(byPhone.status).toBe(422);
    expect(await byPhone.text()).toContain("a contact you may not see");
    const rival = await t.world("Rival");
    const stranger = await t.signIn(rival.admin.email, rival.orgId);
    expect((await stranger.post("/inbox/new", { contactId: String(theirs.id), channelId: String(wa.id), body: "x" })).status).toBe(422);
    expect(await t.db.select().from(conversations).where(eq(conversations.contactId, theirs.id))).toHaveLength(1);
  });
});
