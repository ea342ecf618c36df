// Payment links end to end against the fake providers: created at the provider and sent in the
// thread; a verified notification pays the link once, whatever is resent, forged or raced.
import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { events, ledgerEntries, messages, outbox, paymentLinks, paymentNotifications } from "@db/schema";
import { contactBalances } from "../../src/billing/ledger";
import { cancelPaymentLink, createPaymentLink, expireDueLinks } from "../../src/billing/links";
import { adapterFor } from "../../src/billing/providers";
import { stripeSignature } from "../../src/billing/providers/stripe";
import { iyzicoNotificationSignature } from "../../src/billing/providers/iyzico";
import { useTestApp } from "../support/app";
import { billingWorld, useFakePay } from "./support";

const t = useTestApp();
const pay = useFakePay(t);

async function world(kind: "stripe" | "iyzico" = "stripe") {
  const b = await billingWorld(t, pay, kind);
  const provider = { row: b.provider, adapter: adapterFor(b.provider, t.config) };
  const link = (amountMinor = 25_000, actor = b.agent) =>
    createPaymentLink(t.db, actor, b.conversationId, { amountMinor, currency: "TRY", description: "Sipariş 1042", expiresAt: new Date(t.clock.now().getTime() + 3_600_000) }, provider, t.clock.now());
  const payments = async () => t.db.select().from(ledgerEntries).where(and(eq(ledgerEntries.contactId, b.contactId), eq(ledgerEntries.kind, "payment")));
  const linkRow = async (id: number) => (await t.db.select().from(paymentLinks).where(eq(paymentLinks.id, id)))[0];
  return { ...b, providerHandle: provider, link, payments, linkRow };
}

describe("creating a link", () => {
  it("creates it at Stripe and sends it to the customer as a message in the conversation", async () => {
    const b = await world();
    const { link, eventIds } = await b.link();
    expect(link.status).toBe("pending");
    const atFake = pay.fake.link(link.providerLinkId);
    expect(atFake).toMatchObject({ amountMinor: 25_000, currency: "TRY", reference: link.reference, status: "open" });
    const [sent] = await t.db.select().from(messages).where(and(eq(messages.conversationId, b.conversationId), eq(messages.direction, "out")));
    expect(sent.body).toContain(link.url);
    expect(sent.body).toContain("₺250.00");
    expect((await t.db.select().from(outbox).where(eq(outbox.messageId, sent.id))).length).toBe(1);
    const types = (await t.db.select().from(events).where(eq(events.conversationId, b.conversationId))).filter((e) => eventIds.includes(e.id)).map((e) => e.type);
    expect(types).toContain("message_created");
    expect(types).toContain("payment_link_changed");
  });

  it("creates an iyzico Fast Link up to 750 TRY and an iyzilink capped at one sale above it", async () => {
    const b = await world("iyzico");
    const small = await b.link(25_000);
    const large = await b.link(100_000);
    const paths = pay.fake.requests.filter((r) => r.method === "POST").map((r) => r.path);
    expect(paths).toContain("/iyzico/v2/iyzilink/fast-link/products");
    expect(paths).toContain("/iyzico/v2/iyzilink/products");
    expect(pay.fake.link(small.link.providerLinkId).amountMinor).toBe(25_000);
    expect(pay.fake.link(large.link.providerLinkId).amountMinor).toBe(100_000);
  });

  it("outside the reply window nothing is created at the provider and nothing is sent", async () => {
    const b = await world();
    t.clock.advance("25h");
    const before = pay.fake.links.size;
    await expect(b.link()).rejects.toThrow("outside_window");
    expect(pay.fake.links.size).toBe(before);
    expect(await t.db.select().from(paymentLinks).where(eq(paymentLinks.contactId, b.contactId))).toEqual([]);
  });

  it("an agent who has not joined the conversation may not send one", async () => {
    const b = await world();
    const other = { ...b.agent, userId: b.w.agent2.id, name: "İpek" };
    await expect(b.link(25_000, other)).rejects.toThrow("not_joined");
  });

  it("a provider failure is reported and leaves nothing behind", async () => {
    const b = await world();
    pay.fake.failNext("stripe", 503);
    await expect(b.link()).rejects.toThrow("provider_failed");
    expect(await t.db.select().from(paymentLinks).where(eq(paymentLinks.contactId, b.contactId))).toEqual([]);
  });
});

