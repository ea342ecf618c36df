// A local stand-in for Stripe (Checkout Sessions) and iyzico (iyzilink): Kanal calls it exactly as it
// calls the providers (the provider's base URL: `{url}/stripe`, `{url}/iyzico`), it records what it
// received, and on command it "pays" or expires a link by sending the provider's real, signed
// notification to Kanal. Tests start it in-process (startFakePay); the demo runs it from cli.ts.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { systemClock, type Clock } from "../../src/clock";
import { iyzicoAuthorization, iyzicoNotificationSignature, FAST_LINK_MAX_MINOR, type IyzicoNotification } from "../../src/billing/providers/iyzico";
import { stripeSignature } from "../../src/billing/providers/stripe";
import { fromDecimalText } from "../../src/billing/money";
import { sameSecret } from "../../src/channels/secrets";

export interface StripeAccount {
  secretKey: string;
  webhookSecret: string;
  /** Kanal's `/payments/webhooks/{key}`; without it nothing is sent. */
  webhookUrl?: string;
}

export interface IyzicoAccount {
  apiKey: string;
  secretKey: string;
  webhookUrl?: string;
  /** Real accounts send X-IYZ-SIGNATURE-V3 only once iyzico turns it on; on by default here. */
  signNotifications?: boolean;
}

export const stripeAccountSchema = z.object({ secretKey: z.string().min(1), webhookSecret: z.string().min(1), webhookUrl: z.string().url().optional() });
export const iyzicoAccountSchema = z.object({ apiKey: z.string().min(1), secretKey: z.string().min(1), webhookUrl: z.string().url().optional(), signNotifications: z.boolean().optional() });

export interface FakeLink {
  provider: "stripe" | "iyzico";
  id: string;
  /** The account's secret key (Stripe) or API key (iyzico). */
  account: string;
  amountMinor: number;
  currency: string;
  description: string;
  reference: string | null;
  url: string;
  status: "open" | "complete" | "expired" | "passive" | "deleted";
  expiresAt: number | null;
  paymentId: string | null;
  soldCount: number;
  createdAt: Date;
}

