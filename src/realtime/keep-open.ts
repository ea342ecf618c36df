// A live stream (server-sent events) written straight into the response body: a write is one
// enqueue, as in a bare Bun.serve fan-out. hono's streamSSE passes every write through a
// TransformStream and a second ReadableStream with their promises; with a thousand agents on the
// inbox that cost more than drawing the fragments. The stream stays open until the client leaves:
// a comment heartbeat keeps idle connections (and the proxies between) from closing it.
import type { Context } from "hono";
import type { AppEnv } from "../context";

const HEARTBEAT_MS = 15_000;
/**
 * Messages a client may leave unread before it is let go: its browser reconnects and replays what
 * it missed from Last-Event-ID, instead of the server holding an ever longer queue for it.
 */
const MAX_UNREAD = 2_000;

const encoder = new TextEncoder();

export interface LiveStream {
  /** True once the client has left (or was let go); writes are then dropped. */
  readonly aborted: boolean;
  /** Queues bytes or text for the client; never waits. */
  write(chunk: Uint8Array | string): void;
  /** Resolves when the client has left. */
  readonly gone: Promise<void>;
}

/** An SSE message as hono's writeSSE wrote it: `event:`, the `data:` lines, then `id:`. */
export function sseMessage(message: { id?: number | string; event?: string; data: string }): string {
  const data = message.data.split("\n").map((line) => `data: ${line}`).join("\n");
  return `${message.event ? `event: ${message.event}\n` : ""}${data}\n${message.id !== undefined ? `id: ${message.id}\n` : ""}\n`;
}

/** The response of a live stream that `run` writes to; it ends when `run` returns or the client leaves. */
export function liveStream<E extends AppEnv>(c: Context<E>, run: (stream: LiveStream) => Promise<void>): Response {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let left!: () => void;
  const stream = {
    aborted: false,
    gone: new Promise<void>((resolve) => (left = resolve)),
    write(chunk: Uint8Array | string) {
      if (stream.aborted) return;
      try {
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
        if ((controller.desiredSize ?? 0) < -MAX_UNREAD) end();
      } catch {
        end();
      }
    },
  };
  const end = () => {
    if (stream.aborted) return;
    stream.aborted = true;
    left();
    try {
      controller.close();
    } catch {
      // Already closed by the client leaving.
    }
  };
  const body = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    cancel: end,
  });
  c.req.raw.signal.addEventListener("abort", end, { once: true });
  run(stream).then(end, (error) => {
    (c as unknown as Context<AppEnv>).get("deps").log.error("live stream failed", { error });
    end();
  });
  c.header("Content-Type", "text/event-stream");
  c.header("Cache-Control", "no-cache");
  c.header("Connection", "keep-alive");
  return c.body(body);
}

/** Waits until the client leaves, sending a heartbeat comment meanwhile. */
export async function keepOpen(stream: LiveStream): Promise<void> {
  const heartbeat = setInterval(() => stream.write(": ping\n\n"), HEARTBEAT_MS);
  await stream.gone;
  clearInterval(heartbeat);
}