describe("paying a link", () => {
  it("a Stripe payment records one payment entry, marks the link paid and writes a line in the thread", async () => {
    const b = await world();
    const { link } = await b.link();
    const { deliveries } = await pay.fake.pay(link.providerLinkId);
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    const paid = await b.linkRow(link.id);
    expect(paid.status).toBe("paid");
    expect(paid.providerPaymentId).toStartWith("pi_");
    const entries = await b.payments();
    expect(entries.map((e) => [e.amountMinor, e.currency, e.paymentLinkId, e.source])).toEqual([[-25_000, "TRY", link.id, "payment_link"]]);
    expect(await contactBalances(t.db, b.w.orgId, b.contactId)).toEqual([{ currency: "TRY", balanceMinor: -25_000, entries: 1 }]);
    const line = (await t.db.select().from(messages).where(and(eq(messages.conversationId, b.conversationId), eq(messages.direction, "event"))))[0];
    expect(line.body).toBe(`₺250.00 paid by payment link #${link.id}`);
  });

  it("an iyzico payment is confirmed with iyzico and recorded once", async () => {
    const b = await world("iyzico");
    const { link } = await b.link();
    const { deliveries } = await pay.fake.pay(link.providerLinkId, { times: 3 });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    expect((await b.linkRow(link.id)).status).toBe("paid");
    expect((await b.payments()).length).toBe(1);
  });

  it("a resent notification and a second event for the same payment change nothing", async () => {
    const b = await world();
    const { link } = await b.link();
    await pay.fake.pay(link.providerLinkId, { times: 2 });
    await pay.fake.resend(link.providerLinkId);
    // Stripe also sends async_payment_succeeded for delayed methods: another event id, same payment.
    const fakeLink = pay.fake.link(link.providerLinkId);
    const again = JSON.stringify({ ...pay.fake.stripeEvent(fakeLink, "checkout.session.async_payment_succeeded") });
    const res = await fetch(b.webhookUrl, { method: "POST", headers: { "stripe-signature": stripeSignature(again, (b.keys as { webhookSecret: string }).webhookSecret, Math.floor(t.clock.now().getTime() / 1000)) }, body: again });
    expect(await res.json()).toMatchObject({ outcome: "already_paid" });
    expect((await b.payments()).length).toBe(1);
    expect((await t.db.select().from(messages).where(and(eq(messages.conversationId, b.conversationId), eq(messages.direction, "event")))).length).toBe(1);
  });

  it("concurrent copies of one notification record one payment", async () => {
    const b = await world();
    const { link } = await b.link();
    const fakeLink = pay.fake.link(link.providerLinkId);
    fakeLink.status = "complete";
    fakeLink.paymentId = "pi_concurrent";
    const body = JSON.stringify(pay.fake.stripeEvent(fakeLink, "checkout.session.completed"));
    const headers = { "stripe-signature": stripeSignature(body, (b.keys as { webhookSecret: string }).webhookSecret, Math.floor(t.clock.now().getTime() / 1000)) };
    const statuses = await Promise.all(Array.from({ length: 6 }, () => fetch(b.webhookUrl, { method: "POST", headers, body }).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await b.payments()).length).toBe(1);
    // Two different events naming the same payment, at once.
    const other = JSON.stringify(pay.fake.stripeEvent(fakeLink, "checkout.session.async_payment_succeeded"));
    const otherHeaders = { "stripe-signature": stripeSignature(other, (b.keys as { webhookSecret: string }).webhookSecret, Math.floor(t.clock.now().getTime() / 1000)) };
    await Promise.all([fetch(b.webhookUrl, { method: "POST", headers: otherHeaders, body: other }), fetch(b.webhookUrl, { method: "POST", headers, body })]);
    expect((await b.payments()).length).toBe(1);
  });
});

