// Payment links: created at the organization's provider and sent in the conversation; paid, expired
// or cancelled from the provider's verified notifications. A payment is applied once: the link's
// change, its ledger entry and the thread's system line commit together, keyed by the payment id.
import { and, desc, eq, lte, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@db/client";
import { channels, conversations, messages, organizations, paymentLinks, paymentNotifications, type Locale, type PaymentLinkStatus } from "@db/schema";
import type { Actor } from "../context";
import { translator } from "../i18n";
import { recordEvent } from "../realtime/events";
import { mayGoOut } from "../channels/windows";
import { ConversationRuleBroken } from "../inbox/changes";
import { hasJoined } from "../inbox/joining";
import { reply } from "../inbox/replies";
import { visibility } from "../inbox/visibility";
import { appendEntry, BillingRefused, entryEvent } from "./ledger";
import { formatMoney } from "./money";
import type { ProviderRow } from "./providers";
import { ProviderError, type PaymentNotice, type PaymentProvider } from "./providers/provider";

export type PaymentLink = typeof paymentLinks.$inferSelect;

export interface LinkInput {
  amountMinor: number;
  currency: string;
  description: string;
  expiresAt: Date;
}

/** Links a widget lists: the latest few, newest first. */
export const LINKS_SHOWN = 10;

export async function contactLinks(db: DbOrTx, orgId: number, contactId: number, limit = LINKS_SHOWN): Promise<PaymentLink[]> {
  return db
    .select()
    .from(paymentLinks)
    .where(and(eq(paymentLinks.contactId, contactId), eq(paymentLinks.orgId, orgId)))
    .orderBy(desc(paymentLinks.createdAt), desc(paymentLinks.id))
    .limit(limit);
}

/** What a person sees: a pending link past its expiry is expired, even before the job has marked it. */
export function shownStatus(link: Pick<PaymentLink, "status" | "expiresAt">, now: Date): PaymentLinkStatus {
  return link.status === "pending" && link.expiresAt <= now ? "expired" : link.status;
}

/**
 * Whether the actor may send a link in this conversation now, asked before the provider is called
 * so a refused send leaves no link behind at the provider. `reply` checks the same again when sending.
 */
async function checkSendable(db: DbOrTx, actor: Actor, conversationId: number, now: Date) {
  const [conv] = await db
    .select({ id: conversations.id, contactId: conversations.contactId, status: conversations.status, assigneeId: conversations.assigneeId, lastInboundAt: conversations.lastInboundAt, channelKind: channels.kind })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId), await visibility(db, actor)));
  if (!conv) throw new BillingRefused("not_found");
  if (conv.status !== "open") throw new BillingRefused("closed");
  if (!(await hasJoined(db, actor, conv))) throw new BillingRefused("not_joined");
  if (!mayGoOut(conv.channelKind, conv.lastInboundAt, "text", now)) throw new BillingRefused("outside_window");
  return conv;
}

async function orgLocale(db: DbOrTx, orgId: number): Promise<Locale> {
  const [org] = await db.select({ locale: organizations.locale }).from(organizations).where(eq(organizations.id, orgId));
  return org?.locale ?? "en";
}

/**
 * An agent creates a link from a conversation: the provider makes it, Kanal stores it as pending
 * and sends it to the customer in the conversation's language of business (the organization's).
 */
export async function createPaymentLink(
  db: DbOrTx,
  actor: Actor,
  conversationId: number,
  input: LinkInput,
  provider: { row: ProviderRow; adapter: PaymentProvider } | null,
  now: Date,
): Promise<{ link: PaymentLink; eventIds: number[] }> {
  if (!provider) throw new BillingRefused("no_provider");
  const conv = await checkSendable(db, actor, conversationId, now);
  const locale = await orgLocale(db, actor.orgId);
  const reference = crypto.randomUUID();
  let created;
  try {
    created = await provider.adapter.createLink({ reference, ...input, locale });
  } catch (e) {
    if (e instanceof ProviderError || (e instanceof Error && (e.name === "TimeoutError" || e.name === "TypeError"))) throw new BillingRefused("provider_failed");
    throw e;
  }
  try {
    return await db.transaction(async (tx) => {
      const [link] = await tx
        .insert(paymentLinks)
        .values({ orgId: actor.orgId, contactId: conv.contactId, conversationId, providerId: provider.row.id, provider: provider.row.kind, ...input, reference, providerLinkId: created.providerLinkId, url: created.url, createdBy: actor.userId, createdAt: now })
        .returning();
      const t = translator(locale);
      const text = t("billing.linkMessage", { amount: formatMoney(input.amountMinor, input.currency, locale), description: input.description, url: created.url });
      const sent = await reply(tx, actor, conversationId, { body: text, metadata: { paymentLinkId: link.id } }, now);
      const changed = await linkEvent(tx, link, actor.userId, now);
      return { link, eventIds: [...sent.eventIds, changed] };
    });
  } catch (e) {
    // Not stored, so never payable through Kanal: withdraw it at the provider too.
    await provider.adapter.cancelLink(created.providerLinkId).catch(() => {});
    if (e instanceof ConversationRuleBroken) throw new BillingRefused(e.reason === "outside_window" ? "outside_window" : e.reason === "not_joined" ? "not_joined" : e.reason === "closed" ? "closed" : "invalid");
    throw e;
  }
}

