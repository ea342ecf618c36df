// Messages sent outside Kanal (the Page inbox, the Instagram app, the WhatsApp Business app on a
// coexistence number), as Meta echoes them: kept as outgoing messages by another app, never twice,
// never as Kanal's own send again, and never an agent's first response.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { conversations, events, messages, webhookDeliveries } from "@db/schema";
import { processDueDeliveries } from "../../src/channels/inbound";
import { useTestApp } from "../support/app";
import { wamid, waText, whatsappPayload } from "../support/channels";
import { metaCustomer, type MetaKind } from "./support/meta-customer";

const t = useTestApp();

async function setup(kind: MetaKind) {
  const base = await metaCustomer(t, kind, "52");
  const { channel, own, customer, post, messaging, newId } = base;
  const customerText = async (text: string, at = Date.now()) => {
    if (kind === "whatsapp") {
      const m = waText(customer, "Burak Şen", text, wamid(), Math.floor(at / 1000));
      await post(whatsappPayload(own, { contacts: [m.contact], messages: [m.message] }));
      return;
    }
    await post(messaging([{ sender: { id: customer }, recipient: { id: own }, timestamp: at, message: { mid: newId(), text } }]));
  };

  /** The provider's echo of a text the business sent: WhatsApp smb_message_echoes, Messenger/Instagram is_echo. */
  const echoBody = (id: string, text: string, at = Date.now(), tag?: string) =>
    kind === "whatsapp"
      ? {
          object: "whatsapp_business_account",
          entry: [
            {
              id: "310000000000001",
              changes: [
                {
                  field: "smb_message_echoes",
                  value: {
                    messaging_product: "whatsapp",
                    metadata: { display_phone_number: "15550002222", phone_number_id: own },
                    message_echoes: [{ from: "15550002222", to: customer, id, timestamp: String(Math.floor(at / 1000)), type: "text", text: { body: text } }],
                  },
                },
              ],
            },
          ],
        }
      : messaging([{ sender: { id: own }, recipient: { id: customer }, timestamp: at, message: { mid: id, is_echo: true, app_id: 263902037430900, ...(tag ? { metadata: tag } : {}), text } }]);
  const echo = (id: string, text: string, at = Date.now()) => post(echoBody(id, text, at));

  const conversationsOf = () => t.db.select().from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
  const stored = () => t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);
  return { ...base, customerText, echoBody, echo, conversationsOf, stored };
}

