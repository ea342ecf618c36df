// A lean HTTP/1.1 client for the benchmarks' load loops: keep-alive sockets of its own (Bun.connect),
// one request at a time on each and a new socket whenever none is free, as fetch sends them; a
// request is its bytes, framed once before the clock starts, and a reply ends when the whole
// response (Content-Length) has arrived. Not fetch, because the client shares the machine's two cores
// with the app and Postgres: fetch spent about 0.4 ms of CPU per request here (its request and
// response objects, its own HTTP thread), taken from the server it measures. The bare Bun.serve
// baseline is measured with the same client.
import type { Socket } from "bun";

export interface Reply {
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
export class Sockets {
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

/** A request's bytes: the request line, Host, the given headers, Content-Length when there is a body, and the body. */
export function requestBytes(method: string, url: URL, headers: Record<string, string>, body?: string): Uint8Array {
  const payload = encoder.encode(body ?? "");
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
  if (body !== undefined) lines.push(`Content-Length: ${payload.byteLength}`);
  const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
  const bytes = new Uint8Array(head.byteLength + payload.byteLength);
  bytes.set(head);
  bytes.set(payload, head.byteLength);
  return bytes;
}
