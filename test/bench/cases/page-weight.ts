// What an agent on a weak phone and a slow link pays for the inbox with a thread open: bytes on the
// wire for the first load (empty cache) and the next (primed cache), and the time until the thread
// is readable, in Chromium throttled to slow 3G (400 kbit/s, 400 ms round trip) with a 4× slower
// CPU. The baseline is the same page in the same run with compression refused (Accept-Encoding:
// identity), on the demo organization and on the bench data set.
import { existsSync } from "node:fs";
import { chromium, type Browser, type CDPSession, type Page } from "playwright-core";
import { organizations } from "@db/schema";
import { seedDemo, DEMO_PASSWORD } from "@db/seed";
import { serveApp, type ServedApp } from "../app";
import { openMemoryPglite } from "../database";
import type { BenchCase, BenchContext, Row } from "../harness";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };
const CPU_SLOWDOWN = 4;
const TARGETS = { coldKB: 60, warmKB: 15, readableMs: 3000 };

/**
 * Readable: the thread's last message is in the document and the stylesheet has loaded (before
 * that the page is not drawn), and something has been painted. Milliseconds from navigation start.
 */
const readableProbe = `(() => {
  const check = () => {
    const last = document.querySelector("#messages > li.message:last-of-type");
    const styled = [...document.styleSheets].some((s) => s.href && s.href.includes("/static/app."));
    if (last && styled) requestAnimationFrame(() => (window.__readable = performance.now()));
    else setTimeout(check, 10);
  };
  check();
})();`;

interface Load {
  bytes: number;
  requests: number;
  readableMs: number;
  documentEncoding: string | null;
}

/**
 * One navigation: the bytes of every request that finished (the live stream never does: its events
 * are not page weight), how many went to the network, and when the thread became readable.
 */
async function load(page: Page, cdp: CDPSession, url: string): Promise<Load> {
  let bytes = 0;
  let requests = 0;
  // Answers from the browser's cache finish with nothing on the wire; a 304 has its headers.
  const finished = (e: { encodedDataLength: number }) => {
    bytes += e.encodedDataLength;
    if (e.encodedDataLength > 0) requests++;
  };
  cdp.on("Network.loadingFinished", finished);
  const response = await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { __readable?: number }).__readable !== undefined, null, { timeout: 60_000 });
  // The favicon and anything else asked for after the load event.
  await page.waitForTimeout(1500);
  cdp.off("Network.loadingFinished", finished);
  const readable = await page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? 0;
    return Math.max(fcp, (window as unknown as { __readable: number }).__readable);
  });
  if (response?.status() !== 200 && response?.status() !== 304) throw new Error(`${url} answered ${response?.status()}`);
  return { bytes, requests, readableMs: readable, documentEncoding: (await response.allHeaders())["content-encoding"] ?? null };
}

/** A cold then a warm load in a fresh, throttled browser context signed in with `cookie`. */
async function coldAndWarm(browser: Browser, origin: string, cookie: string, path: string, compressed: boolean) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "en-US" });
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const at = pair.indexOf("=");
      return { name: pair.slice(0, at), value: pair.slice(at + 1), url: origin };
    }),
  );
  await context.addInitScript(readableProbe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  if (!compressed) await cdp.send("Network.setExtraHTTPHeaders", { headers: { "Accept-Encoding": "identity" } });
  try {
    const cold = await load(page, cdp, origin + path);
    const warm = await load(page, cdp, origin + path);
    const expected = compressed ? "br" : null;
    if (cold.documentEncoding !== expected) throw new Error(`${path} came with Content-Encoding ${cold.documentEncoding}, expected ${expected}`);
    return { cold, warm };
  } finally {
    await context.close();
  }
}

/** The first conversation of the agent's inbox, as the agent would click it. */
async function firstThread(app: ServedApp, cookie: string): Promise<string> {
  const res = await fetch(app.origin + "/inbox", { headers: { cookie } });
  const id = /href="\/inbox\/(\d+)[?"]/.exec(await res.text())?.[1];
  if (res.status !== 200 || !id) throw new Error(`/inbox answered ${res.status} without a conversation to open`);
  return `/inbox/${id}`;
}

