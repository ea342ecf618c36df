import { describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { openPostgres, rows, type Db } from "@db/client";
import { agentStatsWatermarks, channels, closingMessages, events } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { actorFor } from "../../src/auth/accounts";
import { refreshOrganizationStats, todaysFigures } from "../../src/cockpit/metrics";
import { assignConversation } from "../../src/inbox/assignment";
import { closeConversation } from "../../src/inbox/closing";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp } from "../support/app";

const t = useTestApp();
const TZ = "Europe/Istanbul";
const onPostgres = !!process.env.TEST_DATABASE_URL;

/** An organization with a WhatsApp channel and `n` conversations assigned to Okan. */
async function assigned(n: number) {
  const w = await t.world();
  const [wa] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
  const supervisor = (await actorFor(t.db, w.supervisor.id, w.orgId))!;
  const okan = (await actorFor(t.db, w.agent.id, w.orgId))!;
  const [closing] = await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, w.orgId));
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const { conversationId } = await ingestInbound(t.db, {
      orgId: w.orgId,
      channelId: wa.id,
      externalId: `${w.orgId}-c${i}`,
      contactName: `C${i}`,
      body: "merhaba",
      providerMessageId: `m-${w.orgId}-${i}`,
      at: t.clock.now(),
    });
    await assignConversation(t.db, supervisor, conversationId, { userId: w.agent.id }, t.clock.now());
    ids.push(conversationId);
  }
  const close = (db: Db | Parameters<Parameters<Db["transaction"]>[0]>[0], id: number, at = t.clock.now()) => closeConversation(db, okan, id, closing.id, "en", at);
  const refresh = (db: Db = t.db, at = t.clock.now()) => refreshOrganizationStats(db, w.orgId, TZ, at);
  const resolved = async (at = t.clock.now()) => (await todaysFigures(t.db, w.orgId, TZ, at, null)).get(w.agent.id)?.resolved ?? 0;
  return { w, ids, close, refresh, resolved };
}

/** A second Kanal process on the same Postgres (on PGlite, the one process there is). */
async function secondProcess() {
  if (!t.databaseUrl) return { db: t.db, close: async () => {} };
  const other = await openPostgres(t.databaseUrl, { migrate: false, max: 3 });
  return { db: other.db, close: () => other.close() };
}