function linkEvent(tx: DbOrTx, link: PaymentLink, actorId: string | null, now: Date) {
  return recordEvent(tx, { orgId: link.orgId, type: "payment_link_changed", conversationId: link.conversationId, actorId, data: { contactId: link.contactId, linkId: link.id, status: link.status }, createdAt: now });
}

async function visibleLink(db: DbOrTx, actor: Actor, linkId: number): Promise<PaymentLink> {
  const [row] = await db
    .select({ link: paymentLinks })
    .from(paymentLinks)
    .innerJoin(conversations, eq(conversations.id, paymentLinks.conversationId))
    .where(and(eq(paymentLinks.orgId, actor.orgId), eq(paymentLinks.id, linkId), await visibility(db, actor)));
  if (!row) throw new BillingRefused("not_found");
  return row.link;
}

/** Withdraws a pending link at the provider, then marks it cancelled (unless a payment beat it). */
export async function cancelPaymentLink(db: DbOrTx, actor: Actor, linkId: number, adapter: PaymentProvider | null, now: Date): Promise<{ link: PaymentLink; eventIds: number[] }> {
  const link = await visibleLink(db, actor, linkId);
  if (shownStatus(link, now) !== "pending") throw new BillingRefused("not_pending");
  if (!adapter) throw new BillingRefused("no_provider");
  // Marked first: the provider's own "expired" notification for this withdrawal may arrive before its answer.
  const closed = await closeLink(db, link.id, "cancelled", actor.userId, now);
  if (closed.link.status !== "cancelled") throw new BillingRefused("not_pending");
  try {
    await adapter.cancelLink(link.providerLinkId);
  } catch (e) {
    await db.update(paymentLinks).set({ status: "pending", closedAt: null }).where(and(eq(paymentLinks.id, link.id), eq(paymentLinks.status, "cancelled")));
    if (e instanceof ProviderError) throw new BillingRefused("provider_failed");
    throw e;
  }
  return closed;
}

async function closeLink(db: DbOrTx, linkId: number, status: "cancelled" | "expired", actorId: string | null, now: Date): Promise<{ link: PaymentLink; eventIds: number[] }> {
  return db.transaction(async (tx) => {
    const [changed] = await tx.update(paymentLinks).set({ status, closedAt: now }).where(and(eq(paymentLinks.id, linkId), eq(paymentLinks.status, "pending"))).returning();
    if (!changed) {
      const [link] = await tx.select().from(paymentLinks).where(eq(paymentLinks.id, linkId));
      return { link, eventIds: [] };
    }
    return { link: changed, eventIds: [await linkEvent(tx, changed, actorId, now)] };
  });
}

/**
 * Marks pending links past their expiry as expired, withdrawing each at its provider first where
 * the provider does not expire links itself (iyzico). Run by the periodic job.
 */
export async function expireDueLinks(
  db: Db,
  adapterOf: (providerId: number) => Promise<PaymentProvider | null>,
  now: Date,
  commitChange: (orgId: number, work: (db: Db) => Promise<{ eventIds: number[] }>) => Promise<{ eventIds: number[] }> = (_, work) => work(db),
): Promise<{ orgId: number; eventIds: number[] }[]> {
  const due = await db.select().from(paymentLinks).where(and(eq(paymentLinks.status, "pending"), lte(paymentLinks.expiresAt, now))).limit(500);
  const out: { orgId: number; eventIds: number[] }[] = [];
  for (const link of due) {
    if (link.provider === "iyzico" && link.providerId) {
      const adapter = await adapterOf(link.providerId);
      // Still payable at iyzico until withdrawn: try again next run rather than show it expired.
      const withdrawn = await adapter?.cancelLink(link.providerLinkId).then(() => true, () => false);
      if (!withdrawn) continue;
    }
    const { eventIds } = await commitChange(link.orgId, (tx) => closeLink(tx, link.id, "expired", null, now));
    if (eventIds.length) out.push({ orgId: link.orgId, eventIds });
  }
  return out;
}

export type NoticeOutcome = "paid" | "expired" | "ignored" | "duplicate" | "already_paid" | "unknown_link";

