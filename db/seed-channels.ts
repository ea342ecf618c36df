// Demo data for the real-world channel shapes (issue 18): a click-to-WhatsApp ad conversation, an
// Instagram thread with an edited and an unsent message and a file the provider would not give, a
// Messenger link share and a standby message, and a few webhook items Kanal did not handle.
import type { Db } from "./client";
import { contactIdentities, contacts, conversations, mediaDownloads, messages, webhookUnhandled } from "./schema";

type Line = { dir: "in" | "out"; body: string; ago: number; kind?: "text" | "image"; metadata?: Record<string, unknown> };

const minutes = (n: number) => n * 60_000;

export async function seedChannelShapes(tx: Db, d: { orgId: number; whatsappId: number; messengerId: number; instagramId: number; now: Date }) {
  const at = (ago: number) => new Date(d.now.getTime() - minutes(ago));
  const story = async (s: { name: string; phone?: string; channelId: number; externalId: string; referral?: Record<string, unknown>; lines: Line[] }) => {
    const first = at(s.lines[0].ago);
    const last = s.lines[s.lines.length - 1];
    const [contact] = await tx.insert(contacts).values({ orgId: d.orgId, name: s.name, phone: s.phone, createdAt: first, updatedAt: first }).returning();
    await tx.insert(contactIdentities).values({ orgId: d.orgId, contactId: contact.id, channelId: s.channelId, externalId: s.externalId, createdAt: first });
    const lastIn = [...s.lines].reverse().find((l) => l.dir === "in");
    const [conversation] = await tx
      .insert(conversations)
      .values({
        orgId: d.orgId,
        contactId: contact.id,
        channelId: s.channelId,
        createdAt: first,
        lastMessageAt: at(last.ago),
        lastMessagePreview: last.metadata?.deleted ? "" : last.body,
        lastInboundAt: lastIn ? at(lastIn.ago) : null,
        waitingSince: last.dir === "in" && !last.metadata?.standby ? at(last.ago) : null,
        referral: s.referral ?? null,
      })
      .returning();
    const rows = await tx
      .insert(messages)
      .values(s.lines.map((l, i) => ({ orgId: d.orgId, conversationId: conversation.id, channelId: s.channelId, direction: l.dir, kind: l.kind ?? "text", body: l.body, providerMessageId: `demo-shape-${conversation.id}-${i}`, metadata: l.metadata ?? {}, delivery: l.dir === "out" ? ("read" as const) : null, createdAt: at(l.ago) })))
      .returning({ id: messages.id, metadata: messages.metadata });
    return rows;
  };

  await story({
    name: "Deniz Arslan",
    phone: "+905357778899",
    channelId: d.whatsappId,
    externalId: "905357778899",
    referral: { source: "ad", headline: "Kışa özel %30 indirim", body: "Mont ve botlarda sezon sonu fırsatı", sourceUrl: "https://fb.me/3cr4Wqqkv", sourceId: "120210000000000001", mediaType: "image", mediaUrl: "https://scontent.xx.fbcdn.net/v/t45.1600-4/ad.jpg" },
    lines: [{ dir: "in", body: "Merhaba, reklamdaki indirim montlarda da geçerli mi?", ago: 6 }],
  });

  const zeynep = await story({
    name: "Zeynep Koç",
    channelId: d.instagramId,
    externalId: "6600000000000042",
    lines: [
      { dir: "in", body: "Sipariş numaram KN-10519", ago: 40, metadata: { editedAt: at(38).toISOString(), edits: [{ body: "Sipariş numaram KN-1051", at: at(40).toISOString() }] } },
      { dir: "in", body: "", ago: 37, metadata: { deleted: { at: at(36).toISOString(), by: "customer", body: "Kart bilgilerim: 4111 1111 1111 1111" } } },
      { dir: "in", body: "Paketin fotoğrafı", ago: 35, kind: "image", metadata: { media: "unavailable" } },
    ],
  });
  await tx.insert(mediaDownloads).values({ messageId: zeynep[2].id, orgId: d.orgId, channelId: d.instagramId, ref: { url: "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1&signature=expired" }, attempts: 5, lastError: "http_403: The provider refused the download (403)", failedAt: at(5) });

  await story({
    name: "Burak Şen",
    channelId: d.messengerId,
    externalId: "7100000000000310",
    referral: { source: "link", ref: "magaza-qr" },
    lines: [
      { dir: "in", body: "Şu ürün stokta var mı? https://shop.example.com/p/42", ago: 15, metadata: { link: { url: "https://shop.example.com/p/42", title: "Mavi kapüşonlu mont" } } },
      { dir: "in", body: "Asistana da sordum", ago: 14, metadata: { standby: true } },
    ],
  });

  await tx.insert(webhookUnhandled).values([
    { channelId: d.messengerId, kind: "event:optin", count: 3, example: '{"type":"notification_messages","payload":"demo","notification_messages_frequency":"DAILY"}', createdAt: at(600), lastAt: at(20) },
    { channelId: d.whatsappId, kind: "field:account_update", count: 1, example: '{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}', createdAt: at(900), lastAt: at(900) },
  ]);
}
