// Serves static/ and the htmx files from node_modules, independent of the working directory.
import { Hono } from "hono";
import { resolve } from "node:path";
import type { AppEnv } from "./context";

const staticDir = resolve(import.meta.dir, "../static");
const vendored: Record<string, string> = {
  "htmx.min.js": Bun.resolveSync("htmx.org/dist/htmx.min.js", import.meta.dir),
  "hx-sse.min.js": Bun.resolveSync("htmx.org/dist/ext/hx-sse.min.js", import.meta.dir),
};

const types: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
};

export function staticRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/:name{[A-Za-z0-9._-]+}", async (c) => {
    const name = c.req.param("name");
    const path = vendored[name] ?? resolve(staticDir, name);
    if (!path.startsWith(staticDir) && !vendored[name]) return c.notFound();
    const file = Bun.file(path);
    if (!(await file.exists())) return c.notFound();
    const ext = name.split(".").pop() ?? "";
    return new Response(file, {
      headers: {
        "content-type": types[ext] ?? "application/octet-stream",
        "cache-control": "public, max-age=3600",
        "x-content-type-options": "nosniff",
      },
    });
  });
  return app;
}
