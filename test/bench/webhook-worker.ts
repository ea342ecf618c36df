// Meta's side of the webhook-ingest case, run in a Worker so its JavaScript does not share a thread
// with the server: unique signed WhatsApp payloads (written, signed and framed as HTTP/1.1 requests
// before the clock starts), POSTed either in a closed loop at a fixed concurrency or open-loop at a
// fixed rate. Open-loop latency counts from when a request was due, not when it went out, so a slow
// server cannot hide its queue by slowing the sender down.
//
// The requests go out through http-client.ts (keep-alive sockets of the Worker's own, not fetch).
// One Worker serves a whole case, so the open-loop runs do not also pay a fresh Worker's start and
// compilation while they are measured.
import { requestBytes, Sockets } from "./http-client";
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


/** A signed webhook as the bytes of its POST request. */
function webhookBytes(url: URL, body: string, signature: string): Uint8Array {
  return requestBytes("POST", url, { "Content-Type": "application/json", "X-Hub-Signature-256": signature }, body);
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
    return webhookBytes(url, body, signature);
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
