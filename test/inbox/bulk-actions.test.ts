import { describe, expect, it } from "bun:test";
import { and, eq, inArray } from "drizzle-orm";
import { channels, closingMessages, contacts, conversations, conversationTags, events, tags } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";
import { readSse } from "../support/sse";

const t = useTestApp();

let phones = 0;

/** An organization with `n` customers who each wrote once (open, unassigned conversations). */
async function inbox(n: number, name = "Acme", options: { agentsSeeOnlyOwn?: boolean } = {}) {
  const w = await t.world(name, options);
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const phone = `90555${String(++phones).padStart(7, "0")}`;
    const { conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: phone, contactName: `Customer ${phones}`, body: "Hello", providerMessageId: `wamid.b${phones}`, at: t.clock.now() });
    ids.push(conversationId);
  }
  return { w, ids };
}

const rows = (ids: number[]) => t.db.select().from(conversations).where(inArray(conversations.id, ids)).orderBy(conversations.id);
const strings = (ids: number[]) => ids.map(String);

describe("bulk actions on the conversation list", () => {
  it("assigns several conversations at once: each gets its own event and every open list is told live", async () => {
    const { w, ids } = await inbox(3);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const watcher = await t.signIn(w.supervisor.email, w.orgId);
    const page = await (await agent.get("/inbox")).text();
    expect(page).toContain('id="bulk-form"');
    expect(page).toContain(`name="ids" value="${ids[0]}" form="bulk-form"`);
    const stream = await watcher.get("/events?view=inbox&tab=open");
    const res = await agent.post("/inbox/bulk", { ids: strings(ids.slice(0, 2)), choice: `assign:user:${w.agent2.id}` }, { htmx: true });
    expect(res.status).toBe(200);
    const summary = await res.text();
    expect(summary).toContain("Assigned:");
    expect(summary).toContain("2 done");
    const after = await rows(ids);
    expect(after.map((c) => c.assigneeId)).toEqual([w.agent2.id, w.agent2.id, null]);
    const assigned = await t.db.select().from(events).where(and(inArray(events.conversationId, ids), eq(events.type, "assigned")));
    expect(assigned.map((e) => e.conversationId).sort()).toEqual(ids.slice(0, 2).sort());
    // Both leave the supervisor's Open list live, one event each.
    const live = await readSse(stream, (m) => m.data.includes(`data-remove="conv-${ids[1]}"`));
    expect(live.some((m) => m.data.includes(`data-remove="conv-${ids[0]}"`))).toBe(true);
  });

  it("closes with a closing message, and says which were refused and why while the rest are done", async () => {
    const { w, ids } = await inbox(3);
    const agent = await t.signIn(w.agent.email, w.orgId);
    expect((await agent.post(`/inbox/${ids[2]}/close`, { closingMessageId: "none" })).status).toBe(303);
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId)).limit(1);
    const res = await agent.post("/inbox/bulk", { ids: strings(ids), choice: `close:${closing.id}` }, { htmx: true });
    const summary = await res.text();
    expect(summary).toContain("Closed:");
    expect(summary).toContain("2 done");
    expect(summary).toContain("1 refused");
    expect(summary).toContain("already closed");
    expect((await rows(ids)).map((c) => c.status)).toEqual(["closed", "closed", "closed"]);
    expect((await rows(ids)).slice(0, 2).map((c) => c.closingMessageId)).toEqual([closing.id, closing.id]);
    const closedEvents = await t.db.select().from(events).where(and(inArray(events.conversationId, ids), eq(events.type, "closed")));
    expect(closedEvents).toHaveLength(3);
  });

  it("tags, and marks as spam, each conversation as the single action would", async () => {
    const { w, ids } = await inbox(2);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const [vip] = await t.db.insert(tags).values({ orgId: w.orgId, name: "VIP", createdAt: t.clock.now() }).returning();
    const tagged = await agent.post("/inbox/bulk", { ids: strings(ids), choice: `tag:${vip.id}` }, { htmx: true });
    expect(await tagged.text()).toContain("2 done");
    expect(await t.db.select().from(conversationTags).where(inArray(conversationTags.conversationId, ids))).toHaveLength(2);
    const spam = await agent.post("/inbox/bulk", { ids: strings(ids), choice: "spam" }, { htmx: true });
    expect(await spam.text()).toContain("Marked as spam:");
    expect((await rows(ids)).map((c) => [c.type, c.status])).toEqual([
      ["spam", "closed"],
      ["spam", "closed"],
    ]);
    const blocked = await t.db.select({ blockedAt: contacts.blockedAt }).from(contacts).where(inArray(contacts.id, (await rows(ids)).map((c) => c.contactId)));
    expect(blocked.every((c) => c.blockedAt !== null)).toBe(true);
  });

  it("an attacker's request naming another organization's conversations, tag or agent acts on none of them", async () => {
    const victim = await inbox(2, "Victim");
    const mallory = await inbox(1, "Mallory");
    const attacker = await t.signIn(mallory.w.admin.email, mallory.w.orgId);
    const before = await rows(victim.ids);
    const res = await attacker.post("/inbox/bulk", { ids: strings([...victim.ids, ...mallory.ids]), choice: "spam" }, { htmx: true });
    const summary = await res.text();
    expect(summary).toContain("1 done");
    expect(summary).toContain("2 refused");
    expect(summary).toContain("not found, or not yours to see");
    // Nothing of the victim's is told: no contact's name, only the id the attacker sent.
    const victimNames = await t.db.select({ name: contacts.name }).from(contacts).where(inArray(contacts.id, before.map((c) => c.contactId)));
    for (const { name } of victimNames) expect(summary).not.toMatch(new RegExp(`${name}[<,:]`));
    expect(await rows(victim.ids)).toEqual(before);
    expect(await t.db.select().from(events).where(and(inArray(events.conversationId, victim.ids), eq(events.type, "marked_spam")))).toHaveLength(0);

    const [victimTag] = await t.db.insert(tags).values({ orgId: victim.w.orgId, name: "Secret", createdAt: t.clock.now() }).returning();
    const tagRes = await attacker.post("/inbox/bulk", { ids: strings(mallory.ids), choice: `tag:${victimTag.id}` }, { htmx: true });
    expect(await tagRes.text()).toContain("1 refused");
    expect(await t.db.select().from(conversationTags).where(eq(conversationTags.tagId, victimTag.id))).toHaveLength(0);
    const assignRes = await attacker.post("/inbox/bulk", { ids: strings(mallory.ids), choice: `assign:user:${victim.w.agent.id}` }, { htmx: true });
    expect(await assignRes.text()).toContain("1 refused");
    expect((await rows(mallory.ids))[0].assigneeId).toBeNull();
  });

  it("an agent who sees only their own cannot act on a conversation hidden from them", async () => {
    const { w, ids } = await inbox(2, "Own", { agentsSeeOnlyOwn: true });
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    await supervisor.post(`/inbox/${ids[0]}/assign`, { target: `user:${w.agent2.id}` });
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.post("/inbox/bulk", { ids: strings(ids), choice: "close:none" }, { htmx: true });
    expect(await res.text()).toContain("1 refused");
    expect((await rows(ids)).map((c) => c.status)).toEqual(["open", "closed"]);
  });

  it("works without JavaScript: all on the page, then a summary page with the way back to the same list", async () => {
    const { w, ids } = await inbox(2);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const res = await agent.post("/inbox/bulk?tab=open&q=Customer", { all: "1", page_ids: strings(ids), choice: `assign:group:${w.workgroupId}` });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("<h1>Bulk action</h1>");
    expect(page).toContain("2 done");
    expect(page).toContain('href="/inbox?tab=open&amp;q=Customer"');
    expect((await rows(ids)).map((c) => c.workgroupId)).toEqual([w.workgroupId, w.workgroupId]);
  });

  it("nothing picked, no action chosen or too many conversations: a clear error and nothing done", async () => {
    const { w, ids } = await inbox(1);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const none = await agent.post("/inbox/bulk", { choice: "spam" }, { htmx: true });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("Select at least one conversation");
    const noAction = await agent.post("/inbox/bulk", { ids: strings(ids), choice: "" }, { htmx: true });
    expect(await noAction.text()).toContain("Choose what to do");
    const many = await agent.post("/inbox/bulk", { ids: Array.from({ length: 101 }, (_, i) => String(i + 1)), choice: "spam" }, { htmx: true });
    expect(many.status).toBe(422);
    expect((await rows(ids))[0].type).toBe("chat");
  });
});