describe("cockpit metrics counted incrementally", () => {
  it("an event whose id was taken before a counted one's, but committed after it, is counted once", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const { w, ids, close, refresh, resolved } = await assigned(2);
    await refresh();
    // A writer takes an id, and commits only after a later id was committed and counted.
    const [{ id: early }] = await rows<{ id: string }>(t.db, sql`select nextval(pg_get_serial_sequence('events', 'id')) as id`);
    t.clock.advance("2m");
    await close(t.db, ids[0]);
    await refresh();
    expect(await resolved()).toBe(1);
    await t.db.insert(events).values({ id: Number(early), orgId: w.orgId, type: "closed", conversationId: ids[1], actorId: w.agent.id, subjectUserId: w.agent.id, data: { ms: 240_000 }, createdAt: t.clock.now() });
    await refresh();
    await refresh();
    expect(await resolved()).toBe(2);
    expect((await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null)).get(w.agent.id)!.avgResolutionMs).toBe(3 * 60_000);
  });

  it.skipIf(!onPostgres)("a transaction still open during a run, whose event has the smaller id, is counted when it commits", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const { ids, close, refresh, resolved } = await assigned(2);
    await refresh();
    const other = await secondProcess();
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    try {
      const slow = other.db.transaction(async (tx) => {
        await close(tx, ids[1]);
        wrote();
        await held;
      });
      await written;
      await close(t.db, ids[0]);
      const closedIn = async () =>
        (await rows<{ conversation_id: string }>(t.db, sql`select conversation_id from events where type = 'closed' and conversation_id in (${ids[0]}, ${ids[1]}) order by id`)).map((r) => Number(r.conversation_id));
      expect(await closedIn()).toEqual([ids[0]]); // the open transaction's event is not visible yet
      await refresh();
      expect(await resolved()).toBe(1);
      commit();
      await slow;
      expect(await closedIn()).toEqual([ids[1], ids[0]]); // visible now, with the smaller id
      await refresh();
      await refresh();
      expect(await resolved()).toBe(2);
    } finally {
      commit();
      await other.close();
    }
  });

  it("runs repeated with nothing new count nothing twice, and add up to a rebuild from scratch", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const { w, ids, close, refresh, resolved } = await assigned(5);
    // On Postgres another process keeps a transaction open meanwhile, so every run's snapshot
    // starts before it and the events committed since stay above that start, run after run.
    const other = await secondProcess();
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    let began!: () => void;
    const begun = new Promise<void>((resolve) => (began = resolve));
    const open = onPostgres
      ? other.db.transaction(async (tx) => {
          await tx.execute(sql`select pg_current_xact_id()`);
          began();
          await ended;
        })
      : (began(), Promise.resolve());
    try {
      await begun;
      for (const [i, id] of ids.entries()) {
        t.clock.advance("1m");
        await close(t.db, id);
        if (i % 2 === 0) await refresh();
        await refresh();
      }
      await refresh();
      expect(await resolved()).toBe(5);
    } finally {
      end();
      await open;
      await other.close();
    }
    const incremental = await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null);
    await t.db.delete(agentStatsWatermarks).where(eq(agentStatsWatermarks.orgId, w.orgId));
    await refresh();
    expect(await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null)).toEqual(incremental);
  });

  it("two processes running at once count every event once", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const { w, ids, close, refresh, resolved } = await assigned(6);
    const other = await secondProcess();
    try {
      await Promise.all([refresh(), refresh(other.db)]);
      for (const [i, id] of ids.entries()) {
        t.clock.advance("1m");
        await close(t.db, id);
        if (i % 2) await Promise.all([refresh(), refresh(other.db), refresh()]);
      }
      expect(await resolved()).toBe(6);

      // One run holds the organization's watermark while the other starts: the second waits, then
      // counts from where the first stopped.
      await t.db.insert(events).values({ orgId: w.orgId, type: "forwarded", conversationId: ids[0], actorId: w.agent.id, subjectUserId: w.agent2.id, createdAt: t.clock.now() });
      let finish!: () => void;
      const held = new Promise<void>((resolve) => (finish = resolve));
      let ran!: () => void;
      const firstRan = new Promise<void>((resolve) => (ran = resolve));
      const first = other.db.transaction(async (tx) => {
        await refreshOrganizationStats(tx, w.orgId, TZ, t.clock.now());
        ran();
        await held;
      });
      await firstRan;
      const second = refresh();
      finish();
      await Promise.all([first, second]);
      expect((await todaysFigures(t.db, w.orgId, TZ, t.clock.now(), null)).get(w.agent.id)).toMatchObject({ resolved: 6, forwarded: 1 });
    } finally {
      await other.close();
    }
  });

  it("after a dump is restored into another cluster, today is rebuilt once and the restored events count once", async () => {
    t.clock.set("2026-01-05T09:00:00Z");
    const { w, ids, close, refresh, resolved } = await assigned(2);
    await close(t.db, ids[0]);
    await refresh();
    // The other cluster's transaction ids run far ahead of this one's.
    await t.db.update(agentStatsWatermarks).set({ snapshot: "9000000000:9000000005:9000000002" }).where(eq(agentStatsWatermarks.orgId, w.orgId));
    await t.db.insert(events).values({ orgId: w.orgId, type: "closed", conversationId: ids[1], actorId: w.agent.id, subjectUserId: w.agent.id, data: { ms: 60_000 }, createdAt: t.clock.now(), txid: "9000000002" });
    await refresh();
    expect(await resolved()).toBe(2);
    await refresh();
    expect(await resolved()).toBe(2);
  });

  it("a late event of yesterday lands on yesterday's row; today starts fresh", async () => {
    t.clock.set("2026-01-05T20:50:00Z"); // 23:50 in Istanbul
    const { ids, close, refresh, resolved } = await assigned(2);
    await close(t.db, ids[0]);
    await refresh();
    expect(await resolved()).toBe(1);
    t.clock.set("2026-01-05T21:05:00Z"); // 00:05 the next day
    await refresh();
    expect(await resolved()).toBe(0);
    // Stamped 23:58 yesterday, committed after midnight's run.
    const yesterday = new Date("2026-01-05T20:58:00Z");
    await close(t.db, ids[1], yesterday);
    t.clock.advance("1m");
    await refresh();
    expect(await resolved()).toBe(0);
    expect(await resolved(yesterday)).toBe(2);
  });
});
