// What the Billing widget shows for a conversation's contact: balances, the first page of
// transactions, the latest payment links, and what the viewer may do there.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, conversations, type PaymentProviderKind } from "@db/schema";
import type { Actor } from "../context";
import { replyWindow } from "../channels/windows";
import { hasJoined } from "../inbox/joining";
import { contactBalances, contactEntries, entrySetting, mayAddEntries, type Balance, type EntryCursor, type EntryRow } from "./ledger";
import { contactLinks, shownStatus, type PaymentLink } from "./links";
import { orgProvider } from "./providers";
import { IYZICO_CURRENCIES } from "./providers/iyzico";

export interface BillingData {
  conversationId: number;
  contactId: number;
  balances: Balance[];
  entries: EntryRow[];
  next: string | null;
  links: (PaymentLink & { shown: PaymentLink["status"] })[];
  mayAddEntries: boolean;
  provider: PaymentProviderKind | null;
  /** Why a link cannot be sent now, or null when it can. */
  linkBlocked: "no_provider" | "closed" | "not_joined" | "outside_window" | null;
  /** Currencies the forms offer: the usual ones, those the contact has, and none the provider refuses. */
  currencies: string[];
  linkCurrencies: string[];
  /** A fresh idempotency key for the "Add entry" form: sending the same form twice stores one entry. */
  entryKey: string;
}

const USUAL = ["TRY", "EUR", "USD", "GBP"];

/** The parts every viewer of the contact sees alike, redrawn live after a billing event. */
export async function billingLists(db: DbOrTx, orgId: number, conversationId: number, contactId: number, now: Date) {
  const [balances, page, links] = await Promise.all([contactBalances(db, orgId, contactId), contactEntries(db, orgId, contactId, null), contactLinks(db, orgId, contactId)]);
  return { conversationId, balances, entries: page.entries, next: page.next, links: links.map((l) => ({ ...l, shown: shownStatus(l, now) })) };
}

export async function billingData(db: DbOrTx, actor: Actor, conversationId: number, contactId: number, now: Date, cursor: EntryCursor | null = null): Promise<BillingData | null> {
  const [conv] = await db
    .select({ id: conversations.id, status: conversations.status, assigneeId: conversations.assigneeId, lastInboundAt: conversations.lastInboundAt, channelKind: channels.kind })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId)));
  if (!conv) return null;
  const [balances, page, links, setting, provider, joined] = await Promise.all([
    contactBalances(db, actor.orgId, contactId),
    contactEntries(db, actor.orgId, contactId, cursor),
    contactLinks(db, actor.orgId, contactId),
    entrySetting(db, actor.orgId),
    orgProvider(db, actor.orgId),
    hasJoined(db, actor, conv),
  ]);
  const window = replyWindow(conv.channelKind, conv.lastInboundAt, now);
  const linkBlocked = !provider ? "no_provider" : conv.status !== "open" ? "closed" : !joined ? "not_joined" : window.state === "closed" ? "outside_window" : null;
  const currencies = [...new Set([...USUAL, ...balances.map((b) => b.currency)])];
  return {
    conversationId,
    contactId,
    balances,
    entries: page.entries,
    next: page.next,
    links: links.map((l) => ({ ...l, shown: shownStatus(l, now) })),
    mayAddEntries: mayAddEntries(actor.role, setting),
    provider: provider?.kind ?? null,
    linkBlocked,
    currencies,
    linkCurrencies: provider?.kind === "iyzico" ? [...IYZICO_CURRENCIES] : USUAL,
    entryKey: crypto.randomUUID(),
  };
}
