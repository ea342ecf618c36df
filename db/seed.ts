// Demo data for a first look: created only on an empty database (DEMO_SEED, on by default for PGlite).
import { count, eq } from "drizzle-orm";
import type { Db } from "./client";
import {
  automatedReplies,
  botMenus,
  brands,
  businessHours,
  channels,
  commentPosts,
  contactIdentities,
  contacts,
  conversations,
  customFields,
  memberships,
  messages,
  ledgerEntries,
  notes,
  mentions,
  organizations,
  paymentProviders,
  polls,
  quickReplies,
  tags,
  conversationTags,
  users,
  workgroupMembers,
  workgroups,
  workflows,
  type MessageKind,
} from "./schema";
import { createOrganization } from "../src/admin/organizations";
import { DEMO_ACCESS_TOKEN, DEMO_APP_SECRET, DEMO_VERIFY_TOKEN, demoComment, demoIds } from "../fakes/meta/demo";
import { hashPassword } from "../src/auth/passwords";
import { seedReportHistory } from "./seed-history";
import { seedPolls } from "./seed-polls";
import { seedBulk } from "./seed-bulk";
import type { MergeLine } from "../src/contacts/merging";
import { presetTime } from "../src/inbox/snooze-times";
import { seedChannelShapes } from "./seed-channels";
import { DEMO_PAY_URL, DEMO_PAYMENTS_WEBHOOK_KEY, DEMO_STRIPE } from "../fakes/pay/demo";

export const DEMO_PASSWORD = "demo-password";
export const demoUsers = [
  { email: "admin@demo.test", name: "Ayşe Yılmaz", role: "admin" },
  { email: "supervisor@demo.test", name: "Selin Kaya", role: "supervisor" },
  { email: "agent1@demo.test", name: "Okan Demir", role: "agent" },
  { email: "agent2@demo.test", name: "İpek Arslan", role: "agent" },
] as const;

const minutes = (n: number) => n * 60_000;

