// Webhooks stored together (src/channels/group-commit.ts): items that arrive while others are
// committed share the next statement, yet each caller hears back only after its own row is
// committed, and a failing item fails alone. Postgres only: the tests hold locks on a second connection.
import { describe, expect, it } from "bun:test";
import { and, eq, isNull, sql } from "drizzle-orm";
import postgres from "postgres";
import { fixedStatement, inOrder } from "@db/client";
import { messages, webhookDeliveries } from "@db/schema";
import { GroupCommit } from "../../src/channels/group-commit";
import { useTestApp } from "../support/app";
import { addChannel, metaJson, signedPost, waText, whatsappPayload } from "../support/channels";

const t = useTestApp();
const onPostgres = !!process.env.TEST_DATABASE_URL;

/** Stores delivery rows in one statement; each waits first for a shared advisory lock (`lock`), and fails when its `divisor` is 0. */
const storeRows = fixedStatement<{ n: number; id: number; txid: string }>(
  () => sql`with input as (
      select * from json_to_recordset(${sql.placeholder("rows")}::json) as t(n int, channel_id bigint, body text, divisor int, lock bigint)
    ),
    stored as (
      insert into webhook_deliveries (channel_id, body, attempts)
      select t.channel_id, t.body, 1 / t.divisor from input t, lateral (select pg_advisory_xact_lock_shared(t.lock)) l
      order by t.n
      returning id, body
    )
    select t.n, s.id::float8 as id, pg_current_xact_id()::text as txid from input t join stored s on s.body = t.body`,
);

type Item = { channelId: number; body: string; divisor: number; lock: number };
const store = async (items: Item[]) =>
  inOrder(items.length, await storeRows(t.db, { rows: JSON.stringify(items.map((v, n) => ({ n, channel_id: v.channelId, body: v.body, divisor: v.divisor, lock: v.lock }))) }));

let lockKey = 7_500_000;

async function scene() {
  const w = await t.world();
  const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: `42000000${lockKey}`, wabaId: "310000000000001" });
  // Two connections: one holds the lock, the other looks at what is committed.
  const other = postgres(t.databaseUrl!, { max: 2, onnotice: () => {} });
  const blocker = ++lockKey;
  const free = ++lockKey;
  const values = (body: string, opts: { blocked?: boolean; divisor?: number } = {}) => ({ channelId: channel.id, body, divisor: opts.divisor ?? 1, lock: opts.blocked ? blocker : free });
  /** Whether another connection sees the delivery: committed, not merely written. */
  const committed = async (id: number) => (await other`select count(*)::int as n from webhook_deliveries where id = ${id}`)[0].n === 1;
  const stored = async (body: string) => t.db.$count(webhookDeliveries, and(eq(webhookDeliveries.channelId, channel.id), eq(webhookDeliveries.body, body)));
  // Holds the lock the `blocked` statements wait for, on a connection of its own.
  const hold = await other.reserve();
  await hold`select pg_advisory_lock(${blocker})`;
  let released: Promise<void> | null = null;
  const release = () => (released ??= hold`select pg_advisory_unlock(${blocker})`.then(() => hold.release()));
  // A failed expectation must not leave statements waiting on the lock.
  return { values, committed, stored, release, end: () => release().then(() => other.end()) };
}

/** Runs a test in a fresh scene, ending it (the lock released, the second connection closed) whatever happens. */
function inScene(test: (s: Awaited<ReturnType<typeof scene>>) => Promise<void>) {
  return async () => {
    const s = await scene();
    try {
      await test(s);
    } finally {
      await s.end();
    }
  };
}

