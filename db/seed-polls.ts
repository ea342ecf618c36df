// The demo's poll sent outside a conversation: a (switched off) workflow that asks customers after
// closing, and Selin's answer to such a poll, which opened a conversation of type poll waiting in the
// Support queue (Inbox → filter Poll).
import { eq } from "drizzle-orm";
import type { Tx } from "./client";
import { contactIdentities, contacts, conversations, events, messages, polls, workflows } from "./schema";

export async function seedPolls(tx: Tx, d: { orgId: number; whatsappId: number; teamId: number; now: Date }) {
  const question = "Siparişinizi tekrar bizden verir misiniz?";
  const options = ["Evet", "Belki", "Hayır"];
  await tx.insert(workflows).values({
    orgId: d.orgId,
    name: "Ask after closing (poll)",
    position: 90,
    enabled: false,
    stopAfter: false,
    trigger: { type: "closed" },
    conditions: [{ type: "channel_kind", kinds: ["whatsapp"] }],
    actions: [{ type: "send_poll", channelId: d.whatsappId, question, options }],
    createdAt: d.now,
    updatedAt: d.now,
  });
  const min = (n: number) => new Date(d.now.getTime() - n * 60_000);
  const [contact] = await tx.insert(contacts).values({ orgId: d.orgId, name: "Selin Aras", phone: "+905551230077", createdAt: min(180), updatedAt: min(180) }).returning();
  await tx.insert(contactIdentities).values({ orgId: d.orgId, contactId: contact.id, channelId: d.whatsappId, externalId: "905551230077", createdAt: min(180) });
  const [conversation] = await tx
    .insert(conversations)
    .values({ orgId: d.orgId, contactId: contact.id, channelId: d.whatsappId, status: "open", type: "poll", startedBy: "contact", workgroupId: d.teamId, createdAt: min(40), lastMessageAt: min(12), lastMessagePreview: "Evet", lastInboundAt: min(12), waitingSince: min(12) })
    .returning();
  const [poll] = await tx.insert(polls).values({ orgId: d.orgId, conversationId: conversation.id, contactId: contact.id, channelId: d.whatsappId, kind: "poll", question, options, status: "answered", answerIndex: 0, answeredAt: min(12), createdAt: min(40) }).returning();
  const choices = options.map((title, i) => ({ id: `poll:${poll.id}:${i}`, title }));
  const body = [question, "", ...options.map((o, i) => `${i + 1}. ${o}`)].join("\n");
  const rule = { by: "rule", ruleId: null, ruleName: "Ask after closing (poll)", depth: 1 };
  const [sent, , answer] = await tx
    .insert(messages)
    .values([
      { orgId: d.orgId, conversationId: conversation.id, channelId: d.whatsappId, direction: "out", body, delivery: "read", metadata: { poll: { id: poll.id }, automation: rule, interactive: { type: "buttons", text: question, choices } }, providerMessageId: "demo-poll-out", createdAt: min(40) },
      { orgId: d.orgId, conversationId: conversation.id, channelId: d.whatsappId, direction: "event", body: "", metadata: { automation: { action: "send_poll", rule: rule.ruleName } }, createdAt: min(40) },
      { orgId: d.orgId, conversationId: conversation.id, channelId: d.whatsappId, direction: "in", body: "Evet", metadata: { interactive: "button_reply", replyId: choices[0].id }, providerMessageId: "demo-poll-in", createdAt: min(12) },
      { orgId: d.orgId, conversationId: conversation.id, channelId: d.whatsappId, direction: "event", body: "", metadata: { bot: { line: "poll_answer", question, answer: "Evet" } }, createdAt: min(12) },
    ] as (typeof messages.$inferInsert)[])
    .returning({ id: messages.id });
  await tx.update(polls).set({ messageId: sent.id, handledMessageId: answer.id }).where(eq(polls.id, poll.id));
  await tx.insert(events).values([
    { orgId: d.orgId, conversationId: conversation.id, type: "conversation_created", data: { startedBy: "contact", type: "poll", workgroupId: d.teamId }, createdAt: min(12) },
    { orgId: d.orgId, conversationId: conversation.id, type: "poll_answered", data: { pollId: poll.id, kind: "poll", answer: 0, by: "bot" }, createdAt: min(12) },
  ]);
}