const kb = (bytes: number) => bytes / 1024;

function loadRow(variant: string, packed: Load, plain: Load): Row {
  return {
    variant,
    figures: [
      { metric: "bytes", label: "on the wire", value: kb(packed.bytes), unit: "KiB", baseline: kb(plain.bytes) },
      { metric: "requests", label: "requests", value: packed.requests, unit: "req", baseline: plain.requests },
      { metric: "readable", label: "readable", value: packed.readableMs, unit: "ms", baseline: plain.readableMs },
    ],
    baseline: { label: "uncompressed", metric: "bytes" },
  };
}

async function measure(ctx: BenchContext, browser: Browser, variant: string, app: ServedApp, cookie: string) {
  const path = await firstThread(app, cookie);
  const plainHtml = await (await fetch(app.origin + path, { headers: { cookie } })).text();
  ctx.log(`  ${variant}: ${path}, ${(plainHtml.length / 1024).toFixed(1)} KiB of HTML`);
  const plain = await coldAndWarm(browser, app.origin, cookie, path, false);
  const packed = await coldAndWarm(browser, app.origin, cookie, path, true);
  ctx.report(loadRow(`${variant}.cold`, packed.cold, plain.cold));
  ctx.report(loadRow(`${variant}.warm`, packed.warm, plain.warm));
  ctx.log(
    `  ${variant}: uncompressed cold ${kb(plain.cold.bytes).toFixed(1)} KiB, readable ${plain.cold.readableMs.toFixed(0)} ms; warm ${kb(plain.warm.bytes).toFixed(1)} KiB, readable ${plain.warm.readableMs.toFixed(0)} ms`,
  );
  const over = [
    packed.cold.bytes > TARGETS.coldKB * 1024 && `cold ${kb(packed.cold.bytes).toFixed(1)} KiB > ${TARGETS.coldKB}`,
    packed.warm.bytes > TARGETS.warmKB * 1024 && `warm ${kb(packed.warm.bytes).toFixed(1)} KiB > ${TARGETS.warmKB}`,
    packed.cold.readableMs > TARGETS.readableMs && `readable ${packed.cold.readableMs.toFixed(0)} ms > ${TARGETS.readableMs}`,
  ].filter(Boolean);
  ctx.log(over.length ? `  ${variant}: over target: ${over.join(", ")}` : `  ${variant}: within targets (cold ≤ ${TARGETS.coldKB} KiB, warm ≤ ${TARGETS.warmKB} KiB, readable ≤ ${TARGETS.readableMs} ms)`);
}

export default {
  name: "page-weight",
  description: "an agent's cold and warm load of the inbox with a thread open in Chromium on slow 3G with a 4× slower CPU: KiB on the wire and time to readable, beside uncompressed (demo data and the data set)",
  async run(ctx) {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: page-weight needs Chromium (CHROMIUM_PATH)`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      // The demo organization, as a first look shows it: its own app on PGlite in memory.
      const demo = await openMemoryPglite();
      const demoApp = await serveApp(demo.database);
      try {
        await seedDemo(demo.database.db, new Date());
        const [org] = await demo.database.db.select({ id: organizations.id }).from(organizations);
        const { cookie } = await demoApp.signIn("agent1@demo.test", DEMO_PASSWORD, org!.id);
        await measure(ctx, browser, "demo", demoApp, cookie);
      } finally {
        await demoApp.stop();
        await demo.destroy();
      }

      const data = await ctx.dataset();
      const app = await ctx.app();
      const { cookie } = await app.signIn(data.agent.email, data.agent.password, data.orgId);
      await measure(ctx, browser, "dataset", app, cookie);
    } finally {
      await browser.close();
    }
  },
} satisfies BenchCase;
