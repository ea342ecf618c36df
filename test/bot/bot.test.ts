// The greeting bot through the real app and the fake Graph API: the customer's real-shaped replies
// (WhatsApp list and button replies, Messenger quick replies and postbacks), menu navigation, a CRM
// answer re-asked after a bad one, hand-over by option, keyword and timeout, an agent taking over,
// and a step cut off by a crash done once.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { contacts, conversations, events, messages } from "@db/schema";
import { botStep, runBot } from "../../src/bot/engine";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";
import { botWorld, latestConversation, outbound, sessionOf } from "./support";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

async function setup() {
  const w = await t.world();
  const bot = await botWorld(t.db, w, t.clock.now());
  const phoneId = `4300000001${String(++seq).padStart(5, "0")}`;
  const channel = await live.channel(w.orgId, "whatsapp", phoneId);
  await bot.save({ channelId: channel.id });
  const from = `90555100${String(seq).padStart(4, "0")}`;
  /** What the bot does next: its steps, then the outbox sends them to the fake. */
  const flush = async () => {
    await live.settle();
    await runBot(t.database, () => t.clock.now());
    await t.app.runtime.outbox.runOnce();
    await live.settle();
  };
  const sentTo = () => live.fake.sent.filter((s) => s.to === from);
  return { w, bot, channel, from, phoneId, flush, sentTo };
}

