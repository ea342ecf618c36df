// A workflow's "send a poll": to a contact with no open conversation it travels in a closed
// conversation of type poll, and the customer's answer (a real-shaped WhatsApp list reply or a
// template's quick-reply button) opens that conversation, still of type poll, found by the inbox's
// Poll filter. WhatsApp's window is respected: free-form inside 24 hours, else only a template.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { channels, closingMessages, conversations, messages, polls, workflowRuns, workflows } from "@db/schema";
import type { Db } from "@db/client";
import { actorFor } from "../../src/auth/accounts";
import { runBot } from "../../src/bot/engine";
import { closeConversation } from "../../src/inbox/closing";
import { collectRuns, runWorkflows } from "../../src/workflows/engine";
import { wa } from "../../fakes/meta/payloads";
import { useLiveChannels } from "../channels/support/live-channels";
import { useTestApp } from "../support/app";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

async function setup(options: { template?: boolean } = {}) {
  const w = await t.world();
  const phoneId = `4500000001${String(++seq).padStart(5, "0")}`;
  const channel = await live.channel(w.orgId, "whatsapp", phoneId);
  await t.db.update(channels).set({ workgroupId: w.workgroupId, config: { ...channel.config, templates: [{ name: "quick_poll", language: "tr", body: "{{1}}", params: 1 }, { name: "two_vars", language: "tr", body: "{{1}} {{2}}", params: 2 }] } }).where(eq(channels.id, channel.id));
  // The WABA's approved poll template: its one variable is the question, its buttons the WABA's own.
  if (!live.fake.templates.some((x) => x.name === "quick_poll")) {
    live.fake.templates.push({ name: "quick_poll", language: "tr", status: "APPROVED", category: "MARKETING", components: [{ type: "BODY", text: "{{1}}" }, { type: "BUTTONS" }] });
  }
  await collectRuns(t.db, t.clock.now());
  const template = options.template ? { template: { name: "quick_poll", language: "tr" } } : {};
  const [rule] = await t.db
    .insert(workflows)
    .values({
      orgId: w.orgId,
      name: "Ask after closing",
      position: 0,
      enabled: true,
      stopAfter: false,
      trigger: { type: "closed" },
      conditions: [],
      actions: [{ type: "send_poll", channelId: channel.id, question: "{{contact.name}}, would you order again?", options: ["Yes", "No", "Maybe"], ...template }],
      createdAt: t.clock.now(),
      updatedAt: t.clock.now(),
    })
    .returning();
  const from = `90555300${String(seq).padStart(4, "0")}`;
  const flush = async () => {
    await live.settle();
    await runWorkflows(t.database, () => t.clock.now());
    await runBot(t.database, () => t.clock.now());
    await t.app.runtime.outbox.runOnce();
    await live.settle();
  };
  const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId)).limit(1);
  /** The customer writes, the admin closes their conversation (the rule's trigger). */
  const chatAndClose = async () => {
    await live.fake.pushWhatsAppText({ channel: phoneId, from, name: "Deniz", text: "Merhaba" });
    await flush();
    const [conv] = await t.db.select().from(conversations).where(and(eq(conversations.channelId, channel.id), eq(conversations.status, "open")));
    await t.db.update(conversations).set({ assigneeId: w.admin.id }).where(eq(conversations.id, conv.id));
    await closeConversation(t.db, admin, conv.id, closing.id, "en", t.clock.now());
    return conv;
  };
  const pollConversations = () => t.db.select().from(conversations).where(and(eq(conversations.channelId, channel.id), eq(conversations.type, "poll")));
  const runsOf = async () => (await t.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, rule.id))).map((r) => ({ status: r.status, results: r.results }));
  return { w, channel, phoneId, from, flush, chatAndClose, pollConversations, runsOf };
}

const pollOf = async (db: Db, conversationId: number) => (await db.select().from(polls).where(eq(polls.conversationId, conversationId)).orderBy(polls.id))[0];

