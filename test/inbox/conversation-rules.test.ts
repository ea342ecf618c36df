import { describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { channels, closingMessages, contacts, conversations, events, messages, outbox } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { tabCounts } from "../../src/inbox/tab-counts";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ConversationRuleBroken } from "../../src/inbox/changes";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { joinConversation } from "../../src/inbox/joining";
import { reply } from "../../src/inbox/replies";
import { startConversation } from "../../src/inbox/opening";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

async function setup() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const actor = async (p: { id: string }) => (await actorFor(t.db, p.id, w.orgId))!;
  const inbound = (externalId: string, body: string, id: string = crypto.randomUUID()) =>
    ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId, contactName: `Contact ${externalId}`, body, providerMessageId: id, at: t.clock.now() });
  return { w, channel, actor, inbound };
}

/** Open conversations of the organization's customers (its support line with Kanal aside). */
const openFor = (orgId: number) =>
  t.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.orgId, orgId), eq(conversations.status, "open"), sql`${conversations.channelId} not in (select id from channels where kind = 'support')`));
const eventTypes = async (conversationId: number) => (await t.db.select().from(events).where(eq(events.conversationId, conversationId))).map((e) => e.type);
const closingId = async (w: World) => (await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId)))[0].id;

describe("one open conversation per contact", () => {
  it("two concurrent first messages from a new contact create exactly one open conversation", async () => {
    const { w, inbound } = await setup();
    const results = await Promise.all([inbound("905550000001", "merhaba"), inbound("905550000001", "orada mısınız?")]);
    expect(results[0].conversationId).toBe(results[1].conversationId);
    expect((await openFor(w.orgId)).length).toBe(1);
    expect((await t.db.select().from(contacts).where(and(eq(contacts.orgId, w.orgId), sql`${contacts.name} <> 'Kanal Support'`))).length).toBe(1);
    expect((await t.db.select().from(messages).where(eq(messages.conversationId, results[0].conversationId))).length).toBe(2);
  });

  it("a second inbound message while open joins the same conversation", async () => {
    const { inbound } = await setup();
    const a = await inbound("905550000002", "one");
    const b = await inbound("905550000002", "two");
    expect(b.conversationId).toBe(a.conversationId);
    expect(b.eventIds.length).toBe(1);
  });

  it("stores the same provider message id once", async () => {
    const { inbound } = await setup();
    const first = await inbound("905550000003", "hi", "wamid.SAME");
    const again = await inbound("905550000003", "hi", "wamid.SAME");
    expect(again.duplicate).toBe(true);
    expect((await t.db.select().from(messages).where(eq(messages.conversationId, first.conversationId))).length).toBe(1);
  });

  it("the database itself refuses a second open conversation for a contact", async () => {
    const { w, channel, inbound } = await setup();
    const { conversationId } = await inbound("905550000004", "hi");
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    let refused = false;
    try {
      await t.db.insert(conversations).values({ orgId: w.orgId, contactId: conv.contactId, channelId: channel.id });
    } catch {
      refused = true;
    }
    expect(refused).toBe(true);
  });

  it("new contacts arrive unassigned; after closing, the contact's next message opens a new conversation assigned to the owner", async () => {
    const { w, actor, inbound } = await setup();
    const first = await inbound("905550000005", "hello");
    const [fresh] = await t.db.select().from(conversations).where(eq(conversations.id, first.conversationId));
    expect(fresh.assigneeId).toBeNull();
    const okan = await actor(w.agent);
    await joinConversation(t.db, okan, first.conversationId, t.clock.now());
    await closeConversation(t.db, okan, first.conversationId, await closingId(w), "en", t.clock.now());
    t.clock.advance("2h");
    const next = await inbound("905550000005", "me again");
    expect(next.conversationId).not.toBe(first.conversationId);
    const [again] = await t.db.select().from(conversations).where(eq(conversations.id, next.conversationId));
    expect(again.assigneeId).toBe(w.agent.id);
    expect(again.status).toBe("open");
  });
});

