// WhatsApp message kinds as the Cloud API's webhook references write them: contact cards, catalog
// orders and Flow replies show as what they are; system messages move a contact to a new number or
// note a new identity; edits and revocations change the original message. Only real customer
// messages move a conversation (queue, waiting time, reply window, unread).
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { contactIdentities, contacts, conversations, events, messages, webhookDeliveries } from "@db/schema";
import { useTestApp } from "../support/app";
import { wamid, whatsappPayload } from "../support/channels";
import { metaCustomer } from "./support/meta-customer";

const t = useTestApp();

async function setup() {
  const base = await metaCustomer(t, "whatsapp", "53");
  const { own, customer, post, channel } = base;
  const seconds = (at: number) => String(Math.floor(at / 1000));
  /** One customer message of `type` as WhatsApp writes it, with the sender's profile in `contacts`. */
  const message = (type: string, body: Record<string, unknown>, at = Date.now(), from = customer, id = wamid()) => ({ from, id, timestamp: seconds(at), type, ...body });
  const send = (...items: Record<string, unknown>[]) => post(whatsappPayload(own, { contacts: [{ profile: { name: "Derya Aksoy" }, wa_id: customer }], messages: items }));
  const conversationsOf = () => t.db.select().from(conversations).where(eq(conversations.channelId, channel.id)).orderBy(conversations.id);
  const stored = () => t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);
  const page = async (conversationId: number) => (await (await t.signIn(base.w.agent.email, base.w.orgId)).html(`/inbox/${conversationId}`)).text;
  return { ...base, message, send, conversationsOf, stored, page };
}

const contactCard = {
  contacts: [
    {
      addresses: [{ city: "İstanbul", country: "Türkiye", country_code: "TR", type: "WORK" }],
      emails: [{ email: "mert@ornek.com.tr", type: "WORK" }],
      name: { formatted_name: "Mert Yılmaz", first_name: "Mert", last_name: "Yılmaz" },
      org: { company: "Örnek Lojistik", title: "Depo sorumlusu" },
      phones: [
        { phone: "+90 532 111 22 33", wa_id: "905321112233", type: "CELL" },
        { phone: "+90 212 444 00 00", type: "WORK" },
      ],
      urls: [{ url: "https://ornek.com.tr", type: "WORK" }],
    },
  ],
};

const order = {
  order: {
    catalog_id: "1234567890123456",
    text: "Kapıda ödeme lütfen",
    product_items: [
      { product_retailer_id: "TSHIRT-M-BLUE", quantity: 2, item_price: 249.9, currency: "TRY" },
      { product_retailer_id: "MUG-WHITE", quantity: 1, item_price: 120, currency: "TRY" },
    ],
  },
};

const flowReply = {
  context: { from: "15550001111", id: wamid() },
  interactive: {
    type: "nfm_reply",
    nfm_reply: {
      name: "flow",
      body: "Sent",
      response_json: JSON.stringify({ flow_token: "kanal-flow-7", delivery_date: "2026-12-10", size: "M", gift_wrap: true, notes: "Zile basmayın" }),
    },
  },
};

