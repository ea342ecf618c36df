// A live stream stays open until the client leaves: a comment heartbeat keeps idle connections
// (and the proxies between) from closing it, and both ways of noticing the client left end it.
import type { SSEStreamingApi } from "hono/streaming";

const HEARTBEAT_MS = 15_000;

export async function keepOpen(stream: SSEStreamingApi, request: Request): Promise<void> {
  const heartbeat = setInterval(() => void stream.write(": ping\n\n").catch(() => {}), HEARTBEAT_MS);
  await new Promise<void>((done) => {
    stream.onAbort(done);
    request.signal.addEventListener("abort", () => done(), { once: true });
  });
  clearInterval(heartbeat);
}
