import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, contacts, conversations, events, messages, organizations, outbox } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { appendInbounds, ingestInbound } from "../../src/inbox/customer-messages";
import { findConversations } from "../../src/inbox/list";
import { markAsSpam, neverRouted, unblockContact, unmarkSpam } from "../../src/inbox/spam";
import { countTabs } from "../../src/inbox/tab-counts";
import { noFilters } from "../../src/inbox/filters";
import { actorFor } from "../../src/auth/accounts";
import { useTestApp } from "../support/app";
import { readSse } from "../support/sse";

const t = useTestApp();

async function spammer() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const inbound = (body: string, id: string) => ({ orgId: w.orgId, channelId: channel.id, externalId: "905550009999", contactName: "Spammer", body, providerMessageId: id, at: t.clock.now() });
  const { conversationId } = await ingestInbound(t.db, inbound("Win a prize!", "wamid.s1"));
  return { w, channel, conversationId, inbound };
}

const row = async (id: number) => (await t.db.select().from(conversations).where(eq(conversations.id, id)))[0];

describe("spam", () => {
  it("marking as spam closes the conversation without a closing message, makes it spam and blocks the contact; Not spam undoes both", async () => {
    const { w, conversationId } = await spammer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.post(`/inbox/${conversationId}/spam`, {}, { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Not spam");
    expect(html).toContain("Marked as spam");
    const marked = await row(conversationId);
    expect(marked).toMatchObject({ status: "closed", type: "spam" });
    expect(await t.db.select().from(outbox)).toHaveLength(0);
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, marked.contactId));
    expect(contact.blockedAt).not.toBeNull();
    expect(contact.blockedBy).toBe(w.agent.id);
    // Not a resolution: the cockpit counts "closed" events, and none was written.
    expect(await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "closed")))).toHaveLength(0);
    expect((await agent.post(`/inbox/${conversationId}/spam`, {}, { htmx: true })).status).toBe(422);

    const undone = await agent.post(`/inbox/${conversationId}/not-spam`, {}, { htmx: true });
    expect(undone.status).toBe(200);
    expect(await undone.text()).toContain("Mark as spam");
    expect((await row(conversationId)).type).toBe("chat");
    const [after] = await t.db.select().from(contacts).where(eq(contacts.id, marked.contactId));
    expect(after.blockedAt).toBeNull();
    expect((await agent.post(`/inbox/${conversationId}/not-spam`, {}, { htmx: true })).status).toBe(422);
  });

  it("an agent who sees only their own cannot mark, or unmark, a conversation hidden from them", async () => {
    const { w, conversationId } = await spammer();
    await t.db.update(organizations).set({ settings: { agentsSeeOnlyOwn: true } }).where(eq(organizations.id, w.orgId));
    await t.db.update(conversations).set({ assigneeId: w.agent2.id }).where(eq(conversations.id, conversationId));
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/inbox/${conversationId}/spam`, {}, { htmx: true })).status).toBe(404);
    expect((await row(conversationId)).type).toBe("chat");
    const owner = await t.signIn(w.agent2.email, w.orgId);
    expect((await owner.post(`/inbox/${conversationId}/spam`, {}, { htmx: true })).status).toBe(200);
    expect((await agent.post(`/inbox/${conversationId}/not-spam`, {}, { htmx: true })).status).toBe(404);
    expect((await row(conversationId)).type).toBe("spam");
  });

  it("a list filtered to spam keeps a conversation marked as spam live; an unfiltered one takes it out", async () => {
    const { w, conversationId } = await spammer();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const other = await t.signIn(w.supervisor.email, w.orgId);
    const page = await (await other.get("/inbox?tab=all&type=spam&f=1")).text();
    expect(page).toContain("spam=1");
    const spamList = await other.get("/events?view=inbox&tab=all&f=1&spam=1");
    const allList = await other.get("/events?view=inbox&tab=all");
    expect((await agent.post(`/inbox/${conversationId}/spam`, {}, { htmx: true })).status).toBe(200);
    const row = `"conv-${conversationId}"`;
    const filtered = await readSse(spamList, (m) => m.data.includes(row));
    const unfiltered = await readSse(allList, (m) => m.data.includes(row));
    expect(filtered.find((m) => m.data.includes(row))!.data).toContain(`data-upsert=${row}`);
    expect(unfiltered.find((m) => m.data.includes(row))!.data).toContain(`data-remove=${row}`);
  });

  it("a blocked contact's new messages are stored in a spam conversation that no tab counts and only the Spam filter lists", async () => {
    const { w, conversationId, inbound } = await spammer();
    const actor = (await actorFor(t.db, w.admin.id, w.orgId))!;
    await markAsSpam(t.db, actor, conversationId, t.clock.now());
    t.clock.advance("1m");
    const next = await ingestInbound(t.db, inbound("Still there?", "wamid.s2"));
    expect(next.conversationId).toBe(conversationId);
    expect(next.duplicate).toBe(false);
    const [batch] = await appendInbounds(t.db, [inbound("Again", "wamid.s3")]);
    expect(batch?.conversationId).toBe(conversationId);
    const stored = await t.db.select({ body: messages.body }).from(messages).where(eq(messages.conversationId, conversationId));
    expect(stored.map((m) => m.body)).toEqual(["Win a prize!", "Still there?", "Again"]);
    const spam = await row(conversationId);
    expect(spam).toMatchObject({ status: "closed", type: "spam", waitingSince: null });
    expect(neverRouted(spam)).toBe(true);
    // Its message events say so, for listeners (routing, workflows) that see only the event.
    const created = await t.db.select({ data: events.data }).from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "message_created")));
    expect(created.at(-1)?.data).toMatchObject({ direction: "in", spam: true });

    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 0, assigned: 0, snoozed: 0, closed: 0, all: 0 });
    for (const tab of ["open", "assigned", "closed", "all"] as const) {
      expect((await findConversations(t.db, actor, { tab })).items).toHaveLength(0);
    }
    const filtered = await findConversations(t.db, actor, { tab: "all", filters: { ...noFilters, types: ["spam"] } });
    expect(filtered.items.map((r) => r.id)).toEqual([conversationId]);
    const agent = await t.signIn(w.admin.email, w.orgId);
    expect((await agent.html(`/inbox?tab=all&type=spam`)).text).toContain("Spammer");
    expect((await agent.html(`/inbox?tab=all`)).text).not.toContain("Spammer");
  });

  it("a blocked contact without a spam conversation on the channel gets one, closed and unassigned", async () => {
    const { w, conversationId, inbound } = await spammer();
    const actor = (await actorFor(t.db, w.admin.id, w.orgId))!;
    await markAsSpam(t.db, actor, conversationId, t.clock.now());
    // The spam conversation was deleted (say, with its channel's history): the block still holds.
    await t.db.delete(conversations).where(eq(conversations.id, conversationId));
    const next = await ingestInbound(t.db, inbound("New number, same spam", "wamid.s4"));
    expect(next.conversationId).not.toBe(conversationId);
    expect(await row(next.conversationId)).toMatchObject({ status: "closed", type: "spam", assigneeId: null });
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 0, assigned: 0, snoozed: 0, closed: 0, all: 0 });
  });

  it("an automation rule can mark as spam; the tab counts follow marking and unmarking", async () => {
    const { w, conversationId } = await spammer();
    expect((await countTabs(t.db, w.orgId, undefined)).open).toBe(1);
    await markAsSpam(t.db, { orgId: w.orgId, ruleId: 42 }, conversationId, t.clock.now());
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 0, assigned: 0, snoozed: 0, closed: 0, all: 0 });
    const [event] = await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "marked_spam")));
    expect(event.actorId).toBeNull();
    expect(event.data).toMatchObject({ ruleId: 42, wasOpen: true });
    await unmarkSpam(t.db, { orgId: w.orgId, ruleId: 42 }, conversationId, t.clock.now());
    expect(await countTabs(t.db, w.orgId, undefined)).toEqual({ open: 0, assigned: 0, snoozed: 0, closed: 1, all: 1 });
  });

  it("Admin → Blocked contacts lists them and unblocks", async () => {
    const { w, conversationId } = await spammer();
    const actor = (await actorFor(t.db, w.admin.id, w.orgId))!;
    await markAsSpam(t.db, actor, conversationId, t.clock.now());
    const admin = await t.signIn(w.admin.email, w.orgId);
    const page = await admin.html("/admin/blocked-contacts");
    expect(page.status).toBe(200);
    expect(page.text).toContain("Spammer");
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.get("/admin/blocked-contacts")).status).toBe(403);
    const contactId = (await row(conversationId)).contactId;
    const res = await admin.post(`/admin/blocked-contacts/${contactId}/unblock`);
    expect(res.status).toBe(303);
    expect((await admin.html("/admin/blocked-contacts")).text).not.toContain(`href="/contacts/${contactId}"`);
    expect((await row(conversationId)).type).toBe("chat");
    expect((await admin.post(`/admin/blocked-contacts/${contactId}/unblock`)).status).toBe(404);
    await expect(unblockContact(t.db, actor, 999999, t.clock.now())).rejects.toThrow("not_found");
  });
});
