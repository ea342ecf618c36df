// Reactions on WhatsApp, Messenger and Instagram, as Meta's webhook references write them: they mark
// the message they name (shown on its bubble) and leave the conversation where it was — never
// opened, reopened or queued again, its waiting time, reply window and unread marker untouched.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversations, events, messages, webhookDeliveries } from "@db/schema";
import { useTestApp } from "../support/app";
import { wamid, waText, whatsappPayload } from "../support/channels";
import { metaCustomer, type MetaKind } from "./support/meta-customer";

const t = useTestApp();

async function setup(kind: MetaKind) {
  const base = await metaCustomer(t, kind, "51");
  const { channel, own, customer, post, messaging } = base;
  /** The customer's text (its provider id returned), as each provider writes it. */
  const customerText = async (text: string, at = Date.now()) => {
    if (kind === "whatsapp") {
      const m = waText(customer, "Derya Aksoy", text, wamid(), Math.floor(at / 1000));
      await post(whatsappPayload(own, { contacts: [m.contact], messages: [m.message] }));
      return m.message.id;
    }
    const mid = `m_${crypto.randomUUID().replaceAll("-", "")}`;
    await post(messaging([{ sender: { id: customer }, recipient: { id: own }, timestamp: at, message: { mid, text } }]));
    return mid;
  };

  /** A reaction webhook: WhatsApp's reaction message (empty emoji removes), Messenger/Instagram's `reaction` event. */
  const reactionBody = (targetId: string, emoji: string | null, at = Date.now()) =>
    kind === "whatsapp"
      ? whatsappPayload(own, {
          contacts: [{ profile: { name: "Derya Aksoy" }, wa_id: customer }],
          messages: [{ from: customer, id: wamid(), timestamp: String(Math.floor(at / 1000)), type: "reaction", reaction: { message_id: targetId, emoji: emoji ?? "" } }],
        })
      : messaging([
          {
            sender: { id: customer },
            recipient: { id: own },
            timestamp: at,
            reaction: emoji ? { mid: targetId, action: "react", reaction: "love", emoji } : { mid: targetId, action: "unreact", reaction: "love" },
          },
        ]);
  const react = (targetId: string, emoji: string | null, at = Date.now()) => post(reactionBody(targetId, emoji, at));

  const conversationsOf = () => t.db.select().from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
  const stored = () => t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);
  return { ...base, customerText, reactionBody, react, conversationsOf, stored };
}

/** An agent's reply as the outbox leaves it once the provider took it: outgoing, with the provider's id. */
async function agentReply(s: Awaited<ReturnType<typeof setup>>, conversationId: number, body: string, providerMessageId: string) {
  const [m] = await t.db
    .insert(messages)
    .values({ orgId: s.w.orgId, conversationId, channelId: s.channel.id, direction: "out", authorId: s.w.agent.id, kind: "text", body, providerMessageId, delivery: "delivered" })
    .returning();
  await t.db.update(conversations).set({ waitingSince: null }).where(eq(conversations.id, conversationId));
  return m;
}

for (const kind of ["whatsapp", "messenger", "instagram"] as const) {
  describe(`${kind} reactions`, () => {
    it("marks the agent's message and leaves queue, waiting time, reply window and unread as they were", async () => {
      const s = await setup(kind);
      const asked = Date.now() - 60 * 60_000;
      await s.customerText("Kargom nerede?", asked);
      const [conversation] = await s.conversationsOf();
      const answerId = s.newId();
      const answer = await agentReply(s, conversation.id, "Yarın elinizde 📦", answerId);
      const [before] = await s.conversationsOf();

      await s.react(answerId, "👍");
      const [after] = await s.conversationsOf();
      expect(after).toEqual(before);
      const [marked] = await t.db.select().from(messages).where(eq(messages.id, answer.id));
      expect(marked.metadata.reaction).toMatchObject({ emoji: "👍" });
      // No message of its own: the thread still holds the question and the answer.
      expect((await s.stored()).map((m) => m.body)).toEqual(["Kargom nerede?", "Yarın elinizde 📦"]);
      const [updated] = await t.db.select().from(events).where(and(eq(events.conversationId, conversation.id), eq(events.type, "message_updated")));
      expect(updated.data).toMatchObject({ messageId: answer.id, reaction: "👍" });

      // The thread shows it on that bubble, and the list shows the answer as the last message.
      const agent = await t.signIn(s.w.agent.email, s.w.orgId);
      const html = (await agent.html(`/inbox/${conversation.id}`)).text;
      const bubble = html.slice(html.indexOf(`id="m-${answer.id}"`));
      expect(bubble.slice(0, bubble.indexOf("</li>"))).toContain('<span class="reaction-badge" title="The customer reacted 👍">👍</span>');
      expect(html).not.toContain("Reacted 👍");

      // Removed: gone from the bubble, the conversation still as it was.
      await s.react(answerId, null);
      const [removed] = await t.db.select().from(messages).where(eq(messages.id, answer.id));
      expect(removed.metadata.reaction).toBeUndefined();
      expect((await s.conversationsOf())[0]).toEqual(before);
      expect((await agent.html(`/inbox/${conversation.id}`)).text).not.toContain("reaction-badge");
    });

    it("never reopens a closed conversation nor opens a new one, added or removed", async () => {
      const s = await setup(kind);
      const questionId = await s.customerText("Teşekkürler, hepsi bu kadar");
      const [conversation] = await s.conversationsOf();
      await t.db.update(conversations).set({ status: "closed", closedAt: new Date(), waitingSince: null }).where(eq(conversations.id, conversation.id));
      const [closed] = await s.conversationsOf();

      await s.react(questionId, "❤️");
      await s.react(questionId, null, Date.now() + 1_000);
      const all = await s.conversationsOf();
      expect(all).toEqual([closed]);
      expect((await s.stored()).length).toBe(1);
      const deliveries = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, s.channel.id));
      expect(deliveries.map((d) => [d.processedAt !== null, d.failedAt, d.lastError])).toEqual(deliveries.map(() => [true, null, null]));
    });

    it("keeps the newest reaction when several arrive in one body, and ignores an older one redelivered", async () => {
      const s = await setup(kind);
      const questionId = await s.customerText("Fiyat nedir?");
      const now = Date.now();
      // One POST, two reactions (Meta batches): the later one wins.
      const first = s.reactionBody(questionId, "😮", now) as any;
      const second = s.reactionBody(questionId, "😂", now + 2_000) as any;
      if (kind === "whatsapp") first.entry.push(...second.entry);
      else first.entry[0].messaging.push(...second.entry[0].messaging);
      await s.post(first);
      const [m] = await s.stored();
      expect(m.metadata.reaction).toMatchObject({ emoji: "😂" });
      // A late redelivery of the first does not bring it back.
      await s.react(questionId, "😮", now);
      expect((await s.stored())[0].metadata.reaction).toMatchObject({ emoji: "😂" });
    });
  });
}
