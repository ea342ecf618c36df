// Closing after the reply window (issue 26, item 1): inside it the closing message goes as text;
// outside it (WhatsApp's 24 hours) its mapped template, or nothing and a line in the thread says so;
// "Close without a message" closes silently. Admins map a template to a closing message.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, closingMessages, contacts, conversations, events, messages, outbox } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { joinConversation } from "../../src/inbox/joining";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

const templates = [
  { name: "closing_thanks", language: "tr", body: "Merhaba {{1}}, görüşmemiz sona erdi. Teşekkürler!", params: 1 },
  { name: "closing_plain", language: "en", body: "Thank you, this conversation is closed.", params: 0 },
];

async function setup(withTemplates = true) {
  const w = await t.world();
  const [channel] = await t.db
    .insert(channels)
    .values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey(), config: withTemplates ? { templates } : {} })
    .returning();
  const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const open = async (externalId: string) => {
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId, contactName: "Ayşe Kaya", body: "merhaba", providerMessageId: crypto.randomUUID(), at: t.clock.now() });
    await joinConversation(t.db, okan, conversationId, t.clock.now());
    return conversationId;
  };
  return { w, channel, okan, open };
}

const builtin = async (w: World) =>
  (await t.db.select().from(closingMessages).where(and(eq(closingMessages.orgId, w.orgId), eq(closingMessages.builtinKey, "closing.builtin.resolved"))))[0]!;

async function custom(w: World, template: { name: string; language: string; parameters: string[] } | null) {
  const [row] = await t.db.insert(closingMessages).values({ orgId: w.orgId, body: "Görüşmemiz kapandı.", template, position: 1 }).returning();
  return row!;
}

const outgoing = (conversationId: number) => t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out")));
const lines = (conversationId: number) => t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "event")));
const closedEvent = async (conversationId: number) => (await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "closed"))))[0]!;
const statusOf = async (conversationId: number) => (await t.db.select().from(conversations).where(eq(conversations.id, conversationId)))[0]!;

describe("closing after the reply window", () => {
  it("inside the window the closing message goes as text", async () => {
    const { w, okan, open } = await setup();
    const id = await open("905550001001");
    t.clock.advance("23h");
    const done = await closeConversation(t.db, okan, id, (await custom(w, { name: "closing_plain", language: "en", parameters: [] })).id, "en", t.clock.now());
    expect(done.sent).toBe("text");
    expect((await outgoing(id)).map((m) => [m.kind, m.body])).toEqual([["text", "Görüşmemiz kapandı."]]);
    expect((await closedEvent(id)).data).toMatchObject({ closing: "text" });
  });

  it("outside the window its template goes, filled for the contact; nothing goes as free text", async () => {
    const { w, okan, open } = await setup();
    const id = await open("905550001002");
    t.clock.advance("25h");
    const closing = await custom(w, { name: "closing_thanks", language: "tr", parameters: ["{{contact.name}}"] });
    const done = await closeConversation(t.db, okan, id, closing.id, "tr", t.clock.now());
    expect(done.sent).toBe("template");
    const out = await outgoing(id);
    expect(out.map((m) => [m.kind, m.body])).toEqual([["template", "Merhaba Ayşe Kaya, görüşmemiz sona erdi. Teşekkürler!"]]);
    expect(out[0]!.metadata).toEqual({ template: { name: "closing_thanks", language: "tr", parameters: ["Ayşe Kaya"] } });
    expect((await t.db.select().from(outbox).where(eq(outbox.messageId, out[0]!.id))).length).toBe(1);
    expect((await statusOf(id)).status).toBe("closed");
  });

  it("outside the window a message without a template (or one the channel lacks) is not sent, and the thread says so", async () => {
    const { w, okan, open } = await setup();
    const plain = await open("905550001003");
    t.clock.advance("25h");
    const done = await closeConversation(t.db, okan, plain, (await builtin(w)).id, "en", t.clock.now());
    expect(done.sent).toBe("not_sent");
    expect(await outgoing(plain)).toEqual([]);
    expect((await lines(plain)).map((m) => m.metadata)).toEqual([{ system: "closing_not_sent", template: null }]);
    expect((await closedEvent(plain)).data).toMatchObject({ closing: "not_sent" });
    const conv = await statusOf(plain);
    expect([conv.status, conv.closedBy, conv.closingMessageId]).toEqual(["closed", w.agent.id, (await builtin(w)).id]);

    const missing = await open("905550001004");
    t.clock.advance("25h");
    await closeConversation(t.db, okan, missing, (await custom(w, { name: "closing_gone", language: "en", parameters: [] })).id, "en", t.clock.now());
    expect(await outgoing(missing)).toEqual([]);
    expect((await lines(missing)).map((m) => m.metadata)).toEqual([{ system: "closing_not_sent", template: "closing_gone (en)" }]);
  });

  it("closing without a message sends nothing and keeps the contact with its agent", async () => {
    const { w, okan, open } = await setup();
    const id = await open("905550001005");
    const done = await closeConversation(t.db, okan, id, null, "en", t.clock.now());
    expect(done.sent).toBe("none");
    expect(await outgoing(id)).toEqual([]);
    expect(await lines(id)).toEqual([]);
    const conv = await statusOf(id);
    expect([conv.status, conv.closingMessageId]).toEqual(["closed", null]);
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, conv.contactId));
    expect(contact!.ownerId).toBe(w.agent.id);
  });

  it("the power menu offers 'Close without a message' and, past the window, says how each message goes (English and Turkish)", async () => {
    const { w, open } = await setup();
    await custom(w, { name: "closing_thanks", language: "tr", parameters: ["{{contact.name}}"] });
    const id = await open("905550001006");
    const agent = await t.signIn(w.agent.email, w.orgId);
    const inside = (await agent.html(`/inbox/${id}`)).text;
    expect(inside).toContain("Close without a message");
    expect(inside).not.toContain("not sent");
    t.clock.advance("25h");
    const outside = (await agent.html(`/inbox/${id}`)).text;
    expect(outside).toContain("The 24-hour reply window has passed");
    expect(outside).toContain('Görüşmemiz kapandı.<small class="closing-how">sent as its template</small>');
    expect(outside).toContain('<small class="closing-how">not sent</small>');
    await agent.post("/me/locale", { locale: "tr" });
    const tr = (await agent.html(`/inbox/${id}`)).text;
    expect(tr).toContain("Mesaj göndermeden kapat");
    expect(tr).toContain("şablonuyla gönderilir");

    expect((await agent.post(`/inbox/${id}/close`, { closingMessageId: "none" })).status).toBe(303);
    expect((await statusOf(id)).status).toBe("closed");
    expect(await outgoing(id)).toEqual([]);
  });

  it("the thread tells past the window that the closing message was not sent", async () => {
    const { w, okan, open } = await setup();
    const id = await open("905550001007");
    t.clock.advance("25h");
    await closeConversation(t.db, okan, id, (await builtin(w)).id, "en", t.clock.now());
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.html(`/inbox/${id}`)).text).toContain("Closed without sending the closing message: the reply window had passed and it has no WhatsApp template.");
    await agent.post("/me/locale", { locale: "tr" });
    expect((await agent.html(`/inbox/${id}`)).text).toContain("Kapanış mesajı gönderilmeden kapatıldı");
  });
});