export async function seedDemo(db: Db, now: Date, sealSecrets?: (secrets: Record<string, string>) => string): Promise<{ orgName: string } | null> {
  const [{ n }] = await db.select({ n: count() }).from(organizations);
  if (n > 0) return null;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const ids = demoUsers.map(() => crypto.randomUUID());
    await tx.insert(users).values(demoUsers.map((u, i) => ({ id: ids[i], email: u.email, name: u.name, passwordHash, createdAt: now })));
    const [adminId, , agent1Id, agent2Id] = ids;
    const { org, supportChannelId } = await createOrganization(tx, { name: "Demo Company", timezone: "Europe/Istanbul", locale: "en", adminUserId: adminId }, now);
    await tx.insert(memberships).values(
      demoUsers.slice(1).map((u, i) => ({ orgId: org.id, userId: ids[i + 1], role: u.role, createdAt: now, statusChangedAt: now })),
    );
    const [brand] = await tx.insert(brands).values({ orgId: org.id, name: "Demo Store", createdAt: now }).returning();
    await tx.insert(brands).values({ orgId: org.id, name: "Demo Outlet", createdAt: now });
    // The routed workgroup: new WhatsApp conversations wait in its queue and go round-robin to its Online agents.
    const [team] = await tx.insert(workgroups).values({ orgId: org.id, name: "Support Team", routing: "round_robin", capacity: 5, createdAt: now }).returning();
    const [sales] = await tx.insert(workgroups).values({ orgId: org.id, name: "Sales", createdAt: now }).returning();
    await tx.insert(workgroupMembers).values([
      { workgroupId: team.id, userId: agent1Id },
      { workgroupId: team.id, userId: agent2Id },
    ]);
    const tagRows = await tx
      .insert(tags)
      .values([
        { orgId: org.id, name: "VIP", color: "#b45309", createdAt: now },
        { orgId: org.id, name: "Complaint", color: "#dc2626", createdAt: now },
        { orgId: org.id, name: "Order", color: "#2563eb", createdAt: now },
        { orgId: org.id, name: "Lead", color: "#15803d", createdAt: now },
      ])
      .returning();
    await tx.insert(customFields).values([
      { orgId: org.id, key: "order_number", label: "Order number", type: "text", position: 0, createdAt: now },
      { orgId: org.id, key: "tier", label: "Customer tier", type: "select", options: ["Bronze", "Silver", "Gold"], position: 1, createdAt: now },
      { orgId: org.id, key: "birthday", label: "Birthday", type: "date", position: 2, createdAt: now },
      { orgId: org.id, key: "newsletter", label: "Newsletter", type: "boolean", position: 3, createdAt: now },
      { orgId: org.id, key: "lifetime_value", label: "Lifetime value", type: "number", position: 4, createdAt: now },
    ]);
    await tx.insert(quickReplies).values([
      { orgId: org.id, title: "Greeting", body: "Hello! Thanks for reaching out. How can I help you today?", createdAt: now },
      { orgId: org.id, title: "Order status", body: "Let me check your order status. Could you share your order number?", createdAt: now },
      { orgId: org.id, title: "Merhaba", body: "Merhaba! Size nasıl yardımcı olabilirim?", createdAt: now },
      { orgId: org.id, userId: agent1Id, title: "My sign-off", body: "Have a great day! — Okan", createdAt: now },
      // Variables are filled when sent; Elif has no order number, so there it warns instead.
      { orgId: org.id, title: "Order shipped", body: "Hi {{contact.first_name}}, your order {{crm.order_number}} is on its way. — {{agent.name}}, {{organization.name}}", createdAt: now },
    ]);

    // The provider channels match the local fake Graph API's demo registration (`bun run fake-meta`).
    const demoSecrets = sealSecrets?.({ accessToken: DEMO_ACCESS_TOKEN, appSecret: DEMO_APP_SECRET, verifyToken: DEMO_VERIFY_TOKEN }) ?? null;
    const [whatsapp, webchat, messenger, instagram] = await tx
      .insert(channels)
      .values([
        {
          orgId: org.id,
          brandId: brand.id,
          kind: "whatsapp",
          name: "WhatsApp (demo)",
          config: { phoneNumberId: demoIds.whatsapp.id, wabaId: demoIds.whatsapp.wabaId, displayPhoneNumber: "+90 555 000 11 11" },
          secrets: demoSecrets,
          workgroupId: team.id,
          webhookKey: demoIds.whatsapp.webhookKey,
          createdAt: now,
        },
        { orgId: org.id, brandId: brand.id, kind: "webchat", name: "Website chat", config: { allowedOrigins: [] }, webhookKey: "demo-webchat", createdAt: now },
        { orgId: org.id, brandId: brand.id, kind: "messenger", name: "Messenger (demo)", config: { pageId: demoIds.messenger.id }, secrets: demoSecrets, webhookKey: demoIds.messenger.webhookKey, createdAt: now },
        { orgId: org.id, brandId: brand.id, kind: "instagram", name: "Instagram (demo)", config: { accountId: demoIds.instagram.id }, secrets: demoSecrets, webhookKey: demoIds.instagram.webhookKey, createdAt: now },
      ])
      .returning();

    // Automation: weekday hours in the organization's time zone, an out-of-office reply on WhatsApp,
    // and two example workflows (Admin → Workflows, Admin → Business hours).
    const weekday = [{ from: "09:00", to: "18:00" }];
    await tx.insert(businessHours).values({ orgId: org.id, weekly: { 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday, 6: [{ from: "10:00", to: "14:00" }] }, holidays: ["2026-04-23", "2026-05-19"], updatedAt: now });
    await tx.insert(automatedReplies).values({
      orgId: org.id,
      channelId: whatsapp.id,
      kind: "out_of_office",
      body: "Merhaba {{contact.name}}! Şu an mesai saatlerimiz dışındayız (hafta içi 09:00–18:00). En kısa sürede size döneceğiz.",
      gapMinutes: 720,
      updatedAt: now,
    });
    await tx.insert(workflows).values([
      {
        orgId: org.id,
        name: "WhatsApp exchanges (değişim) → Sales",
        position: 0,
        trigger: { type: "message_received" },
        conditions: [{ type: "channel_kind", kinds: ["whatsapp"] }, { type: "text_contains", value: "değişim" }],
        actions: [{ type: "assign_workgroup", workgroupId: sales.id }, { type: "add_tag", tagId: tagRows[2].id }],
        createdAt: now,
        updatedAt: now,
      },
      {
        orgId: org.id,
        name: "No agent reply for 15 minutes",
        position: 1,
        trigger: { type: "no_agent_reply", minutes: 15 },
        conditions: [{ type: "business_hours", inside: true }],
        actions: [{ type: "note", body: "{{contact.name}} has waited 15 minutes for a reply." }],
        createdAt: now,
        updatedAt: now,
      },
      {
        // A scheduled example, left disabled: enabling it shows a time-based rule at work.
        orgId: org.id,
        name: "Mondays 10:00: VIPs quiet for 30 days",
        position: 2,
        enabled: false,
        trigger: { type: "schedule", cron: "0 10 * * 1", quietDays: 30 },
        conditions: [{ type: "tag", tagId: tagRows[0].id, present: true }],
        actions: [{ type: "note", body: "{{contact.name}} has not written for 30 days: time to get in touch." }],
        createdAt: now,
        updatedAt: now,
      },
    ]);

    type Story = {
      name: string;
      phone?: string;
      email?: string;
      channel: typeof whatsapp;
      externalId: string;
      assignee?: string;
      status?: "open" | "closed";
      /** Marked as spam: closed, of type spam, its contact blocked. */
      spam?: boolean;
      /** A comment thread on this post (its first line is the comment). */
      post?: number;
      tags?: number[];
      /** Snoozed by its assignee until tomorrow morning (the Snoozed tab). */
      snoozed?: boolean;
      fields?: Record<string, unknown>;
      /** A line may be a shared kind (issue 18): a contact card, an order, a post share, with its metadata. */
      lines: [dir: "in" | "out", text: string, agoMin: number, shared?: { kind: MessageKind; metadata: Record<string, unknown> }][];
    };
    // A Facebook post someone commented on: the demo's comment thread (the fake knows both).
    const [demoPost] = await tx
      .insert(commentPosts)
      .values({ orgId: org.id, channelId: messenger.id, providerPostId: demoComment.postId, permalink: demoComment.permalink, body: demoComment.postText, createdAt: now })
      .returning();
    const stories: Story[] = [
      { name: "Özge Şahin", phone: "+905321112233", channel: whatsapp, externalId: "905321112233", tags: [tagRows[2].id], fields: { order_number: "KN-10422", tier: "Gold" }, lines: [["in", "", 6, DEMO_ORDER], ["in", "Merhaba, siparişim ne zaman kargoya verilecek?", 4]] },
      { name: "Ana Ruiz", phone: "+5491122334455", channel: whatsapp, externalId: "5491122334455", lines: [["in", "Hola, ¿ya enviaron mi pedido?", 12], ["in", "Lucía Gómez", 11, DEMO_CONTACT_CARD]] },
      { name: "Nehir Ak", channel: instagram, externalId: "17841000000000042", lines: [["in", "Bunun M bedeni var mı?", 16, DEMO_SHARE]] },
      { name: "John Carter", email: "john@example.com", channel: webchat, externalId: "visitor-john", tags: [tagRows[3].id], lines: [["in", "Do you ship to Germany?", 30]] },
      { name: "Mehmet Öz", phone: "+905339998877", channel: whatsapp, externalId: "905339998877", assignee: agent1Id, tags: [tagRows[1].id], lines: [["in", "Ürün hasarlı geldi 😞", 55], ["out", "Çok üzgünüz! Fotoğraf paylaşabilir misiniz?", 50], ["in", "Tabii, hemen gönderiyorum.", 8]] },
      { name: "Elif Çelik", phone: "+905301234567", channel: whatsapp, externalId: "905301234567", assignee: agent2Id, tags: [tagRows[0].id], fields: { tier: "Silver", newsletter: true }, lines: [["in", "İade sürecini başlatmak istiyorum.", 90], ["out", "Elbette, sipariş numaranızı alabilir miyim?", 85]] },
      { name: "Burak Aydın", email: "burak@example.com", channel: webchat, externalId: "visitor-burak", assignee: agent1Id, status: "closed", lines: [["in", "Kargo takip numaram nedir?", 300], ["out", "Takip numaranız TR123456789.", 290]] },
      { name: demoComment.name, channel: messenger, externalId: demoComment.from, post: demoPost.id, lines: [["in", demoComment.text, 25]] },
      { name: "Zeynep Koç", phone: "+905357654321", channel: whatsapp, externalId: "905357654321", assignee: agent1Id, snoozed: true, lines: [["in", "Havaleyi yaptım, dekontu yarın sabah gönderirim.", 40], ["out", "Teşekkürler Zeynep Hanım, yarın sabah kontrol ediyorum.", 35]] },
      { name: "Crypto Giveaway", phone: "+15550100999", channel: whatsapp, externalId: "15550100999", spam: true, lines: [["in", "Congratulations! Claim your free crypto at bit.ly/xx", 200], ["in", "Last chance to claim!", 20]] },
    ];

    for (const story of stories) {
      const last = story.lines[story.lines.length - 1];
      const lastAt = new Date(now.getTime() - minutes(last[2]));
      const firstAt = new Date(now.getTime() - minutes(story.lines[0][2]));
      const [contact] = await tx
        .insert(contacts)
        .values({
          orgId: org.id,
          name: story.name,
          phone: story.phone,
          email: story.email,
          customFields: story.fields ?? {},
          ownerId: story.assignee ?? null,
          blockedAt: story.spam ? firstAt : null,
          blockedBy: story.spam ? agent1Id : null,
          createdAt: firstAt,
          updatedAt: firstAt,
        })
        .returning();
      await tx.insert(contactIdentities).values({ orgId: org.id, contactId: contact.id, channelId: story.channel.id, externalId: story.externalId, createdAt: firstAt });
      const closed = story.status === "closed" || !!story.spam;
      const lastInbound = [...story.lines].reverse().find((l) => l[0] === "in");
      const firstOut = story.lines.find((l) => l[0] === "out");
      const [conversation] = await tx
        .insert(conversations)
        .values({
          orgId: org.id,
          contactId: contact.id,
          channelId: story.channel.id,
          status: closed ? "closed" : "open",
          type: story.spam ? "spam" : story.post ? "comment" : "chat",
          postId: story.post ?? null,
          assigneeId: story.assignee ?? null,
          workgroupId: story.assignee ? team.id : null,
          createdAt: firstAt,
          lastMessageAt: lastAt,
          lastMessagePreview: last[1],
          lastInboundAt: lastInbound ? new Date(now.getTime() - minutes(lastInbound[2])) : null,
          waitingSince: !closed && last[0] === "in" ? lastAt : null,
          assignedAt: story.assignee ? firstAt : null,
          firstResponseAt: firstOut ? new Date(now.getTime() - minutes(firstOut[2])) : null,
          closedAt: closed ? new Date(now.getTime() - minutes(story.spam ? 200 : 280)) : null,
          closedBy: story.spam ? agent1Id : closed ? story.assignee : null,
          ...(story.snoozed ? { snoozedUntil: presetTime("tomorrow", now, "Europe/Istanbul"), snoozedAt: lastAt, snoozedBy: story.assignee } : {}),
        })
        .returning();
      await tx.insert(messages).values(
        story.lines.map(([direction, body, ago], i) => ({
          orgId: org.id,
          conversationId: conversation.id,
          channelId: story.channel.id,
          direction,
          authorId: direction === "out" ? (story.assignee ?? null) : null,
          body,
          kind: story.lines[i][3]?.kind ?? "text",
          providerMessageId: story.post && i === 0 ? demoComment.commentId : `demo-${conversation.id}-${i}`,
          metadata: story.post && i === 0 ? { commentId: demoComment.commentId, postId: demoComment.postId } : (story.lines[i][3]?.metadata ?? {}),
          delivery: direction === "out" ? ("read" as const) : null,
          createdAt: new Date(now.getTime() - minutes(ago)),
        })),
      );
      if (conversation.snoozedUntil) {
        const line = { system: "snoozed", until: conversation.snoozedUntil.toISOString(), byName: demoUsers[2].name };
        await tx.insert(messages).values({ orgId: org.id, conversationId: conversation.id, channelId: story.channel.id, direction: "event", metadata: line, createdAt: lastAt });
      }
      if (story.tags?.length) await tx.insert(conversationTags).values(story.tags.map((tagId) => ({ conversationId: conversation.id, tagId })));
    }

    await seedBot(tx, { orgId: org.id, messengerId: messenger.id, webchatId: webchat.id, teamId: team.id, salesId: sales.id, agentId: agent1Id, now });
    await seedPolls(tx, { orgId: org.id, whatsappId: whatsapp.id, teamId: team.id, now });
    await seedReportHistory(tx, { orgId: org.id, channels: [whatsapp, webchat, messenger, instagram, whatsapp], agents: [agent1Id, agent2Id], workgroupId: team.id, now });
    const [mehmet] = await tx.select({ id: contacts.id }).from(contacts).where(eq(contacts.name, "Mehmet Öz"));
    await tx.insert(notes).values({ orgId: org.id, contactId: mehmet.id, authorId: agent1Id, body: "Prefers phone calls after 18:00.", createdAt: now });
    await seedMention(tx, { orgId: org.id, contactId: mehmet.id, authorId: agent1Id, mentionedId: adminId, now });
    // Mehmet first wrote from the website chat under his email; Okan merged that contact into this one.
    const [mehmetChat] = await tx.select({ id: conversations.id, channelId: conversations.channelId }).from(conversations).where(eq(conversations.contactId, mehmet.id));
    await tx.update(contacts).set({ email: "mehmet.oz@example.com" }).where(eq(contacts.id, mehmet.id));
    const mergeLine: MergeLine = { system: "contact_merged", mergedName: "Mehmet (mehmet.oz@example.com)", keptName: "Mehmet Öz", byName: "Okan Demir" };
    await tx.insert(messages).values({ orgId: org.id, conversationId: mehmetChat.id, channelId: mehmetChat.channelId, direction: "event", metadata: mergeLine, createdAt: new Date(now.getTime() - minutes(30)) });
    await seedBilling(tx, org.id, mehmet.id, adminId, now, sealSecrets);
    await seedBulk(tx, { orgId: org.id, channel: whatsapp, createdBy: ids[1], now });
    await seedChannelShapes(tx, { orgId: org.id, whatsappId: whatsapp.id, messengerId: messenger.id, instagramId: instagram.id, now });
    return { orgName: org.name };
  });
}


