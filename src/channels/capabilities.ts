// What each kind of channel allows, in one table the composer, the sender and the cockpit read.
import type { ChannelKind } from "@db/schema";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ChannelCapabilities {
  /** Free-form replies allowed this long after the customer's last message (null: always). */
  replyWindowMs: number | null;
  /** A closed conversation may be reactivated from the archive this long after the customer's last message (null: never). */
  reactivationWindowMs: number | null;
}

export const capabilities: Record<ChannelKind, ChannelCapabilities> = {
  whatsapp: { replyWindowMs: DAY, reactivationWindowMs: DAY },
  // Messenger and Instagram: 24 h standard, up to 7 days with the HUMAN_AGENT tag for human agents.
  messenger: { replyWindowMs: 7 * DAY, reactivationWindowMs: 7 * DAY },
  instagram: { replyWindowMs: 7 * DAY, reactivationWindowMs: 7 * DAY },
  webchat: { replyWindowMs: null, reactivationWindowMs: null },
  support: { replyWindowMs: null, reactivationWindowMs: null },
};

/** Whether a closed conversation on this kind of channel may come back from the archive now. */
export function canReactivate(kind: ChannelKind, lastInboundAt: Date | null, now: Date): boolean {
  const window = capabilities[kind].reactivationWindowMs;
  return window !== null && lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() <= window;
}
