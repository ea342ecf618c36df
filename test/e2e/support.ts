// Browser tests: the real server as a child process on a fresh database, driven by Debian's
// Chromium through playwright-core. Skipped when Chromium is missing or SKIP_E2E=1.
import { afterAll, afterEach, beforeAll, setDefaultTimeout } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { freePort, stopGroup, waitForHealth } from "../support/kanal-process";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const e2eEnabled = process.env.SKIP_E2E !== "1" && existsSync(CHROMIUM);
if (!e2eEnabled) console.warn(`browser tests skipped: ${process.env.SKIP_E2E === "1" ? "SKIP_E2E=1" : `${CHROMIUM} not found (apt-get install chromium)`}`);

export const artifacts = resolve(import.meta.dir, "artifacts");
export const DEMO_PASSWORD = "demo-password";

export interface E2E {
  base: string;
  browser: Browser;
  /** A fresh browser context (its own cookies), signed in and inside the demo organization. */
  signedIn(email: string, options?: BrowserContextOptions): Promise<Page>;
  /** A fresh browser context at 1280 × 800 in English; `options` adds to or overrides that. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  shot(page: Page, name: string): Promise<void>;
  /** Takes the errors pages reported so far, for a test that provokes them on purpose. */
  takeProblems(): string[];
}

/**
 * The page's own complaints: uncaught errors, and console errors such as a resource the
 * Content-Security-Policy refused. A 4xx answer Chromium reports as a failed load is the app's
 * deliberate reply (a form redrawn with 422, a refused action), not a fault of the page.
 */
function isProblem(text: string): boolean {
  return !/^Failed to load resource: the server responded with a status of 4\d\d/.test(text);
}

/** Every page of every context reports its console errors and uncaught exceptions into `problems`. */
function watchPages(browser: Browser, problems: string[]): Browser {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on("page", (page) => {
      page.on("console", (message) => {
        if (message.type() === "error" && isProblem(message.text())) problems.push(`${page.url()}: ${message.text()}`);
      });
      page.on("pageerror", (error) => problems.push(`${page.url()}: uncaught ${error.message}`));
    });
    return context;
  };
  return browser;
}

/** Starts Kanal with demo data and Chromium for one test file (extra Chromium flags, e.g. fake media devices). */
export function useBrowser(options: { args?: string[]; env?: Record<string, string> } = {}): E2E {
  // A browser flow takes seconds. Bun resets the default for every file, and this module is
  // evaluated only once, so it is set here, per file, not at the top.
  setDefaultTimeout(30_000);
  const handle = {} as E2E;
  let server: ReturnType<typeof Bun.spawn> | undefined;
  let dataDir = "";
  let dbName: string | null = null;
  const problems: string[] = [];
  // A test whose pages logged an error or hit the Content-Security-Policy fails, even if its flow passed.
  afterEach(() => {
    const found = problems.splice(0);
    if (found.length) throw new Error(`the browser reported errors:\n${found.join("\n")}`);
  });
  beforeAll(async () => {
    if (!e2eEnabled) return;
    mkdirSync(artifacts, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "kanal-e2e-"));
    const port = await freePort();
    const env: Record<string, string> = { ...(process.env as Record<string, string>), PORT: String(port), DATA_DIR: dataDir, DEMO_SEED: "1", LOG_LEVEL: "warn", ...options.env };
    delete env.DATABASE_URL;
    const pgUrl = process.env.TEST_DATABASE_URL;
    if (pgUrl) {
      dbName = `e2e_kanal_${process.pid}_${Date.now()}`;
      const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database "${dbName}"`);
      await admin.end();
      const u = new URL(pgUrl);
      u.pathname = `/${dbName}`;
      env.DATABASE_URL = u.toString();
    }
    // Its own process group, so teardown also reaches anything the server started.
    server = Bun.spawn(["bun", "src/server.ts"], { cwd: resolve(import.meta.dir, "../.."), env, stdout: "ignore", stderr: "inherit", detached: true });
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(base, server);
    const browser = watchPages(await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...(options.args ?? [])],
    }), problems);
    Object.assign(handle, {
      base,
      browser,
      newContext: (options?: BrowserContextOptions) => browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", ...options }),
      async signedIn(email: string, options?: BrowserContextOptions) {
        const context = await handle.newContext(options);
        const page = await context.newPage();
        await page.goto(`${base}/login`);
        await page.fill("#f-email", email);
        await page.fill("#f-password", DEMO_PASSWORD);
        await page.click("button.primary");
        // A member of one organization goes straight to the inbox; of several, picks Demo Company.
        await page.waitForURL(/\/(organizations|inbox)/);
        if (new URL(page.url()).pathname === "/organizations") {
          await page.click('button.org-choice:has-text("Demo Company")');
          await page.waitForURL(/\/inbox/);
        }
        return page;
      },
      async shot(page: Page, name: string) {
        await page.screenshot({ path: join(artifacts, `${name}.png`) });
      },
      takeProblems: () => problems.splice(0),
    } satisfies E2E);
  }, 90_000);
  afterAll(async () => {
    await handle.browser?.close();
    if (server) await stopGroup(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (dbName && process.env.TEST_DATABASE_URL) {
      const admin = postgres(process.env.TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${dbName}" with (force)`);
      await admin.end();
    }
  });
  return handle;
}
