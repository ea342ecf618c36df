// Bulk sends against the fake Graph API: a WhatsApp channel with its templates synced, contacts to
// send to, and a loop that runs the bulk runner and the outbox as the app's timers would, moving
// the fixed clock on between passes.
import { eq, sql } from "drizzle-orm";
import { rows } from "@db/client";
import { channels, contacts, conversationTags, conversations, tags } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { BulkRunner } from "../../src/bulk/runner";
import { syncTemplates } from "../../src/channels/templates";
import type { TestApp } from "../support/app";
import type { Live } from "../channels/support/live-channels";

export async function bulkWorld(t: TestApp, live: Live, phoneNumberId: string) {
  const w = await t.world();
  const channel = await live.channel(w.orgId, "whatsapp", phoneNumberId);
  await syncTemplates(t.deps, channel);
  const [synced] = await t.db.select().from(channels).where(eq(channels.id, channel.id));
  const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
  const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
  return { w, channel: { ...synced, phoneId: phoneNumberId }, supervisor, agent };
}

/** `n` contacts with numbers +90555{prefix}NNNN, each with a closed conversation tagged `tag`. */
export async function taggedContacts(t: TestApp, orgId: number, channelId: number, tag: string, n: number, prefix: string) {
  const [made] = await t.db.insert(tags).values({ orgId, name: tag }).returning();
  const rows = await t.db
    .insert(contacts)
    .values(Array.from({ length: n }, (_, i) => ({ orgId, name: `Customer ${prefix}${i}`, phone: `+90555${prefix}${String(i).padStart(4, "0")}`, customFields: { order_no: `A-${i}` } })))
    .returning();
  const convs = await t.db
    .insert(conversations)
    .values(rows.map((c) => ({ orgId, contactId: c.id, channelId, status: "closed" as const, closedAt: t.clock.now() })))
    .returning({ id: conversations.id });
  await t.db.insert(conversationTags).values(convs.map((c) => ({ conversationId: c.id, tagId: made.id })));
  return { tagId: made.id, contacts: rows };
}

/** Runs the runner and the outbox until nothing is queued or in flight, `stepMs` of clock per pass. */
export async function runToEnd(t: TestApp, live: Live, runner: BulkRunner, stepMs = 1_000, maxPasses = 200) {
  for (let i = 0; i < maxPasses; i++) {
    await runner.runOnce();
    await t.app.runtime.outbox.runOnce();
    await live.settle();
    const [left] = await rows<{ n: number }>(t.db, sql`select (select count(*) from bulk_recipients where state = 'queued')::int + (select count(*) from outbox where done_at is null)::int as n`);
    if (Number(left.n) === 0) return i + 1;
    t.clock.advance(stepMs);
  }
  throw new Error("bulk send did not finish");
}

export function newRunner(t: TestApp) {
  return new BulkRunner(t.deps, () => {}, { progressMs: 0 });
}
