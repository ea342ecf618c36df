import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, contacts, conversations, conversationTags, customFields, notes, tags } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { joinConversation } from "../../src/inbox/joining";
import { closingMessages } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function setup() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  await t.db.insert(customFields).values([
    { orgId: w.orgId, key: "tier", label: "Tier", type: "select", options: ["Gold", "Silver"] },
    { orgId: w.orgId, key: "orders", label: "Orders", type: "number" },
    { orgId: w.orgId, key: "vip", label: "VIP", type: "boolean" },
    { orgId: w.orgId, key: "birthday", label: "Birthday", type: "date" },
  ]);
  const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905550001", contactName: "Özge", body: "merhaba", providerMessageId: "w-1", at: t.clock.now() });
  const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
  return { w, channel, conversationId, contactId: conv.contactId };
}

describe("profile widget", () => {
  it("edits name, phone, email and CRM fields with typed validation", async () => {
    const { w, conversationId, contactId } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const bad = await agent.post(`/inbox/${conversationId}/profile`, { name: "Özge Şahin", phone: "abc", email: "nope", cf_tier: "Platinum", cf_orders: "many", cf_vip: "yes", cf_birthday: "1990-02-30x" }, { htmx: true });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('value="Özge Şahin"');
    expect(html).toContain("Use digits, spaces and + ( ) - only.");
    expect(html).toContain("Enter a valid email address.");
    expect(html).toContain("Enter a number");
    expect(html).toContain("Enter a date.");
    const ok = await agent.post(`/inbox/${conversationId}/profile`, { name: "Özge Şahin", phone: "+90 555 000 11 22", email: "OZGE@example.test", cf_tier: "Gold", cf_orders: "12", cf_vip: "yes", cf_birthday: "1990-02-14" }, { htmx: true });
    expect(ok.status).toBe(200);
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(contact).toMatchObject({ name: "Özge Şahin", phone: "+90 555 000 11 22", email: "ozge@example.test" });
    expect(contact.customFields).toEqual({ tier: "Gold", orders: 12, vip: true, birthday: "1990-02-14" });
    await agent.post(`/inbox/${conversationId}/profile`, { name: "Özge Şahin", phone: "", email: "", cf_tier: "", cf_orders: "", cf_vip: "", cf_birthday: "" });
    const [cleared] = await t.db.select().from(contacts).where(eq(contacts.id, contactId));
    expect(cleared.customFields).toEqual({});
  });
});

describe("tags widget", () => {
  it("adds and removes tags; agents pick existing tags, supervisors may create new ones", async () => {
    const { w, conversationId } = await setup();
    const [vip] = await t.db.insert(tags).values({ orgId: w.orgId, name: "VIP", color: "#d97706" }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/inbox/${conversationId}/tags`, { tagId: String(vip.id) }, { htmx: true })).status).toBe(200);
    const refused = await agent.post(`/inbox/${conversationId}/tags`, { name: "Brand new" }, { htmx: true });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Only admins and supervisors can create new tags");
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    await supervisor.post(`/inbox/${conversationId}/tags`, { name: "Brand new" }, { htmx: true });
    await supervisor.post(`/inbox/${conversationId}/tags`, { name: "vip" }, { htmx: true }); // same tag, any case: no duplicate
    const onConversation = await t.db.select().from(conversationTags).where(eq(conversationTags.conversationId, conversationId));
    expect(onConversation.length).toBe(2);
    expect((await t.db.select().from(tags).where(eq(tags.orgId, w.orgId))).map((x) => x.name).sort()).toEqual(["Brand new", "VIP"]);
    await agent.post(`/inbox/${conversationId}/tags/${vip.id}/remove`, {}, { htmx: true });
    expect((await t.db.select().from(conversationTags).where(eq(conversationTags.conversationId, conversationId))).length).toBe(1);
  });

  it("cannot attach another organization's tag", async () => {
    const { w, conversationId } = await setup();
    const rival = await t.world("Rival");
    const [theirs] = await t.db.insert(tags).values({ orgId: rival.orgId, name: "Secret" }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/inbox/${conversationId}/tags`, { tagId: String(theirs.id) })).status).toBe(404);
  });
});

describe("notes widget", () => {
  it("notes stay with the contact and show in later conversations, with author", async () => {
    const { w, channel, conversationId, contactId } = await setup();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const empty = await agent.post(`/inbox/${conversationId}/notes`, { body: "   " }, { htmx: true });
    expect(empty.status).toBe(422);
    await agent.post(`/inbox/${conversationId}/notes`, { body: "Prefers WhatsApp voice notes" }, { htmx: true });
    const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
    await joinConversation(t.db, okan, conversationId, t.clock.now());
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    await closeConversation(t.db, okan, conversationId, closing.id, "en", t.clock.now());
    const next = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905550001", contactName: "Özge", body: "tekrar ben", providerMessageId: "w-2", at: t.clock.now() });
    const page = await (await t.signIn(w.agent2.email, w.orgId)).html(`/inbox/${next.conversationId}?tab=all`);
    expect(page.text).toContain("Prefers WhatsApp voice notes");
    expect(page.text).toContain("Okan Agent");
    expect(page.text).toContain("Earlier conversations (1)");
    expect(page.text).toContain("merhaba");
    expect((await t.db.select().from(notes).where(and(eq(notes.contactId, contactId)))).length).toBe(1);
  });
});