describe("WhatsApp contact cards, orders and Flow replies", () => {
  it("stores each as what it is and draws it as a card; a real message opens the conversation as any message would", async () => {
    const s = await setup();
    const at = Date.now() - 60_000;
    // One POST, three messages (Meta batches): every one kept, in order.
    await s.send(s.message("contacts", contactCard, at), s.message("order", order, at + 1_000), s.message("interactive", flowReply, at + 2_000));
    const [card, sale, flow] = await s.stored();
    expect(card).toMatchObject({ kind: "contacts", body: "Mert Yılmaz", direction: "in" });
    expect(card.metadata.contacts).toEqual([
      {
        name: "Mert Yılmaz",
        organization: "Örnek Lojistik, Depo sorumlusu",
        phones: [
          { phone: "+90 532 111 22 33", waId: "905321112233", type: "CELL" },
          { phone: "+90 212 444 00 00", waId: null, type: "WORK" },
        ],
        emails: [{ email: "mert@ornek.com.tr", type: "WORK" }],
      },
    ]);
    expect(sale).toMatchObject({ kind: "order", body: "Kapıda ödeme lütfen" });
    expect(sale.metadata.order).toMatchObject({ catalogId: "1234567890123456", items: [{ productId: "TSHIRT-M-BLUE", quantity: 2, unitPrice: 249.9, currency: "TRY" }, { productId: "MUG-WHITE", quantity: 1, unitPrice: 120, currency: "TRY" }] });
    expect(flow.kind).toBe("text");
    expect(flow.body).toBe("delivery_date: 2026-12-10\nsize: M\ngift_wrap: true\nnotes: Zile basmayın");

    // They are the customer's messages: the conversation waits for an answer from the first one.
    const [conversation] = await s.conversationsOf();
    expect(conversation.status).toBe("open");
    expect(conversation.waitingSince?.getTime()).toBe(Math.floor(at / 1000) * 1000);
    expect(conversation.lastInboundAt?.getTime()).toBe(Math.floor((at + 2_000) / 1000) * 1000);

    const html = await s.page(conversation.id);
    expect(html).toContain('class="share-card contact-card"');
    expect(html).toContain(">Mert Yılmaz</p>");
    expect(html).toContain('href="tel:+905321112233"');
    expect(html).toContain("<dt>Phone (mobile)</dt>");
    expect(html).toContain('href="mailto:mert@ornek.com.tr"');
    expect(html).toContain(`action="/inbox/${conversation.id}/messages/${card.id}/contacts/0/save"`);
    expect(html).toContain(`action="/inbox/${conversation.id}/messages/${card.id}/contacts/0/start"`);
    expect(html).toContain('class="share-card order-card"');
    expect(html).toContain("TSHIRT-M-BLUE");
    // 2 × 249.90 + 120 = 619.80 TRY.
    expect(html).toMatch(/class="num order-total">[^<]*619\.80/);
    expect(html).toContain('class="share-card flow-card"');
    expect(html).toContain("<dt>delivery date</dt><dd>2026-12-10</dd>");
    expect(html).not.toContain("cannot show");
  });

  it("saves a shared contact with its WhatsApp number, so that person's own message lands on it; starts a conversation with them", async () => {
    const s = await setup();
    await s.send(s.message("contacts", contactCard));
    const [card] = await s.stored();
    const [conversation] = await s.conversationsOf();
    const agent = await t.signIn(s.w.agent.email, s.w.orgId);

    // Someone from another organization cannot use it.
    const other = await t.world("Other");
    const stranger = await t.signIn(other.admin.email, other.orgId);
    expect((await stranger.post(`/inbox/${conversation.id}/messages/${card.id}/contacts/0/save`)).status).toBe(404);

    const saved = await agent.post(`/inbox/${conversation.id}/messages/${card.id}/contacts/0/save`);
    expect(saved.status).toBe(303);
    const [identity] = await t.db.select().from(contactIdentities).where(and(eq(contactIdentities.channelId, s.channel.id), eq(contactIdentities.externalId, "905321112233")));
    const [person] = await t.db.select().from(contacts).where(eq(contacts.id, identity.contactId));
    expect(person).toMatchObject({ orgId: s.w.orgId, name: "Mert Yılmaz", phone: "+905321112233", email: "mert@ornek.com.tr", ownerId: null });
    expect((await s.stored())[0].metadata.contacts).toMatchObject([{ contactId: person.id }]);
    expect(await s.page(conversation.id)).toContain(`href="/contacts/${person.id}"`);
    // Saving again makes no second contact.
    await agent.post(`/inbox/${conversation.id}/messages/${card.id}/contacts/0/save`);
    expect(await t.db.$count(contacts, and(eq(contacts.orgId, s.w.orgId), eq(contacts.name, "Mert Yılmaz")))).toBe(1);

    const started = await agent.post(`/inbox/${conversation.id}/messages/${card.id}/contacts/0/start`);
    expect(started.status).toBe(303);
    const [opened] = await t.db.select().from(conversations).where(eq(conversations.contactId, person.id));
    expect(started.headers.get("location")).toBe(`/inbox/${opened.id}?tab=assigned`);
    expect(opened).toMatchObject({ status: "open", channelId: s.channel.id, assigneeId: s.w.agent.id, startedBy: "agent" });

    // Mert writes himself: his message joins the conversation just started, on the saved contact.
    await s.post(whatsappPayload(s.own, { contacts: [{ profile: { name: "Mert" }, wa_id: "905321112233" }], messages: [s.message("text", { text: { body: "Merhaba, Derya numaramı verdi" } }, Date.now(), "905321112233")] }));
    const [his] = await t.db.select().from(messages).where(and(eq(messages.channelId, s.channel.id), eq(messages.body, "Merhaba, Derya numaramı verdi")));
    expect(his.conversationId).toBe(opened.id);
  });
});