/**
 * Applies one verified notification from an organization's provider, once: the raw body is stored
 * under the provider's event key in the same transaction as what it changes, so a resent or
 * concurrent copy finds the key taken and changes nothing. A link of another organization is
 * never found through this organization's provider.
 */
export async function applyNotice(db: DbOrTx, provider: ProviderRow, notice: PaymentNotice, rawBody: string, now: Date): Promise<{ outcome: NoticeOutcome; eventIds: number[] }> {
  return db.transaction(async (tx) => {
    const outcomeOf = async (outcome: NoticeOutcome) => {
      await tx.update(paymentNotifications).set({ outcome }).where(and(eq(paymentNotifications.providerId, provider.id), eq(paymentNotifications.eventKey, notice.eventKey)));
      return outcome;
    };
    const [stored] = await tx
      .insert(paymentNotifications)
      .values({ orgId: provider.orgId, providerId: provider.id, eventKey: notice.eventKey, body: rawBody, outcome: "received", receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: paymentNotifications.id });
    if (!stored) return { outcome: "duplicate" as const, eventIds: [] };
    if (notice.type === "ignored") return { outcome: await outcomeOf("ignored"), eventIds: [] };
    const link = await lockLink(tx, provider, notice);
    if (!link) return { outcome: await outcomeOf("unknown_link"), eventIds: [] };
    if (notice.type === "expired") {
      const { eventIds } = await closeLink(tx, link.id, "expired", null, now);
      return { outcome: await outcomeOf("expired"), eventIds };
    }
    if (link.providerPaymentId) return { outcome: await outcomeOf("already_paid"), eventIds: [] };
    return { outcome: await outcomeOf("paid"), eventIds: await recordPayment(tx, link, notice, now) };
  });
}

async function lockLink(tx: Tx, provider: ProviderRow, notice: Exclude<PaymentNotice, { type: "ignored" }>): Promise<PaymentLink | null> {
  const byId = notice.providerLinkId ? eq(paymentLinks.providerLinkId, notice.providerLinkId) : notice.reference ? eq(paymentLinks.reference, notice.reference) : null;
  if (!byId) return null;
  const [link] = await tx
    .select()
    .from(paymentLinks)
    .where(and(eq(paymentLinks.orgId, provider.orgId), eq(paymentLinks.provider, provider.kind), byId))
    .for("update");
  return link ?? null;
}

/**
 * The money arrived: a payment entry for what the provider says was paid (the link's amount when it
 * does not say), the link marked paid, and a system line in the thread. Paid even if it had been
 * marked expired or cancelled meanwhile: the customer's money is real either way.
 */
async function recordPayment(tx: Tx, link: PaymentLink, notice: Extract<PaymentNotice, { type: "paid" }>, now: Date): Promise<number[]> {
  const amountMinor = notice.amountMinor ?? link.amountMinor;
  const currency = notice.currency ?? link.currency;
  const [paid] = await tx
    .update(paymentLinks)
    .set({ status: "paid", providerPaymentId: notice.paymentId, paidAt: now, closedAt: now })
    .where(and(eq(paymentLinks.id, link.id), sql`${paymentLinks.providerPaymentId} is null`))
    .returning();
  if (!paid) return [];
  const { entry, created } = await appendEntry(
    tx,
    link.orgId,
    { source: "payment_link", linkId: link.id },
    { contactId: link.contactId, kind: "payment", amountMinor, currency, description: link.description, externalRef: notice.paymentId, idempotencyKey: `payment:${link.provider}:${notice.paymentId}` },
    now,
  );
  const eventIds = [await linkEvent(tx, paid, null, now)];
  if (created) eventIds.push(await entryEvent(tx, link.orgId, entry, link.conversationId, null, now));
  if (link.conversationId) eventIds.push(await systemLine(tx, link, amountMinor, currency, now));
  return eventIds;
}

/** "₺250,00 paid by payment link #12", drawn in each viewer's language from the message's metadata. */
async function systemLine(tx: Tx, link: PaymentLink, amountMinor: number, currency: string, now: Date): Promise<number> {
  const [conv] = await tx.select({ channelId: conversations.channelId }).from(conversations).where(eq(conversations.id, link.conversationId!));
  const locale = await orgLocale(tx, link.orgId);
  const body = translator(locale)("billing.paidLine", { amount: formatMoney(amountMinor, currency, locale), number: link.id });
  const [message] = await tx
    .insert(messages)
    .values({ orgId: link.orgId, conversationId: link.conversationId!, channelId: conv.channelId, direction: "event", body, metadata: { paymentLinkPaid: { linkId: link.id, amountMinor, currency } }, createdAt: now })
    .returning({ id: messages.id });
  return recordEvent(tx, { orgId: link.orgId, type: "message_created", conversationId: link.conversationId, data: { messageId: message.id, direction: "event" }, createdAt: now });
}
