// The one seam after commit: a change's event ids reach the listeners once it has committed, and
// never when it rolled back.
import { describe, expect, it } from "bun:test";
import { inArray } from "drizzle-orm";
import { events } from "@db/schema";
import { actorFor } from "../../src/auth/accounts";
import { changeStatus, StatusChangeRefused } from "../../src/cockpit/statuses";
import { commit, onCommitted } from "../../src/realtime/changes";
import { recordEvent } from "../../src/realtime/events";
import { useTestApp } from "../support/app";

const t = useTestApp();

type Heard = { orgId: number; ids: number[]; rows: Promise<number> }[];

/** Runs `test` with a listener on the seam: what it hears, with each batch's rows as read the moment it heard them. */
async function hearing(test: (heard: Heard) => Promise<void>) {
  const heard: Heard = [];
  const stop = onCommitted(t.database, (orgId, ids) => {
    heard.push({ orgId, ids, rows: t.db.select({ id: events.id }).from(events).where(inArray(events.id, ids)).then((r) => r.length) });
  });
  try {
    await test(heard);
  } finally {
    stop();
  }
}

describe("the after-commit seam", () => {
  it("hands listeners the event ids of a committed change, whose rows are already there to read", async () => {
    const w = await t.world();
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    await hearing(async (heard) => {
      const done = await commit(t.database, w.orgId, (db) => changeStatus(db, agent, agent.userId, "break", t.clock.now()));
      expect(done.eventId).not.toBeNull();
      expect(heard.map(({ orgId, ids }) => ({ orgId, ids }))).toEqual([{ orgId: w.orgId, ids: [done.eventId!] }]);
      expect(await heard[0].rows).toBe(1);
    });
  });

  it("hands listeners nothing of a change that rolled back", async () => {
    const w = await t.world();
    const agent = (await actorFor(t.db, w.agent.id, w.orgId))!;
    let written = 0;
    await hearing(async (heard) => {
      const refused = commit(t.database, w.orgId, (db) =>
        db.transaction(async (tx) => {
          written = await recordEvent(tx, { orgId: w.orgId, type: "status_changed", subjectUserId: agent.userId, data: { to: "break" }, createdAt: t.clock.now() });
          throw new Error("refused after writing its event");
        }),
      );
      await expect(refused).rejects.toThrow("refused after writing its event");
      // A domain function refusing inside its transaction: an agent may not set another's status.
      await expect(commit(t.database, w.orgId, (db) => changeStatus(db, agent, w.supervisor.id, "break", t.clock.now()))).rejects.toBeInstanceOf(StatusChangeRefused);
      expect(written).toBeGreaterThan(0);
      expect(await t.db.select().from(events).where(inArray(events.id, [written]))).toEqual([]);
      expect(heard).toEqual([]);
    });
  });

  it("publishes nothing for a change that changed nothing", async () => {
    const w = await t.world();
    await hearing(async (heard) => {
      expect(await commit(t.database, w.orgId, async () => null)).toBeNull();
      expect(await commit(t.database, w.orgId, async () => ({ eventIds: [] }))).toEqual({ eventIds: [] });
      expect(await commit(t.database, w.orgId, async () => ({ eventId: null }))).toEqual({ eventId: null });
      expect(heard).toEqual([]);
    });
  });

  it("hears a route's change: the app's routes commit through the seam", async () => {
    const w = await t.world();
    await hearing(async (heard) => {
      const agent = await t.signIn(w.agent.email, w.orgId);
      heard.length = 0;
      const res = await agent.post("/me/status", { status: "break" });
      expect(res.status).toBeLessThan(400);
      const [row] = heard;
      expect(row?.orgId).toBe(w.orgId);
      const [event] = await t.db.select().from(events).where(inArray(events.id, row.ids));
      expect(event).toMatchObject({ type: "status_changed", subjectUserId: w.agent.id, data: { to: "break" } });
    });
  });
});
