import { describe, expect, it } from "bun:test";
import { Hono } from "hono";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { chooseEncoding, compressResponses } from "../../src/compression";
import { StaticFiles, staticFiles, staticRoutes } from "../../src/static";
import { ORIGIN, useTestApp } from "../support/app";
import { joinedConversation, TINY_PNG, upload } from "../media/support";

const t = useTestApp({ STORAGE_DIR: `/tmp/kanal-test-compression-${process.pid}` });

const BROWSER = "gzip, deflate, br, zstd";

function decoded(res: Response, bytes: Uint8Array): Uint8Array {
  const encoding = res.headers.get("content-encoding");
  if (encoding === "br") return new Uint8Array(brotliDecompressSync(bytes));
  if (encoding === "gzip") return Bun.gunzipSync(bytes as Uint8Array<ArrayBuffer>);
  return bytes;
}

async function bodyOf(res: Response) {
  const wire = new Uint8Array(await res.arrayBuffer());
  return { wire, text: new TextDecoder().decode(decoded(res, wire)) };
}

describe("pages and fragments leave compressed", () => {
  it("decode to the same bytes as the plain page, brotli when the browser takes it, else gzip", async () => {
    const { conversationId, agent } = await joinedConversation(t, "whatsapp");
    const plain = await agent.get(`/inbox/${conversationId}`);
    expect(plain.headers.get("content-encoding")).toBeNull();
    const page = await plain.text();

    const br = await agent.get(`/inbox/${conversationId}`, { headers: { "accept-encoding": BROWSER } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toContain("accept-encoding");
    expect(br.headers.get("vary")).toContain("hx-request");
    expect(br.headers.get("content-length")).not.toBe(String(page.length));
    const brBody = await bodyOf(br);
    expect(brBody.text).toBe(page);
    expect(brBody.wire.length).toBeLessThan(page.length / 3);

    const gzip = await agent.get(`/inbox/${conversationId}`, { headers: { "accept-encoding": "gzip, deflate" } });
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
    expect((await bodyOf(gzip)).text).toBe(page);

    // An htmx swap of the same conversation gets its fragment compressed too.
    const fragment = await agent.get(`/inbox/${conversationId}`, { htmx: true, headers: { "accept-encoding": BROWSER } });
    const plainFragment = await (await agent.get(`/inbox/${conversationId}`, { htmx: true })).text();
    expect(fragment.headers.get("content-encoding")).toBe("br");
    expect((await bodyOf(fragment)).text).toBe(plainFragment);
  });

  it("an unchanged page is a 304 for the browser that holds it, a changed one is drawn again", async () => {
    const { conversationId, agent } = await joinedConversation(t, "whatsapp");
    const first = await agent.get(`/inbox/${conversationId}`, { headers: { "accept-encoding": BROWSER } });
    const etag = first.headers.get("etag")!;
    expect(etag).toStartWith('W/"');
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const again = await agent.get(`/inbox/${conversationId}`, { headers: { "accept-encoding": BROWSER, "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    await agent.post(`/inbox/${conversationId}/reply`, { body: "Kargonuz yolda." });
    const changed = await agent.get(`/inbox/${conversationId}`, { headers: { "accept-encoding": BROWSER, "if-none-match": etag } });
    expect(changed.status).toBe(200);
    expect((await bodyOf(changed)).text).toContain("Kargonuz yolda.");
  });

  it("JSON is compressed, small bodies and requests without Accept-Encoding are not", async () => {
    const app = new Hono();
    app.use("*", compressResponses);
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `Müşteri ${i}` }));
    app.get("/big", (c) => c.json(rows));
    app.get("/small", (c) => c.json({ ok: true }));
    const big = await app.request("/big", { headers: { "accept-encoding": "gzip" } });
    expect(big.headers.get("content-encoding")).toBe("gzip");
    expect(JSON.parse((await bodyOf(big)).text)).toEqual(rows);
    const small = await app.request("/small", { headers: { "accept-encoding": "br" } });
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(await small.json()).toEqual({ ok: true });
    expect((await app.request("/big")).headers.get("content-encoding")).toBeNull();
  });

  it("follows the browser's preferences", () => {
    expect(chooseEncoding("gzip, deflate, br")).toBe("br");
    expect(chooseEncoding("gzip, br;q=0")).toBe("gzip");
    expect(chooseEncoding("br;q=0.5, gzip")).toBe("gzip");
    expect(chooseEncoding("identity")).toBeNull();
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding(undefined)).toBeNull();
  });
});

describe("what is never compressed", () => {
  it("the live stream: plain text/event-stream, each event read as it is sent", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const stream = await agent.get("/events?view=inbox&tab=open", { headers: { "accept-encoding": BROWSER } });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(stream.headers.get("content-encoding")).toBeNull();
    // Each status change is one event, read before the next change is made: nothing holds it back.
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    const readUntil = async (marker: string) => {
      const deadline = Date.now() + 5000;
      while (!received.includes(marker) && Date.now() < deadline) {
        const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
        if (!chunk || chunk.done) break;
        received += decoder.decode(chunk.value, { stream: true });
      }
      return received.includes(marker);
    };
    await agent.post("/me/status", { status: "break" });
    expect(await readUntil("status-break")).toBe(true);
    expect(received).not.toContain("status-invisible");
    await agent.post("/me/status", { status: "invisible" });
    expect(await readUntil("status-invisible")).toBe(true);
    await reader.cancel();
  });

  it("media: stored files are sent as stored, whatever their type", async () => {
    const { conversationId, agent } = await joinedConversation(t, "webchat");
    const csv = new TextEncoder().encode("order,total\n" + "A-1001,120\n".repeat(500));
    for (const [bytes, filename, type] of [
      [csv, "orders.csv", "text/csv"],
      [TINY_PNG, "dot.png", "image/png"],
    ] as const) {
      const up = await (await upload(agent, conversationId, bytes as Uint8Array<ArrayBuffer>, { filename, type })).json();
      const res = await agent.get(`/media/${up.id}`, { headers: { "accept-encoding": BROWSER } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-encoding")).toBeNull();
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    }
  });
});

describe("static files", () => {
  it("pages name them by content hash; the hashed name is cached for a year and served compressed", async () => {
    const { agent } = await joinedConversation(t, "whatsapp");
    const page = await (await agent.get("/inbox")).text();
    const css = staticFiles().url("app.css");
    expect(css).toMatch(/^\/static\/app\.[0-9a-f]{10}\.css$/);
    expect(page).toContain(`href="${css}"`);
    for (const name of ["htmx.min.js", "hx-sse.min.js", "app.js", "composer.js"]) expect(page).toContain(`src="${staticFiles().url(name)}"`);
    expect(page).not.toContain('"/static/app.css"');

    const res = await t.app.request(ORIGIN + css, { headers: { "accept-encoding": BROWSER } });
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("vary")).toBe("accept-encoding");
    const plain = await Bun.file(join(import.meta.dir, "../../static/app.css")).text();
    expect((await bodyOf(res)).text).toBe(plain);
    const gzip = await t.app.request(ORIGIN + css, { headers: { "accept-encoding": "gzip" } });
    expect((await bodyOf(gzip)).text).toBe(plain);
    const identity = await t.app.request(ORIGIN + css);
    expect(identity.headers.get("content-encoding")).toBeNull();
    expect(await identity.text()).toBe(plain);
    const revalidated = await t.app.request(ORIGIN + css, { headers: { "if-none-match": res.headers.get("etag")! } });
    expect(revalidated.status).toBe(304);
  });

  it("a new content gets a new name; the old name and the plain one still serve, revalidated each time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kanal-static-"));
    try {
      writeFileSync(join(dir, "app.js"), "console.log('release one');\n".repeat(100));
      writeFileSync(join(dir, "logo.png"), TINY_PNG);
      const before = StaticFiles.fromFolder(dir);
      const oldUrl = before.url("app.js");
      writeFileSync(join(dir, "app.js"), "console.log('release two');\n".repeat(100));
      const after = StaticFiles.fromFolder(dir);
      const newUrl = after.url("app.js");
      expect(newUrl).not.toBe(oldUrl);
      expect(before.url("logo.png")).toBe(after.url("logo.png"));

      const app = new Hono().route("/static", staticRoutes(after));
      const current = await app.request(newUrl);
      expect(current.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(await current.text()).toContain("release two");
      // A tab opened before the restart asks for the old name: it still gets a script, not a 404,
      // and nothing caches the new content under the old name for long.
      for (const stale of [oldUrl, "/static/app.js"]) {
        const res = await app.request(stale);
        expect(res.status).toBe(200);
        expect(res.headers.get("cache-control")).toBe("public, no-cache");
        expect(await res.text()).toContain("release two");
      }
      expect((await app.request("/static/missing.0123456789.js")).status).toBe(404);

      // Images are compressed already: sent as they are, whatever the browser accepts.
      const png = await app.request(after.url("logo.png"), { headers: { "accept-encoding": BROWSER } });
      expect(png.headers.get("content-encoding")).toBeNull();
      expect(png.headers.get("content-type")).toBe("image/png");
      expect(new Uint8Array(await png.arrayBuffer())).toEqual(TINY_PNG);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("widget.js keeps its URL for customers' sites, compressed and revalidated", async () => {
    const res = await t.app.request(`${ORIGIN}/widget.js`, { headers: { "accept-encoding": BROWSER } });
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect((await bodyOf(res)).text).toBe(await Bun.file(join(import.meta.dir, "../../static/widget.js")).text());
    const again = await t.app.request(`${ORIGIN}/widget.js`, { headers: { "accept-encoding": BROWSER, "if-none-match": res.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });
});