describe("admin: a closing message's template", () => {
  it("an admin maps an approved template with its parameters; an unknown template or a wrong count is refused with the form kept", async () => {
    const { w } = await setup();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const page = (await admin.html("/admin/closing-messages")).text;
    expect(page).toContain('<option value="closing_thanks|tr">');
    expect(page).toContain("WhatsApp template after the 24-hour window");

    const unknown = await admin.post("/admin/closing-messages", { body: "Bye", template: "nope|en", parameters: "" });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain("Choose one of your channels&#39; approved templates.");
    const count = await admin.post("/admin/closing-messages", { body: "Bye now", template: "closing_thanks|tr", parameters: "" });
    expect(count.status).toBe(422);
    const countText = await count.text();
    expect(countText).toContain("This template takes 1 parameters, one per line.");
    expect(countText).toContain("Bye now");
    expect((await t.db.select().from(closingMessages).where(and(eq(closingMessages.orgId, w.orgId), eq(closingMessages.body, "Bye now")))).length).toBe(0);

    expect((await admin.post("/admin/closing-messages", { body: "Bye now", template: "closing_thanks|tr", parameters: "{{contact.name}}\n" })).status).toBe(303);
    const [row] = await t.db.select().from(closingMessages).where(and(eq(closingMessages.orgId, w.orgId), eq(closingMessages.body, "Bye now")));
    expect(row!.template).toEqual({ name: "closing_thanks", language: "tr", parameters: ["{{contact.name}}"] });
    const edit = (await admin.html(`/admin/closing-messages/${row!.id}`)).text;
    expect(edit).toContain('<option value="closing_thanks|tr" selected="">');
    expect((await admin.html("/admin/closing-messages")).text).toContain("After 24 hours: closing_thanks (tr)");

    expect((await admin.post(`/admin/closing-messages/${row!.id}`, { body: "Bye now", template: "", parameters: "" })).status).toBe(303);
    expect((await t.db.select().from(closingMessages).where(eq(closingMessages.id, row!.id)))[0]!.template).toBeNull();
    await admin.post("/me/locale", { locale: "tr" });
    expect((await admin.html("/admin/closing-messages")).text).toContain("24 saatlik süreden sonra WhatsApp şablonu");
  });

  it("without WhatsApp templates the form has no template fields", async () => {
    const { w } = await setup(false);
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect((await admin.html("/admin/closing-messages")).text).not.toContain('name="template"');
  });
});
