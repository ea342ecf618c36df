// An organization's payment provider: its settings (credentials sealed with SECRETS_KEY like
// channel secrets), and the adapter built from them.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { paymentProviders, type PaymentProviderKind } from "@db/schema";
import type { Config } from "../../config";
import type { Actor } from "../../context";
import { secretsFor } from "../../channels/secrets";
import { recordEvent } from "../../realtime/events";
import { iyzicoProvider } from "./iyzico";
import type { PaymentProvider } from "./provider";
import { stripeProvider } from "./stripe";

export type ProviderRow = typeof paymentProviders.$inferSelect;

export const defaultBaseUrls: Record<PaymentProviderKind, string> = { stripe: "https://api.stripe.com", iyzico: "https://sandbox-api.iyzipay.com" };

export interface ProviderSettings {
  kind: PaymentProviderKind;
  baseUrl: string;
  /** Stripe: secret key and webhook signing secret; iyzico: API key and secret key. */
  secrets: Record<string, string>;
}

export function adapterFor(row: ProviderRow, config: Config, fetcher: typeof fetch = fetch): PaymentProvider {
  const secrets = secretsFor(config).open(row.secrets);
  const baseUrl = String(row.config.baseUrl ?? defaultBaseUrls[row.kind]);
  if (row.kind === "stripe") {
    const successUrl = String(row.config.successUrl ?? `${config.PUBLIC_URL ?? "http://localhost:3000"}/`);
    return stripeProvider({ baseUrl, secretKey: secrets.secretKey ?? "", webhookSecret: secrets.webhookSecret ?? "", successUrl }, fetcher);
  }
  return iyzicoProvider({ baseUrl, apiKey: secrets.apiKey ?? "", secretKey: secrets.secretKey ?? "" }, fetcher);
}

export async function orgProvider(db: DbOrTx, orgId: number): Promise<ProviderRow | null> {
  const [row] = await db.select().from(paymentProviders).where(eq(paymentProviders.orgId, orgId));
  return row ?? null;
}

export async function providerByWebhookKey(db: DbOrTx, webhookKey: string): Promise<ProviderRow | null> {
  const [row] = await db.select().from(paymentProviders).where(eq(paymentProviders.webhookKey, webhookKey));
  return row ?? null;
}

/**
 * Sets the organization's provider. Secrets left empty keep the stored ones, so an admin can
 * change the base URL without typing the keys again.
 */
export async function configureProvider(db: DbOrTx, actor: Actor, config: Config, input: ProviderSettings, now: Date): Promise<{ row: ProviderRow; eventIds: number[] }> {
  return db.transaction(async (tx) => {
    const existing = await orgProvider(tx, actor.orgId);
    const box = secretsFor(config);
    const kept = existing && existing.kind === input.kind ? box.open(existing.secrets) : {};
    const secrets = { ...kept, ...Object.fromEntries(Object.entries(input.secrets).filter(([, v]) => v)) };
    const values = { kind: input.kind, config: { ...(existing?.config ?? {}), baseUrl: input.baseUrl }, secrets: box.seal(secrets), updatedAt: now };
    const [row] = existing
      ? await tx.update(paymentProviders).set(values).where(eq(paymentProviders.id, existing.id)).returning()
      : await tx.insert(paymentProviders).values({ ...values, orgId: actor.orgId, webhookKey: crypto.randomUUID().replace(/-/g, ""), createdAt: now }).returning();
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "payment_provider_changed", actorId: actor.userId, data: { kind: input.kind }, createdAt: now });
    return { row, eventIds: [eventId] };
  });
}
