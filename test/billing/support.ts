// A billing world: an organization with a WhatsApp conversation its agent has joined, a payment
// provider set up against the in-process fake (Stripe or iyzico), and Kanal served over HTTP so the
// fake's signed notifications reach it the way the provider's would.
import { afterAll, beforeAll } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, conversations } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { configureProvider } from "../../src/billing/providers";
import { assignConversation } from "../../src/inbox/assignment";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { startFakePay, type FakePay } from "../../fakes/pay/server";
import type { TestApp } from "../support/app";

export const STRIPE_KEYS = { secretKey: "sk_test_kanal", webhookSecret: "whsec_test_kanal" };

export function useFakePay(t: TestApp) {
  const handle = {} as { fake: FakePay; kanalUrl: string };
  let server: ReturnType<typeof Bun.serve>;
  beforeAll(async () => {
    server = Bun.serve({ port: 0, fetch: (req, srv) => t.app.fetch(req, { server: srv }) });
    handle.kanalUrl = `http://localhost:${server.port}`;
    handle.fake = await startFakePay({ port: 0, clock: t.clock });
  });
  afterAll(async () => {
    await handle.fake?.stop();
    server?.stop(true);
  });
  return handle;
}

let n = 0;

export async function billingWorld(t: TestApp, pay: { fake: FakePay; kanalUrl: string }, kind: "stripe" | "iyzico" = "stripe", name?: string) {
  const w = await t.world(name);
  const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const phone = `90555${String(++n).padStart(7, "0")}${w.orgId}`;
  const inbound = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: phone, contactName: "Ayşe Yılmaz", phone: `+${phone}`, body: "Merhaba, ödeme yapmak istiyorum", providerMessageId: crypto.randomUUID(), at: t.clock.now() });
  const admin = (await actorFor(t.db, w.admin.id, w.orgId))!;
  const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
  await assignConversation(t.db, supervisor, inbound.conversationId, { userId: w.agent.id }, t.clock.now());
  const keys: Record<string, string> = kind === "stripe" ? { secretKey: `${STRIPE_KEYS.secretKey}_${w.orgId}`, webhookSecret: `${STRIPE_KEYS.webhookSecret}_${w.orgId}` } : { apiKey: `sandbox-key-${w.orgId}`, secretKey: `sandbox-secret-${w.orgId}` };
  const { row: provider } = await configureProvider(t.db, admin, t.config, { kind, baseUrl: kind === "stripe" ? pay.fake.stripeUrl : pay.fake.iyzicoUrl, secrets: keys }, t.clock.now());
  const webhookUrl = `${pay.kanalUrl}/payments/webhooks/${provider.webhookKey}`;
  if (kind === "stripe") pay.fake.addStripeAccount({ ...(keys as typeof STRIPE_KEYS), webhookUrl });
  else pay.fake.addIyzicoAccount({ ...(keys as { apiKey: string; secretKey: string }), webhookUrl });
  return { w, channel, conversationId: inbound.conversationId, contactId: (await t.db.select().from(conversations).where(eq(conversations.id, inbound.conversationId)))[0].contactId, admin, agent, supervisor, provider, keys, webhookUrl };
}