describe.skipIf(!onPostgres)("group commit", () => {
  it("statements that arrive while one commits share the next transaction, and each resolves only after that commit", inScene(async (s) => {
    const commits = new GroupCommit(store, { inFlight: 1, stuckMs: 60_000 });
    const resolved: string[] = [];
    const run = (body: string, blocked = false) =>
      commits.run(s.values(body, { blocked })).then(async (row) => {
        resolved.push(body);
        // Already visible to everyone when the caller hears back.
        expect(await s.committed(row.id)).toBe(true);
        return row;
      });
    // The first goes alone and waits on the lock; the next three queue behind it.
    const first = run("first", true);
    await Bun.sleep(100);
    const batch = [run("a"), run("b", true), run("c")];
    await Bun.sleep(300);
    expect(resolved).toEqual([]);
    await s.release();
    const [one, ...rows] = await Promise.all([first, ...batch]);
    expect(new Set(rows.map((r) => r.txid)).size).toBe(1);
    expect(rows[0].txid).not.toBe(one.txid);
    expect(resolved[0]).toBe("first");
  }));

  it("no statement of a batch resolves before the whole batch is committed", inScene(async (s) => {
    const commits = new GroupCommit(store, { inFlight: 1, stuckMs: 60_000 });
    const resolved: string[] = [];
    const run = (body: string, blocked = false) => commits.run(s.values(body, { blocked })).then((row) => (resolved.push(body), row));
    const first = run("ahead");
    // Queued together while "ahead" commits: "x" runs at once, "y" then waits on the lock.
    const x = run("x");
    const y = run("y", true);
    await first;
    await Bun.sleep(300);
    // "x" has been written, but its transaction waits on "y": not acknowledged, not visible.
    expect(resolved).toEqual(["ahead"]);
    expect(await s.stored("x")).toBe(0);
    await s.release();
    const [rx, ry] = await Promise.all([x, y]);
    expect(rx.txid).toBe(ry.txid);
    expect(await s.committed(rx.id)).toBe(true);
  }));

  it("a batch stuck on a row lock stops holding the others back", inScene(async (s) => {
    const commits = new GroupCommit(store, { inFlight: 1, stuckMs: 50 });
    let stuckDone = false;
    const stuck = commits.run(s.values("stuck", { blocked: true })).then((row) => ((stuckDone = true), row));
    await Bun.sleep(10);
    const later = await commits.run(s.values("later"));
    expect(await s.committed(later.id)).toBe(true);
    expect(stuckDone).toBe(false);
    await s.release();
    const row = await stuck;
    expect(await s.committed(row.id)).toBe(true);
  }));

  it("a failing statement fails alone: the rest of its batch is committed and resolves", inScene(async (s) => {
    const commits = new GroupCommit(store, { inFlight: 1, stuckMs: 60_000 });
    const first = commits.run(s.values("lead", { blocked: true }));
    await Bun.sleep(100);
    const ok1 = commits.run(s.values("ok-1"));
    const bad = commits.run(s.values("bad", { divisor: 0 }));
    const ok2 = commits.run(s.values("ok-2"));
    await s.release();
    await first;
    const outcomes = await Promise.allSettled([ok1, bad, ok2]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((outcomes[1] as PromiseRejectedResult).reason.cause)).toContain("division by zero");
    for (const o of [outcomes[0], outcomes[2]]) expect(await s.committed((o as PromiseFulfilledResult<{ id: number }>).value.id)).toBe(true);
    expect(await s.stored("ok-1")).toBe(1);
    expect(await s.stored("ok-2")).toBe(1);
    expect(await s.stored("bad")).toBe(0);
  }));
});

describe("webhooks at once", () => {
  it("webhooks from many customers at once are each acknowledged and stored once, in order per customer", async () => {
    const w = await t.world();
    const phoneNumberId = "420000000000999";
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId, wabaId: "310000000000001" });
    const post = (from: string, text: string) => {
      const m = waText(from, "Müşteri", text);
      return t.app.request(`/webhooks/${channel.webhookKey}`, signedPost(metaJson(whatsappPayload(phoneNumberId, { contacts: [m.contact], messages: [m.message] }))));
    };
    const customers = Array.from({ length: 12 }, (_, i) => `9055511100${String(i).padStart(2, "0")}`);
    // First messages open the conversations; the second round is stored and applied as it arrives, in shared statements.
    for (const res of await Promise.all(customers.map((from) => post(from, "ilk")))) expect(res.status).toBe(200);
    await t.app.runtime.background.idle();
    for (const res of await Promise.all(customers.flatMap((from) => [post(from, "ikinci"), post(from, "üçüncü")]))) expect(res.status).toBe(200);
    await t.app.runtime.background.idle();
    const stored = await t.db.select().from(messages).where(eq(messages.channelId, channel.id)).orderBy(messages.id);
    expect(stored.length).toBe(36);
    // Each customer's messages in the order they were posted, in one conversation.
    const byConversation = Map.groupBy(stored, (m) => m.conversationId);
    expect(byConversation.size).toBe(12);
    for (const theirs of byConversation.values()) expect(theirs.map((m) => m.body)).toEqual(["ilk", "ikinci", "üçüncü"]);
    const unprocessed = await t.db.$count(webhookDeliveries, and(eq(webhookDeliveries.channelId, channel.id), isNull(webhookDeliveries.processedAt)));
    expect(unprocessed).toBe(0);
  });
});