describe("a workflow sends a poll outside a conversation", () => {
  it("inside the window: an interactive poll in a closed conversation of type poll; the button reply opens it for the queue, and the Poll filter finds it", async () => {
    const s = await setup();
    const chat = await s.chatAndClose();
    await s.flush();
    const [carrier] = await s.pollConversations();
    expect(carrier).toMatchObject({ status: "closed", type: "poll", startedBy: "automation", contactId: chat.contactId });
    const poll = await pollOf(t.db, carrier.id);
    expect(poll).toMatchObject({ kind: "poll", status: "sent", question: "Deniz, would you order again?", options: ["Yes", "No", "Maybe"] });
    const sent = live.fake.sent.find((m) => m.to === s.from && m.body.type === "interactive")!;
    expect(sent.body.interactive).toMatchObject({ type: "button", body: { text: "Deniz, would you order again?" } });
    expect(sent.body.interactive.action.buttons.map((b: { reply: { id: string } }) => b.reply.id)).toEqual([0, 1, 2].map((i) => `poll:${poll.id}:${i}`));
    const lines = await t.db.select().from(messages).where(and(eq(messages.conversationId, carrier.id), eq(messages.direction, "event")));
    expect(lines.map((m) => (m.metadata.automation as { action: string }).action)).toEqual(["send_poll"]);

    await live.fake.pushWhatsAppButtonReply({ channel: s.phoneId, from: s.from, buttonId: `poll:${poll.id}:0`, title: "Yes" });
    await s.flush();
    const [opened] = await t.db.select().from(conversations).where(eq(conversations.id, carrier.id));
    expect(opened).toMatchObject({ status: "open", type: "poll", startedBy: "contact", workgroupId: s.w.workgroupId });
    expect(await pollOf(t.db, carrier.id)).toMatchObject({ status: "answered", answerIndex: 0 });
    // No second conversation: the answer is in the poll's own.
    expect((await t.db.select().from(conversations).where(and(eq(conversations.contactId, chat.contactId), eq(conversations.status, "open")))).map((c) => c.id)).toEqual([carrier.id]);

    const agent = await t.signIn(s.w.admin.email, s.w.orgId);
    const polled = (await agent.html("/inbox?tab=all&type=poll")).text;
    expect(polled).toContain(`id="conv-${carrier.id}"`);
    expect(polled).not.toContain(`id="conv-${chat.id}"`);
    expect((await agent.html("/inbox?tab=open&type=poll")).text).toContain(`id="conv-${carrier.id}"`);
    expect((await agent.html("/inbox?tab=all&type=bot")).text).not.toContain(`id="conv-${carrier.id}"`);
    const thread = (await agent.html(`/inbox/${carrier.id}`)).text;
    expect(thread).toContain("Deniz, would you order again?");
    expect(thread).toContain("Yes");
    expect(thread).toContain("Poll sent by rule");
  });

  it("outside WhatsApp's window: nothing without a template; with one, the template carries the question and its button's text answers", async () => {
    const plain = await setup();
    await plain.chatAndClose();
    t.clock.advance("25h");
    const [{ id: rulesChat }] = await t.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.channelId, plain.channel.id));
    await t.db.update(conversations).set({ lastInboundAt: new Date(t.clock.now().getTime() - 25 * 3_600_000) }).where(eq(conversations.id, rulesChat));
    await plain.flush();
    expect(await plain.pollConversations()).toEqual([]);
    expect((await plain.runsOf()).map((r) => r.status)).toEqual(["done"]);
    expect(JSON.stringify((await plain.runsOf())[0].results)).toContain("outside_window");

    const s = await setup({ template: true });
    const chat = await s.chatAndClose();
    // The customer's last message was two days ago when the rule runs.
    await t.db.update(conversations).set({ lastInboundAt: new Date(t.clock.now().getTime() - 48 * 3_600_000) }).where(eq(conversations.id, chat.id));
    await s.flush();
    const [carrier] = await s.pollConversations();
    const [message] = await t.db.select().from(messages).where(and(eq(messages.conversationId, carrier.id), eq(messages.direction, "out")));
    expect(message).toMatchObject({ kind: "template", body: "Deniz, would you order again?" });
    const sent = live.fake.sent.find((m) => m.to === s.from && m.body.type === "template")!;
    expect(sent.body).toMatchObject({ template: { name: "quick_poll", language: { code: "tr" } } });
    const at = t.clock.now();
    await live.fake.pushWhatsApp({ contacts: [{ name: "Deniz", waId: s.from }], messages: [wa.button({ from: s.from, text: "No", payload: "quick_poll_no", at })] }, { channel: s.phoneId });
    await s.flush();
    expect(await pollOf(t.db, carrier.id)).toMatchObject({ status: "answered", answerIndex: 1 });
    expect((await t.db.select().from(conversations).where(eq(conversations.id, carrier.id)))[0]).toMatchObject({ status: "open", type: "poll" });
  });

  it("a free message instead of an answer opens an ordinary conversation; the poll stays unanswered", async () => {
    const s = await setup();
    const chat = await s.chatAndClose();
    await s.flush();
    const [carrier] = await s.pollConversations();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "Kargom nerede?" });
    await s.flush();
    const open = await t.db.select().from(conversations).where(and(eq(conversations.contactId, chat.contactId), eq(conversations.status, "open")));
    expect(open.map((c) => c.type)).toEqual(["chat"]);
    expect(await pollOf(t.db, carrier.id)).toMatchObject({ status: "sent" });
  });

  it("with the contact's conversation open on the channel, the poll goes in it and the answer is read there", async () => {
    const s = await setup();
    await t.db.update(workflows).set({ trigger: { type: "conversation_opened" } }).where(eq(workflows.orgId, s.w.orgId));
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, name: "Deniz", text: "Merhaba" });
    await s.flush();
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, s.channel.id));
    expect(conv).toMatchObject({ status: "open", type: "chat" });
    const poll = await pollOf(t.db, conv.id);
    expect(poll).toMatchObject({ kind: "poll", status: "sent" });
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "3" });
    await s.flush();
    expect(await pollOf(t.db, conv.id)).toMatchObject({ status: "answered", answerIndex: 2 });
    expect(await s.pollConversations()).toEqual([]);
  });

  it("the rule editor writes the poll (question | choices) and its template, shows it again, and refuses fewer than two choices keeping the input", async () => {
    const s = await setup();
    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    const page = (await admin.html("/admin/workflows")).text;
    expect(page).toContain(`value="send_poll:${s.channel.id}"`);
    expect(page).toContain(`value="send_poll:${s.channel.id}:quick_poll:tr"`);
    // A template with two variables cannot carry the question alone.
    expect(page).not.toContain(`value="send_poll:${s.channel.id}:two_vars:tr"`);
    const made = await admin.post("/admin/workflows", { name: "Poll them", enabled: "on", trigger: "closed", a0: `send_poll:${s.channel.id}:quick_poll:tr`, a0v: "Memnun kaldınız mı? | Evet | Hayır" });
    expect(made.status).toBe(303);
    const [rule] = await t.db.select().from(workflows).where(and(eq(workflows.orgId, s.w.orgId), eq(workflows.name, "Poll them")));
    expect(rule.actions).toEqual([{ type: "send_poll", channelId: s.channel.id, question: "Memnun kaldınız mı?", options: ["Evet", "Hayır"], template: { name: "quick_poll", language: "tr" } }]);
    expect((await admin.html(`/admin/workflows/${rule.id}`)).text).toContain("Memnun kaldınız mı? | Evet | Hayır");
    const refused = await admin.post("/admin/workflows", { name: "One choice", trigger: "closed", a0: `send_poll:${s.channel.id}`, a0v: "Soru? | Tek" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("Soru? | Tek");
  });
});
