// HTTP load measurement: N requests at a fixed concurrency, bounded by count and by time, against a
// loopback URL; and the bare Bun.serve every figure is compared with.
import type { Server } from "bun";

export interface LoadOptions {
  concurrency: number;
  /** Most requests to measure (after warm-up). */
  requests: number;
  /** Stop measuring after this long even if fewer requests were made. */
  seconds: number;
  /** Requests made before measuring, at most `warmupSeconds` long. */
  warmup?: number;
  warmupSeconds?: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Any other status counts as an error and fails the measurement. */
  expectStatus?: number;
}

/** What the main thread sends the worker. */
export interface LoadJob {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  expectStatus: number;
  concurrency: number;
  requests: number;
  seconds: number;
  warmup: number;
  warmupSeconds: number;
}

/** What the worker sends back. */
export interface LoadSample {
  latencies: Float64Array;
  elapsedMs: number;
  errors: number;
  firstError: string | null;
  statuses: Record<string, number>;
  bytes: number;
}

export interface LoadResult {
  concurrency: number;
  requests: number;
  elapsedMs: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  rps: number;
  bytesPerResponse: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(sample: LoadSample, concurrency: number): LoadResult {
  const sorted = sample.latencies.slice().sort();
  const n = sorted.length;
  const total = sorted.reduce((sum, ms) => sum + ms, 0);
  return {
    concurrency,
    requests: n,
    elapsedMs: sample.elapsedMs,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: n ? total / n : NaN,
    rps: n ? n / (sample.elapsedMs / 1000) : 0,
    bytesPerResponse: n ? sample.bytes / n : 0,
  };
}

export async function measureLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const host = new URL(url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") throw new Error(`Benchmarks load loopback addresses only, not ${host}`);
  const job: LoadJob = {
    url,
    method: options.method ?? "GET",
    headers: options.headers ?? {},
    body: options.body,
    expectStatus: options.expectStatus ?? 200,
    concurrency: options.concurrency,
    requests: options.requests,
    seconds: options.seconds,
    warmup: options.warmup ?? Math.min(200, Math.ceil(options.requests / 10)),
    warmupSeconds: options.warmupSeconds ?? 2,
  };
  const worker = new Worker(new URL("./load-worker.ts", import.meta.url).href);
  try {
    const sample = await new Promise<LoadSample>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<LoadSample>) => resolve(event.data);
      worker.onerror = (event) => reject(new Error(`load worker failed: ${event.message}`));
      worker.postMessage(job);
    });
    if (sample.errors > 0) {
      throw new Error(`${sample.errors} of ${sample.latencies.length} requests to ${new URL(url).pathname} failed; first: ${sample.firstError} ${JSON.stringify(sample.statuses)}`);
    }
    if (sample.latencies.length === 0) throw new Error(`No request to ${url} completed within ${options.seconds} s`);
    return summarize(sample, options.concurrency);
  } finally {
    worker.terminate();
  }
}

export interface BaselineServer {
  url: string;
  stop(): Promise<void>;
}

/** The floor every figure is read against: Bun.serve answering "ok" with no framework and no database. */
export function startBaselineServer(): BaselineServer {
  const server: Server<undefined> = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") });
  return { url: `http://127.0.0.1:${server.port}/`, stop: () => server.stop(true) };
}
