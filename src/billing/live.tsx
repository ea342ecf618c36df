// Billing's live fragments: after a ledger entry or a payment link changes, every inbox showing a
// conversation with that contact gets its balances, links and first transactions redrawn.
import { and, eq } from "drizzle-orm";
import type { Database } from "@db/client";
import { conversations } from "@db/schema";
import type { LiveEvent } from "../realtime/bus";
import type { Viewer } from "../realtime/live";
import type { Ui } from "../../views/ui";
import { BillingBalances, BillingEntries, BillingLinks } from "../../views/billing/widget";
import { billingLists } from "./widget";

export const billingEvents = new Set(["ledger_entry_added", "payment_link_changed"]);

type Once = <T>(key: string, make: () => Promise<T>) => Promise<T>;

export async function billingFragments(database: Database, event: LiveEvent, viewer: Viewer, ui: Ui, now: Date, once: Once): Promise<string> {
  const conversationId = viewer.conversationId;
  const contactId = Number((event.data as { contactId?: number }).contactId);
  if (!conversationId || !contactId) return "";
  const shown = await once(`billing-contact:${event.id}:${conversationId}`, async () => {
    const [row] = await database.db
      .select({ contactId: conversations.contactId })
      .from(conversations)
      .where(and(eq(conversations.orgId, event.orgId), eq(conversations.id, conversationId)));
    return row?.contactId ?? null;
  });
  if (shown !== contactId) return "";
  const lists = await once(`billing-lists:${event.id}:${conversationId}`, () => billingLists(database.db, event.orgId, conversationId, contactId, now));
  return once(`billing-html:${event.id}:${conversationId}:${viewer.locale}:${viewer.actor.timezone}`, async () =>
    [
      `<hx-partial hx-target="#billing-balances" hx-swap="outerHTML">${<BillingBalances ui={ui} data={lists} />}</hx-partial>`,
      `<hx-partial hx-target="#billing-links" hx-swap="outerHTML">${<BillingLinks ui={ui} data={lists} />}</hx-partial>`,
      `<hx-partial hx-target="#billing-entries" hx-swap="outerHTML">${<BillingEntries ui={ui} data={lists} />}</hx-partial>`,
    ].join(""),
  );
}