describe("WhatsApp system messages", () => {
  const numberChange = (from: string, to: string, at = Date.now()) => ({
    from,
    id: wamid(),
    timestamp: String(Math.floor(at / 1000)),
    type: "system",
    system: { body: `User Derya Aksoy changed from ${from} to ${to}`, wa_id: to, type: "user_changed_number" },
  });

  it("moves the contact to the new number: the next message joins the same contact and conversation; nothing else moves", async () => {
    const s = await setup();
    await s.send(s.message("text", { text: { body: "Kargom nerede?" } }, Date.now() - 5 * 60_000));
    const [before] = await s.conversationsOf();
    const contactsBefore = await t.db.$count(contacts, eq(contacts.orgId, s.w.orgId));
    const next = "905339998877";
    // System messages come without a contacts array; a second entry in the same POST carries a status.
    const body = whatsappPayload(s.own, { messages: [numberChange(s.customer, next)] }) as any;
    body.entry.push({ ...body.entry[0], changes: [{ field: "messages", value: { ...body.entry[0].changes[0].value, messages: undefined, statuses: [{ id: wamid(), status: "delivered", timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: s.customer }] } }] });
    await s.post(body);
    await s.post(body); // redelivered: nothing twice

    const [after] = await s.conversationsOf();
    expect(after).toEqual(before);
    const identities = await t.db.select().from(contactIdentities).where(eq(contactIdentities.channelId, s.channel.id));
    expect(identities.map((i) => i.externalId)).toEqual([next]);
    const [person] = await t.db.select().from(contacts).where(eq(contacts.id, identities[0].contactId));
    expect(person.phone).toBe(`+${next}`);
    const notices = (await s.stored()).filter((m) => m.direction === "event");
    expect(notices).toHaveLength(1);
    expect(notices[0].metadata).toMatchObject({ system: "number_changed", from: `+${s.customer}`, to: `+${next}`, moved: true });

    await s.post(whatsappPayload(s.own, { contacts: [{ profile: { name: "Derya Aksoy" }, wa_id: next }], messages: [s.message("text", { text: { body: "Yeni numaram bu" } }, Date.now(), next)] }));
    expect((await s.conversationsOf()).map((c) => c.id)).toEqual([before.id]);
    expect(await t.db.$count(contacts, eq(contacts.orgId, s.w.orgId))).toBe(contactsBefore);
    expect(await t.db.$count(contactIdentities, eq(contactIdentities.channelId, s.channel.id))).toBe(1);
    const html = await s.page(before.id);
    expect(html).toContain(`The customer changed their WhatsApp number from +${s.customer} to +${next}: this contact now uses the new number.`);
  });

  it("notes a changed identity in the latest conversation, closed or open, without reopening it", async () => {
    const s = await setup();
    await s.send(s.message("text", { text: { body: "Teşekkürler" } }));
    const [conversation] = await s.conversationsOf();
    await t.db.update(conversations).set({ status: "closed", closedAt: new Date(), waitingSince: null }).where(eq(conversations.id, conversation.id));
    const [closed] = await s.conversationsOf();
    await s.post(
      whatsappPayload(s.own, {
        messages: [{ from: s.customer, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: "system", system: { body: "Derya Aksoy's security code changed", customer: s.customer, type: "customer_identity_changed" }, identity: { acknowledged: true, created_timestamp: Math.floor(Date.now() / 1000), hash: "Sjvjlx8G6Z0=" } }],
      }),
    );
    expect(await s.conversationsOf()).toEqual([closed]);
    const [notice] = (await s.stored()).filter((m) => m.direction === "event");
    expect(notice.metadata).toMatchObject({ system: "identity_changed" });
    expect(await s.page(conversation.id)).toContain("security code changed");
  });
});

