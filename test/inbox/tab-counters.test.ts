// The database keeps each organization's tab counts (conversation_tab_counts, by triggers): they
// must always equal a count of the conversations themselves, whatever changed them and however.
import { describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { channels, closingMessages, contacts, conversations } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { messageFromKanal } from "../../src/channels/support";
import { countTabs } from "../../src/inbox/tab-counts";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { joinConversation } from "../../src/inbox/joining";
import { reactivateConversation } from "../../src/inbox/opening";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("tab counts kept by the database", () => {
  it("equal a count of the conversations through opening, assigning, closing, reactivating and deleting", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    const inbound = (externalId: string) =>
      ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId, contactName: `Contact ${externalId}`, body: "merhaba", providerMessageId: crypto.randomUUID(), at: t.clock.now() });
    const kept = () => countTabs(t.db, w.orgId, undefined);
    // Given a visibility condition, countTabs counts the rows themselves.
    const counted = () => countTabs(t.db, w.orgId, sql`true`);
    const rivalBefore = await countTabs(t.db, rival.orgId, undefined);

    const a = await inbound("905550000401");
    const b = await inbound("905550000402");
    await inbound("905550000403");
    // Kanal's support line is listed apart, never counted in the tabs.
    await messageFromKanal(t.db, w.orgId, "Welcome to Kanal", t.clock.now());
    expect(await kept()).toEqual({ open: 3, assigned: 0, snoozed: 0, closed: 0, all: 3 });

    await joinConversation(t.db, agent, a.conversationId, t.clock.now());
    await assignConversation(t.db, admin, b.conversationId, { userId: w.agent2.id }, t.clock.now());
    expect(await kept()).toEqual({ open: 1, assigned: 2, snoozed: 0, closed: 0, all: 3 });
    // Forwarding moves it from one agent to another: no tab changes.
    await assignConversation(t.db, admin, b.conversationId, { userId: w.agent.id }, t.clock.now());
    expect(await kept()).toEqual(await counted());

    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    await closeConversation(t.db, agent, a.conversationId, closing.id, "en", t.clock.now());
    expect(await kept()).toEqual({ open: 1, assigned: 1, snoozed: 0, closed: 1, all: 3 });
    await reactivateConversation(t.db, agent, a.conversationId, t.clock.now());
    expect(await kept()).toEqual({ open: 1, assigned: 2, snoozed: 0, closed: 1, all: 4 });
    // The closed contact writes again: a new conversation, assigned to its owner.
    await closeConversation(t.db, agent, b.conversationId, closing.id, "en", t.clock.now());
    await inbound("905550000402");
    expect(await kept()).toEqual(await counted());

    // Changes made straight in the table count too, and so does deleting a contact with its conversations.
    await t.db.update(conversations).set({ assigneeId: null }).where(eq(conversations.orgId, w.orgId));
    expect(await kept()).toEqual(await counted());
    const [contact] = await t.db.select({ id: conversations.contactId }).from(conversations).where(eq(conversations.id, b.conversationId));
    await t.db.delete(contacts).where(eq(contacts.id, contact.id));
    expect(await kept()).toEqual(await counted());
    expect((await kept()).all).toBe(3);

    expect(await countTabs(t.db, rival.orgId, undefined)).toEqual(rivalBefore);
  });

  it("stay right when many conversations open and close at once", async () => {
    const w = await t.world();
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    const opened = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: `90555000050${i}`, contactName: `Contact ${i}`, body: "merhaba", providerMessageId: crypto.randomUUID(), at: t.clock.now() }),
      ),
    );
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
    await Promise.all(opened.slice(0, 8).map((o) => joinConversation(t.db, agent, o.conversationId, t.clock.now())));
    await Promise.all(opened.slice(0, 4).map((o) => closeConversation(t.db, agent, o.conversationId, closing.id, "en", t.clock.now())));
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 16, assigned: 4, snoozed: 0, closed: 4, all: 24 });
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual(await countTabs(t.db, w.orgId, sql`true`));
  });
});
