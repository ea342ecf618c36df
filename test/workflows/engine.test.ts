import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { automatedReplies, brands, businessHours, channels, closingMessages, conversations, customFields, contacts, events, messages, quickReplies, tags, workflowRuns, workflows } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { reply } from "../../src/inbox/replies";
import { joinConversation } from "../../src/inbox/joining";
import { tagConversation } from "../../src/inbox/tagging";
import { collectRuns, stepRun, MAX_DEPTH } from "../../src/workflows/engine";
import { useTestApp } from "../support/app";
import { workflowWorld } from "./support";

const t = useTestApp();
const setup = () => workflowWorld(t);

describe("workflow rules", () => {
  it("a WhatsApp message containing 'iade' goes to Returns with a tag; the events are the rule's and the thread says so", async () => {
    const s = await setup();
    const r = await s.rule({
      name: "Returns",
      trigger: { type: "message_received" },
      conditions: [{ type: "channel_kind", kinds: ["whatsapp"] }, { type: "text_contains", value: "İADE" }],
      actions: [{ type: "assign_workgroup", workgroupId: s.w.workgroupId }, { type: "add_tag", tagId: s.returns.id }],
    });
    const hit = await s.inbound("905550000001", "Merhaba, iade etmek istiyorum");
    const miss = await s.inbound("905550000002", "Merhaba");
    const web = await s.inbound("v1", "iade", s.web.id);
    await s.run();
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, hit.conversationId));
    expect(conv.workgroupId).toBe(s.w.workgroupId);
    expect(await s.tagIds(hit.conversationId)).toEqual([s.returns.id]);
    const [assigned] = await s.eventsOf(hit.conversationId, "assigned");
    expect(assigned.actorId).toBeNull();
    expect(assigned.data).toMatchObject({ by: "rule", ruleId: r.id, ruleName: "Returns", depth: 1 });
    expect(await s.lines(hit.conversationId)).toEqual([expect.objectContaining({ action: "assign_workgroup", rule: "Returns" }), expect.objectContaining({ action: "add_tag", rule: "Returns" })]);
    for (const other of [miss, web]) {
      expect(await s.tagIds(other.conversationId)).toEqual([]);
      expect((await s.eventsOf(other.conversationId, "assigned")).length).toBe(0);
    }
    const [logged] = await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, r.id));
    expect(logged).toMatchObject({ status: "done", conversationId: hit.conversationId, matched: ["message_received", "channel_kind", "text_contains"] });
    // The world's group routes by hand: the rule puts it in its queue, where it waits.
    expect(logged.results).toEqual([{ action: "assign_workgroup", outcome: "done", detail: "queued" }, { action: "add_tag", outcome: "done" }]);
    // The thread says which queue it waits in, in the reader's language.
    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    expect((await admin.html(`/inbox/${hit.conversationId}`)).text).toContain("Waiting in Support&#39;s queue, sent there by rule “Returns”");
    await admin.post("/me/locale", { locale: "tr" });
    expect((await admin.html(`/inbox/${hit.conversationId}`)).text).toContain("“Returns” kuralı ile Support kuyruğunda bekliyor");
  });

  it("runs are made once, however often and wherever the engine runs", async () => {
    const s = await setup();
    const r = await s.rule({ trigger: { type: "conversation_opened" }, actions: [{ type: "add_tag", tagId: s.vip.id }] });
    await s.inbound("905550000011", "hi");
    await Promise.all([collectRuns(t.db, t.clock.now()), collectRuns(t.db, t.clock.now())]);
    await s.run();
    await s.run();
    expect((await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, r.id))).length).toBe(1);
  });

  it("a crash between two actions resumes at the second without applying the first twice", async () => {
    const s = await setup();
    await s.rule({ trigger: { type: "message_received" }, actions: [{ type: "send_message", body: "Hello {{contact.name}}" }, { type: "add_tag", tagId: s.vip.id }] });
    const c = await s.inbound("905550000021", "hi");
    await collectRuns(t.db, t.clock.now());
    // One step is one committed transaction; the process dies before the next.
    await stepRun(t.db, t.clock.now());
    expect(await s.tagIds(c.conversationId)).toEqual([]);
    // Another process (or this one restarted) picks the run up from the database.
    await s.run();
    const sent = await t.db.select().from(messages).where(and(eq(messages.conversationId, c.conversationId), eq(messages.direction, "out")));
    expect(sent.map((m) => m.body)).toEqual(["Hello Contact 905550000021"]);
    expect(await s.tagIds(c.conversationId)).toEqual([s.vip.id]);
  });

  it("a rule never fires on its own changes, and chains of rules stop at a fixed depth", async () => {
    const s = await setup();
    const own = await s.rule({ trigger: { type: "tag_added" }, actions: [{ type: "add_tag", tagId: s.returns.id }, { type: "remove_tag", tagId: s.vip.id }] });
    const back = await s.rule({ trigger: { type: "tag_removed", tagId: s.vip.id }, actions: [{ type: "add_tag", tagId: s.vip.id }] });
    const c = await s.inbound("905550000031", "hi");
    const admin = (await actorFor(t.db, s.w.admin.id, s.w.orgId))!;
    await tagConversation(t.db, admin, c.conversationId, { id: s.vip.id }, t.clock.now());
    for (let i = 0; i < 6; i++) await s.run();
    const runs = await t.db.select().from(workflowRuns).where(eq(workflowRuns.orgId, s.w.orgId));
    expect(Math.max(...runs.map((r) => r.depth))).toBeLessThanOrEqual(MAX_DEPTH);
    // own: on the agent's tag (depth 1); back: on own's removal (2); own again on back's tag (3); then stop.
    expect(runs.filter((r) => r.workflowId === own.id).map((r) => r.depth).sort()).toEqual([1, 3]);
    expect(runs.filter((r) => r.workflowId === back.id).map((r) => r.depth)).toEqual([2]);
  });

  it("a contact's change acts on their open chat, never on an open comment thread of theirs", async () => {
    const s = await setup();
    const r = await s.rule({ trigger: { type: "contact_field_changed" }, actions: [{ type: "note", body: "Profile changed" }] });
    const c = await s.inbound("905550000061", "hi");
    const [chat] = await t.db.update(conversations).set({ status: "closed", closedAt: t.clock.now() }).where(eq(conversations.id, c.conversationId)).returning();
    const [comment] = await t.db.insert(conversations).values({ orgId: s.w.orgId, channelId: s.wa.id, contactId: chat.contactId, type: "comment", status: "open" }).returning();
    await t.db.insert(events).values({ orgId: s.w.orgId, type: "contact_updated", data: { contactId: chat.contactId }, createdAt: t.clock.now() });
    await s.run();
    expect(await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, r.id))).toEqual([]);
    expect(await s.lines(comment.id)).toEqual([]);
  });

  it("'stop here' keeps later rules from the same event; 'continue' lets them run", async () => {
    const s = await setup();
    await s.rule({ trigger: { type: "message_received" }, conditions: [{ type: "text_contains", value: "vip" }], stopAfter: true, actions: [{ type: "add_tag", tagId: s.vip.id }] });
    await s.rule({ trigger: { type: "message_received" }, actions: [{ type: "add_tag", tagId: s.returns.id }] });
    const a = await s.inbound("905550000041", "I am vip");
    const b = await s.inbound("905550000042", "hello");
    await s.run();
    expect(await s.tagIds(a.conversationId)).toEqual([s.vip.id]);
    expect(await s.tagIds(b.conversationId)).toEqual([s.returns.id]);
  });

  it("a broken action (a deleted tag) is logged and skipped; the rest of the run and ingestion go on", async () => {
    const s = await setup();
    const [gone] = await t.db.insert(tags).values({ orgId: s.w.orgId, name: "gone" }).returning();
    const r = await s.rule({ trigger: { type: "message_received" }, actions: [{ type: "add_tag", tagId: gone.id }, { type: "note", body: "Checked by a rule" }] });
    await t.db.delete(tags).where(eq(tags.id, gone.id));
    const c = await s.inbound("905550000051", "hi");
    await s.run();
    const [logged] = await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, r.id));
    expect(logged.status).toBe("failed");
    expect(logged.results).toEqual([{ action: "add_tag", outcome: "error", detail: "no_tag" }, { action: "note", outcome: "done" }]);
    expect((await t.db.select().from(messages).where(and(eq(messages.conversationId, c.conversationId), eq(messages.direction, "note")))).length).toBe(1);
  });

  it("assigns to a user, sets a CRM field, closes with a closing message", async () => {
    const s = await setup();
    await t.db.insert(customFields).values({ orgId: s.w.orgId, key: "segment", label: "Segment", type: "text" });
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, s.w.orgId)).limit(1);
    await s.rule({
      trigger: { type: "message_received" },
      conditions: [{ type: "contact", returning: false }, { type: "session_type", types: ["chat"] }],
      actions: [{ type: "assign_user", userId: s.w.agent.id }, { type: "set_field", key: "segment", value: "gold" }, { type: "close", closingMessageId: closing.id }],
    });
    const c = await s.inbound("905550000061", "hi");
    await s.run();
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, c.conversationId));
    expect(conv).toMatchObject({ assigneeId: s.w.agent.id, status: "closed", closingMessageId: closing.id, closedBy: null });
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, conv.contactId));
    expect(contact.customFields).toMatchObject({ segment: "gold" });
    expect(contact.ownerId).toBe(s.w.agent.id);
    const [closed] = await s.eventsOf(c.conversationId, "closed");
    expect(closed).toMatchObject({ actorId: null, subjectUserId: s.w.agent.id });
  });

  it("conditions on CRM fields use the inbox filter's operators; a returning contact is told apart", async () => {
    const s = await setup();
    await t.db.insert(customFields).values({ orgId: s.w.orgId, key: "orders", label: "Orders", type: "number" });
    await s.rule({ trigger: { type: "message_received" }, conditions: [{ type: "field", key: "orders", op: "gte", value: "3" }], actions: [{ type: "add_tag", tagId: s.vip.id }] });
    const a = await s.inbound("905550000071", "hi");
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, a.conversationId));
    await t.db.update(contacts).set({ customFields: { orders: 5 } }).where(eq(contacts.id, conv.contactId));
    const b = await s.inbound("905550000072", "hi");
    await s.inbound("905550000071", "again");
    await s.run();
    expect(await s.tagIds(a.conversationId)).toEqual([s.vip.id]);
    expect(await s.tagIds(b.conversationId)).toEqual([]);
  });

  it("'no agent reply for N minutes' fires when due unless an agent answered meanwhile", async () => {
    const s = await setup();
    await s.rule({ trigger: { type: "no_agent_reply", minutes: 10 }, actions: [{ type: "add_tag", tagId: s.vip.id }] });
    const waiting = await s.inbound("905550000081", "hello?");
    const answered = await s.inbound("905550000082", "hello?");
    const agent = (await actorFor(t.db, s.w.agent.id, s.w.orgId))!;
    await joinConversation(t.db, agent, answered.conversationId, t.clock.now());
    await reply(t.db, agent, answered.conversationId, "Hi!", t.clock.now());
    await s.run();
    expect(await s.tagIds(waiting.conversationId)).toEqual([]);
    t.clock.advance("10m");
    await s.run();
    expect(await s.tagIds(waiting.conversationId)).toEqual([s.vip.id]);
    expect(await s.tagIds(answered.conversationId)).toEqual([]);
  });

  it("a wait fires its rule once however many messages came meanwhile; 'no customer reply' waits on the agent's latest message", async () => {
    const s = await setup();
    const waitRule = await s.rule({ trigger: { type: "no_agent_reply", minutes: 10 }, actions: [{ type: "note", body: "still waiting" }] });
    const quiet = await s.rule({ trigger: { type: "no_customer_reply", minutes: 30 }, actions: [{ type: "add_tag", tagId: s.vip.id }] });
    const c = await s.inbound("905550000083", "hello?");
    t.clock.advance("2m");
    await s.inbound("905550000083", "anyone?");
    t.clock.advance("10m");
    await s.run();
    const done = async (id: number) => (await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, id))).filter((r) => r.status === "done").length;
    expect(await done(waitRule.id)).toBe(1);
    const agent = (await actorFor(t.db, s.w.agent.id, s.w.orgId))!;
    await joinConversation(t.db, agent, c.conversationId, t.clock.now());
    await reply(t.db, agent, c.conversationId, "Sorry, here now.", t.clock.now());
    t.clock.advance("5m");
    await reply(t.db, agent, c.conversationId, "Are you there?", t.clock.now());
    await s.run();
    t.clock.advance("30m");
    await s.run();
    expect(await done(quiet.id)).toBe(1);
    expect(await s.tagIds(c.conversationId)).toEqual([s.vip.id]);
  });
});