describe("WhatsApp edits and revocations", () => {
  it("an edit changes the original message's text (the earlier text kept), a revocation marks it deleted; never a new bubble, nothing moves", async () => {
    const s = await setup();
    const original = wamid();
    await s.send(s.message("text", { text: { body: "Adresim Kadıköy" } }, Date.now() - 120_000, s.customer, original));
    const [before] = await s.conversationsOf();
    const edit = s.message("edit", { edit: { original_message_id: original, message: { type: "text", text: { body: "Adresim Moda, Kadıköy" } } } }, Date.now() - 60_000);
    // The edit and an unrelated reaction to it, in two entries of one POST.
    const body = whatsappPayload(s.own, { contacts: [{ profile: { name: "Derya Aksoy" }, wa_id: s.customer }], messages: [edit] }) as any;
    body.entry.push(whatsappPayload(s.own, { messages: [s.message("reaction", { reaction: { message_id: original, emoji: "👍" } })] }).entry[0]);
    await s.post(body);

    let [m, ...rest] = await s.stored();
    expect(rest).toEqual([]);
    expect(m.body).toBe("Adresim Moda, Kadıköy");
    expect(m.metadata.edits).toMatchObject([{ body: "Adresim Kadıköy" }]);
    expect(m.metadata.editedAt).toBeTruthy();
    const [edited] = await s.conversationsOf();
    expect(edited).toEqual({ ...before, lastMessagePreview: "Adresim Moda, Kadıköy" });
    expect(await s.page(before.id)).toContain('<span class="edited-mark" title="Edited by the customer; earlier text: Adresim Kadıköy"> · Edited</span>');

    // An older edit redelivered late changes nothing.
    await s.send(s.message("edit", { edit: { original_message_id: original, message: { type: "text", text: { body: "Adresim" } } } }, Date.now() - 90_000));
    expect((await s.stored())[0].body).toBe("Adresim Moda, Kadıköy");

    await s.send(s.message("revoke", { revoke: { original_message_id: original } }));
    [m, ...rest] = await s.stored();
    expect(rest).toEqual([]);
    // The text and its earlier version leave the body for the audit copy.
    expect(m.body).toBe("");
    expect(m.metadata.deleted).toMatchObject({ by: "customer", body: "Adresim Moda, Kadıköy", edits: [{ body: "Adresim Kadıköy" }] });
    expect(m.metadata.edits).toBeUndefined();
    // The list no longer shows the deleted text; nothing else moves.
    expect((await s.conversationsOf())[0]).toEqual({ ...edited, lastMessagePreview: "" });
    const html = await s.page(before.id);
    expect(html).toContain("The customer deleted this message.");
    // An agent reads only that it was deleted; supervisors and admins may open the text for audit (message-marks.tsx).
    expect(html).not.toContain("Adresim");
    expect(await t.db.$count(events, and(eq(events.conversationId, before.id), eq(events.type, "message_updated")))).toBe(3);
  });

  it("waits for an original not recorded yet, then applies the edit", async () => {
    const s = await setup();
    const original = wamid();
    await s.send(s.message("edit", { edit: { original_message_id: original, message: { type: "image", image: { caption: "Kutu ezik geldi" } } } }));
    const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.channelId, s.channel.id));
    expect(delivery.processedAt).toBeNull();
    await s.send(s.message("text", { text: { body: "Kutu" } }, Date.now() - 30_000, s.customer, original));
    t.clock.advance("1m");
    const { processDueDeliveries } = await import("../../src/channels/inbound");
    await processDueDeliveries(t.deps);
    const [m] = await s.stored();
    expect(m.body).toBe("Kutu ezik geldi");
  });
});
