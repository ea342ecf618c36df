// Two weeks of finished conversations for the demo, with the events the metrics job counts, so the
// reports (and the cockpit's past days) have something to show on a first look. Deterministic.
import type { Tx } from "./client";
import { contactIdentities, contacts, conversations, events, messages, polls } from "./schema";

const names = ["Deniz Aksoy", "Emre Koç", "Zeynep Güneş", "Maria Rossi", "Lukas Müller", "Fatma Erdem", "Can Polat", "Derya Kurt", "Hakan Doğan", "Sofia Novak", "Kerem Aydın", "Ece Öztürk"];
const openers = ["Siparişim nerede?", "Can I change my order?", "İade kodu alabilir miyim?", "Do you have this in blue?", "Fatura lazım.", "Kargo ücreti ne kadar?"];

export interface HistoryInput {
  orgId: number;
  channels: { id: number; kind: string }[];
  agents: string[];
  workgroupId: number;
  now: Date;
}

export async function seedReportHistory(tx: Tx, input: HistoryInput) {
  const { orgId, now } = input;
  const since = new Date(now.getTime() - 14 * 86_400_000);
  // One contact per name, each on one channel; every one of them has several past conversations.
  const people = await tx
    .insert(contacts)
    .values(names.map((name) => ({ orgId, name, createdAt: since, updatedAt: since })))
    .returning({ id: contacts.id });
  const channelOf = (p: number) => input.channels[p % input.channels.length];
  await tx.insert(contactIdentities).values(people.map((p, i) => ({ orgId, contactId: p.id, channelId: channelOf(i).id, externalId: `demo-history-${i}`, createdAt: since })));
  let k = 0;
  for (let daysAgo = 13; daysAgo >= 1; daysAgo--) {
    // Fewer on some days, more on others: something for the charts to show.
    const perDay = 3 + ((daysAgo * 7) % 5);
    for (let i = 0; i < perDay; i++, k++) {
      const person = (k * 5 + daysAgo) % people.length;
      const channel = channelOf(person);
      const contact = people[person];
      const agent = input.agents[k % input.agents.length];
      const hour = 6 + ((k * 5 + i * 3) % 12); // 09:00–20:00 in Istanbul
      const opened = new Date(now.getTime() - daysAgo * 86_400_000);
      opened.setUTCHours(hour, (k * 17) % 60, 0, 0);
      const answerMs = (1 + ((k * 7) % 9)) * 60_000 + ((k * 13) % 60) * 1000;
      const answered = new Date(opened.getTime() + answerMs);
      const closed = new Date(answered.getTime() + (10 + ((k * 11) % 50)) * 60_000);
      const opener = openers[k % openers.length];
      const [conversation] = await tx
        .insert(conversations)
        .values({
          orgId,
          contactId: contact.id,
          channelId: channel.id,
          status: "closed",
          assigneeId: agent,
          workgroupId: k % 3 === 0 ? null : input.workgroupId,
          createdAt: opened,
          lastMessageAt: closed,
          lastMessagePreview: "👍",
          lastInboundAt: opened,
          assignedAt: opened,
          firstResponseAt: answered,
          closedAt: closed,
          closedBy: agent,
        })
        .returning({ id: conversations.id });
      const [inbound, outbound] = await tx
        .insert(messages)
        .values([
          { orgId, conversationId: conversation.id, channelId: channel.id, direction: "in" as const, body: opener, providerMessageId: `demo-history-${k}-in`, createdAt: opened },
          { orgId, conversationId: conversation.id, channelId: channel.id, direction: "out" as const, authorId: agent, body: "👍", providerMessageId: `demo-history-${k}-out`, delivery: "read" as const, createdAt: answered },
        ])
        .returning({ id: messages.id });
      const at = { orgId, conversationId: conversation.id };
      await tx.insert(events).values([
        { ...at, type: "conversation_created", subjectUserId: agent, data: { startedBy: "contact" }, createdAt: opened },
        { ...at, type: "message_created", data: { messageId: inbound.id, direction: "in" }, createdAt: opened },
        { ...at, type: "message_created", actorId: agent, data: { messageId: outbound.id, direction: "out" }, createdAt: answered },
        { ...at, type: "first_response", actorId: agent, subjectUserId: agent, data: { ms: answerMs }, createdAt: answered },
        { ...at, type: "closed", actorId: agent, subjectUserId: agent, data: { ms: closed.getTime() - opened.getTime() }, createdAt: closed },
      ]);
      // Every fourth came first to a colleague, who handed it on by hand: a forward of theirs.
      const colleague = input.agents[(k + 1) % input.agents.length];
      if (k % 4 === 0 && colleague !== agent) {
        await tx.insert(events).values([
          { ...at, type: "assigned", actorId: colleague, subjectUserId: agent, data: { manual: true, from: colleague }, createdAt: opened },
          { ...at, type: "forwarded", actorId: colleague, subjectUserId: agent, data: { from: colleague }, createdAt: opened },
        ]);
      }
      // Every other customer answers the satisfaction survey (ratings 3–5), so the reports show it.
      if (k % 2 === 0) {
        const answer = 2 + ((k * 7 + daysAgo) % 3);
        const rated = new Date(closed.getTime() + 5 * 60_000);
        const [poll] = await tx
          .insert(polls)
          .values({ orgId, conversationId: conversation.id, contactId: contact.id, channelId: channel.id, kind: "survey", question: "Görüşmemizden ne kadar memnun kaldınız?", options: ["1", "2", "3", "4", "5"], agentId: agent, status: "answered", answerIndex: answer, answeredAt: rated, createdAt: closed })
          .returning({ id: polls.id });
        await tx.insert(events).values({ ...at, type: "poll_answered", subjectUserId: agent, data: { pollId: poll.id, kind: "survey", answer, by: "bot" }, createdAt: rated });
      }
    }
  }
}
