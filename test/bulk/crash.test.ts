// A bulk send survives its process dying at any moment: another process takes the send over once
// the dead one's lease lapses, and no recipient is sent twice. On Postgres the runner really runs in
// a child process killed with SIGKILL at random points, and the fake Graph API counts what it got.
import { describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { rows } from "@db/client";
import { bulkRecipients, bulkSends, messages } from "@db/schema";
import { createBulkSend } from "../../src/bulk/sends";
import { commit } from "../../src/realtime/changes";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";
import { bulkWorld, newRunner, runToEnd } from "./support";

const t = useTestApp();
const live = useLiveChannels(t);
const template = { name: "order_update", language: "en" };

function numbers(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => `+90554${prefix}${String(i).padStart(4, "0")}`);
}

async function left(sendId: number) {
  const [row] = await rows<{ queued: number; open: number }>(
    t.db,
    sql`select (select count(*) from bulk_recipients where bulk_send_id = ${sendId} and state = 'queued')::int as queued,
      (select count(*) from outbox o join bulk_recipients r on r.message_id = o.message_id where r.bulk_send_id = ${sendId} and o.done_at is null)::int as open`,
  );
  return row;
}

/** Each number the fake took a send for, with how many sends it took. */
function takenBy(phoneId: string) {
  const counts = new Map<string, number>();
  for (const m of live.fake.sent.filter((s) => s.channel === phoneId)) counts.set(m.to, (counts.get(m.to) ?? 0) + 1);
  return counts;
}

describe("a crash mid-run", () => {
  it("a send whose runner died holding it is taken over after its lease; what the dead runner handed over is not sent again", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "450000000000001");
    const list = numbers("1", 10);
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "Takeover", channelId: channel.id, template, parameters: ["{{contact.name}}", "B-1"], filter: null, numbers: list, skipOpen: false, pace: 5, startAt: null }, t.clock.now()),
    );
    const dead = newRunner(t);
    await dead.runOnce();
    t.clock.advance(1_000);
    await dead.runOnce();
    // It "dies" here: its recipients are in the outbox, its lease still held. A second runner waits for the lease.
    const heir = newRunner(t);
    await heir.runOnce();
    const [held] = await t.db.select().from(bulkSends).where(eq(bulkSends.id, made.send.id));
    expect(held.leaseOwner).toBe(dead.owner);
    t.clock.advance(11_000);
    await runToEnd(t, live, heir);
    const [after] = await t.db.select().from(bulkSends).where(eq(bulkSends.id, made.send.id));
    expect(after.leaseOwner).toBe(heir.owner);
    const taken = takenBy(channel.phoneId);
    expect(taken.size).toBe(10);
    expect([...taken.values()].every((n) => n === 1)).toBe(true);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("kill -9 at random points, again and again: every recipient is sent at most once, and all are settled", async () => {
    const { w, channel, supervisor } = await bulkWorld(t, live, "450000000000002");
    const list = numbers("2", 150);
    const made = await commit(t.database, w.orgId, (db) =>
      createBulkSend(db, supervisor, { name: "Crashes", channelId: channel.id, template, parameters: ["{{contact.name}}", "C-1"], filter: null, numbers: list, skipOpen: false, pace: 40, startAt: null }, t.clock.now()),
    );
    const child = () =>
      Bun.spawn(["bun", "test/bulk/support/runner-child.ts"], {
        env: { ...process.env, CHILD_DATABASE_URL: t.databaseUrl!, CHILD_SECRETS_KEY: t.config.SECRETS_KEY!, CHILD_GRAPH_URL: live.fake.url },
        stdout: "ignore",
        stderr: "inherit",
      });
    let kills = 0;
    for (let round = 0; round < 40 && (await left(made.send.id)).queued > 0; round++) {
      const proc = child();
      await Bun.sleep(300 + Math.floor(Math.random() * 900));
      proc.kill(9);
      await proc.exited;
      kills++;
    }
    // One last process finishes the run (proofs of sends the dead ones made arrive meanwhile).
    const last = child();
    for (let i = 0; i < 300; i++) {
      const now = await left(made.send.id);
      if (now.queued === 0 && now.open === 0) break;
      await Bun.sleep(100);
    }
    last.kill(9);
    await last.exited;
    await live.settle();
    expect(kills).toBeGreaterThan(1);
    expect(await left(made.send.id)).toEqual({ queued: 0, open: 0 });
    const taken = takenBy(channel.phoneId);
    // Nobody twice.
    expect([...taken.entries()].filter(([, n]) => n > 1)).toEqual([]);
    const results = await t.db
      .select({ delivery: messages.delivery, errorCode: messages.errorCode, phone: sql<string>`(select phone from contacts k where k.id = ${bulkRecipients.contactId})` })
      .from(bulkRecipients)
      .innerJoin(messages, eq(messages.id, bulkRecipients.messageId))
      .where(and(eq(bulkRecipients.bulkSendId, made.send.id)));
    expect(results).toHaveLength(150);
    for (const r of results) {
      const got = taken.get(r.phone.slice(1)) ?? 0;
      // What the provider took is recorded as sent; a send a process died before making is called unconfirmed, never guessed.
      if (got === 1) expect(["sent", "delivered", "read"]).toContain(r.delivery!);
      else expect({ delivery: r.delivery, errorCode: r.errorCode }).toEqual({ delivery: "failed", errorCode: "unconfirmed" });
    }
    expect(taken.size).toBeGreaterThan(100);
  }, 120_000);
});
