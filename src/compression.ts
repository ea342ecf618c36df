// Smaller responses for slow links: brotli or gzip for pages, fragments, JSON and text, and a
// validator so an unchanged page costs a 304. Static files bring their own, compressed once (static.ts).
import type { MiddlewareHandler } from "hono";
import { brotliCompressSync, constants } from "node:zlib";
import type { AppEnv } from "./context";

export type Encoding = "br" | "gzip";

/** Below this a compressed body saves less than its headers and the CPU cost. */
const THRESHOLD = 1024;

/**
 * Text worth compressing. Never `text/event-stream`: a compressor holds bytes back until it has a
 * block, and each live event must leave at once. Images, audio, video and archives are compressed
 * already, so they are not on the list.
 */
export function isCompressible(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "text/event-stream") return false;
  return type.startsWith("text/") || type === "application/json" || type === "application/javascript" || type === "image/svg+xml" || type.endsWith("+json") || type.endsWith("+xml");
}

/** The weight a client's Accept-Encoding gives each coding (`q=`; 0 refuses it, `*` stands for the rest). */
function encodingWeight(acceptEncoding: string | null | undefined): (name: string) => number {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [token, ...params] = part.trim().toLowerCase().split(";");
    if (!token) continue;
    const weight = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    q.set(token.trim(), weight === undefined ? 1 : Number(weight) || 0);
  }
  return (name: string) => q.get(name) ?? q.get("*") ?? 0;
}

/** The browser's best of brotli and gzip by its Accept-Encoding q-values; null for the plain body. */
export function chooseEncoding(acceptEncoding: string | null | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const of = encodingWeight(acceptEncoding);
  const br = of("br");
  const gzip = of("gzip");
  if (br > 0 && br >= gzip) return "br";
  if (gzip > 0) return "gzip";
  return null;
}

/**
 * `quality` is brotli's 0–11: 11 for static files compressed once at start-up, a middle one for
 * pages, where a few more percent are not worth the milliseconds of every request.
 */
export function compressBody(bytes: Uint8Array, encoding: Encoding, quality: "once" | "per-request"): Uint8Array<ArrayBuffer> {
  if (encoding === "gzip") return Bun.gzipSync(bytes as Uint8Array<ArrayBuffer>, { level: quality === "once" ? 9 : 6 });
  const compressed = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality === "once" ? 11 : 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
    },
  });
  return new Uint8Array(compressed.buffer as ArrayBuffer, compressed.byteOffset, compressed.length);
}

/** A weak validator: the same page in any encoding is the same page. */
export function weakEtag(bytes: Uint8Array): string {
  return `W/"${Bun.hash(bytes).toString(36)}"`;
}

/** If-None-Match against an ETag, weakly (RFC 9110 §13.1.2). */
export function matchesEtag(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

const noTransform = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

/**
 * Compresses what the app drew, after the handler. Left alone: event streams and media (not on the
 * text list), responses that are byte ranges or already encoded (media, static files), and bodies
 * below the threshold. A GET page gets an ETag of its drawn bytes, and a 304 when the browser holds
 * the same. Downloads stream through gzip.
 */
export const compressResponses: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const res = c.res;
  const method = c.req.method;
  if (method === "HEAD" || !res.body || res.status === 204 || res.status === 206 || res.status === 304) return;
  const headers = res.headers;
  if (headers.has("content-encoding") || headers.has("accept-ranges") || !isCompressible(headers.get("content-type"))) return;
  if (noTransform.test(headers.get("cache-control") ?? "")) return;
  // A download (a CSV export of 100,000 rows, say) is written as it is read: compressed on the way
  // with gzip, never gathered whole in memory first.
  if (/^\s*attachment\b/i.test(headers.get("content-disposition") ?? "")) {
    if (encodingWeight(c.req.header("accept-encoding"))("gzip") > 0) {
      c.res = new Response(res.body.pipeThrough(new CompressionStream("gzip")), { status: res.status, headers: res.headers });
      c.res.headers.delete("content-length");
      c.res.headers.set("content-encoding", "gzip");
    }
    c.res.headers.append("vary", "accept-encoding");
    return;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const page = method === "GET" && res.status === 200 && headers.get("content-type")!.startsWith("text/html");
  const etag = page && !headers.has("etag") ? weakEtag(bytes) : null;
  const encoding = bytes.length >= THRESHOLD ? chooseEncoding(c.req.header("accept-encoding")) : null;
  if (etag && matchesEtag(c.req.header("if-none-match"), etag)) {
    c.res = new Response(null, { status: 304, headers: res.headers });
  } else {
    c.res = new Response(encoding ? compressBody(bytes, encoding, "per-request") : bytes, { status: res.status, headers: res.headers });
  }
  // Hono copies the previous response's headers onto the one assigned, so these come after.
  c.res.headers.delete("content-length");
  c.res.headers.append("vary", "accept-encoding");
  // htmx asks the same URL for a fragment that a plain visit gets as a page: a cached answer to one
  // must never stand in for the other (the back button reuses cache entries without asking).
  if (headers.get("content-type")!.startsWith("text/html")) c.res.headers.append("vary", "hx-request");
  if (encoding && c.res.status !== 304) c.res.headers.set("content-encoding", encoding);
  if (etag) {
    c.res.headers.set("etag", etag);
    // A signed-in page is one person's: no shared cache keeps it, and the browser asks before reusing it.
    if (!headers.has("cache-control")) c.res.headers.set("cache-control", "private, no-cache");
  }
};
