// Meta's side of the webhook-ingest case, run in a Worker so its JavaScript does not share a thread
// with the server: unique signed WhatsApp payloads (written, signed and framed as HTTP/1.1 requests
// before the clock starts), POSTed either in a closed loop at a fixed concurrency or open-loop at a
// fixed rate. Open-loop latency counts from when a request was due, not when it went out, so a slow
// server cannot hide its queue by slowing the sender down.
//
// The requests go over keep-alive sockets of the Worker's own (Bun.connect), one request at a time
// on each and a new socket whenever none is free, as fetch sends them; a latency ends when the whole
// response has arrived. Not fetch, because the client shares the machine's two cores with the app
// and Postgres: fetch spent about 0.4 ms of CPU per webhook here (its request and response objects,
// its own HTTP thread), a third of a core at the open-loop rate, taken from the server it measures.
// One Worker serves a whole case, so the open-loop runs do not also pay a fresh Worker's start and
// compilation while they are measured.
import type { Socket } from "bun";
import { customerPhone, signedWhatsappText, type WebhookTarget } from "./webhook-payloads";

export interface WebhookJob {
  target: WebhookTarget;
  /** Customers: `phoneCount` numbers from `phoneBase`. */
  phoneBase: number;
  phoneCount: number;
  /** Request numbers start here, so runs of one case pick different messages. */
  firstN: number;
  /** Request n comes from customer n (mod phoneCount) instead of one spread by a hash: a warm-up that reaches every customer. */
  inTurn?: boolean;
  requests: number;
  seconds: number;
  mode: "closed" | "open";
  /** Closed loop. */
  concurrency?: number;
  /** Open loop: requests per second. */
  rate?: number;
}

export interface WebhookSample {
  latencies: Float64Array;
  /** Requests sent (every one of them was answered, well or badly). */
  sent: number;
  elapsedMs: number;
  errors: number;
  firstError: string | null;
  /** Open loop: the most requests in flight at once. */
  maxInFlight: number;
}

const port = self as unknown as {
  onmessage: ((event: MessageEvent<WebhookJob>) => void) | null;
  postMessage(message: WebhookSample): void;
};

interface Reply {
  status: number;
  body: string;
}

/** The server closed a kept-alive socket before answering on it (an idle timeout racing a new request). */
class ClosedBeforeReply extends Error {}

interface Connection {
  socket: Socket<Connection> | null;
  /** Bytes a full socket buffer did not take yet. */
  unsent: Uint8Array | null;
  /** The response so far, one character per byte. */
  text: string;
  /** Where the body starts, once the header has arrived. */
  bodyAt: number;
  length: number;
  keepAlive: boolean;
  waiting: { resolve(reply: Reply): void; reject(error: Error): void } | null;
}

/** Keep-alive HTTP/1.1 sockets to one host: a free one for each request, or a new one. */
class Sockets {
  #idle: Connection[] = [];
  #all = new Set<Connection>();

  constructor(
    private hostname: string,
    private portNumber: number,
  ) {}

  async request(bytes: Uint8Array): Promise<Reply> {
    const reused = this.#idle.pop();
    if (reused) {
      try {
        return await this.#exchange(reused, bytes);
      } catch (error) {
        if (!(error instanceof ClosedBeforeReply)) throw error;
      }
    }
    return this.#exchange(await this.#connect(), bytes);
  }

