// The HTTP client loop of every benchmark, run in a Worker so that its JavaScript does not share a
// thread with the server being measured. It receives one LoadJob and answers with one LoadSample.
// Requests go out through http-client.ts (keep-alive sockets of its own, not fetch), framed once.
import { requestBytes, Sockets } from "./http-client";
import type { LoadJob, LoadSample } from "./load";

const port = self as unknown as {
  onmessage: ((event: MessageEvent<LoadJob>) => void) | null;
  postMessage(message: LoadSample): void;
};

async function drive(job: LoadJob): Promise<LoadSample> {
  const latencies = new Float64Array(job.requests);
  const statuses: Record<string, number> = {};
  let issued = 0;
  let recorded = 0;
  let errors = 0;
  let firstError: string | null = null;
  let bytes = 0;

  const url = new URL(job.url);
  const request = requestBytes(job.method, url, job.headers, job.body);
  const client = new Sockets(url.hostname, Number(url.port));

  const once = async (): Promise<number> => {
    const started = performance.now();
    try {
      const res = await client.request(request);
      bytes += res.body.length;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status !== job.expectStatus) {
        errors++;
        firstError ??= `HTTP ${res.status} (expected ${job.expectStatus})`;
      }
    } catch (error) {
      errors++;
      firstError ??= (error as Error).message;
    }
    return performance.now() - started;
  };

  // Warm-up: connections opened, code paths compiled, caches filled; nothing recorded.
  const warmupEnds = performance.now() + job.warmupSeconds * 1000;
  let warmed = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (warmed < job.warmup && performance.now() < warmupEnds) {
        warmed++;
        await once();
      }
    }),
  );
  for (const key of Object.keys(statuses)) delete statuses[key];
  errors = 0;
  firstError = null;
  bytes = 0;

  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (issued < job.requests && performance.now() < deadline) {
        issued++;
        latencies[recorded++] = await once();
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  client.close();
  return { latencies: latencies.slice(0, recorded), elapsedMs, errors, firstError, statuses, bytes };
}

port.onmessage = (event) => {
  drive(event.data).then((sample) => port.postMessage(sample));
};
