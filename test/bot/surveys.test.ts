// Satisfaction surveys after closing and agents' quick polls, through the real app and the fake
// Graph API: sent once and only inside the reply window, answered by a real-shaped list reply or
// quick reply, stored and counted for the agent, shown in the thread; answering does not reopen.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { closingMessages, conversations, polls } from "@db/schema";
import { runBot } from "../../src/bot/engine";
import { satisfactionByAgent } from "../../src/bot/polls";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";
import { botWorld, latestConversation } from "./support";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

async function setup(kind: "whatsapp" | "messenger" = "whatsapp", menu: { bot?: boolean; survey?: boolean } = {}) {
  const w = await t.world();
  const bot = await botWorld(t.db, w, t.clock.now());
  const id = `4400000001${String(++seq).padStart(5, "0")}`;
  const channel = await live.channel(w.orgId, kind, id);
  await bot.save({ channelId: channel.id }, { enabled: menu.bot ?? false, surveyEnabled: menu.survey ?? true });
  const from = `90555200${String(seq).padStart(4, "0")}`;
  const flush = async () => {
    await live.settle();
    await runBot(t.database, () => t.clock.now());
    await t.app.runtime.outbox.runOnce();
    await live.settle();
  };
  const say = (text: string) => (kind === "whatsapp" ? live.fake.pushWhatsAppText({ channel: id, from, name: "Ayşe", text }) : live.fake.pushMessengerText({ channel: id, from, name: "Ayşe", text }));
  const agent = await t.signIn(bot.returns.agents.length ? w.admin.email : w.admin.email, w.orgId);
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId)).limit(1);
  /** The admin joins and closes the latest conversation. */
  const close = async () => {
    const conv = await latestConversation(t.db, channel.id);
    await agent.post(`/inbox/${conv.id}/join`);
    expect((await agent.post(`/inbox/${conv.id}/close`, { closingMessageId: String(closing.id) })).status).toBeLessThan(400);
    return conv.id;
  };
  return { w, bot, channel, id, from, flush, say, agent, close };
}

describe("the satisfaction survey after closing", () => {
  it("is sent once as a WhatsApp list; a rating of 5 is stored, counted for the agent, shown in the thread and does not reopen; a comment follows; a later free message opens a new conversation", async () => {
    const s = await setup();
    await s.say("Kargom nerede?");
    await s.flush();
    const conversationId = await s.close();
    await s.flush();
    await s.flush();
    const surveys = await t.db.select().from(polls).where(eq(polls.conversationId, conversationId));
    expect(surveys).toHaveLength(1);
    expect(surveys[0]).toMatchObject({ kind: "survey", status: "sent", agentId: s.w.admin.id });
    const sent = live.fake.sent.filter((m) => m.to === s.from).at(-1)!;
    expect(sent.body.interactive).toMatchObject({ type: "list", body: { text: "How satisfied are you with our help?" }, action: { button: "Options" } });
    expect(sent.body.interactive.action.sections[0].rows.map((r: { id: string }) => r.id)).toEqual([1, 2, 3, 4, 5].map((n) => `survey:${surveys[0].id}:${n}`));

    await live.fake.pushWhatsAppListReply({ channel: s.id, from: s.from, rowId: `survey:${surveys[0].id}:5`, title: "5 ⭐⭐⭐⭐⭐" });
    await s.flush();
    const [answered] = await t.db.select().from(polls).where(eq(polls.id, surveys[0].id));
    expect(answered).toMatchObject({ status: "answered", answerIndex: 4 });
    expect(await latestConversation(t.db, s.channel.id)).toMatchObject({ id: conversationId, status: "closed" });
    expect(live.fake.sent.filter((m) => m.to === s.from).at(-1)!.body.text.body).toBe("Anything we could do better? (optional)");
    await s.say("Çok hızlıydınız, teşekkürler");
    await s.flush();
    expect((await t.db.select().from(polls).where(eq(polls.id, surveys[0].id)))[0].comment).toBe("Çok hızlıydınız, teşekkürler");
    expect(await latestConversation(t.db, s.channel.id)).toMatchObject({ id: conversationId, status: "closed" });

    const today = await satisfactionByAgent(t.db, s.w.orgId, new Date(t.clock.now().getTime() - 3_600_000), new Date(t.clock.now().getTime() + 3_600_000));
    expect(today.get(s.w.admin.id)).toEqual({ average: 5, answers: 1 });
    // The cockpit's satisfaction column: the admin had the conversation.
    const cockpit = (await s.agent.html("/cockpit")).text;
    expect(cockpit).toMatch(/<td class="num satisfaction">5<small class="muted"> \(1\)<\/small><\/td>/);
    const thread = (await s.agent.html(`/inbox/${conversationId}`)).text;
    expect(thread).toContain("Customer rated the conversation 5/5");
    expect(thread).toContain("Customer left a comment on the survey");
    const [closedConv] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    const contactPage = (await s.agent.html(`/contacts/${closedConv.contactId}`)).text;
    expect(contactPage).toContain("5/5");
    expect(contactPage).toContain("Çok hızlıydınız, teşekkürler");

    // No second survey for the same conversation, whatever runs again.
    await s.flush();
    expect(await t.db.select().from(polls).where(eq(polls.conversationId, conversationId))).toHaveLength(1);
    // After the comment, a free message is a new conversation.
    await s.say("Bir sorum daha var");
    await s.flush();
    const next = await latestConversation(t.db, s.channel.id);
    expect(next.id).not.toBe(conversationId);
    expect(next.status).toBe("open");
  });

  it("is not sent when the reply window has passed, and never later", async () => {
    const s = await setup();
    await s.say("Merhaba");
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    t.clock.advance(25 * 3_600_000);
    const conversationId = await s.close();
    await s.flush();
    const [survey] = await t.db.select().from(polls).where(eq(polls.conversationId, conversationId));
    expect(survey).toMatchObject({ status: "skipped", messageId: null });
    expect(conv.id).toBe(conversationId);
  });

  it("is not sent on a channel whose survey is off; a typed 4 answers a survey on Messenger", async () => {
    const off = await setup("whatsapp", { survey: false });
    await off.say("Merhaba");
    await off.flush();
    const closedId = await off.close();
    await off.flush();
    expect(await t.db.select().from(polls).where(eq(polls.conversationId, closedId))).toHaveLength(0);

    const s = await setup("messenger");
    await s.say("Selam");
    await s.flush();
    const conversationId = await s.close();
    await s.flush();
    const sent = live.fake.sent.filter((m) => m.to === s.from).at(-1)!;
    expect(sent.body.message.quick_replies).toHaveLength(5);
    await s.say("4");
    await s.flush();
    const [survey] = await t.db.select().from(polls).where(eq(polls.conversationId, conversationId));
    expect(survey).toMatchObject({ status: "answered", answerIndex: 3 });
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(conv.status).toBe("closed");
  });
});