/**
 * The greeting bot and satisfaction survey on the demo Messenger channel (Admin → Bot), a manually
 * routed Returns workgroup its "İade" option hands over to, and one answered survey (Burak's closed
 * WebChat conversation) for the cockpit and his contact page.
 */
async function seedBot(tx: Db, d: { orgId: number; messengerId: number; webchatId: number; teamId: number; salesId: number; agentId: string; now: Date }) {
  const [returns] = await tx.insert(workgroups).values({ orgId: d.orgId, name: "Returns", routing: "manual", createdAt: d.now }).returning();
  await tx.insert(botMenus).values({
    orgId: d.orgId,
    channelId: d.messengerId,
    enabled: true,
    greeting: "Merhaba! 👋 Size nasıl yardımcı olabiliriz?",
    options: [
      { id: "order", title: "Sipariş durumu", action: "question", text: "Sipariş numaranızı yazar mısınız? (örn. KN-10422)", fieldKey: "order_number" },
      { id: "hours", title: "Çalışma saatleri", action: "answer", text: "Hafta içi 09:00–18:00, cumartesi 10:00–14:00 arası yanıt veriyoruz." },
      { id: "returns", title: "İade ve değişim", action: "submenu", text: "İade mi, değişim mi?", options: [
        { id: "refund", title: "İade", action: "handover", workgroupId: returns.id },
        { id: "exchange", title: "Değişim", action: "handover", workgroupId: d.salesId },
      ] },
      { id: "talk", title: "Bize yazın", action: "handover", workgroupId: d.teamId },
    ],
    handoverKeyword: "temsilci",
    timeoutMinutes: 10,
    handoverWorkgroupId: d.teamId,
    surveyEnabled: true,
    surveyQuestion: "Görüşmemizden ne kadar memnun kaldınız?",
    surveyComment: "Eklemek istediğiniz bir şey var mı? (isteğe bağlı)",
    surveySince: d.now,
    updatedAt: d.now,
  });
  const [burak] = await tx
    .select({ id: conversations.id, contactId: conversations.contactId })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(contacts.name, "Burak Aydın"));
  const at = new Date(d.now.getTime() - 270 * 60_000);
  const [question] = await tx
    .insert(messages)
    .values({ orgId: d.orgId, conversationId: burak.id, channelId: d.webchatId, direction: "out", body: "Görüşmemizden ne kadar memnun kaldınız?\n\n1. 1 ⭐\n2. 2 ⭐⭐\n3. 3 ⭐⭐⭐\n4. 4 ⭐⭐⭐⭐\n5. 5 ⭐⭐⭐⭐⭐", delivery: "read", metadata: { survey: {} }, createdAt: at })
    .returning({ id: messages.id });
  await tx.insert(messages).values([
    { orgId: d.orgId, conversationId: burak.id, channelId: d.webchatId, direction: "in", body: "5", createdAt: new Date(at.getTime() + 60_000) },
    { orgId: d.orgId, conversationId: burak.id, channelId: d.webchatId, direction: "event", body: "", metadata: { bot: { line: "rated", rating: 5 } }, createdAt: new Date(at.getTime() + 60_000) },
  ]);
  await tx.insert(polls).values({ orgId: d.orgId, conversationId: burak.id, contactId: burak.contactId, channelId: d.webchatId, kind: "survey", question: "Görüşmemizden ne kadar memnun kaldınız?", options: ["1", "2", "3", "4", "5"], messageId: question.id, agentId: d.agentId, status: "answered", answerIndex: 4, answeredAt: new Date(at.getTime() + 60_000), comment: "Hızlı yanıt için teşekkürler!", createdAt: at });
}