for (const kind of ["whatsapp", "messenger", "instagram"] as const) {
  describe(`${kind} echoes`, () => {
    it("keeps a reply sent elsewhere as an outgoing message by another app, once; the customer is answered, no first response", async () => {
      const s = await setup(kind);
      await s.customerText("Siparişimi iptal edebilir miyim?", Date.now() - 10 * 60_000);
      const [before] = await s.conversationsOf();
      expect(before.waitingSince).not.toBeNull();
      const id = s.newId();
      await s.echo(id, "Evet, iptal ettim 👍");
      await s.echo(id, "Evet, iptal ettim 👍"); // Meta redelivers
      const all = await s.stored();
      expect(all.map((m) => [m.direction, m.body])).toEqual([
        ["in", "Siparişimi iptal edebilir miyim?"],
        ["out", "Evet, iptal ettim 👍"],
      ]);
      expect(all[1]).toMatchObject({ authorId: null, providerMessageId: id, delivery: "sent", conversationId: before.id });
      expect(all[1].metadata.sentElsewhere).toBe(true);
      const [after] = await s.conversationsOf();
      // Answered: no longer waiting. Everything else as it was: still open, same queue and assignee,
      // reply window and last inbound untouched, no first response.
      expect(after).toEqual({ ...before, waitingSince: null, lastMessageAt: after.lastMessageAt, lastMessagePreview: "Evet, iptal ettim 👍" });
      expect(after.firstResponseAt).toBeNull();
      expect(await t.db.$count(events, and(eq(events.conversationId, before.id), eq(events.type, "first_response")))).toBe(0);

      const agent = await t.signIn(s.w.agent.email, s.w.orgId);
      const html = (await agent.html(`/inbox/${before.id}`)).text;
      const bubble = html.slice(html.indexOf(`id="m-${all[1].id}"`));
      expect(bubble.slice(0, bubble.indexOf("</li>"))).toContain("Sent from another app · ");
    });

    it("never stores Kanal's own send again, even when its echo comes before the send is recorded", async () => {
      const s = await setup(kind);
      await s.customerText("Merhaba");
      const [c] = await s.conversationsOf();
      // Kanal is sending (the provider has it, Kanal has not recorded its id yet) when the echo comes.
      const [sending] = await t.db
        .insert(messages)
        .values({ orgId: s.w.orgId, conversationId: c.id, channelId: s.channel.id, direction: "out", authorId: s.w.agent.id, body: "Hoş geldiniz", delivery: "pending" })
        .returning();
      const id = s.newId();
      await s.echo(id, "Hoş geldiniz");
      const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, s.channel.id)).orderBy(webhookDeliveries.id).then((d) => d.slice(-1));
      expect(delivery.processedAt).toBeNull();
      expect(delivery.lastError).toContain("not recorded yet");
      // The outbox records the send; the echo, tried again, finds it and stores nothing.
      await t.db.update(messages).set({ providerMessageId: id, delivery: "sent" }).where(eq(messages.id, sending.id));
      t.clock.advance(60_000);
      await processDueDeliveries(t.deps);
      expect((await s.stored()).map((m) => [m.direction, m.body, m.authorId])).toEqual([
        ["in", "Merhaba", null],
        ["out", "Hoş geldiniz", s.w.agent.id],
      ]);
    });

    it("keeps a message sent to someone Kanal has not seen in a closed conversation, out of every queue", async () => {
      const s = await setup(kind);
      const first = s.echoBody(s.newId(), "Kampanyamız başladı!") as any;
      const second = s.echoBody(s.newId(), "Detaylar için yazın", Date.now() + 1_000) as any;
      // One POST, two entries.
      first.entry.push(...second.entry);
      await s.post(first);
      const all = await s.conversationsOf();
      expect(all.length).toBe(1);
      expect(all[0]).toMatchObject({ status: "closed", assigneeId: null, waitingSince: null, startedBy: "agent", firstResponseAt: null });
      expect((await s.stored()).map((m) => [m.direction, m.body])).toEqual([
        ["out", "Kampanyamız başladı!"],
        ["out", "Detaylar için yazın"],
      ]);
      // The customer's answer opens a conversation as any first message does.
      await s.customerText("Detay alabilir miyim?", Date.now() + 2_000);
      const now = await s.conversationsOf();
      expect(now.map((c) => c.status)).toEqual(["closed", "open"]);
    });
  });
}

describe("a contact first seen without a name", () => {
  it("takes the customer's name from their first message, and keeps a name it already has", async () => {
    const { channels, contacts } = await import("@db/schema");
    const { newWebhookKey } = await import("../../src/admin/organizations");
    const { ingestInbound } = await import("../../src/inbox/customer-messages");
    const w = await t.world();
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "instagram", name: "IG", webhookKey: newWebhookKey() }).returning();
    const inbound = (contactName: string, id: string) => ({ orgId: w.orgId, channelId: channel.id, externalId: "7100000000009999", contactName, body: "hi", providerMessageId: id, at: t.clock.now() });
    const nameOf = async (conversationId: number) => {
      const [row] = await t.db.select({ name: contacts.name }).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(conversations.id, conversationId));
      return row.name;
    };
    const first = await ingestInbound(t.db, inbound("", "m.nameless"));
    expect(await nameOf(first.conversationId)).toBe("7100000000009999");
    // As an echo leaves it: the conversation closed, so the customer's message finds the contact anew.
    await t.db.update(conversations).set({ status: "closed", closedAt: t.clock.now() }).where(eq(conversations.id, first.conversationId));
    const named = await ingestInbound(t.db, inbound("Selin Kaya", "m.named"));
    expect(await nameOf(named.conversationId)).toBe("Selin Kaya");
    await t.db.update(conversations).set({ status: "closed", closedAt: t.clock.now() }).where(eq(conversations.id, named.conversationId));
    const other = await ingestInbound(t.db, inbound("Someone Else", "m.other"));
    expect(await nameOf(other.conversationId)).toBe("Selin Kaya");
  });
});
