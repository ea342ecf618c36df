// Publishing a change's events: one NOTIFY in flight per process; what is published meanwhile goes out together.
import { describe, expect, it } from "bun:test";
import { commit, onCommitted } from "../../src/realtime/changes";
import { EVENTS_CHANNEL } from "../../src/realtime/events";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function listening() {
  const payloads: { orgId: number; ids: number[] }[] = [];
  // Resolves once LISTEN is in place.
  const stop = await t.database.listen(EVENTS_CHANNEL, (payload) => payloads.push(JSON.parse(payload)));
  return { payloads, stop };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await Bun.sleep(10);
}

describe("publishing events", () => {
  it("sends what is published while a notification is on its way in one more, per organization, every id once", async () => {
    const heard = await listening();
    try {
      const woken: number[] = [];
      const stopWaking = onCommitted(t.database, (orgId) => woken.push(orgId));
      await Promise.all(Array.from({ length: 30 }, (_, i) => commit(t.database, i % 2 ? 7001 : 7002, async () => [100 + i])));
      stopWaking();
      await until(() => heard.payloads.flatMap((p) => p.ids).length >= 30);
      // This process's own listeners are told at once, each time.
      expect(woken.length).toBe(30);
      const mine = heard.payloads.filter((p) => p.orgId === 7001 || p.orgId === 7002);
      expect(mine.length).toBeLessThan(30);
      expect(mine.length).toBeGreaterThanOrEqual(2);
      for (const orgId of [7001, 7002]) {
        const ids = heard.payloads.filter((p) => p.orgId === orgId).flatMap((p) => p.ids);
        expect(ids.sort()).toEqual(Array.from({ length: 15 }, (_, k) => 100 + 2 * k + (orgId === 7001 ? 1 : 0)));
      }
    } finally {
      await heard.stop();
    }
  });

  it("splits a large batch into payloads NOTIFY accepts", async () => {
    const heard = await listening();
    try {
      const ids = Array.from({ length: 1_000 }, (_, i) => 1_000_000_000 + i);
      await commit(t.database, 7003, async () => ids);
      const mine = () => heard.payloads.filter((p) => p.orgId === 7003);
      await until(() => mine().flatMap((p) => p.ids).length >= ids.length);
      // The three go out at once, on pooled connections: in any order.
      expect(mine().flatMap((p) => p.ids).sort((a, b) => a - b)).toEqual(ids);
      expect(mine().length).toBe(3);
      for (const p of mine()) expect(JSON.stringify(p).length).toBeLessThan(8_000);
    } finally {
      await heard.stop();
    }
  });
});