describe("joining, assigning and forwarding", () => {
  it("joining an unassigned conversation assigns it; joining someone else's adds a participant", async () => {
    const { w, actor, inbound } = await setup();
    const { conversationId } = await inbound("905550000010", "help");
    await joinConversation(t.db, await actor(w.agent), conversationId, t.clock.now());
    await joinConversation(t.db, await actor(w.agent2), conversationId, t.clock.now());
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv.assigneeId).toBe(w.agent.id);
    expect(await eventTypes(conversationId)).toEqual(["conversation_created", "message_created", "assigned", "joined", "joined"]);
    // Having joined, the participant may reply.
    await reply(t.db, await actor(w.agent2), conversationId, "I can help too", t.clock.now());
  });

  it("only agents who joined may reply", async () => {
    const { w, actor, inbound } = await setup();
    const { conversationId } = await inbound("905550000011", "help");
    await expect(reply(t.db, await actor(w.agent), conversationId, "hi", t.clock.now())).rejects.toEqual(new ConversationRuleBroken("not_joined"));
  });

  it("assigning by hand to another user is a forward by whoever assigned, the assignee or a supervisor; taking it yourself is not", async () => {
    const { w, actor, inbound } = await setup();
    const { conversationId } = await inbound("905550000012", "help");
    const supervisor = await actor(w.supervisor);
    await assignConversation(t.db, supervisor, conversationId, { userId: w.agent.id }, t.clock.now());
    await assignConversation(t.db, await actor(w.agent), conversationId, { userId: w.agent2.id }, t.clock.now());
    await assignConversation(t.db, await actor(w.agent), conversationId, { userId: w.agent.id }, t.clock.now());
    const forwards = await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "forwarded")));
    // The cockpit guide: "Forwarded" counts what a user assigned to another user, whoever held it before.
    expect(forwards.map((e) => [e.actorId, e.subjectUserId])).toEqual([
      [w.supervisor.id, w.agent.id],
      [w.agent.id, w.agent2.id],
    ]);
  });

  it("refuses targets outside the organization", async () => {
    const { w, actor, inbound } = await setup();
    const rival = await t.world("Rival");
    const { conversationId } = await inbound("905550000013", "help");
    const admin = await actor(w.admin);
    await expect(assignConversation(t.db, admin, conversationId, { userId: rival.agent.id }, t.clock.now())).rejects.toEqual(new ConversationRuleBroken("bad_target"));
    await expect(assignConversation(t.db, admin, conversationId, { workgroupId: rival.workgroupId }, t.clock.now())).rejects.toEqual(new ConversationRuleBroken("bad_target"));
    const rivalAdmin = (await actorFor(t.db, rival.admin.id, rival.orgId))!;
    await expect(joinConversation(t.db, rivalAdmin, conversationId, t.clock.now())).rejects.toEqual(new ConversationRuleBroken("not_found"));
  });

  it("tab counts stay right through assign, forward and close", async () => {
    const { w, actor, inbound } = await setup();
    const a = await inbound("905550000020", "a");
    const b = await inbound("905550000021", "b");
    await inbound("905550000022", "c");
    const admin = await actor(w.admin);
    expect(await tabCounts(t.db, admin)).toEqual({ open: 3, assigned: 0, snoozed: 0, closed: 0, all: 3 });
    await assignConversation(t.db, admin, a.conversationId, { userId: w.agent.id }, t.clock.now());
    expect(await tabCounts(t.db, admin)).toEqual({ open: 2, assigned: 1, snoozed: 0, closed: 0, all: 3 });
    await assignConversation(t.db, await actor(w.agent), a.conversationId, { userId: w.agent2.id }, t.clock.now());
    expect(await tabCounts(t.db, admin)).toEqual({ open: 2, assigned: 1, snoozed: 0, closed: 0, all: 3 });
    await joinConversation(t.db, await actor(w.agent), b.conversationId, t.clock.now());
    await closeConversation(t.db, await actor(w.agent), b.conversationId, await closingId(w), "en", t.clock.now());
    expect(await tabCounts(t.db, admin)).toEqual({ open: 1, assigned: 1, snoozed: 0, closed: 1, all: 3 });
  });
});

describe("replies and closing", () => {
  it("a reply is queued as pending in the outbox; the assignee's first reply is the first response", async () => {
    const { w, actor, inbound } = await setup();
    const { conversationId } = await inbound("905550000030", "hello?");
    const okan = await actor(w.agent);
    t.clock.advance("1m");
    await joinConversation(t.db, okan, conversationId, t.clock.now());
    t.clock.advance("2m");
    const { messageId } = await reply(t.db, okan, conversationId, "  Hello! How can I help?  ", t.clock.now());
    const [msg] = await t.db.select().from(messages).where(eq(messages.id, messageId));
    expect(msg.body).toBe("Hello! How can I help?");
    expect(msg.delivery).toBe("pending");
    expect((await t.db.select().from(outbox).where(eq(outbox.messageId, messageId))).length).toBe(1);
    const [first] = await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "first_response")));
    expect(first.data).toEqual({ ms: 120_000 });
    await reply(t.db, okan, conversationId, "second", t.clock.now());
    expect((await t.db.select().from(events).where(and(eq(events.conversationId, conversationId), eq(events.type, "first_response")))).length).toBe(1);
    await expect(reply(t.db, okan, conversationId, "   ", t.clock.now())).rejects.toEqual(new ConversationRuleBroken("empty"));
  });

  it("closing sends the chosen closing message in the agent's language and leaves the open queues", async () => {
    const { w, actor, inbound } = await setup();
    const { conversationId } = await inbound("905550000031", "thanks");
    const okan = await actor(w.agent);
    await joinConversation(t.db, okan, conversationId, t.clock.now());
    await closeConversation(t.db, okan, conversationId, await closingId(w), "tr", t.clock.now());
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv.status).toBe("closed");
    expect(conv.closedBy).toBe(w.agent.id);
    const out = await t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out")));
    expect(out.at(-1)!.body).toContain("Talebiniz çözüldü");
    await expect(reply(t.db, okan, conversationId, "late", t.clock.now())).rejects.toEqual(new ConversationRuleBroken("closed"));
  });

  it("an agent starts a conversation with a contact; a second while one is open is refused", async () => {
    const { w, channel, actor, inbound } = await setup();
    const first = await inbound("905550000040", "hi");
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, first.conversationId));
    const okan = await actor(w.agent);
    await expect(startConversation(t.db, okan, { contactId: conv.contactId, channelId: channel.id }, t.clock.now())).rejects.toEqual(new ConversationRuleBroken("already_open", first.conversationId));
    await joinConversation(t.db, okan, first.conversationId, t.clock.now());
    await closeConversation(t.db, okan, first.conversationId, await closingId(w), "en", t.clock.now());
    const started = await startConversation(t.db, okan, { contactId: conv.contactId, channelId: channel.id }, t.clock.now());
    const [mine] = await t.db.select().from(conversations).where(eq(conversations.id, started.conversationId));
    expect(mine.assigneeId).toBe(w.agent.id);
    expect(mine.startedBy).toBe("agent");
  });
});
