// What a channel's webhooks carried that Kanal did not handle: counted per channel and kind with
// the latest example (the raw body stays in webhook_deliveries), for the channel's admin page.
import { and, desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, messages, webhookUnhandled } from "@db/schema";
import type { InboundUnhandled } from "./types";

/**
 * Counts one delivery's unhandled items. A delivery processed again (a retry after an error) does
 * not count its items twice: the row remembers the last delivery that counted.
 */
export async function recordUnhandled(db: DbOrTx, channelId: number, deliveryId: number, items: InboundUnhandled[], now: Date): Promise<void> {
  const byKind = new Map<string, { count: number; example: string }>();
  for (const item of items) {
    const seen = byKind.get(item.kind);
    byKind.set(item.kind, { count: (seen?.count ?? 0) + 1, example: item.example });
  }
  for (const [kind, { count, example }] of byKind) {
    await db
      .insert(webhookUnhandled)
      .values({ channelId, kind, count, example, deliveryId, createdAt: now, lastAt: now })
      .onConflictDoUpdate({
        target: [webhookUnhandled.channelId, webhookUnhandled.kind],
        set: { count: sql`${webhookUnhandled.count} + ${count}`, example, deliveryId, lastAt: now },
        setWhere: sql`${webhookUnhandled.deliveryId} is distinct from ${deliveryId}`,
      });
  }
}

export interface UnhandledSummary {
  total: number;
  kinds: { kind: string; count: number; example: string; lastAt: Date }[];
  /** Ids incoming webhooks named that this channel is not configured with (unmatched_id's latest example). */
  unmatchedId: string | null;
  /** Whether any customer message ever reached this channel (an unmatched id with none: the id is wrong). */
  matchedEver: boolean;
}

/** A channel's unhandled items for its admin page (the organization checked by the caller's channel lookup). */
export async function unhandledSummary(db: DbOrTx, orgId: number, channelId: number): Promise<UnhandledSummary> {
  const rows = await db
    .select({ kind: webhookUnhandled.kind, count: webhookUnhandled.count, example: webhookUnhandled.example, lastAt: webhookUnhandled.lastAt })
    .from(webhookUnhandled)
    .innerJoin(channels, eq(channels.id, webhookUnhandled.channelId))
    .where(and(eq(webhookUnhandled.channelId, channelId), eq(channels.orgId, orgId)))
    .orderBy(desc(webhookUnhandled.lastAt))
    .limit(50);
  const unmatched = rows.find((r) => r.kind === "unmatched_id");
  const [matched] = unmatched ? await db.select({ id: messages.id }).from(messages).where(and(eq(messages.channelId, channelId), eq(messages.direction, "in"))).limit(1) : [];
  return {
    matchedEver: !!matched,
    total: rows.reduce((sum, r) => sum + r.count, 0),
    kinds: rows.filter((r) => r.kind !== "unmatched_id"),
    unmatchedId: unmatched ? unmatched.example : null,
  };
}
