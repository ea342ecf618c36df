import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, contacts, conversations } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("a deactivated user is nobody's sticky owner", () => {
  it("their contacts' next conversations arrive unassigned, for routing; another organization's contacts are untouched", async () => {
    const w = await t.world();
    const other = await t.world();
    const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const write = async (n: number) =>
      (await ingestInbound(t.db, { orgId: w.orgId, channelId: wa.id, externalId: "905551112233", contactName: "Selin", body: `merhaba ${n}`, providerMessageId: `owner-${w.orgId}-${n}`, at: t.clock.now() })).conversationId;
    const admin = await t.signIn(w.admin.email, w.orgId);
    const okan = await t.signIn(w.agent.email, w.orgId);
    const first = await write(1);
    expect((await okan.post(`/inbox/${first}/join`)).status).toBe(303);
    expect((await okan.post(`/inbox/${first}/close`, { closingMessageId: "none" })).status).toBe(303);
    const [selin] = await t.db.select().from(contacts).where(eq(contacts.id, (await t.db.select().from(conversations).where(eq(conversations.id, first)))[0].contactId));
    expect(selin.ownerId).toBe(w.agent.id);
    // Before: the returning customer goes straight back to Okan.
    t.clock.advance("1h");
    const second = await write(2);
    expect((await t.db.select().from(conversations).where(eq(conversations.id, second)))[0].assigneeId).toBe(w.agent.id);
    expect((await okan.post(`/inbox/${second}/close`, { closingMessageId: "none" })).status).toBe(303);
    const [elsewhere] = await t.db.insert(contacts).values({ orgId: other.orgId, name: "Elsewhere", ownerId: w.agent.id }).returning();

    expect((await admin.post(`/admin/users/${w.agent.id}/deactivate`)).status).toBe(303);
    expect((await t.db.select().from(contacts).where(eq(contacts.id, selin.id)))[0].ownerId).toBeNull();
    expect((await t.db.select().from(contacts).where(eq(contacts.id, elsewhere.id)))[0].ownerId).toBe(w.agent.id);
    t.clock.advance("1h");
    const third = await write(3);
    expect((await t.db.select().from(conversations).where(eq(conversations.id, third)))[0].assigneeId).toBeNull();
    // Reactivating Okan does not make him the owner again.
    expect((await admin.post(`/admin/users/${w.agent.id}/reactivate`)).status).toBe(303);
    expect((await t.db.select().from(contacts).where(eq(contacts.id, selin.id)))[0].ownerId).toBeNull();
  });
});