describe("out-of-office reply", () => {
  it("goes once per conversation within its gap, only outside business hours, and is the channel's, written as a system line", async () => {
    const s = await setup();
    // Weekdays 09:00–18:00 in Istanbul (UTC+3).
    const day = [{ from: "09:00", to: "18:00" }];
    await t.db.insert(businessHours).values({ orgId: s.w.orgId, weekly: { 1: day, 2: day, 3: day, 4: day, 5: day } });
    await t.db.insert(automatedReplies).values({ orgId: s.w.orgId, channelId: s.wa.id, kind: "out_of_office", body: "We are closed, {{contact.name}}.", gapMinutes: 60 });
    t.clock.set("2026-01-05T16:30:00Z"); // Monday 19:30 in Istanbul
    const c = await s.inbound("905550000091", "hello");
    await s.inbound("905550000091", "anyone?");
    await s.run();
    t.clock.advance("5m");
    await s.inbound("905550000091", "still?");
    await s.run();
    const out = async () => (await t.db.select().from(messages).where(and(eq(messages.conversationId, c.conversationId), eq(messages.direction, "out")))).map((m) => m.body);
    expect(await out()).toEqual(["We are closed, Contact 905550000091."]);
    expect(await s.lines(c.conversationId)).toEqual([{ action: "automated_reply.out_of_office", rule: null }]);
    // After the gap, again; in opening hours, never.
    t.clock.advance("61m");
    await s.inbound("905550000091", "hello again");
    await s.run();
    expect((await out()).length).toBe(2);
    t.clock.set("2026-01-06T06:30:00Z"); // Tuesday 09:30
    await s.inbound("905550000091", "good morning");
    await s.run();
    expect((await out()).length).toBe(2);
  });
});