describe("an agent's quick poll", () => {
  it("goes out with reply buttons; the customer's tap is recorded and shown in the thread", async () => {
    const s = await setup("whatsapp", { survey: false });
    await s.say("Hangi renk var?");
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    await s.agent.post(`/inbox/${conv.id}/join`);
    const res = await s.agent.post(`/inbox/${conv.id}/poll`, { question: "Which colour?", options: ["Red", "Blue", "", "Green"] });
    expect(res.status).toBeLessThan(400);
    await s.flush();
    const [poll] = await t.db.select().from(polls).where(and(eq(polls.conversationId, conv.id), eq(polls.kind, "poll")));
    expect(poll.options).toEqual(["Red", "Blue", "Green"]);
    const sent = live.fake.sent.filter((m) => m.to === s.from).at(-1)!;
    expect(sent.body.interactive.action.buttons.map((b: { reply: { title: string } }) => b.reply.title)).toEqual(["Red", "Blue", "Green"]);
    await live.fake.pushWhatsAppButtonReply({ channel: s.id, from: s.from, buttonId: `poll:${poll.id}:1`, title: "Blue" });
    await s.flush();
    expect((await t.db.select().from(polls).where(eq(polls.id, poll.id)))[0]).toMatchObject({ status: "answered", answerIndex: 1 });
    expect((await s.agent.html(`/inbox/${conv.id}`)).text).toContain("Poll “Which colour?”: customer chose “Blue”");
  });

  it("refuses fewer than two choices and a conversation the agent has not joined", async () => {
    const s = await setup("whatsapp", { survey: false });
    await s.say("Merhaba");
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    await s.agent.post(`/inbox/${conv.id}/join`);
    expect((await s.agent.post(`/inbox/${conv.id}/poll`, { question: "Yes?", options: ["Yes"] })).status).toBe(422);
    const other = await t.signIn(s.w.agent2.email, s.w.orgId);
    expect((await other.post(`/inbox/${conv.id}/poll`, { question: "Yes?", options: ["Yes", "No"] })).status).toBe(422);
    const stranger = await t.world("Other");
    const outsider = await t.signIn(stranger.admin.email, stranger.orgId);
    expect((await outsider.post(`/inbox/${conv.id}/poll`, { question: "Yes?", options: ["Yes", "No"] })).status).toBe(404);
    expect(await t.db.select().from(polls).where(eq(polls.conversationId, conv.id))).toHaveLength(0);
  });
});
