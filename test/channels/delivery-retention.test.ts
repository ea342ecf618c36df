// A provider's raw webhooks are kept WEBHOOK_KEPT_DAYS after processing, then removed by an hourly
// job, in bounded batches: processed ones only (a pending or parked one stays until handled), of
// every organization, and nothing else.
import { describe, expect, it } from "bun:test";
import { inArray } from "drizzle-orm";
import { channels, webhookDeliveries } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { removeOldDeliveries } from "../../src/channels/delivery-retention";
import { jobs, runJobOnce } from "../../src/jobs/schedule";
import { useTestApp } from "../support/app";

const t = useTestApp();
const DAY = 86_400_000;

async function channelOf(orgId: number) {
  const [channel] = await t.db.insert(channels).values({ orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  return channel.id;
}

/** Deliveries received `daysAgo` days ago, processed, pending or parked; their ids in the order given. */
async function deliveries(channelId: number, list: [number, "processed" | "pending" | "parked"][]) {
  const now = t.clock.now().getTime();
  const rows = await t.db
    .insert(webhookDeliveries)
    .values(
      list.map(([daysAgo, state]) => {
        const at = new Date(now - daysAgo * DAY);
        return { channelId, body: `{"text":"Kartım 4111 2222, ${daysAgo} gün önce"}`, receivedAt: at, nextAttemptAt: at, processedAt: state === "processed" ? at : null, failedAt: state === "parked" ? at : null };
      }),
    )
    .returning({ id: webhookDeliveries.id });
  return rows.map((r) => r.id);
}

const remaining = async (ids: number[]) => (await t.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(inArray(webhookDeliveries.id, ids))).map((r) => r.id).sort((a, b) => a - b);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe("raw webhooks' retention", () => {
  it("removes processed deliveries past the kept days, batch by batch, in every organization, and keeps the rest", async () => {
    const here = await channelOf((await t.world()).orgId);
    const there = await channelOf((await t.world("Other")).orgId);
    const old = [...(await deliveries(here, [[31, "processed"], [45, "processed"], [400, "processed"]])), ...(await deliveries(there, [[30.5, "processed"], [90, "processed"]]))];
    const kept = [
      ...(await deliveries(here, [[0, "processed"], [29, "processed"], [29.9, "processed"]])),
      // Never processed: waiting for a retry, or parked for an admin to look at.
      ...(await deliveries(here, [[60, "pending"], [60, "parked"]])),
      ...(await deliveries(there, [[1, "processed"], [365, "parked"]])),
    ];
    // Two a statement: five old ones take three, and all go.
    expect(await removeOldDeliveries(t.db, t.clock.now(), 30, 2)).toBe(5);
    expect(await remaining(old)).toEqual([]);
    expect(await remaining(kept)).toEqual(sorted(kept));
    // Again: nothing to do. Zero days keeps everything.
    expect(await removeOldDeliveries(t.db, t.clock.now(), 30)).toBe(0);
    expect(await removeOldDeliveries(t.db, new Date(t.clock.now().getTime() + 1000 * DAY), 0)).toBe(0);
    expect(await remaining(kept)).toEqual(sorted(kept));
  });

  it("runs hourly as a job under a lock of its own, with the configured days", async () => {
    const here = await channelOf((await t.world()).orgId);
    const [old, recent] = await deliveries(here, [[t.config.WEBHOOK_KEPT_DAYS + 1, "processed"], [t.config.WEBHOOK_KEPT_DAYS - 1, "processed"]]);
    const job = jobs.find((j) => j.name === "webhook-retention")!;
    expect(job.pattern).toBe("0 40 * * * *");
    expect(await runJobOnce(t.deps, job, new Date("2026-12-06T10:40:00Z"))).toBe("ran");
    expect(await runJobOnce(t.deps, job, new Date("2026-12-06T10:40:00Z"))).toBe("skipped");
    expect(await remaining([old, recent])).toEqual([recent]);
  });
});
