// The thread's system line for a paid payment link, in the viewer's language.
import { formatMoney } from "../../src/billing/money";
import type { Ui } from "../ui";

export function paidLine(ui: Ui, metadata: unknown): string | null {
  const paid = (metadata as { paymentLinkPaid?: { linkId: number; amountMinor: number; currency: string } } | undefined)?.paymentLinkPaid;
  if (!paid) return null;
  return ui.t("billing.paidLine", { amount: formatMoney(paid.amountMinor, paid.currency, ui.locale), number: paid.linkId });
}
