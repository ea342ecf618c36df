// The accounts `bun run fake-pay` registers with no flags; Kanal's demo seed sets its provider to match.
import type { IyzicoAccount, StripeAccount } from "./server";

export const DEMO_PAY_PORT = 4020;
export const DEMO_PAY_URL = `http://localhost:${DEMO_PAY_PORT}`;
/** The demo organization's payment provider receives notifications at /payments/webhooks/{this}. */
export const DEMO_PAYMENTS_WEBHOOK_KEY = "demo-payments";
export const DEMO_STRIPE = { secretKey: "sk_test_demo", webhookSecret: "whsec_demo" };
export const DEMO_IYZICO = { apiKey: "sandbox-demo-api-key", secretKey: "sandbox-demo-secret-key" };

export function demoPayAccounts(kanalUrl: string): { stripe: StripeAccount[]; iyzico: IyzicoAccount[] } {
  const webhookUrl = `${kanalUrl.replace(/\/$/, "")}/payments/webhooks/${DEMO_PAYMENTS_WEBHOOK_KEY}`;
  return { stripe: [{ ...DEMO_STRIPE, webhookUrl }], iyzico: [{ ...DEMO_IYZICO, webhookUrl }] };
}
