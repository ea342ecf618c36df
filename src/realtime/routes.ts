// The live stream: GET /events sends this viewer's fragments for every new event, as SSE with the
// event id, so a reconnecting browser (Last-Event-ID) gets what it missed.
import { Hono } from "hono";
import { eq, max } from "drizzle-orm";
import { events } from "@db/schema";
import type { SignedInEnv } from "../context";
import { formatResumePoint, parseResumePoint, RESUME_WINDOW, type EventBus } from "./bus";
import { SeenEvents, sendInOrder } from "./seen";
import type { LiveRenderers } from "./renderers";
import { keepOpen, liveStream, sseMessage } from "./keep-open";
import type { StreamStanding } from "./standing";

const encoder = new TextEncoder();
/**
 * Frames of the last few event ids, by their data: the many streams sent the same fragment share its
 * bytes. Few ids, as an agent who sees only their own gets fragments of their own. Messages without
 * an id (fragments sent later, such as tab counts) are kept under 0, which no event has.
 */
const frames = new Map<string, Map<string, Uint8Array>>();
const FRAMED_IDS = 16;

/**
 * An SSE message encoded once per id and data: with a thousand agents on the inbox, splitting and
 * encoding each copy cost more than the fragments themselves. `id` null: a message that moves no
 * resume point.
 */
function sseFrame(id: string | null, data: string): Uint8Array {
  const key = id ?? "";
  let byData = frames.get(key);
  if (!byData) {
    if (frames.size >= FRAMED_IDS) frames.delete(frames.keys().next().value!);
    frames.set(key, (byData = new Map()));
  }
  let bytes = byData.get(data);
  if (!bytes) byData.set(data, (bytes = encoder.encode(sseMessage({ id: id ?? undefined, data }))));
  return bytes;
}

/** The signed-in live stream; the app mounts it behind its sign-in check. */
export function realtimeRoutes(bus: EventBus, renderers: LiveRenderers, streams: StreamStanding) {
  const app = new Hono<SignedInEnv>();
  app.get("/", async (c) => {
    const actor = c.get("actor");
    const { database, log } = c.get("deps");
    const db = database.db;
    const viewer = renderers.viewer(actor, c.get("locale"), c.req.query());
    // Bun closes idle connections after idleTimeout; a live stream must stay open.
    c.env?.server?.timeout(c.req.raw, 0);
    await bus.start();
    let from = parseResumePoint(c.req.header("last-event-id"));
    if (!from) {
      // A first connection starts where the page was drawn (`since`), so what committed while it
      // loaded is sent too; never after the newest event, and without one, from the newest.
      const [row] = await db.select({ id: max(events.id) }).from(events).where(eq(events.orgId, actor.orgId));
      const newest = row?.id ?? 0;
      const since = parseResumePoint(c.req.query("since"));
      from = since ? { id: Math.min(since.id, newest), xmin: since.xmin } : { id: newest, xmin: null };
    }
    // Events below the largest id sent may still be due (their transaction committed late): the
    // replay may send some the browser has, which redraws them in place.
    const seen = new SeenEvents(from.id, from.xmin === null ? from.id : from.id - RESUME_WINDOW);
    const subscribedAt = performance.now();
    /** Until the replay is written, the point the browser came with; then the replay's, or a later mark of the bus. */
    let replayXmin = from.xmin;
    let replayed = false;
    const resumeId = () => formatResumePoint({ id: seen.max, xmin: (replayed && bus.settledXmin(subscribedAt)) || replayXmin });

    return liveStream(c, async (stream) => {
      let waiting: Promise<string> | null = null;
      let laterSent = "";
      const send = sendInOrder(stream, seen, async (event) => {
        const html = await renderers.render(event, viewer);
        // The largest id seen so far is where the browser resumes (a late, smaller id must not
        // move it back); an id-only message still moves it forward.
        const id = resumeId();
        stream.write(html ? sseFrame(id, html) : `id: ${id}\n\n`);
        const later = renderers.later(event, viewer);
        if (!later) return;
        // Written when ready, the newest event's only: an older one finishing late would undo it.
        waiting = later;
        later.then(
          (html) => {
            if (waiting !== later || !html || html === laterSent) return;
            laterSent = html;
            stream.write(sseFrame(null, html));
          },
          (error) => log.error("live fragments sent later failed", { error }),
        );
      });
      // Subscribe before replaying, so nothing committed in between is missed; ids dedupe.
      const unsubscribe = bus.subscribe(actor.orgId, send);
      const xmin = await bus.replay(actor.orgId, from, send);
      // Once every replayed event is written, the replay's point holds for what comes next.
      await send([]);
      replayXmin = xmin;
      replayed = true;
      // Open until the client leaves, or its session stops standing (signed out, deactivated,
      // removed, expired): then the stream ends, and the browser's reconnect meets the sign-in check.
      const standing = streams.watch(c.get("sessionId")!, actor.orgId);
      await Promise.race([keepOpen(stream), standing.lapsed]);
      standing.stop();
      unsubscribe();
    });
  });
  return app;
}

