// Typing signals matter for seconds: the periodic housekeeping deletes those older than a few
// minutes, in bounded batches, and leaves recent ones and every other event alone.
import { describe, expect, it } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { channels, contacts, conversations, events } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { removeOldTypingSignals, TYPING_KEPT_MS } from "../../src/inbox/typing";
import { recordEvent, type EventType } from "../../src/realtime/events";
import { jobs, runJobOnce } from "../../src/jobs/schedule";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function conversation(orgId: number) {
  const [channel] = await t.db.insert(channels).values({ orgId, kind: "webchat", name: "Website chat", config: {}, webhookKey: newWebhookKey() }).returning();
  const [contact] = await t.db.insert(contacts).values({ orgId, name: "Deniz Kaya" }).returning();
  const [row] = await t.db.insert(conversations).values({ orgId, contactId: contact.id, channelId: channel.id, status: "open", lastMessageAt: t.clock.now() }).returning();
  return row.id;
}

/** Events of a conversation, `minutesAgo` old each; returns their ids in the order given. */
async function eventsAt(orgId: number, conversationId: number, list: [EventType, number][]) {
  const now = t.clock.now().getTime();
  const ids: number[] = [];
  for (const [type, minutesAgo] of list) {
    ids.push(await recordEvent(t.db, { orgId, type, conversationId, data: type === "typing" ? { by: "visitor", name: "Deniz" } : { messageId: 1, direction: "in" }, createdAt: new Date(now - minutesAgo * 60_000) }));
  }
  return ids;
}

const remaining = async (ids: number[]) => (await t.db.select({ id: events.id }).from(events).where(inArray(events.id, ids))).map((r) => r.id).sort((a, b) => a - b);

describe("typing signals' housekeeping", () => {
  it("deletes typing signals past the horizon, batch by batch, and keeps recent ones and every other event", async () => {
    const w = await t.world();
    const other = await t.world("Other");
    const here = await conversation(w.orgId);
    const there = await conversation(other.orgId);
    const horizon = TYPING_KEPT_MS / 60_000;
    expect(horizon).toBeGreaterThanOrEqual(5);
    const old = await eventsAt(w.orgId, here, [["typing", horizon + 1], ["typing", horizon + 2], ["typing", 60 * 24], ["typing", 60 * 24 * 30]]);
    const oldElsewhere = await eventsAt(other.orgId, there, [["typing", horizon + 5]]);
    const kept = [
      ...(await eventsAt(w.orgId, here, [["typing", 0], ["typing", 1], ["typing", horizon - 1]])),
      // Other events of any age stay, the oldest included.
      ...(await eventsAt(w.orgId, here, [["message_created", 60 * 24 * 30], ["message_created", horizon + 1], ["message_updated", 60]])),
      ...(await eventsAt(other.orgId, there, [["message_created", 60 * 24]])),
    ];

    // Two at a time: five old signals take three statements, and all go.
    expect(await removeOldTypingSignals(t.db, t.clock.now(), 2)).toBe(5);
    expect(await remaining([...old, ...oldElsewhere])).toEqual([]);
    expect(await remaining(kept)).toEqual([...kept].sort((a, b) => a - b));

    // A second run finds nothing to do and changes nothing.
    expect(await removeOldTypingSignals(t.db, t.clock.now())).toBe(0);
    expect(await remaining(kept)).toEqual([...kept].sort((a, b) => a - b));
  });

  it("runs as a periodic job, under a lock of its own", async () => {
    const w = await t.world();
    const here = await conversation(w.orgId);
    const [old, recent] = await eventsAt(w.orgId, here, [["typing", TYPING_KEPT_MS / 60_000 + 1], ["typing", 0]]);
    const job = jobs.find((j) => j.name === "typing-signals");
    expect(job).toBeDefined();
    expect(await runJobOnce(t.deps, job!, new Date("2026-11-29T06:20:50Z"))).toBe("ran");
    // The same tick again (another process) is skipped; a later one is harmless.
    expect(await runJobOnce(t.deps, job!, new Date("2026-11-29T06:20:50Z"))).toBe("skipped");
    expect(await runJobOnce(t.deps, job!, new Date("2026-11-29T06:21:50Z"))).toBe("ran");
    expect(await remaining([old, recent])).toEqual([recent]);
    expect((await t.db.select({ id: events.id }).from(events).where(eq(events.type, "typing"))).map((r) => r.id)).toContain(recent);
  });
});
