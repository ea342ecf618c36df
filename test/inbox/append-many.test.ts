// Several inbound messages appended in one statement (appendInbounds, what a batch of webhooks is
// applied with): each gets what appending it alone would give, in the order given.
import { describe, expect, it } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { channels, conversations, events, messages } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { appendInbounds, ingestInbound, type Inbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function setup() {
  const w = await t.world();
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const message = (externalId: string, body: string, more: Partial<Inbound> = {}): Inbound => ({
    orgId: w.orgId,
    channelId: channel.id,
    externalId,
    contactName: `Müşteri ${externalId}`,
    body,
    providerMessageId: `wamid.${crypto.randomUUID()}`,
    at: t.clock.now(),
    ...more,
  });
  return { w, channel, message };
}

describe("appending several inbound messages at once", () => {
  it("gives each message its outcome, in the order given, as appending them one by one would", async () => {
    const { message } = await setup();
    const ada = await ingestInbound(t.db, message("905551000001", "ilk"));
    const ece = await ingestInbound(t.db, message("905551000002", "ilk"));
    const seen = message("905551000002", "tekrar");
    await ingestInbound(t.db, seen);
    const start = t.clock.now().getTime();
    const at = (s: number) => new Date(start + s * 1000);
    const earlier = message("905551000001", "kargom nerede? 📦", { at: at(1) });
    const batch = [
      earlier,
      message("905551000002", "Größe tauschen?", { at: at(2) }),
      // No open conversation: nothing written for it.
      message("905551000003", "merhaba", { at: at(3) }),
      // Stored before, and twice in this batch: stored once, by neither of these.
      { ...seen },
      message("905551000001", "bir de fatura", { at: at(4), replyToProviderId: earlier.providerMessageId }),
      { ...seen, body: "tekrar (yine)" },
    ];
    const outcomes = await appendInbounds(t.db, batch);
    expect(outcomes.map((o) => (o === null ? null : o.duplicate ? "duplicate" : "stored"))).toEqual(["stored", "stored", null, "duplicate", "stored", "duplicate"]);
    expect(outcomes[0]!.conversationId).toBe(ada.conversationId);
    expect(outcomes[4]!.conversationId).toBe(ada.conversationId);
    expect(outcomes[1]!.conversationId).toBe(ece.conversationId);

    // Ids in the order given; an answer to a message of the same batch points at it.
    const stored = await t.db.select().from(messages).where(inArray(messages.id, [outcomes[0]!.messageId!, outcomes[1]!.messageId!, outcomes[4]!.messageId!])).orderBy(messages.id);
    expect(stored.map((m) => m.body)).toEqual(["kargom nerede? 📦", "Größe tauschen?", "bir de fatura"]);
    expect(stored[2].replyToId).toBe(stored[0].id);
    expect(await t.db.$count(messages, eq(messages.providerMessageId, seen.providerMessageId!))).toBe(1);

    // One message_created event per stored message, in order, naming it.
    const created = await t.db.select().from(events).where(inArray(events.id, outcomes.flatMap((o) => o?.eventIds ?? []))).orderBy(events.id);
    expect(created.map((e) => [e.type, e.data.messageId])).toEqual(stored.map((m) => ["message_created", m.id]));

    // The conversation shows its latest message; it has waited since before this batch.
    const [conversation] = await t.db.select().from(conversations).where(eq(conversations.id, ada.conversationId));
    expect(conversation.lastMessagePreview).toBe("bir de fatura");
    expect(conversation.lastMessageAt).toEqual(at(4));
    expect(conversation.lastInboundAt).toEqual(at(4));
    expect(conversation.waitingSince!.getTime()).toBeLessThan(at(1).getTime());
  });

  it("starts waiting at the batch's first message when the conversation was not waiting", async () => {
    const { message } = await setup();
    const first = await ingestInbound(t.db, message("905551000011", "ilk"));
    await t.db.update(conversations).set({ waitingSince: null }).where(eq(conversations.id, first.conversationId));
    const start = t.clock.now().getTime();
    await appendInbounds(t.db, [message("905551000011", "iki", { at: new Date(start + 1000) }), message("905551000011", "üç", { at: new Date(start + 2000) })]);
    const [conversation] = await t.db.select().from(conversations).where(eq(conversations.id, first.conversationId));
    expect(conversation.waitingSince).toEqual(new Date(start + 1000));
    expect(conversation.lastMessagePreview).toBe("üç");
  });

  it("keeps the preview of the newest message when the provider delivers an older one late, alone or in a batch", async () => {
    const { message } = await setup();
    const start = t.clock.now().getTime();
    const at = (s: number) => new Date(start + s * 1000);
    const first = await ingestInbound(t.db, message("905551000021", "siparişim geldi", { at: at(5) }));
    const preview = async () => (await t.db.select().from(conversations).where(eq(conversations.id, first.conversationId)))[0];
    // Sent before it, delivered after: stored, but the list still shows the newest.
    await appendInbounds(t.db, [message("905551000021", "siparişim nerede?", { at: at(1) })]);
    expect(await preview()).toMatchObject({ lastMessagePreview: "siparişim geldi", lastInboundAt: at(5) });
    // In one batch out of order: the newest by its time, not the last given.
    await appendInbounds(t.db, [message("905551000021", "teşekkürler", { at: at(9) }), message("905551000021", "bir sorum var", { at: at(7) })]);
    expect(await preview()).toMatchObject({ lastMessagePreview: "teşekkürler", lastInboundAt: at(9) });
    // A newer one takes it as before.
    await appendInbounds(t.db, [message("905551000021", "tamamdır", { at: at(12) })]);
    expect((await preview()).lastMessagePreview).toBe("tamamdır");
  });
});
