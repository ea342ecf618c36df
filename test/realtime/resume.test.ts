// A live stream that drops and comes back gets every event it missed, whatever order their
// transactions committed in and however many there were; a read the database refuses for a moment
// is tried again. Each test counts, per stream, the events received against the events table.
import { describe, expect, it } from "bun:test";
import { Hono } from "hono";
import { and, eq, gt } from "drizzle-orm";
import { openPostgres, type Database } from "@db/client";
import { events } from "@db/schema";
import type { Actor, AppEnv } from "../../src/context";
import { createLogger } from "../../src/log";
import { EventBus } from "../../src/realtime/bus";
import { commit } from "../../src/realtime/changes";
import { recordEvent, type EventType } from "../../src/realtime/events";
import { LiveRenderers } from "../../src/realtime/renderers";
import { realtimeRoutes } from "../../src/realtime/routes";
import { StreamStanding } from "../../src/realtime/standing";
import { useTestApp } from "../support/app";

const t = useTestApp();
/** A type no feature draws: only this file's renderer answers it. */
const PROBE = "probe" as EventType;

/** The real stream route and bus, with one renderer that names each event, so a stream's events can be counted. */
function probeStreams(database: Database, orgId: number) {
  const bus = new EventBus(database, createLogger("silent"));
  const renderers = new LiveRenderers().everyView({ events: new Set(["probe"]), render: async (e) => `<i data-event="${e.id}"></i>` });
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set("actor", { orgId, userId: "probe", role: "admin" } as unknown as Actor);
    c.set("deps", { ...t.deps, database });
    c.set("locale", "en");
    await next();
  });
  // Sessions are not this test's subject: the probe has none, so the standing check never sweeps here.
  const standing = new StreamStanding(database, () => new Date(), createLogger("silent"), 3_600_000);
  app.route("/events", realtimeRoutes(bus, renderers, standing));
  return { bus, app };
}

/** A stream's reader: collects the events it names and the last SSE id, until dropped. */
function listen(app: Hono<AppEnv>, lastEventId?: string) {
  const received = new Set<number>();
  let lastId = lastEventId;
  const controller = new AbortController();
  const done = (async () => {
    const res = await app.request("/events", { headers: lastEventId ? { "last-event-id": lastEventId } : {}, signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          for (const match of block.matchAll(/data-event="(\d+)"/g)) received.add(Number(match[1]));
          const id = /^id: (.+)$/m.exec(block)?.[1];
          if (id) lastId = id;
        }
      }
    } catch {
      // Dropped.
    }
  })();
  return {
    received,
    get lastId() {
      return lastId;
    },
    async drop() {
      controller.abort();
      await done;
    },
  };
}

async function probeIds(orgId: number, after: number): Promise<number[]> {
  const rows = await t.db.select({ id: events.id }).from(events).where(and(eq(events.orgId, orgId), eq(events.type, "probe"), gt(events.id, after)));
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

async function writeProbes(database: Database, orgId: number, n: number) {
  await commit(database, orgId, (db) => db.transaction(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(await recordEvent(tx, { orgId, type: PROBE }));
    return ids;
  }));
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await Bun.sleep(20);
}

const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);

describe("resuming a live stream", () => {
  it("after a gap of more than a replay page, every missed event is sent", async () => {
    const w = await t.world();
    const { bus, app } = probeStreams(t.database, w.orgId);
    const start = Math.max(0, ...(await probeIds(w.orgId, 0)));
    const first = listen(app);
    await Bun.sleep(200);
    await writeProbes(t.database, w.orgId, 3);
    await until(() => first.received.size === 3);
    await first.drop();
    // 1,200 events while the stream is away: more than two replay pages.
    for (let i = 0; i < 4; i++) await writeProbes(t.database, w.orgId, 300);
    const again = listen(app, first.lastId);
    const all = await probeIds(w.orgId, start);
    await until(() => all.every((id) => first.received.has(id) || again.received.has(id)));
    await again.drop();
    expect(sorted(new Set([...first.received, ...again.received]))).toEqual(all);
    await bus.stop();
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("events committing out of order while streams drop and resume all reach every stream", async () => {
    const w = await t.world();
    const { bus, app } = probeStreams(t.database, w.orgId);
    // Another process: its commits reach this one by NOTIFY only.
    const other = await openPostgres(t.databaseUrl!, { migrate: false });
    try {
      const start = Math.max(0, ...(await probeIds(w.orgId, 0)));
      const streams = [listen(app), listen(app), listen(app)];
      await Bun.sleep(300);
      const received = streams.map((s) => s.received);
      for (let round = 0; round < 3; round++) {
        // A transaction takes its ids first and commits last, around the drops and resumes.
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        let taken!: () => void;
        const idsTaken = new Promise<void>((r) => (taken = r));
        const slow = commit(other, w.orgId, (db) => db.transaction(async (tx) => {
          const ids = [await recordEvent(tx, { orgId: w.orgId, type: PROBE }), await recordEvent(tx, { orgId: w.orgId, type: PROBE })];
          taken();
          await held;
          return ids;
        }));
        await idsTaken;
        await writeProbes(t.database, w.orgId, 5);
        await writeProbes(other, w.orgId, 5);
        await Bun.sleep(100);
        // Every stream drops after seeing the larger ids; the smaller ones commit while they are away.
        for (let i = 0; i < streams.length; i++) await streams[i].drop();
        release();
        await slow;
        await writeProbes(other, w.orgId, 3);
        for (let i = 0; i < streams.length; i++) {
          const resumed = listen(app, streams[i].lastId);
          for (const id of received[i]) resumed.received.add(id);
          received[i] = resumed.received;
          streams[i] = resumed;
        }
        await Bun.sleep(100);
      }
      const all = await probeIds(w.orgId, start);
      await until(() => received.every((r) => all.every((id) => r.has(id))));
      for (const s of streams) await s.drop();
      for (const r of received) expect(sorted(r)).toEqual(all);
    } finally {
      await bus.stop();
      await other.close();
    }
  });

  it("a read of notified events that fails for a moment is tried again, not dropped", async () => {
    const w = await t.world();
    let failures = 0;
    const db = new Proxy(t.database.db, {
      get(target, prop) {
        if (prop === "select" && failures > 0) {
          failures--;
          return () => {
            throw new Error("connection reset");
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const flaky: Database = { ...t.database, db };
    const { bus, app } = probeStreams(flaky, w.orgId);
    const start = Math.max(0, ...(await probeIds(w.orgId, 0)));
    const stream = listen(app);
    await Bun.sleep(300);
    failures = 2;
    // Committed elsewhere: this bus hears the ids and must read the rows.
    await writeProbes(t.database, w.orgId, 4);
    const all = await probeIds(w.orgId, start);
    await until(() => all.every((id) => stream.received.has(id)));
    await stream.drop();
    expect(sorted(stream.received)).toEqual(all);
    await bus.stop();
  });
});
