// Stripe: a one-off Checkout Session per link (single payment, real expiry), expired on cancel;
// webhooks signed `Stripe-Signature: t=…,v1=…` over "{t}.{raw body}" with a 300-second tolerance.
import { z } from "zod";
import { ProviderError, PROVIDER_TIMEOUT_MS, type LinkRequest, type PaymentNotice, type PaymentProvider } from "./provider";
import { hmacHex, sameHex } from "./signature";

export interface StripeSettings {
  baseUrl: string;
  secretKey: string;
  webhookSecret: string;
  /** Where Checkout sends the customer after paying. */
  successUrl: string;
}

/** Stripe's own default in stripe-node's constructEvent. */
export const STRIPE_TOLERANCE_S = 300;

/** Stripe's bracketed form encoding: `line_items[0][price_data][currency]=try`. */
export function stripeForm(value: Record<string, unknown>, prefix = "", out = new URLSearchParams()): URLSearchParams {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (v === undefined || v === null) continue;
    if (typeof v === "object") stripeForm(v as Record<string, unknown>, name, out);
    else out.append(name, String(v));
  }
  return out;
}

/** The `Stripe-Signature` header for a body at a time (the fake signs with it; tests forge with it). */
export function stripeSignature(rawBody: string, secret: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, `${unixSeconds}.${rawBody}`)}`;
}

/** Verifies as stripe-node does: any matching v1, timestamps older than the tolerance refused, future ones allowed. */
export function verifyStripeSignature(header: string | null, rawBody: string, secret: string, now: Date, toleranceS = STRIPE_TOLERANCE_S): boolean {
  if (!header || !secret) return false;
  let t: number | null = null;
  const signatures: string[] = [];
  for (const item of header.split(",")) {
    const [k, v] = item.split("=", 2).map((s) => s?.trim());
    if (k === "t" && /^\d+$/.test(v ?? "")) t = Number(v);
    if (k === "v1" && v) signatures.push(v);
  }
  if (t === null || signatures.length === 0) return false;
  if (Math.floor(now.getTime() / 1000) - t > toleranceS) return false;
  const expected = hmacHex(secret, `${t}.${rawBody}`);
  // Every candidate is compared, so the time taken does not tell which one matched.
  return signatures.map((s) => sameHex(s, expected)).some(Boolean);
}

const sessionObject = z.object({
  id: z.string(),
  client_reference_id: z.string().nullish(),
  payment_status: z.string().nullish(),
  payment_intent: z.string().nullish(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
});
const eventSchema = z.object({ id: z.string().min(1), type: z.string(), data: z.object({ object: z.unknown() }) });

export function parseStripeEvent(rawBody: string): PaymentNotice {
  const event = eventSchema.parse(JSON.parse(rawBody));
  const session = sessionObject.safeParse(event.data.object);
  if (!session.success) return { type: "ignored", eventKey: event.id };
  const s = session.data;
  const paid = (event.type === "checkout.session.completed" && s.payment_status === "paid") || event.type === "checkout.session.async_payment_succeeded";
  if (paid) {
    return {
      type: "paid",
      eventKey: event.id,
      providerLinkId: s.id,
      reference: s.client_reference_id ?? null,
      // One session is paid at most once: its PaymentIntent (or, lacking one, the session) names the payment.
      paymentId: s.payment_intent ?? s.id,
      amountMinor: s.amount_total ?? null,
      currency: s.currency ? s.currency.toUpperCase() : null,
    };
  }
  if (event.type === "checkout.session.expired") return { type: "expired", eventKey: event.id, providerLinkId: s.id, reference: s.client_reference_id ?? null };
  return { type: "ignored", eventKey: event.id };
}

export function stripeProvider(settings: StripeSettings, fetcher: typeof fetch = fetch): PaymentProvider {
  const base = settings.baseUrl.replace(/\/$/, "");
  async function call(path: string, form: URLSearchParams, idempotencyKey: string) {
    const res = await fetcher(base + path, {
      method: "POST",
      headers: { authorization: `Bearer ${settings.secretKey}`, "content-type": "application/x-www-form-urlencoded", "idempotency-key": idempotencyKey },
      body: form,
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; code?: string; type?: string } } & Record<string, unknown>;
    if (!res.ok) throw new ProviderError(body.error?.message ?? `Stripe answered ${res.status}`, res.status, body.error?.code ?? body.error?.type ?? null);
    return body;
  }
  return {
    kind: "stripe",
    async createLink(r: LinkRequest) {
      const form = stripeForm({
        mode: "payment",
        line_items: { 0: { quantity: 1, price_data: { currency: r.currency.toLowerCase(), unit_amount: r.amountMinor, product_data: { name: r.description } } } },
        expires_at: Math.floor(r.expiresAt.getTime() / 1000),
        client_reference_id: r.reference,
        metadata: { kanal_reference: r.reference },
        locale: r.locale,
        success_url: settings.successUrl,
      });
      const session = await call("/v1/checkout/sessions", form, `kanal-link-${r.reference}`);
      if (typeof session.id !== "string" || typeof session.url !== "string") throw new ProviderError("Stripe returned no session url", null);
      return { providerLinkId: session.id, url: session.url };
    },
    async cancelLink(providerLinkId) {
      await call(`/v1/checkout/sessions/${encodeURIComponent(providerLinkId)}/expire`, new URLSearchParams(), `kanal-expire-${providerLinkId}`);
    },
    verifyNotification: (headers, rawBody, now) => verifyStripeSignature(headers.get("stripe-signature"), rawBody, settings.webhookSecret, now),
    parseNotification: parseStripeEvent,
  };
}

