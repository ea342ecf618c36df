// Billing's live fragments on the inbox: after a ledger entry, an import's batch or a payment link
// changes, every inbox showing a conversation with that contact gets its balances, links and first
// transactions redrawn (never the widget's forms, which someone may be typing in).
import { and, eq } from "drizzle-orm";
import type { Database } from "@db/client";
import { conversations } from "@db/schema";
import type { InboxPage } from "../inbox/live";
import { partial } from "../realtime/fragments";
import { Drawn, type LiveRenderer } from "../realtime/renderers";
import { uiFor } from "../web";
import { BillingBalances, BillingEntries, BillingLinks } from "../../views/billing/widget";
import { billingLists } from "./widget";

export function billingLive(database: Database, now: () => Date): LiveRenderer<InboxPage> {
  const drawn = new Drawn();
  return {
    events: new Set(["ledger_entry_added", "payment_link_changed", "ledger_import_progress"]),
    async render(event, viewer) {
      const conversationId = viewer.conversationId;
      // An import's batch names every contact it added entries to.
      const data = event.data as { contactId?: number; contactIds?: number[] };
      const contactIds = data.contactIds ?? (data.contactId ? [Number(data.contactId)] : []);
      if (!conversationId || contactIds.length === 0) return "";
      const shown = await drawn.once(`contact:${event.id}:${conversationId}`, async () => {
        const [row] = await database.db
          .select({ contactId: conversations.contactId })
          .from(conversations)
          .where(and(eq(conversations.orgId, event.orgId), eq(conversations.id, conversationId)));
        return row?.contactId ?? null;
      });
      if (shown === null || !contactIds.includes(shown)) return "";
      const lists = await drawn.once(`lists:${event.id}:${conversationId}`, () => billingLists(database.db, event.orgId, conversationId, shown, now()));
      return drawn.once(`html:${event.id}:${conversationId}:${viewer.locale}:${viewer.actor.timezone}`, async () => {
        const ui = uiFor(viewer.actor, viewer.locale);
        return [
          partial("#billing-balances", String(<BillingBalances ui={ui} data={lists} />)),
          partial("#billing-links", String(<BillingLinks ui={ui} data={lists} />)),
          partial("#billing-entries", String(<BillingEntries ui={ui} data={lists} />)),
        ].join("");
      });
    },
  };
}
