// A provider's raw webhooks, kept after processing for WEBHOOK_KEPT_DAYS: they hold what customers
// wrote (a message they have since unsent too) and their numbers, and they would otherwise grow
// without end. One still pending, or parked after its attempts ran out, stays until it is handled.
import { and, asc, inArray, isNotNull, lt } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { webhookDeliveries } from "@db/schema";

/** Removes processed deliveries received more than `keptDays` days before `now`, oldest first, a batch a statement. */
export async function removeOldDeliveries(db: DbOrTx, now: Date, keptDays: number, batch = 2_000): Promise<number> {
  if (keptDays <= 0) return 0;
  const before = new Date(now.getTime() - keptDays * 86_400_000);
  let removed = 0;
  for (;;) {
    // Found through webhook_deliveries_received_idx (migration 0030), oldest first.
    const due = db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(lt(webhookDeliveries.receivedAt, before), isNotNull(webhookDeliveries.processedAt)))
      .orderBy(asc(webhookDeliveries.receivedAt))
      .limit(batch);
    const gone = await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, due)).returning({ id: webhookDeliveries.id });
    removed += gone.length;
    if (gone.length < batch) return removed;
  }
}
