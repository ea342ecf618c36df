// Demo bulk messages: the demo WhatsApp channel's approved templates (as `bun run fake-meta` serves
// them), a "Newsletter" tag on 30 customers, and a finished bulk send to some of them whose
// recipients were sent, delivered, read, failed and skipped.
import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { bulkRecipients, bulkSends, channels, contactIdentities, contacts, conversations, conversationTags, messages, tags } from "./schema";

const templates = [
  { name: "order_update", language: "tr", body: "Merhaba {{1}}, {{2}} numaralı siparişiniz kargoya verildi.", params: 2 },
  { name: "order_update", language: "en", body: "Hello {{1}}, your order {{2}} has shipped.", params: 2 },
  { name: "follow_up", language: "en", body: "Hi! We are following up on your last conversation with us. Reply to continue.", params: 0 },
];

const first = ["Ahmet", "Ayşe", "Mustafa", "Fatma", "Emre", "Zeynep", "Can", "Deniz", "Ece", "Hakan", "İrem", "Kerem", "Leyla", "Murat", "Nazlı"];
const last = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik"];

export async function seedBulk(tx: Db, input: { orgId: number; channel: typeof channels.$inferSelect; createdBy: string; now: Date }) {
  const { orgId, channel, now } = input;
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  await tx.update(channels).set({ config: { ...channel.config, templates, templatesSyncedAt: ago(60).toISOString() } }).where(eq(channels.id, channel.id));
  const [tag] = await tx.insert(tags).values({ orgId, name: "Newsletter", color: "#7c3aed", createdAt: now }).returning();
  const people = await tx
    .insert(contacts)
    .values(Array.from({ length: 30 }, (_, i) => ({ orgId, name: `${first[i % first.length]} ${last[i % last.length]}`, phone: `+90532700${String(i).padStart(4, "0")}`, customFields: { order_number: `KN-${20100 + i}`, newsletter: true }, createdAt: ago(5000 + i), updatedAt: ago(5000 + i) })))
    .returning();
  await tx.insert(contactIdentities).values(people.map((p) => ({ orgId, contactId: p.id, channelId: channel.id, externalId: p.phone!.slice(1), createdAt: p.createdAt })));
  const convs = await tx
    .insert(conversations)
    .values(people.map((p, i) => ({ orgId, contactId: p.id, channelId: channel.id, status: "closed" as const, createdAt: ago(4000 + i), lastMessageAt: ago(3990 + i), lastMessagePreview: "Teşekkürler!", lastInboundAt: ago(3990 + i), closedAt: ago(3980 + i) })))
    .returning({ id: conversations.id });
  await tx.insert(conversationTags).values(convs.map((c) => ({ conversationId: c.id, tagId: tag.id })));

  // Last week's shipping notice to the first eight of them.
  const template = templates[0];
  const [send] = await tx
    .insert(bulkSends)
    .values({ orgId, name: "Kargo bildirimi", channelId: channel.id, template, parameters: ["{{contact.name}}", "{{field.order_number}}"], audience: { filter: { tagIds: [tag.id], channels: [], fields: [] }, numbers: 0 }, pace: 20, currentPace: 20, status: "done", startAt: ago(7 * 1440), startedAt: ago(7 * 1440), finishedAt: ago(7 * 1440 - 1), createdBy: input.createdBy, createdAt: ago(7 * 1440 + 5) })
    .returning();
  const outcomes = ["read", "read", "read", "delivered", "delivered", "sent", "failed", "skipped"] as const;
  for (const [i, outcome] of outcomes.entries()) {
    const person = people[i];
    if (outcome === "skipped") {
      await tx.update(contacts).set({ bulkOptedOutAt: ago(8 * 1440) }).where(eq(contacts.id, person.id));
      await tx.insert(bulkRecipients).values({ orgId, bulkSendId: send.id, contactId: person.id, state: "skipped", skipReason: "opted_out" });
      continue;
    }
    const at = ago(7 * 1440 - i / 20);
    const body = template.body.replace("{{1}}", person.name).replace("{{2}}", String(person.customFields.order_number));
    const [conv] = await tx.insert(conversations).values({ orgId, contactId: person.id, channelId: channel.id, status: "closed", type: "bulk", startedBy: "automation", createdAt: at, lastMessageAt: at, lastMessagePreview: body.slice(0, 140), closedAt: at }).returning({ id: conversations.id });
    const failed = outcome === "failed";
    const [message] = await tx
      .insert(messages)
      .values({
        orgId,
        conversationId: conv.id,
        channelId: channel.id,
        direction: "out",
        kind: "template",
        body,
        metadata: { template: { name: template.name, language: template.language, parameters: [person.name, person.customFields.order_number] }, bulk: { id: send.id, name: send.name } },
        providerMessageId: `demo-bulk-${send.id}-${i}`,
        delivery: outcome,
        errorCode: failed ? "131026" : null,
        errorText: failed ? "Message undeliverable" : null,
        createdAt: at,
        sentAt: failed ? null : at,
        deliveredAt: outcome === "read" || outcome === "delivered" ? at : null,
        readAt: outcome === "read" ? at : null,
      })
      .returning({ id: messages.id });
    await tx.insert(bulkRecipients).values({ orgId, bulkSendId: send.id, contactId: person.id, state: "sent", messageId: message.id, conversationId: conv.id, sentAt: at });
  }
}