describe("refused notifications change nothing", () => {
  it("a forged Stripe signature, a stale timestamp and an unsigned call are refused", async () => {
    const b = await world();
    const { link } = await b.link();
    const forged = await pay.fake.pay(link.providerLinkId, { secret: "whsec_forged" });
    expect(forged.deliveries[0].status).toBe(400);
    const body = forged.deliveries[0].body;
    const stale = await fetch(b.webhookUrl, { method: "POST", headers: { "stripe-signature": stripeSignature(body, (b.keys as { webhookSecret: string }).webhookSecret, Math.floor(t.clock.now().getTime() / 1000) - 301) }, body });
    expect(stale.status).toBe(400);
    const unsigned = await fetch(b.webhookUrl, { method: "POST", body });
    expect(unsigned.status).toBe(400);
    expect((await b.linkRow(link.id)).status).toBe("pending");
    expect(await b.payments()).toEqual([]);
    expect(await t.db.select().from(paymentNotifications).where(eq(paymentNotifications.providerId, b.provider.id))).toEqual([]);
  });

  it("a replayed Stripe notification past the tolerance is refused, even with a valid signature", async () => {
    const b = await world();
    const { link } = await b.link();
    const { deliveries } = await pay.fake.pay(link.providerLinkId);
    t.clock.advance("6m");
    const replay = await fetch(b.webhookUrl, { method: "POST", headers: deliveries[0].headers, body: deliveries[0].body });
    expect(replay.status).toBe(400);
    expect((await b.payments()).length).toBe(1);
  });

  it("a forged iyzico signature is refused", async () => {
    const b = await world("iyzico");
    const { link } = await b.link();
    const { deliveries } = await pay.fake.pay(link.providerLinkId, { secret: "not-the-secret" });
    expect(deliveries[0].status).toBe(400);
    expect((await b.linkRow(link.id)).status).toBe("pending");
    expect(await b.payments()).toEqual([]);
  });

  it("a signed iyzico notification that iyzico does not confirm is not applied", async () => {
    const b = await world("iyzico");
    const { link } = await b.link();
    const n = { ...pay.fake.iyzicoNotification(pay.fake.link(link.providerLinkId)), iyziPaymentId: 999 };
    const res = await fetch(b.webhookUrl, { method: "POST", headers: { "x-iyz-signature-v3": iyzicoNotificationSignature(n, (b.keys as { secretKey: string }).secretKey) }, body: JSON.stringify(n) });
    expect(res.status).toBe(409);
    expect(await b.payments()).toEqual([]);
  });

  it("a notification through one organization's provider never touches another organization's link", async () => {
    const mine = await world();
    const theirs = await world();
    const { link } = await theirs.link();
    const fakeLink = pay.fake.link(link.providerLinkId);
    const body = JSON.stringify(pay.fake.stripeEvent({ ...fakeLink, status: "complete", paymentId: "pi_cross" }, "checkout.session.completed"));
    const res = await fetch(mine.webhookUrl, { method: "POST", headers: { "stripe-signature": stripeSignature(body, (mine.keys as { webhookSecret: string }).webhookSecret, Math.floor(t.clock.now().getTime() / 1000)) }, body });
    expect(await res.json()).toMatchObject({ outcome: "unknown_link" });
    expect((await theirs.linkRow(link.id)).status).toBe("pending");
    expect(await theirs.payments()).toEqual([]);
  });

  it("an unknown webhook key is a 404", async () => {
    expect((await fetch(`${pay.kanalUrl}/payments/webhooks/nosuchkey123`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});

describe("expiry and cancelling", () => {
  it("Stripe's expired notification marks the link expired; a later payment event cannot happen at Stripe", async () => {
    const b = await world();
    const { link } = await b.link();
    const { deliveries } = await pay.fake.expire(link.providerLinkId);
    expect(deliveries[0].status).toBe(200);
    expect((await b.linkRow(link.id)).status).toBe("expired");
    await expect(pay.fake.pay(link.providerLinkId)).rejects.toThrow("expired");
  });

  it("the expiry job withdraws due iyzico links at iyzico and marks them expired", async () => {
    const b = await world("iyzico");
    const { link } = await b.link();
    t.clock.advance("61m");
    const changed = await expireDueLinks(t.db, async () => b.providerHandle.adapter, t.clock.now());
    expect(changed.some((c) => c.orgId === b.w.orgId)).toBe(true);
    expect((await b.linkRow(link.id)).status).toBe("expired");
    expect(pay.fake.link(link.providerLinkId).status).toBe("passive");
  });

  it("cancelling withdraws the link at the provider; it can no longer be paid", async () => {
    const b = await world();
    const { link } = await b.link();
    await cancelPaymentLink(t.db, b.agent, link.id, b.providerHandle.adapter, t.clock.now());
    expect((await b.linkRow(link.id)).status).toBe("cancelled");
    expect(pay.fake.link(link.providerLinkId).status).toBe("expired");
    await expect(cancelPaymentLink(t.db, b.agent, link.id, b.providerHandle.adapter, t.clock.now())).rejects.toThrow("not_pending");
  });
});
