// Serves static/ and the htmx files from node_modules, independent of the working directory.
// Each file is read, hashed and compressed once per process and served under a name carrying its
// hash (app.3f9a0c12d4.css), cached for a year: a release changes the names, so a browser never
// mixes an old script with a new page.
import { Hono } from "hono";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { AppEnv } from "./context";
import { chooseEncoding, compressBody, isCompressible, matchesEtag, type Encoding } from "./compression";

const types: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
};

const IMMUTABLE = "public, max-age=31536000, immutable";
/** A name without the current hash (the plain one, or a release's before): works, but is asked about again. */
const REVALIDATE = "public, no-cache";

export interface StaticFile {
  /** As in the folder: app.css. */
  name: string;
  /** With the content's hash: app.3f9a0c12d4.css. */
  hashedName: string;
  type: string;
  etag: string;
  body: Uint8Array<ArrayBuffer>;
  encoded: Partial<Record<Encoding, Uint8Array<ArrayBuffer>>>;
}

function hashedName(name: string, hash: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)}.${hash}${name.slice(dot)}` : `${name}.${hash}`;
}

/** app.css from app.css, app.3f9a0c12d4.css, or the same name with a hash of an earlier release. */
function plainName(requested: string): string {
  return requested.replace(/\.[0-9a-f]{10}(?=\.[A-Za-z0-9]+$)/, "");
}

export class StaticFiles {
  readonly #byName = new Map<string, StaticFile>();
  readonly #byHashedName = new Map<string, StaticFile>();

  /** `files`: served name → path on disk. */
  constructor(files: Record<string, string>) {
    for (const [name, path] of Object.entries(files)) {
      const body = new Uint8Array(readFileSync(path));
      const hash = new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 10);
      const type = types[name.split(".").pop() ?? ""] ?? "application/octet-stream";
      const encoded: StaticFile["encoded"] = {};
      if (isCompressible(type)) {
        for (const encoding of ["br", "gzip"] as const) {
          const smaller = compressBody(body, encoding, "once");
          if (smaller.length < body.length) encoded[encoding] = smaller;
        }
      }
      const file: StaticFile = { name, hashedName: hashedName(name, hash), type, etag: `W/"${hash}"`, body, encoded };
      this.#byName.set(name, file);
      this.#byHashedName.set(file.hashedName, file);
    }
  }

  /** Kanal's own: every file of static/ and the vendored htmx files. */
  static fromFolder(dir: string, vendored: Record<string, string> = {}): StaticFiles {
    const files: Record<string, string> = {};
    for (const name of readdirSync(dir)) if (/^[A-Za-z0-9._-]+$/.test(name)) files[name] = resolve(dir, name);
    return new StaticFiles({ ...files, ...vendored });
  }

  get(name: string): StaticFile | undefined {
    return this.#byName.get(name);
  }

  /** The URL pages use: the current hashed name. */
  url(name: string): string {
    const file = this.#byName.get(name);
    if (!file) throw new Error(`No static file named ${name}`);
    return `/static/${file.hashedName}`;
  }

  /**
   * The current hashed name is cached for a year. Any other name of the same file (the plain one, or
   * a hash from before a restart that an open tab still asks for) gets the current content and is
   * asked about again next time, so a stale name never pins content under it.
   */
  respond(request: Request, requested: string): Response | null {
    const current = this.#byHashedName.get(requested);
    const file = current ?? this.#byName.get(plainName(requested));
    if (!file) return null;
    return this.send(request, file, { "cache-control": current ? IMMUTABLE : REVALIDATE });
  }

  /** The file in the browser's best encoding, or a 304 when it holds this version. */
  send(request: Request, file: StaticFile, extra: Record<string, string>): Response {
    const headers: Record<string, string> = { "content-type": file.type, etag: file.etag, "x-content-type-options": "nosniff", ...extra };
    const hasEncodings = Object.keys(file.encoded).length > 0;
    if (hasEncodings) headers.vary = "accept-encoding";
    if (matchesEtag(request.headers.get("if-none-match"), file.etag)) return new Response(null, { status: 304, headers });
    const encoding = hasEncodings ? chooseEncoding(request.headers.get("accept-encoding")) : null;
    const body = (encoding && file.encoded[encoding]) || file.body;
    if (body !== file.body) headers["content-encoding"] = encoding!;
    return new Response(body, { headers });
  }
}

const staticDir = resolve(import.meta.dir, "../static");
let kanalFiles: StaticFiles | undefined;

/** This process's static files, read and compressed on first use (the app does it at start-up). */
export function staticFiles(): StaticFiles {
  return (kanalFiles ??= StaticFiles.fromFolder(staticDir, {
    "htmx.min.js": Bun.resolveSync("htmx.org/dist/htmx.min.js", import.meta.dir),
    "hx-sse.min.js": Bun.resolveSync("htmx.org/dist/ext/hx-sse.min.js", import.meta.dir),
  }));
}

/** The URL of a static file under its current hashed name, for pages. */
export function staticUrl(name: string): string {
  return staticFiles().url(name);
}

export function staticRoutes(files: StaticFiles = staticFiles()) {
  const app = new Hono<AppEnv>();
  app.get("/:name{[A-Za-z0-9._-]+}", (c) => files.respond(c.req.raw, c.req.param("name")) ?? c.notFound());
  return app;
}