describe("the greeting bot on WhatsApp", () => {
  it("greets with a list, answers, opens a sub-menu, re-asks a bad CRM answer, stores a good one and hands over by option", async () => {
    const s = await setup();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, name: "Ayşe", text: "Merhaba" });
    await s.flush();
    let conv = await latestConversation(t.db, s.channel.id);
    expect(conv).toMatchObject({ type: "bot", assigneeId: null, workgroupId: null, status: "open" });
    // Four options: a list message (more than three buttons), with Meta's shape.
    const menu = s.sentTo().at(-1)!;
    expect(menu.type).toBe("interactive");
    expect(menu.body.interactive).toEqual({
      type: "list",
      body: { text: "Welcome! How can we help?" },
      action: { button: "Options", sections: [{ rows: [
        { id: "bot:order", title: "Order status" },
        { id: "bot:hours", title: "Opening hours" },
        { id: "bot:more", title: "More" },
        { id: "bot:talk", title: "Talk to us" },
      ] }] },
    });

    await live.fake.pushWhatsAppListReply({ channel: s.phoneId, from: s.from, rowId: "bot:hours", title: "Opening hours" });
    await s.flush();
    const afterHours = s.sentTo().slice(-2);
    expect(afterHours[0].body.text.body).toBe("We are open 9:00–18:00 on weekdays.");
    expect(afterHours[1].type).toBe("interactive");

    // A sub-menu with one option and Back: two reply buttons.
    await live.fake.pushWhatsAppListReply({ channel: s.phoneId, from: s.from, rowId: "bot:more", title: "More" });
    await s.flush();
    expect(s.sentTo().at(-1)!.body.interactive).toMatchObject({ type: "button", body: { text: "What else?" }, action: { buttons: [{ type: "reply", reply: { id: "bot:returns", title: "Returns" } }, { type: "reply", reply: { id: "bot:back", title: "Back" } }] } });
    await live.fake.pushWhatsAppButtonReply({ channel: s.phoneId, from: s.from, buttonId: "bot:back", title: "Back" });
    await s.flush();
    expect(s.sentTo().at(-1)!.body.interactive.type).toBe("list");

    // Typing the number works as well as tapping.
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "1" });
    await s.flush();
    expect(s.sentTo().at(-1)!.body.text.body).toBe("What is your order number?");
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "my order" });
    await s.flush();
    expect(s.sentTo().at(-1)!.body.text.body).toBe("Sorry, that is not a valid answer.\n\nWhat is your order number?");
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "48213" });
    await s.flush();
    const [contact] = await t.db.select().from(contacts).where(eq(contacts.id, conv.contactId));
    expect(contact.customFields[`order_${s.w.orgId}`]).toBe(48213);
    expect(s.sentTo().at(-1)!.body.interactive.type).toBe("list");

    await live.fake.pushWhatsAppListReply({ channel: s.phoneId, from: s.from, rowId: "bot:talk", title: "Talk to us" });
    await s.flush();
    conv = await latestConversation(t.db, s.channel.id);
    expect(conv).toMatchObject({ type: "chat", workgroupId: s.bot.returns.groupId, assigneeId: s.bot.returns.agents[0] });
    expect(await sessionOf(t.db, conv.id)).toMatchObject({ outcome: "option" });
    const ended = await t.db.select().from(events).where(and(eq(events.conversationId, conv.id), eq(events.type, "bot_ended")));
    expect(ended[0]).toMatchObject({ actorId: null, data: { by: "bot", outcome: "option" } });

    // The thread tells the whole exchange, the bot as the actor.
    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    const thread = (await admin.html(`/inbox/${conv.id}`)).text;
    for (const line of ["The bot greeted the customer with its menu", "Customer chose “Opening hours”", "Bot: not a valid Order number, asked again", "Bot saved Order number: 48213", "Customer chose “Talk to us”", `Bot handed over to Team`]) {
      expect(thread).toContain(line);
    }
    expect(thread).toMatch(/Assigned to Agent [\d.]+ by routing/);
  });

  it("the keyword hands over at once; a message matching no option gets the menu again", async () => {
    const s = await setup();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "Hello" });
    await s.flush();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "what?" });
    await s.flush();
    expect(s.sentTo().at(-1)!.body.interactive.body.text).toBe("Sorry, I did not understand. Please pick one of these:\n\nWelcome! How can we help?");
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "AGENT" });
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    expect(conv).toMatchObject({ type: "chat", workgroupId: s.bot.returns.groupId });
    expect(await sessionOf(t.db, conv.id)).toMatchObject({ outcome: "keyword" });
  });

  it("without an answer in time the conversation is handed over", async () => {
    const s = await setup();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "Hello" });
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    t.clock.advance(9 * 60_000);
    await s.flush();
    expect((await latestConversation(t.db, s.channel.id)).type).toBe("bot");
    t.clock.advance(2 * 60_000);
    await s.flush();
    expect(await latestConversation(t.db, s.channel.id)).toMatchObject({ id: conv.id, type: "chat", workgroupId: s.bot.returns.groupId });
    expect(await sessionOf(t.db, conv.id)).toMatchObject({ outcome: "timeout" });
  });

  it("an agent joining ends the bot; the conversation is a chat and the bot says nothing more", async () => {
    const s = await setup();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "Hello" });
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    const agent = await t.signIn(s.w.agent.email, s.w.orgId);
    expect((await agent.post(`/inbox/${conv.id}/join`)).status).toBeLessThan(400);
    expect(await latestConversation(t.db, s.channel.id)).toMatchObject({ type: "chat", assigneeId: s.w.agent.id });
    expect(await sessionOf(t.db, conv.id)).toMatchObject({ outcome: "joined" });
    const before = (await outbound(t.db, conv.id)).length;
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "1" });
    await s.flush();
    expect((await outbound(t.db, conv.id)).length).toBe(before);
    expect((await agent.html(`/inbox/${conv.id}`)).text).toContain("Okan Agent took over from the bot");
  });

  it("a step cut off before its commit is done once when the bot resumes, and two passes at once do each step once", async () => {
    const s = await setup();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "Hello" });
    await live.settle();
    // The process dies inside the greeting's transaction: nothing of it stays.
    await t.db.transaction(async (tx) => {
      expect(await botStep(tx as never, t.clock.now())).not.toBeNull();
      tx.rollback();
    }).catch(() => {});
    const conv = await latestConversation(t.db, s.channel.id);
    expect(await outbound(t.db, conv.id)).toHaveLength(0);
    expect(await sessionOf(t.db, conv.id)).toMatchObject({ greeted: false });
    await Promise.all([runBot(t.database, () => t.clock.now()), runBot(t.database, () => t.clock.now())]);
    await runBot(t.database, () => t.clock.now());
    expect(await outbound(t.db, conv.id)).toHaveLength(1);
    await live.fake.pushWhatsAppListReply({ channel: s.phoneId, from: s.from, rowId: "bot:hours", title: "Opening hours" });
    await live.settle();
    await Promise.all([runBot(t.database, () => t.clock.now()), runBot(t.database, () => t.clock.now())]);
    // The answer and the menu again: two more, not four.
    expect(await outbound(t.db, conv.id)).toHaveLength(3);
    const chose = await t.db.select().from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, "event")));
    expect(chose.filter((m) => (m.metadata.bot as { line: string }).line === "chose")).toHaveLength(1);
  });

  it("the Bot type filter lists the bot's conversations; the Open tab does not, until the hand-over", async () => {
    const s = await setup();
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, name: "Bot Filter Müşteri", text: "Hello" });
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    const admin = await t.signIn(s.w.admin.email, s.w.orgId);
    expect((await admin.html("/inbox?tab=all&type=bot")).text).toContain(`/inbox/${conv.id}`);
    expect((await admin.html("/inbox?tab=open")).text).not.toContain(`/inbox/${conv.id}"`);
    expect((await admin.html("/inbox?tab=all")).text).not.toContain(`/inbox/${conv.id}"`);
    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, text: "agent" });
    await s.flush();
    expect((await admin.html("/inbox?tab=all")).text).toContain(`/inbox/${conv.id}`);
    expect((await admin.html("/inbox?tab=all&type=bot")).text).not.toContain(`/inbox/${conv.id}"`);
  });
});