  close() {
    for (const conn of this.#all) conn.socket?.end();
    this.#all.clear();
    this.#idle = [];
  }

  #exchange(conn: Connection, bytes: Uint8Array): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      if (!conn.socket) return reject(new ClosedBeforeReply("socket closed"));
      conn.waiting = { resolve, reject };
      conn.text = "";
      conn.bodyAt = -1;
      const written = conn.socket.write(bytes);
      conn.unsent = written < bytes.byteLength ? bytes.subarray(Math.max(0, written)) : null;
    });
  }

  async #connect(): Promise<Connection> {
    const conn: Connection = { socket: null, unsent: null, text: "", bodyAt: -1, length: 0, keepAlive: true, waiting: null };
    conn.socket = await Bun.connect<Connection>({
      hostname: this.hostname,
      port: this.portNumber,
      data: conn,
      socket: {
        data: (socket, chunk) => this.#received(socket.data, chunk),
        drain: (socket) => {
          const c = socket.data;
          if (!c.unsent) return;
          const written = socket.write(c.unsent);
          c.unsent = written < c.unsent.byteLength ? c.unsent.subarray(Math.max(0, written)) : null;
        },
        close: (socket) => this.#closed(socket.data, new Error("connection closed")),
        error: (socket, error) => this.#closed(socket.data, error),
      },
    });
    conn.socket.setNoDelay(true);
    this.#all.add(conn);
    return conn;
  }

  #received(conn: Connection, chunk: Buffer) {
    conn.text += chunk.toString("latin1");
    if (conn.bodyAt < 0) {
      const end = conn.text.indexOf("\r\n\r\n");
      if (end < 0) return;
      conn.bodyAt = end + 4;
      const header = conn.text.slice(0, end).toLowerCase();
      const length = /\r\ncontent-length:\s*(\d+)/.exec(header);
      if (!length) return this.#fail(conn, new Error(`response without a Content-Length: ${header.slice(0, 200)}`));
      conn.length = Number(length[1]);
      conn.keepAlive = !/\r\nconnection:\s*close/.test(header);
    }
    if (conn.text.length - conn.bodyAt < conn.length) return;
    const status = Number(conn.text.slice(9, 12));
    const body = conn.text.slice(conn.bodyAt, conn.bodyAt + conn.length);
    const waiting = conn.waiting;
    conn.waiting = null;
    if (conn.keepAlive) this.#idle.push(conn);
    else conn.socket?.end();
    waiting?.resolve({ status, body });
  }

  #fail(conn: Connection, error: Error) {
    conn.socket?.end();
    this.#closed(conn, error);
  }

  #closed(conn: Connection, error: Error) {
    conn.socket = null;
    this.#all.delete(conn);
    this.#idle = this.#idle.filter((c) => c !== conn);
    const waiting = conn.waiting;
    conn.waiting = null;
    waiting?.reject(conn.text.length === 0 ? new ClosedBeforeReply(error.message) : error);
  }
}

const encoder = new TextEncoder();

/** A signed webhook as the bytes of its POST request. */
function requestBytes(url: URL, body: string, signature: string): Uint8Array {
  const payload = encoder.encode(body);
  const head = encoder.encode(
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${signature}\r\nContent-Length: ${payload.byteLength}\r\n\r\n`,
  );
  const bytes = new Uint8Array(head.byteLength + payload.byteLength);
  bytes.set(head);
  bytes.set(payload, head.byteLength);
  return bytes;
}

let sockets: Sockets | null = null;
let socketsFor = "";

async function drive(job: WebhookJob): Promise<WebhookSample> {
  const url = new URL(job.target.url);
  if (socketsFor !== url.host) {
    sockets?.close();
    sockets = new Sockets(url.hostname, Number(url.port));
    socketsFor = url.host;
  }
  const client = sockets!;
  const n = job.mode === "open" ? Math.min(job.requests, Math.ceil((job.rate ?? 1) * job.seconds)) : job.requests;
  const requests = Array.from({ length: n }, (_, i) => {
    const number = job.firstN + i;
    const phone = job.inTurn ? String(job.phoneBase + (number % job.phoneCount)) : customerPhone(job.phoneBase, job.phoneCount, number);
    const { body, signature } = signedWhatsappText(job.target, phone, number);
    return requestBytes(url, body, signature);
  });
  const latencies = new Float64Array(n);
  let errors = 0;
  let firstError: string | null = null;
  let inFlight = 0;
  let maxInFlight = 0;

  const post = async (i: number, from: number) => {
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    try {
      const reply = await client.request(requests[i]);
      if (reply.status !== 200) {
        errors++;
        firstError ??= `HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
      }
    } catch (error) {
      errors++;
      firstError ??= (error as Error).message;
    }
    inFlight--;
    latencies[i] = performance.now() - from;
  };

  const started = performance.now();
  let sent = 0;
  if (job.mode === "closed") {
    const deadline = started + job.seconds * 1000;
    await Promise.all(
      Array.from({ length: job.concurrency ?? 1 }, async () => {
        while (sent < n && performance.now() < deadline) {
          const i = sent++;
          await post(i, performance.now());
        }
      }),
    );
  } else {
    const interval = 1000 / (job.rate ?? 1);
    const pending: Promise<void>[] = [];
    while (sent < n) {
      const now = performance.now();
      while (sent < n && started + sent * interval <= now) {
        const i = sent++;
        pending.push(post(i, started + i * interval));
      }
      if (sent < n) await Bun.sleep(Math.max(0, started + sent * interval - performance.now()));
    }
    await Promise.all(pending);
  }
  const elapsedMs = performance.now() - started;
  return { latencies: latencies.slice(0, sent), sent, elapsedMs, errors, firstError, maxInFlight };
}

port.onmessage = (event) => {
  drive(event.data).then((sample) => port.postMessage(sample));
};
