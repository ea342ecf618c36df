// Many live streams at once, and the messages they wait for: a Worker that opens N SSE streams over
// raw sockets (Bun.connect: fetch would stop at 256 connections), then sends numbered markers one
// at a time — signed WhatsApp webhooks to Kanal, or a plain POST to a bare fan-out server — and
// records, per stream, when each marker first arrived. Sending and receiving share this thread's
// clock, so a latency is `arrived − sent` with nothing to reconcile.
import type { Socket } from "bun";
import { customerPhone, signedWhatsappText, type WebhookTarget } from "./webhook-payloads";

export type SseCommand =
  | { type: "connect"; host: string; port: number; path: string; cookies: string[]; batch: number }
  | { type: "run"; count: number; intervalMs: number; graceMs: number; send: SendTo }
  | { type: "close" };

export type SendTo = { kind: "webhook"; target: WebhookTarget; phoneBase: number } | { kind: "bare"; url: string };

export type SseReply =
  | { type: "connected"; streams: number; failed: number; firstError: string | null; ms: number }
  | {
      type: "result";
      streams: number;
      count: number;
      /** Row-major [stream][message]: ms from sending message to the stream receiving its marker; NaN if it never did. */
      latencies: Float64Array;
      /** ms until each send was answered (the webhook's acknowledgement). */
      acks: Float64Array;
      /** Bytes each stream received during the run. */
      bytes: number;
      errors: number;
      firstError: string | null;
    }
  | { type: "closed" };

/** The marker is ASCII and found in any fragment that carries the message's text. */
export const marker = (i: number) => `KNLMK${i}Z`;
const markerPattern = /KNLMK(\d+)Z/g;

interface Stream {
  socket: Socket<number> | null;
  status: number;
  header: string;
  tail: string;
}

const port = self as unknown as {
  onmessage: ((event: MessageEvent<SseCommand>) => void) | null;
  postMessage(message: SseReply): void;
};

let streams: Stream[] = [];
let sentAt = new Float64Array(0);
let arrived = new Float64Array(0);
let count = 0;
let bytes = 0;
let received = 0;
let onComplete: (() => void) | null = null;
let badStatus = 0;
let firstBadStatus: string | null = null;
let closedEarly = 0;

function scan(index: number, text: string) {
  const stream = streams[index];
  const now = performance.now();
  const chunk = stream.tail + text;
  markerPattern.lastIndex = 0;
  for (let m = markerPattern.exec(chunk); m; m = markerPattern.exec(chunk)) {
    const i = Number(m[1]);
    const slot = index * count + i;
    if (i < count && Number.isNaN(arrived[slot]) && sentAt[i] > 0) {
      arrived[slot] = now - sentAt[i];
      if (++received === streams.length * count) onComplete?.();
    }
  }
  // A marker split across two reads is found with the next one.
  stream.tail = chunk.slice(-16);
}

async function connect(command: Extract<SseCommand, { type: "connect" }>): Promise<SseReply> {
  const started = performance.now();
  streams = command.cookies.map(() => ({ socket: null, status: 0, header: "", tail: "" }));
  badStatus = 0;
  firstBadStatus = null;
  closedEarly = 0;
  let failed = 0;
  let firstError: string | null = null;
  const open = (index: number) =>
    new Promise<void>((resolve) => {
      const request = `GET ${command.path} HTTP/1.1\r\nHost: ${command.host}:${command.port}\r\nAccept: text/event-stream\r\nCookie: ${command.cookies[index]}\r\n\r\n`;
      const stream = streams[index];
      let settled = false;
      const settle = (error?: string) => {
        if (settled) return;
        settled = true;
        if (error) {
          failed++;
          firstError ??= error;
        }
        resolve();
      };
      Bun.connect<number>({
        hostname: command.host,
        port: command.port,
        data: index,
        socket: {
          open(socket) {
            stream.socket = socket;
            socket.write(request);
            // Bun sends a streamed response's head with its first chunk, so a quiet stream may not
            // answer for a while: it counts as open once asked; its status is checked by `run`.
            settle();
          },
          data(socket, chunk) {
            const text = chunk.toString("latin1");
            if (stream.status === 0) {
              stream.header += text;
              const end = stream.header.indexOf("\r\n\r\n");
              if (end < 0) return;
              stream.status = Number(stream.header.slice(9, 12));
              if (stream.status !== 200) {
                badStatus++;
                firstBadStatus ??= `stream ${index}: HTTP ${stream.status}`;
                socket.end();
                return;
              }
              scan(socket.data, stream.header.slice(end + 4));
              stream.header = "";
              return;
            }
            bytes += chunk.byteLength;
            scan(socket.data, text);
          },
          close() {
            stream.socket = null;
            closedEarly++;
            settle(`stream ${index} closed before it opened`);
          },
          error(_socket, error) {
            settle(`stream ${index}: ${error.message}`);
          },
          connectError(_socket, error) {
            settle(`stream ${index}: ${error.message}`);
          },
        },
      }).catch((error: Error) => settle(`stream ${index}: ${error.message}`));
    });
  for (let from = 0; from < streams.length; from += command.batch) {
    await Promise.all(streams.slice(from, from + command.batch).map((_, k) => open(from + k)));
  }
  return { type: "connected", streams: streams.length - failed, failed, firstError, ms: performance.now() - started };
}

async function run(command: Extract<SseCommand, { type: "run" }>): Promise<SseReply> {
  count = command.count;
  sentAt = new Float64Array(count);
  arrived = new Float64Array(streams.length * count).fill(NaN);
  received = 0;
  bytes = 0;
  const acks = new Float64Array(count).fill(NaN);
  let errors = 0;
  let firstError: string | null = null;
  const { send } = command;
  // Written and signed before the clock starts.
  const requests = Array.from({ length: count }, (_, i) => {
    if (send.kind === "bare") return { url: `${send.url}?m=${marker(i)}`, init: { method: "POST" } as RequestInit };
    const { body, signature } = signedWhatsappText(send.target, customerPhone(send.phoneBase, 1_000_000, i), i, marker(i));
    return { url: send.target.url, init: { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signature }, body } as RequestInit };
  });
  const complete = new Promise<void>((resolve) => (onComplete = resolve));
  const acked: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const due = started + i * command.intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    const t = performance.now();
    sentAt[i] = t;
    acked.push(
      fetch(requests[i].url, requests[i].init)
        .then(async (res) => {
          await res.arrayBuffer();
          acks[i] = performance.now() - t;
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        })
        .catch((error: Error) => {
          errors++;
          firstError ??= error.message;
        }),
    );
  }
  await Promise.all(acked);
  await Promise.race([complete, Bun.sleep(command.graceMs)]);
  onComplete = null;
  const unanswered = streams.filter((stream) => stream.status === 0).length;
  if (badStatus || unanswered || closedEarly) {
    errors++;
    firstError ??= `${badStatus} streams answered other than 200 (${firstBadStatus}), ${unanswered} never answered, ${closedEarly} closed`;
  }
  return { type: "result", streams: streams.length, count, latencies: arrived, acks, bytes, errors, firstError };
}

port.onmessage = (event) => {
  const command = event.data;
  if (command.type === "connect") void connect(command).then((reply) => port.postMessage(reply));
  else if (command.type === "run") void run(command).then((reply) => port.postMessage(reply));
  else {
    for (const stream of streams) stream.socket?.end();
    streams = [];
    port.postMessage({ type: "closed" });
  }
};