describe("the bot on Messenger and Instagram", () => {
  it("sends quick replies and understands a quick-reply payload and a postback", async () => {
    const w = await t.world();
    const bot = await botWorld(t.db, w, t.clock.now());
    const page = `5100000000${String(++seq).padStart(5, "0")}`;
    const channel = await live.channel(w.orgId, "messenger", page);
    await bot.save({ channelId: channel.id });
    const psid = `6100000000${String(seq).padStart(5, "0")}`;
    const flush = async () => {
      await live.settle();
      await runBot(t.database, () => t.clock.now());
      await t.app.runtime.outbox.runOnce();
      await live.settle();
    };
    await live.fake.pushMessengerText({ channel: page, from: psid, name: "Deniz", text: "Selam" });
    await flush();
    const menu = live.fake.sent.filter((m) => m.to === psid).at(-1)!;
    expect(menu.body.message.quick_replies).toEqual([
      { content_type: "text", title: "Order status", payload: "bot:order" },
      { content_type: "text", title: "Opening hours", payload: "bot:hours" },
      { content_type: "text", title: "More", payload: "bot:more" },
      { content_type: "text", title: "Talk to us", payload: "bot:talk" },
    ]);
    expect(menu.body.message.text).toBe("Welcome! How can we help?\n\n1. Order status\n2. Opening hours\n3. More\n4. Talk to us");
    await live.fake.pushMessengerQuickReply({ channel: page, from: psid, title: "Opening hours", payload: "bot:hours" });
    await flush();
    expect(live.fake.sent.filter((m) => m.to === psid).at(-2)!.body.message.text).toBe("We are open 9:00–18:00 on weekdays.");
    await live.fake.pushMessengerPostback({ channel: page, from: psid, title: "Talk to us", payload: "bot:talk" });
    await flush();
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    expect(conv).toMatchObject({ type: "chat", workgroupId: bot.returns.groupId });
  });

  it("an Instagram customer's quick-reply tap picks the option", async () => {
    const w = await t.world();
    const bot = await botWorld(t.db, w, t.clock.now());
    const account = `1784000000${String(++seq).padStart(5, "0")}`;
    const channel = await live.channel(w.orgId, "instagram", account);
    await bot.save({ channelId: channel.id });
    const igsid = `7100000000${String(seq).padStart(5, "0")}`;
    await live.fake.pushInstagramText({ channel: account, from: igsid, name: "Ece", text: "Merhaba" });
    await live.settle();
    await runBot(t.database, () => t.clock.now());
    await live.fake.pushInstagramQuickReply({ channel: account, from: igsid, title: "Talk to us", payload: "bot:talk" });
    await live.settle();
    await runBot(t.database, () => t.clock.now());
    const [conv] = await t.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    expect(conv).toMatchObject({ type: "chat", workgroupId: bot.returns.groupId });
  });
});
