// Webhook deliveries that ran out of attempts (inbound.ts parks them): listed on their channel's
// admin page with the reason, and tried again when an admin asks.
import { and, desc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels, webhookDeliveries } from "@db/schema";
import type { Actor, Deps } from "../context";
import { LEASE_MS, processDelivery } from "./inbound";

/** A channel's parked deliveries, newest first, for its admin page. */
export async function failedDeliveries(db: DbOrTx, actor: Actor, channelId: number, limit = 50) {
  return db
    .select({ id: webhookDeliveries.id, receivedAt: webhookDeliveries.receivedAt, failedAt: webhookDeliveries.failedAt, attempts: webhookDeliveries.attempts, lastError: webhookDeliveries.lastError })
    .from(webhookDeliveries)
    .innerJoin(channels, eq(channels.id, webhookDeliveries.channelId))
    .where(and(eq(channels.orgId, actor.orgId), eq(channels.id, channelId), isNotNull(webhookDeliveries.failedAt), isNull(webhookDeliveries.processedAt)))
    .orderBy(desc(webhookDeliveries.failedAt), desc(webhookDeliveries.id))
    .limit(limit);
}

/**
 * An admin's retry of a parked delivery: it gets a fresh set of attempts, and the first runs now.
 * Null when no parked delivery of this channel, in the admin's organization, has that id.
 */
export async function retryFailedDelivery(deps: Deps, actor: Actor, channelId: number, deliveryId: number): Promise<"processed" | "retry" | "failed" | null> {
  if (actor.role !== "admin") return null;
  const now = deps.clock.now();
  const [taken] = await deps.database.db
    .update(webhookDeliveries)
    .set({ failedAt: null, attempts: 0, nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
    .where(
      and(
        eq(webhookDeliveries.id, deliveryId),
        eq(webhookDeliveries.channelId, channelId),
        isNotNull(webhookDeliveries.failedAt),
        isNull(webhookDeliveries.processedAt),
        inArray(webhookDeliveries.channelId, deps.database.db.select({ id: channels.id }).from(channels).where(eq(channels.orgId, actor.orgId))),
      ),
    )
    .returning({ id: webhookDeliveries.id });
  if (!taken) return null;
  return processDelivery(deps, taken.id);
}
