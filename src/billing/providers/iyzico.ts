// iyzico: a Fast Link (single use, TRY up to 750) or, beyond it, an iyzilink capped at one sale;
// calls signed IYZWSv2; merchant notifications signed X-IYZ-SIGNATURE-V3 over fields (no timestamp,
// so a replay is caught by its event key and each payment is confirmed with iyzico before it counts).
import { z } from "zod";
import { decimalText } from "../money";
import { ProviderError, PROVIDER_TIMEOUT_MS, type LinkRequest, type PaymentNotice, type PaymentProvider } from "./provider";
import { hmacHex, sameHex } from "./signature";

export interface IyzicoSettings {
  baseUrl: string;
  apiKey: string;
  secretKey: string;
}

/** iyzico's limit for a Fast Link, in kuruş. */
export const FAST_LINK_MAX_MINOR = 75_000;
export const IYZICO_CURRENCIES = ["TRY", "USD", "EUR", "GBP"] as const;

/** A 1×1 PNG: a normal iyzilink requires a product image and a chat payment has none. */
const PLACEHOLDER_IMAGE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

/** `Authorization: IYZWSv2 base64(apiKey:…&randomKey:…&signature:hex(HMAC(secret, rnd+path+body)))`. */
export function iyzicoAuthorization(apiKey: string, secretKey: string, randomKey: string, path: string, body: string): string {
  const signature = hmacHex(secretKey, randomKey + path + body);
  return `IYZWSv2 ${Buffer.from(`apiKey:${apiKey}&randomKey:${randomKey}&signature:${signature}`).toString("base64")}`;
}

export const notificationSchema = z.object({
  paymentConversationId: z.string().nullish(),
  merchantId: z.union([z.number(), z.string()]).nullish(),
  token: z.string().nullish(),
  paymentId: z.union([z.number(), z.string()]).nullish(),
  iyziPaymentId: z.union([z.number(), z.string()]).nullish(),
  status: z.string(),
  iyziReferenceCode: z.string().nullish(),
  iyziEventType: z.string(),
  iyziEventTime: z.number().nullish(),
});
export type IyzicoNotification = z.infer<typeof notificationSchema>;

/** The V3 signature: hex HMAC keyed with the secret over the secret and the fields, concatenated. */
export function iyzicoNotificationSignature(n: IyzicoNotification, secretKey: string): string {
  const message =
    n.token != null
      ? secretKey + n.iyziEventType + String(n.iyziPaymentId ?? "") + n.token + (n.paymentConversationId ?? "") + n.status
      : secretKey + n.iyziEventType + String(n.paymentId ?? "") + (n.paymentConversationId ?? "") + n.status;
  return hmacHex(secretKey, message);
}

export function verifyIyzicoNotification(header: string | null, rawBody: string, secretKey: string): boolean {
  if (!header || !secretKey) return false;
  let parsed: IyzicoNotification;
  try {
    parsed = notificationSchema.parse(JSON.parse(rawBody));
  } catch {
    return false;
  }
  return sameHex(header, iyzicoNotificationSignature(parsed, secretKey));
}

export function parseIyzicoNotification(rawBody: string): PaymentNotice {
  const n = notificationSchema.parse(JSON.parse(rawBody));
  const paymentId = String(n.iyziPaymentId ?? n.paymentId ?? "");
  // The same payment's notification is retried up to three times with the same fields.
  const eventKey = `${n.iyziEventType}:${paymentId}:${n.status}`;
  if (n.status !== "SUCCESS" || !paymentId) return { type: "ignored", eventKey };
  return { type: "paid", eventKey, providerLinkId: n.token ?? null, reference: n.paymentConversationId ?? null, paymentId, amountMinor: null, currency: null };
}

const reply = z.object({
  status: z.string(),
  errorCode: z.union([z.string(), z.number()]).nullish(),
  errorMessage: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
});

export function iyzicoProvider(settings: IyzicoSettings, fetcher: typeof fetch = fetch): PaymentProvider {
  const base = settings.baseUrl.replace(/\/$/, "");
  async function call(method: string, path: string, payload?: Record<string, unknown>) {
    const body = payload ? JSON.stringify(payload) : "";
    const rnd = `${Date.now()}${crypto.randomUUID().replace(/-/g, "").slice(0, 9)}`;
    const res = await fetcher(base + path, {
      method,
      headers: { authorization: iyzicoAuthorization(settings.apiKey, settings.secretKey, rnd, path.split("?")[0], body), "content-type": "application/json", accept: "application/json" },
      body: payload ? body : undefined,
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    const parsed = reply.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new ProviderError(`iyzico answered ${res.status}`, res.status);
    if (parsed.data.status !== "success") throw new ProviderError(parsed.data.errorMessage ?? "iyzico refused the call", res.status, parsed.data.errorCode == null ? null : String(parsed.data.errorCode));
    return parsed.data.data ?? {};
  }
  return {
    kind: "iyzico",
    async createLink(r: LinkRequest) {
      const price = decimalText(r.amountMinor, r.currency);
      const common = { locale: r.locale, conversationId: r.reference, description: r.description, price, currencyCode: r.currency };
      const data =
        r.currency === "TRY" && r.amountMinor <= FAST_LINK_MAX_MINOR
          ? await call("POST", `/v2/iyzilink/fast-link/products?locale=${r.locale}`, common)
          : await call("POST", "/v2/iyzilink/products", { ...common, name: r.description.slice(0, 100), encodedImageFile: PLACEHOLDER_IMAGE, addressIgnorable: true, stockEnabled: true, stockCount: 1 });
      if (typeof data.token !== "string" || typeof data.url !== "string") throw new ProviderError("iyzico returned no link", null);
      return { providerLinkId: data.token, url: data.url };
    },
    async cancelLink(token) {
      await call("PATCH", `/v2/iyzilink/products/${encodeURIComponent(token)}/status/PASSIVE`);
    },
    verifyNotification: (headers, rawBody) => verifyIyzicoNotification(headers.get("x-iyz-signature-v3"), rawBody, settings.secretKey),
    parseNotification: parseIyzicoNotification,
    async confirmPaid(notice) {
      if (!notice.providerLinkId) return false;
      const data = await call("GET", `/v2/iyzilink/products/${encodeURIComponent(notice.providerLinkId)}`);
      return Number(data.soldCount ?? 0) > 0;
    },
  };
}