describe("more triggers, conditions and actions", () => {
  it("assigned, closed and contact-field triggers; brand, workgroup, tag, pattern and business-hours conditions", async () => {
    const s = await setup();
    const admin = (await actorFor(t.db, s.w.admin.id, s.w.orgId))!;
    const { assignConversation } = await import("../../src/inbox/assignment");
    const { closeConversation } = await import("../../src/inbox/closing");
    const { updateProfile } = await import("../../src/contacts/profile");
    const [brand] = await t.db.insert(brands).values({ orgId: s.w.orgId, name: "Acme Shoes" }).returning();
    await t.db.update(channels).set({ brandId: brand.id }).where(eq(channels.id, s.wa.id));
    const onAssign = await s.rule({ trigger: { type: "assigned" }, conditions: [{ type: "workgroup", workgroupIds: [s.w.workgroupId] }, { type: "brand", brandIds: [brand.id] }], actions: [{ type: "note", body: "group" }] });
    const onClose = await s.rule({ trigger: { type: "closed" }, conditions: [{ type: "tag", tagId: s.vip.id, present: false }], actions: [{ type: "add_tag", tagId: s.returns.id }] });
    const onField = await s.rule({ trigger: { type: "contact_field_changed" }, conditions: [{ type: "text_matches", pattern: "^sipariş\\s+\\d+" }, { type: "business_hours", inside: true }], actions: [{ type: "add_tag", tagId: s.vip.id }] });
    const c = await s.inbound("905550000101", "Sipariş 42 nerede?");
    await assignConversation(t.db, admin, c.conversationId, { workgroupId: s.w.workgroupId }, t.clock.now());
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, c.conversationId));
    await updateProfile(t.db, admin, conv.contactId, { name: "Özge", phone: null, email: null, fields: {} }, t.clock.now());
    await s.run();
    const runsOf = async (id: number) => (await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, id))).map((r) => r.status);
    expect(await runsOf(onAssign.id)).toEqual(["done"]);
    expect(await runsOf(onField.id)).toEqual(["done"]);
    const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, s.w.orgId)).limit(1);
    // VIP was added by the field rule, so the close rule's "no VIP tag" condition fails.
    await closeConversation(t.db, admin, c.conversationId, closing.id, "en", t.clock.now());
    await s.run();
    expect(await runsOf(onClose.id)).toEqual([]);
  });

  it("sends a quick reply and a WhatsApp template with the contact's fields, welcomes once, and starts a flow conversation", async () => {
    const s = await setup();
    await t.db.update(channels).set({ config: { templates: [{ name: "order_update", language: "tr", body: "Merhaba {{1}}, siparişiniz {{2}} yolda.", params: 2 }] } }).where(eq(channels.id, s.wa.id));
    const [qr] = await t.db.insert(quickReplies).values({ orgId: s.w.orgId, title: "Hi", body: "Merhaba {{contact.name}}!" }).returning();
    await t.db.insert(automatedReplies).values({ orgId: s.w.orgId, channelId: s.wa.id, kind: "welcome", body: "Hoş geldiniz!", gapMinutes: 600 });
    await s.rule({
      trigger: { type: "message_received" },
      conditions: [{ type: "channel", channelIds: [s.wa.id] }],
      actions: [{ type: "send_quick_reply", quickReplyId: qr.id }, { type: "send_template", name: "order_update", language: "tr", parameters: ["{{contact.name}}", "{{field.order}}"] }, { type: "close", closingMessageId: (await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, s.w.orgId)).limit(1))[0].id }, { type: "start_conversation", channelId: s.wa.id, body: "", template: { name: "order_update", language: "tr", parameters: ["a", "b"] } }],
    });
    const c = await s.inbound("905550000111", "selam");
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, c.conversationId));
    await t.db.update(contacts).set({ customFields: { order: "KN-1" } }).where(eq(contacts.id, conv.contactId));
    await s.inbound("905550000111", "selam yine");
    await s.run();
    const out = (await t.db.select().from(messages).where(and(eq(messages.conversationId, c.conversationId), eq(messages.direction, "out")))).map((m) => m.body);
    expect(out.filter((b) => b === "Hoş geldiniz!").length).toBe(1);
    expect(out).toContain("Merhaba Contact 905550000111!");
    expect(out).toContain("Merhaba Contact 905550000111, siparişiniz KN-1 yolda.");
    const flows = await t.db.select().from(conversations).where(and(eq(conversations.contactId, conv.contactId), eq(conversations.type, "flow")));
    expect(flows.length).toBe(1);
    expect(flows[0]).toMatchObject({ status: "open", startedBy: "automation" });
    const sentInFlow = await t.db.select().from(messages).where(and(eq(messages.conversationId, flows[0].id), eq(messages.direction, "out")));
    expect(sentInFlow.map((m) => [m.kind, m.body])).toEqual([["template", "Merhaba a, siparişiniz b yolda."]]);
  });
});
