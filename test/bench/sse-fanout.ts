// The main thread's side of sse-clients.ts (one command at a time to its Worker), the bare fan-out
// server the webhook-to-sse case is read against, and the figures of a run.
import type { Server } from "bun";
import { percentile } from "./load";
import type { SendTo, SseCommand, SseReply } from "./sse-clients";

export class SseClients {
  #worker = new Worker(new URL("./sse-clients.ts", import.meta.url).href);

  #ask<T extends SseReply["type"]>(command: SseCommand, expect: T): Promise<Extract<SseReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.#worker.onmessage = (event: MessageEvent<SseReply>) => {
        if (event.data.type === expect) resolve(event.data as Extract<SseReply, { type: T }>);
        else reject(new Error(`sse-clients answered ${event.data.type}, expected ${expect}`));
      };
      this.#worker.onerror = (event) => reject(new Error(`sse-clients failed: ${event.message}`));
      this.#worker.postMessage(command);
    });
  }

  /** Opens one stream per cookie (`batch` connecting at a time); fails unless every one answered 200. */
  async connect(origin: string, path: string, cookies: string[], batch = 50) {
    const url = new URL(origin);
    const reply = await this.#ask({ type: "connect", host: url.hostname, port: Number(url.port), path, cookies, batch }, "connected");
    if (reply.failed > 0) throw new Error(`${reply.failed} of ${cookies.length} streams did not open; first: ${reply.firstError}`);
    return reply;
  }

  async run(count: number, intervalMs: number, send: SendTo, graceMs = 5_000) {
    const reply = await this.#ask({ type: "run", count, intervalMs, graceMs, send }, "result");
    if (reply.errors > 0) throw new Error(`${reply.errors} of ${count} sends failed; first: ${reply.firstError}`);
    return reply;
  }

  async close() {
    await this.#ask({ type: "close" }, "closed").catch(() => {});
    this.#worker.terminate();
  }
}

export interface FanoutFigures {
  /** Over every (stream, message) pair that arrived. */
  p50: number;
  p95: number;
  p99: number;
  /** Per message: when the first and the last stream had it (p50 and p99 over messages). */
  firstP50: number;
  lastP50: number;
  lastP99: number;
  ackP50: number;
  ackP99: number;
  pairs: number;
  missing: number;
  /** Streams that received every message. */
  complete: number;
  /** Messages no stream received, by number (at most ten). */
  lost: number[];
  bytesPerStreamMessage: number;
}

export function fanoutFigures(result: Extract<SseReply, { type: "result" }>): FanoutFigures {
  const { streams, count, latencies } = result;
  const all: number[] = [];
  const first = new Float64Array(count).fill(Infinity);
  const last = new Float64Array(count).fill(-Infinity);
  let complete = 0;
  for (let s = 0; s < streams; s++) {
    let got = 0;
    for (let i = 0; i < count; i++) {
      const ms = latencies[s * count + i];
      if (Number.isNaN(ms)) continue;
      got++;
      all.push(ms);
      if (ms < first[i]) first[i] = ms;
      if (ms > last[i]) last[i] = ms;
    }
    if (got === count) complete++;
  }
  const sorted = Float64Array.from(all).sort();
  const firsts = first.filter(Number.isFinite).sort();
  const lasts = last.filter(Number.isFinite).sort();
  const acks = result.acks.filter((x) => !Number.isNaN(x)).sort();
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    firstP50: percentile(firsts, 50),
    lastP50: percentile(lasts, 50),
    lastP99: percentile(lasts, 99),
    ackP50: percentile(acks, 50),
    ackP99: percentile(acks, 99),
    pairs: all.length,
    missing: streams * count - all.length,
    complete,
    lost: [...first.keys()].filter((i) => !Number.isFinite(first[i])).slice(0, 10),
    bytesPerStreamMessage: result.bytes / Math.max(1, streams * count),
  };
}

export interface BareSse {
  origin: string;
  stop(): Promise<void>;
}

/**
 * The floor: Bun.serve holding the same number of SSE streams and writing one fragment of `size`
 * bytes carrying the marker to every one of them per POST /publish?m=… — no framework, no session,
 * no database, no rendering.
 */
export function startBareSse(size: number): BareSse {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/publish") {
        const marker = url.searchParams.get("m") ?? "";
        const bytes = encoder.encode(`id: 1\ndata: <div>${marker}</div>${"x".repeat(Math.max(0, size - marker.length - 30))}\n\n`);
        for (const controller of streams) controller.enqueue(bytes);
        return new Response("ok");
      }
      let self: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          self = controller;
          streams.add(controller);
          controller.enqueue(encoder.encode(": hello\n\n"));
        },
        cancel() {
          streams.delete(self);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
    },
  });
  return {
    origin: `http://127.0.0.1:${server.port}`,
    async stop() {
      for (const controller of streams) controller.close();
      streams.clear();
      await server.stop(true);
    },
  };
}