/** Okan asks Ayşe (the demo admin) in a note on Mehmet's conversation: her Mentions view shows it unread. */
async function seedMention(tx: Db, d: { orgId: number; contactId: number; authorId: string; mentionedId: string; now: Date }) {
  const [conversation] = await tx.select({ id: conversations.id, channelId: conversations.channelId }).from(conversations).where(eq(conversations.contactId, d.contactId));
  const at = new Date(d.now.getTime() - minutes(6));
  const [note] = await tx
    .insert(messages)
    .values({ orgId: d.orgId, conversationId: conversation.id, channelId: conversation.channelId, direction: "note", authorId: d.authorId, body: `@${demoUsers[0].name} the photo shows a cracked screen. May we send a replacement instead of a refund?`, createdAt: at })
    .returning({ id: messages.id });
  await tx.insert(mentions).values({ orgId: d.orgId, messageId: note.id, conversationId: conversation.id, userId: d.mentionedId, authorId: d.authorId, createdAt: at });
}

/** Payments through the fake Stripe (`bun run fake-pay`), and a customer with a balance and a few transactions. */
async function seedBilling(tx: Db, orgId: number, contactId: number, adminId: string, now: Date, sealSecrets?: (secrets: Record<string, string>) => string) {
  await tx.insert(paymentProviders).values({ orgId, kind: "stripe", config: { baseUrl: `${DEMO_PAY_URL}/stripe` }, secrets: sealSecrets?.(DEMO_STRIPE) ?? null, webhookKey: DEMO_PAYMENTS_WEBHOOK_KEY, createdAt: now });
  await tx.update(contacts).set({ externalId: "CRM-1001" }).where(eq(contacts.id, contactId));
  const day = 86_400_000;
  const entry = (n: number, kind: "charge" | "payment" | "refund", amountMinor: number, currency: string, description: string, daysAgo: number) => ({
    orgId,
    contactId,
    kind,
    amountMinor,
    currency,
    description,
    externalRef: `KN-${10400 + n}`,
    idempotencyKey: `demo-${n}`,
    source: "manual" as const,
    createdBy: adminId,
    occurredAt: new Date(now.getTime() - daysAgo * day),
    createdAt: now,
  });
  await tx.insert(ledgerEntries).values([
    entry(1, "charge", 125_000, "TRY", "Sipariş KN-10401", 20),
    entry(2, "payment", -50_000, "TRY", "Havale", 15),
    entry(3, "charge", 4_990, "EUR", "Order KN-10403 (EU store)", 9),
    entry(4, "refund", 7_500, "TRY", "Hasarlı ürün iadesi", 2),
  ]);
}

/** What customers share, as Kanal keeps it (src/channels/whatsapp-kinds.ts, instagram-shares.ts). */
const DEMO_ORDER = {
  kind: "order" as const,
  metadata: { order: { catalogId: "1234567890123456", text: "", items: [{ productId: "KN-TSHIRT-M", quantity: 2, unitPrice: 249.9, currency: "TRY" }, { productId: "KN-MUG", quantity: 1, unitPrice: 120, currency: "TRY" }] } },
};
const DEMO_CONTACT_CARD = {
  kind: "contacts" as const,
  metadata: { contacts: [{ name: "Lucía Gómez", organization: null, phones: [{ phone: "+54 9 11 5555 0101", waId: "5491155550101", type: "CELL" }], emails: [{ email: "lucia@example.com", type: "HOME" }] }] },
};
const DEMO_SHARE = {
  kind: "share" as const,
  metadata: { share: { kind: "post", mediaId: "18139494541428835", title: "Yeni sezon keten gömlekler", url: "https://www.instagram.com/" } },
};
