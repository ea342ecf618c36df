import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, contacts, conversations, conversationTags, notes, tags } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("contacts", () => {
  it("searches by name, phone or email and opens a contact with its notes", async () => {
    const w = await t.world();
    const [zeynep] = await t.db
      .insert(contacts)
      .values([
        { orgId: w.orgId, name: "Zeynep Ak", phone: "+905551112233", email: "zeynep@example.test" },
        { orgId: w.orgId, name: "Yusuf Er", phone: "+905559998877" },
      ])
      .returning();
    await t.db.insert(notes).values({ orgId: w.orgId, contactId: zeynep.id, authorId: w.agent.id, body: "Calls after six." });
    const agent = await t.signIn(w.agent.email, w.orgId);
    const byPhone = await agent.html("/contacts?q=1112233");
    expect(byPhone.text).toContain("Zeynep Ak");
    expect(byPhone.text).not.toContain("Yusuf Er");
    expect((await agent.html("/contacts?q=EXAMPLE.test")).text).toContain("Zeynep Ak");
    const page = await agent.html(`/contacts/${zeynep.id}`);
    expect(page.text).toContain("Calls after six.");
    expect(page.text).toContain("Okan Agent");
  });

  it("finds contacts by a tag on their conversations or a CRM field value", async () => {
    const w = await t.world();
    const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const [gold, plain] = await t.db
      .insert(contacts)
      .values([
        { orgId: w.orgId, name: "Gold Customer", customFields: { tier: "Platinum" } },
        { orgId: w.orgId, name: "Plain Customer" },
      ])
      .returning();
    const [conv] = await t.db.insert(conversations).values({ orgId: w.orgId, contactId: plain.id, channelId: wa.id }).returning();
    const [refund] = await t.db.insert(tags).values({ orgId: w.orgId, name: "Refund" }).returning();
    await t.db.insert(conversationTags).values({ conversationId: conv.id, tagId: refund.id });
    const agent = await t.signIn(w.agent.email, w.orgId);
    const byField = await agent.html("/contacts?q=platin");
    expect(byField.text).toContain("Gold Customer");
    expect(byField.text).not.toContain("Plain Customer");
    const byTag = await agent.html("/contacts?q=refund");
    expect(byTag.text).toContain("Plain Customer");
    expect(byTag.text).not.toContain("Gold Customer");
    void gold;
  });

  it("starts a conversation from the contact page, assigned to the agent, once", async () => {
    const w = await t.world();
    const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Called Back" }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const page = await agent.html(`/contacts/${contact.id}`);
    expect(page.text).toContain("Start conversation");
    expect(page.text).not.toContain(`value="${w.supportChannelId}"`);
    const res = await agent.post(`/contacts/${contact.id}/conversations`, { channelId: String(wa.id) });
    expect(res.status).toBe(303);
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.contactId, contact.id));
    expect(res.headers.get("location")).toBe(`/inbox/${conv.id}?tab=assigned`);
    expect(conv).toMatchObject({ assigneeId: w.agent.id, startedBy: "agent", status: "open" });
    const again = await agent.post(`/contacts/${contact.id}/conversations`, { channelId: String(wa.id) });
    expect(again.headers.get("location")).toBe(`/inbox/${conv.id}?tab=all`);
    const rival = await t.world("Rival");
    const other = await t.signIn(rival.admin.email, rival.orgId);
    expect((await other.post(`/contacts/${contact.id}/conversations`, { channelId: String(wa.id) })).status).toBe(404);
  });

  it("keeps each organization's contacts to itself", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const [hidden] = await t.db.insert(contacts).values({ orgId: rival.orgId, name: "Rival Customer" }).returning();
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get(`/contacts/${hidden.id}`)).status).toBe(404);
    expect((await agent.html("/contacts?q=Rival")).text).not.toContain("Rival Customer");
  });
});
