// The small interface every payment provider implements: create and cancel a one-off link, verify
// and parse its notifications. Kanal's billing code knows providers only through it.
import type { PaymentProviderKind } from "@db/schema";

export interface LinkRequest {
  /** Kanal's own id of the link: the provider's idempotency key and correlation id. */
  reference: string;
  amountMinor: number;
  currency: string;
  description: string;
  expiresAt: Date;
  locale: "en" | "tr";
}

export interface CreatedLink {
  providerLinkId: string;
  url: string;
}

/** What a verified notification says happened. */
export type PaymentNotice =
  | { type: "paid"; eventKey: string; providerLinkId: string | null; reference: string | null; paymentId: string; amountMinor: number | null; currency: string | null }
  | { type: "expired"; eventKey: string; providerLinkId: string | null; reference: string | null }
  | { type: "ignored"; eventKey: string };

export interface PaymentProvider {
  kind: PaymentProviderKind;
  createLink(request: LinkRequest): Promise<CreatedLink>;
  /** Withdraws a link so it can no longer be paid. */
  cancelLink(providerLinkId: string): Promise<void>;
  /** Checks the provider's signature over the exact bytes received; false changes nothing. */
  verifyNotification(headers: Headers, rawBody: string, now: Date): boolean;
  parseNotification(rawBody: string): PaymentNotice;
  /** Asks the provider whether a reported payment really happened, where its notifications are not enough on their own. */
  confirmPaid?(notice: Extract<PaymentNotice, { type: "paid" }>): Promise<boolean>;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    public status: number | null,
    public code: string | null = null,
  ) {
    super(message);
  }
}

/** Provider calls give up after this long: the agent is told rather than left waiting. */
export const PROVIDER_TIMEOUT_MS = 15_000;