export interface FakePayRequest {
  at: Date;
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export interface Delivery {
  at: Date;
  url: string;
  body: string;
  headers: Record<string, string>;
  status: number | null;
}

export interface FakePayOptions {
  port?: number;
  hostname?: string;
  clock?: Clock;
  stripe?: StripeAccount[];
  iyzico?: IyzicoAccount[];
}

/** Stripe's bracketed forms back into objects: `line_items[0][price_data][currency]=try`. */
export function parseStripeForm(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of params) {
    const path = rawKey.replace(/%5B/gi, "[").replace(/%5D/gi, "]").split(/[[\]]+/).filter(Boolean);
    let node = out;
    path.forEach((part, i) => {
      if (i === path.length - 1) {
        if (value === "") delete node[part];
        else node[part] = value;
      } else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

function stripeError(c: Context, status: number, type: string, message: string, param?: string, code?: string) {
  return c.json({ error: { type, message, ...(param ? { param } : {}), ...(code ? { code } : {}) } }, status as 400);
}

export async function startFakePay(options: FakePayOptions = {}) {
  const clock = options.clock ?? systemClock;
  const stripeAccounts = new Map<string, StripeAccount>();
  const iyzicoAccounts = new Map<string, IyzicoAccount>();
  const links = new Map<string, FakeLink>();
  const idempotency = new Map<string, { params: string; status: number; body: unknown; at: number }>();
  const requests: FakePayRequest[] = [];
  const deliveries: Delivery[] = [];
  let failNext: { provider: "stripe" | "iyzico"; status: number } | null = null;
  let seq = 0;
  let baseUrl = "";
  const nextId = (prefix: string) => `${prefix}${Date.now().toString(36)}${(++seq).toString(36).padStart(4, "0")}`;

  const app = new Hono();

  app.use("*", async (c, next) => {
    const recorded = !c.req.path.startsWith("/__fake") && !c.req.path.startsWith("/checkout");
    const raw = recorded ? await c.req.raw.clone().text().catch(() => "") : "";
    await next();
    if (!recorded) return;
    requests.push({ at: clock.now(), method: c.req.method, path: c.req.path, body: raw, status: c.res.status });
  });

  // ---------------- Stripe

  function stripeAccountOf(c: Context): StripeAccount | null {
    const auth = c.req.header("authorization") ?? "";
    const key = auth.startsWith("Bearer ") ? auth.slice(7) : auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString().split(":")[0] : "";
    return stripeAccounts.get(key) ?? null;
  }

  function sessionJson(link: FakeLink) {
    return {
      id: link.id,
      object: "checkout.session",
      url: link.status === "open" ? link.url : null,
      expires_at: link.expiresAt,
      status: link.status === "open" ? "open" : link.status === "complete" ? "complete" : "expired",
      payment_status: link.status === "complete" ? "paid" : "unpaid",
      payment_intent: link.paymentId,
      amount_total: link.amountMinor,
      currency: link.currency.toLowerCase(),
      client_reference_id: link.reference,
      metadata: {},
      payment_link: null,
      livemode: false,
    };
  }

  app.use("/stripe/*", async (c, next) => {
    c.header("Request-Id", `req_${nextId("")}`);
    if (!stripeAccountOf(c)) return stripeError(c, 401, "invalid_request_error", "Invalid API Key provided.");
    if (failNext?.provider === "stripe") {
      const status = failNext.status;
      failNext = null;
      return stripeError(c, status, status === 429 ? "invalid_request_error" : "api_error", "The fake was told to fail this call.", undefined, status === 429 ? "rate_limit" : undefined);
    }
    await next();
  });

  app.post("/stripe/v1/checkout/sessions", async (c) => {
    const account = stripeAccountOf(c)!;
    const raw = await c.req.text();
    const key = c.req.header("idempotency-key");
    const now = clock.now().getTime();
    if (key) {
      const kept = idempotency.get(`${account.secretKey}:${key}`);
      if (kept && now - kept.at < 86_400_000) {
        if (kept.params !== raw) return stripeError(c, 400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
        return c.json(kept.body as object, kept.status as 200);
      }
    }
    const form = parseStripeForm(new URLSearchParams(raw)) as any;
    const item = form.line_items?.["0"];
    const price = item?.price_data;
    if (form.mode !== "payment") return stripeError(c, 400, "invalid_request_error", "Missing required param: mode.", "mode");
    const amount = Number(price?.unit_amount);
    if (!price || !/^\d+$/.test(String(price.unit_amount)) || !Number.isSafeInteger(amount)) return stripeError(c, 400, "invalid_request_error", "Invalid integer.", "line_items[0][price_data][unit_amount]");
    if (!/^[a-z]{3}$/.test(String(price.currency ?? ""))) return stripeError(c, 400, "invalid_request_error", "Invalid currency.", "line_items[0][price_data][currency]");
    const nowS = Math.floor(now / 1000);
    const expiresAt = form.expires_at ? Number(form.expires_at) : nowS + 86_400;
    if (!Number.isInteger(expiresAt) || expiresAt < nowS + 1800 || expiresAt > nowS + 86_400)
      return stripeError(c, 400, "invalid_request_error", "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.", "expires_at");
    const id = `cs_test_${nextId("")}`;
    const link: FakeLink = {
      provider: "stripe",
      id,
      account: account.secretKey,
      amountMinor: amount,
      currency: String(price.currency).toUpperCase(),
      description: String(price.product_data?.name ?? ""),
      reference: form.client_reference_id ?? null,
      url: `${baseUrl}/checkout/${id}`,
      status: "open",
      expiresAt,
      paymentId: null,
      soldCount: 0,
      createdAt: clock.now(),
    };
    links.set(id, link);
    const body = sessionJson(link);
    if (key) idempotency.set(`${account.secretKey}:${key}`, { params: raw, status: 200, body, at: now });
    return c.json(body);
  });

  app.get("/stripe/v1/checkout/sessions/:id", (c) => {
    const link = links.get(c.req.param("id"));
    if (!link || link.provider !== "stripe" || link.account !== stripeAccountOf(c)!.secretKey) return stripeError(c, 404, "invalid_request_error", "No such checkout.session", "id", "resource_missing");
    return c.json(sessionJson(settle(link)));
  });

  app.post("/stripe/v1/checkout/sessions/:id/expire", async (c) => {
    const link = links.get(c.req.param("id"));
    if (!link || link.provider !== "stripe" || link.account !== stripeAccountOf(c)!.secretKey) return stripeError(c, 404, "invalid_request_error", "No such checkout.session", "id", "resource_missing");
    if (settle(link).status !== "open") return stripeError(c, 400, "invalid_request_error", `Only Checkout Sessions with a status in ["open"] can be expired.`);
    link.status = "expired";
    await notifyStripe(link, "checkout.session.expired");
    return c.json(sessionJson(link));
  });

  /** A session past its expiry is expired (and Stripe says so by webhook). */
  function settle(link: FakeLink): FakeLink {
    if (link.provider === "stripe" && link.status === "open" && link.expiresAt !== null && link.expiresAt * 1000 <= clock.now().getTime()) {
      link.status = "expired";
      void notifyStripe(link, "checkout.session.expired");
    }
    return link;
  }

  function stripeEvent(link: FakeLink, type: string) {
    const created = Math.floor(clock.now().getTime() / 1000);
    return { id: `evt_${nextId("")}`, object: "event", api_version: "2026-07-29.dahlia", created, data: { object: sessionJson(link) }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type };
  }

  async function notifyStripe(link: FakeLink, type: string, opts: { times?: number; secret?: string; ageSeconds?: number } = {}) {
    const account = stripeAccounts.get(link.account);
    if (!account?.webhookUrl) return [];
    const body = JSON.stringify(stripeEvent(link, type));
    const t = Math.floor(clock.now().getTime() / 1000) - (opts.ageSeconds ?? 0);
    const headers = { "content-type": "application/json", "stripe-signature": stripeSignature(body, opts.secret ?? account.webhookSecret, t) };
    const out: Delivery[] = [];
    for (let i = 0; i < (opts.times ?? 1); i++) out.push(await deliver(account.webhookUrl, body, headers));
    return out;
  }

  // ---------------- iyzico

  function iyzicoFailure(c: Context, errorCode: string, errorMessage: string, status = 200) {
    return c.json({ status: "failure", errorCode, errorMessage, errorGroup: null, locale: "tr", systemTime: clock.now().getTime() }, status as 200);
  }

  async function iyzicoAccountOf(c: Context): Promise<IyzicoAccount | "unknown" | "bad"> {
    const header = c.req.header("authorization") ?? "";
    if (!header.startsWith("IYZWSv2 ")) return "bad";
    const decoded = Buffer.from(header.slice(8), "base64").toString();
    const fields = Object.fromEntries(decoded.split("&").map((p) => [p.slice(0, p.indexOf(":")), p.slice(p.indexOf(":") + 1)]));
    const account = iyzicoAccounts.get(fields.apiKey ?? "");
    if (!account) return "unknown";
    const path = c.req.path.replace(/^\/iyzico/, "");
    const body = await c.req.text();
    const expected = iyzicoAuthorization(account.apiKey, account.secretKey, fields.randomKey ?? "", path, body);
    return sameSecret(header, expected) ? account : "bad";
  }

  app.use("/iyzico/*", async (c, next) => {
    const account = await iyzicoAccountOf(c);
    if (account === "unknown") return iyzicoFailure(c, "1001", "Api bilgileri bulunamadı");
    if (account === "bad") return iyzicoFailure(c, "1000", "Geçersiz imza");
    if (failNext?.provider === "iyzico") {
      const status = failNext.status;
      failNext = null;
      return status === 429 ? iyzicoFailure(c, "50000", "Request Limit Exceeded") : iyzicoFailure(c, "1", "Sistem hatası", status);
    }
    c.set("account" as never, account as never);
    await next();
  });

  const createSchema = z.object({
    locale: z.string().optional(),
    conversationId: z.string().optional(),
    description: z.string().min(1),
    price: z.union([z.string(), z.number()]),
    currencyCode: z.enum(["TRY", "USD", "EUR", "GBP", "IRR"]),
    name: z.string().optional(),
    encodedImageFile: z.string().optional(),
  });

  async function createIyzilink(c: Context, fast: boolean) {
    const account = c.get("account" as never) as IyzicoAccount;
    const parsed = createSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return iyzicoFailure(c, "5", `Geçersiz istek: ${parsed.error.issues[0]?.path.join(".")}`);
    const p = parsed.data;
    const amount = fromDecimalText(String(p.price), p.currencyCode);
    if (amount === null || amount <= 0) return iyzicoFailure(c, "5007", "price geçersiz");
    if (fast && (p.currencyCode !== "TRY" || amount > FAST_LINK_MAX_MINOR)) return iyzicoFailure(c, "30001", "Fast Link tutar sınırı aşıldı");
    if (!fast && (!p.name || !p.encodedImageFile)) return iyzicoFailure(c, "5", "name ve encodedImageFile zorunludur");
    const token = nextId("").slice(-8);
    const link: FakeLink = {
      provider: "iyzico",
      id: token,
      account: account.apiKey,
      amountMinor: amount,
      currency: p.currencyCode,
      description: p.description,
      reference: p.conversationId ?? null,
      url: `${baseUrl}/checkout/${token}`,
      status: "open",
      expiresAt: null,
      paymentId: null,
      soldCount: 0,
      createdAt: clock.now(),
    };
    links.set(token, link);
    return c.json({ status: "success", locale: p.locale ?? "tr", systemTime: clock.now().getTime(), conversationId: p.conversationId, data: { token, url: link.url, imageUrl: `${baseUrl}/img/${token}.jpg` } });
  }

  app.post("/iyzico/v2/iyzilink/fast-link/products", (c) => createIyzilink(c, true));
  app.post("/iyzico/v2/iyzilink/products", (c) => createIyzilink(c, false));

  function iyzicoLink(c: Context): FakeLink | null {
    const link = links.get(c.req.param("token") ?? "");
    const account = c.get("account" as never) as IyzicoAccount;
    return link && link.provider === "iyzico" && link.account === account.apiKey && link.status !== "deleted" ? link : null;
  }

  app.get("/iyzico/v2/iyzilink/products/:token", (c) => {
    const link = iyzicoLink(c);
    if (!link) return iyzicoFailure(c, "30004", "Ürün bulunamadı");
    return c.json({
      status: "success",
      locale: "tr",
      systemTime: clock.now().getTime(),
      data: { name: link.description, description: link.description, price: link.amountMinor / 100, currencyCode: link.currency, token: link.id, productStatus: link.status === "passive" ? "PASSIVE" : "ACTIVE", url: link.url, soldCount: link.soldCount, soldLimit: 1, remainingSoldLimit: 1 - link.soldCount },
    });
  });

  app.patch("/iyzico/v2/iyzilink/products/:token/status/:status", (c) => {
    const link = iyzicoLink(c);
    if (!link) return iyzicoFailure(c, "30004", "Ürün bulunamadı");
    const status = c.req.param("status");
    if (status !== "ACTIVE" && status !== "PASSIVE") return iyzicoFailure(c, "5", "status geçersiz");
    if (link.status !== "complete") link.status = status === "PASSIVE" ? "passive" : "open";
    return c.json({ status: "success", locale: "tr", systemTime: clock.now().getTime() });
  });

  app.delete("/iyzico/v2/iyzilink/products/:token", (c) => {
    const link = iyzicoLink(c);
    if (!link) return iyzicoFailure(c, "30004", "Ürün bulunamadı");
    link.status = "deleted";
    return c.json({ status: "success", locale: "tr", systemTime: clock.now().getTime() });
  });

  function iyzicoNotification(link: FakeLink): IyzicoNotification {
    return {
      paymentConversationId: link.reference ?? "",
      merchantId: 3382172,
      token: link.id,
      status: "SUCCESS",
      iyziReferenceCode: crypto.randomUUID(),
      iyziEventType: "CHECKOUT_FORM_AUTH",
      iyziEventTime: clock.now().getTime(),
      iyziPaymentId: Number(link.paymentId),
    };
  }

  async function notifyIyzico(link: FakeLink, opts: { times?: number; secret?: string } = {}) {
    const account = iyzicoAccounts.get(link.account);
    if (!account?.webhookUrl) return [];
    const n = iyzicoNotification(link);
    const body = JSON.stringify(n);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (account.signNotifications !== false) headers["x-iyz-signature-v3"] = iyzicoNotificationSignature(n, opts.secret ?? account.secretKey);
    const out: Delivery[] = [];
    for (let i = 0; i < (opts.times ?? 1); i++) out.push(await deliver(account.webhookUrl, body, headers));
    return out;
  }

  // ---------------- the customer, and deliveries

  async function deliver(url: string, body: string, headers: Record<string, string>): Promise<Delivery> {
    let status: number | null = null;
    try {
      const res = await fetch(url, { method: "POST", headers, body });
      status = res.status;
      await res.body?.cancel();
    } catch {
      status = null;
    }
    const d = { at: clock.now(), url, body, headers, status };
    deliveries.push(d);
    return d;
  }

  function linkOf(id: string): FakeLink {
    const link = links.get(id);
    if (!link) throw new Error(`the fake has no link ${id}`);
    return link;
  }

  /** The customer pays: the link is used up and the provider's signed notification goes to Kanal. */
  async function pay(id: string, opts: { times?: number; secret?: string; ageSeconds?: number } = {}) {
    const link = settle(linkOf(id));
    if (link.status !== "open") throw new Error(`link ${id} is ${link.status}, it cannot be paid`);
    link.status = "complete";
    link.soldCount += 1;
    link.paymentId = link.provider === "stripe" ? `pi_${nextId("")}` : String(22_000_000 + ++seq);
    return { link, deliveries: link.provider === "stripe" ? await notifyStripe(link, "checkout.session.completed", opts) : await notifyIyzico(link, opts) };
  }

  /** The link expires now (Stripe sends `checkout.session.expired`; iyzico links have no expiry of their own). */
  async function expire(id: string) {
    const link = linkOf(id);
    if (link.status !== "open") throw new Error(`link ${id} is ${link.status}`);
    link.status = link.provider === "stripe" ? "expired" : "passive";
    return { link, deliveries: link.provider === "stripe" ? await notifyStripe(link, "checkout.session.expired") : [] };
  }

  /** Sends the last notification about a link again, as providers retry. */
  async function resend(id: string) {
    const link = linkOf(id);
    if (link.provider === "stripe") return notifyStripe(link, link.status === "complete" ? "checkout.session.completed" : "checkout.session.expired");
    return notifyIyzico(link);
  }

  const control = z.object({ id: z.string().min(1), times: z.number().int().min(1).max(5).optional() });

  app.post("/__fake/pay", async (c) => {
    const form = c.req.header("content-type")?.includes("json") ? await c.req.json() : Object.fromEntries(Object.entries(await c.req.parseBody()).map(([k, v]) => [k, String(v)]));
    const parsed = control.safeParse(form);
    if (!parsed.success) return c.json({ error: "id is required" }, 400);
    try {
      const { link, deliveries: sent } = await pay(parsed.data.id, { times: parsed.data.times });
      if (!c.req.header("content-type")?.includes("json")) return c.html(`<p>Paid ${link.currency} ${(link.amountMinor / 100).toFixed(2)}. You can close this page.</p>`);
      return c.json({ link, deliveries: sent });
    } catch (e) {
      return c.json({ error: (e as Error).message }, 409);
    }
  });
  app.post("/__fake/expire", async (c) => {
    const parsed = control.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: "id is required" }, 400);
    try {
      return c.json(await expire(parsed.data.id));
    } catch (e) {
      return c.json({ error: (e as Error).message }, 409);
    }
  });
  app.post("/__fake/stripe/accounts", async (c) => {
    const parsed = stripeAccountSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.message }, 400);
    stripeAccounts.set(parsed.data.secretKey, parsed.data);
    return c.json(parsed.data);
  });
  app.post("/__fake/iyzico/accounts", async (c) => {
    const parsed = iyzicoAccountSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: parsed.error.message }, 400);
    iyzicoAccounts.set(parsed.data.apiKey, parsed.data);
    return c.json(parsed.data);
  });
  app.get("/__fake/links", (c) => c.json([...links.values()]));
  app.get("/__fake/requests", (c) => c.json(requests));
  app.get("/__fake/deliveries", (c) => c.json(deliveries));

  /** The page a customer opening the link sees: the amount and a Pay button. */
  app.get("/checkout/:id", (c) => {
    const link = links.get(c.req.param("id"));
    if (!link) return c.text("No such payment link", 404);
    settle(link);
    const amount = `${link.currency} ${(link.amountMinor / 100).toFixed(2)}`;
    const button = link.status === "open" ? `<form method="post" action="/__fake/pay"><input type="hidden" name="id" value="${link.id}"><button>Pay ${amount}</button></form>` : `<p>This link is ${link.status}.</p>`;
    return c.html(`<!doctype html><title>Fake ${link.provider} checkout</title><h1>${escapeHtml(link.description)}</h1><p>${amount}</p>${button}`);
  });

  const server = Bun.serve({ port: options.port ?? 4020, hostname: options.hostname, fetch: (req) => app.fetch(req) });
  baseUrl = `http://localhost:${server.port}`;
  for (const a of options.stripe ?? []) stripeAccounts.set(a.secretKey, stripeAccountSchema.parse(a));
  for (const a of options.iyzico ?? []) iyzicoAccounts.set(a.apiKey, iyzicoAccountSchema.parse(a));

  return {
    url: baseUrl,
    port: server.port as number,
    stripeUrl: `${baseUrl}/stripe`,
    iyzicoUrl: `${baseUrl}/iyzico`,
    addStripeAccount: (a: StripeAccount) => void stripeAccounts.set(a.secretKey, stripeAccountSchema.parse(a)),
    addIyzicoAccount: (a: IyzicoAccount) => void iyzicoAccounts.set(a.apiKey, iyzicoAccountSchema.parse(a)),
    links,
    link: linkOf,
    requests,
    deliveries,
    pay,
    expire,
    resend,
    /** The next provider call fails with this HTTP status (429: rate limited). */
    failNext: (provider: "stripe" | "iyzico", status: number) => void (failNext = { provider, status }),
    stripeEvent,
    iyzicoNotification,
    async stop() {
      server.stop(true);
    },
  };
}

export type FakePay = Awaited<ReturnType<typeof startFakePay>>;

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
