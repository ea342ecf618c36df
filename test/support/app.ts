// The real Hono app on a fresh database for one test file, with a fixed clock and signed-in clients.
import { afterAll, beforeAll, setDefaultTimeout } from "bun:test";
import type { Database } from "@db/client";
import { createApp, type App } from "../../src/app";
import { FixedClock } from "../../src/clock";
import { loadConfig, type Config } from "../../src/config";
import type { Deps } from "../../src/context";
import { createLogger } from "../../src/log";
import { freshDatabase, type TestDatabase } from "./database";
import { buildWorld, PASSWORD, type World, type WorldOptions } from "./world";

export const ORIGIN = "http://kanal.test";

export interface TestApp {
  app: App;
  database: Database;
  db: Database["db"];
  clock: FixedClock;
  config: Config;
  deps: Deps;
  /** This file's Postgres URL when running on Postgres. */
  databaseUrl?: string;
  world(name?: string, options?: WorldOptions): Promise<World>;
  client(): Client;
  signIn(email: string, orgId?: number, password?: string): Promise<Client>;
}

/** Registers beforeAll/afterAll for the file and returns a handle filled in before the first test. */
export function useTestApp(env: Record<string, string> = {}): TestApp {
  // Password hashing on two busy cores can pass Bun's 5 s default, which plain `bun test` keeps:
  // bunfig's timeout is ignored and the default resets for every file, so set it here, per file.
  setDefaultTimeout(30_000);
  const handle = {} as TestApp;
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await freshDatabase();
    const config = loadConfig({ LOG_LEVEL: "silent", SECRETS_KEY: "11".repeat(32), DATA_DIR: "/tmp/kanal-test-data", ...env });
    const clock = new FixedClock();
    const deps: Deps = { database: testDb.database, config, clock, log: createLogger("silent") };
    const app = createApp(deps);
    Object.assign(handle, {
      app,
      database: testDb.database,
      db: testDb.database.db,
      clock,
      config,
      deps,
      databaseUrl: testDb.url,
      world: (name?: string, options?: WorldOptions) => buildWorld(testDb.database.db, clock.now(), name, options),
      client: () => new Client(app),
      async signIn(email: string, orgId?: number, password = PASSWORD) {
        const client = new Client(app);
        const res = await client.post("/login", { email, password });
        if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
        if (orgId !== undefined) {
          const picked = await client.post("/organizations", { orgId: String(orgId) });
          if (picked.status !== 303 || picked.headers.get("location") !== "/inbox") throw new Error(`picking org ${orgId} failed`);
        }
        return client;
      },
    } satisfies TestApp);
  }, 60_000);
  afterAll(async () => {
    await testDb?.destroy();
  });
  return handle;
}

type Form = Record<string, string | string[] | undefined>;

/** A browser-like client: keeps cookies, sends the same-origin headers a browser sends. */
export class Client {
  cookies = new Map<string, string>();
  constructor(private app: App) {}

  async request(path: string, init: RequestInit & { htmx?: boolean } = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", ORIGIN);
    if (init.htmx) headers.set("hx-request", "true");
    const res = await this.app.request(ORIGIN + path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const [name, ...rest] = pair.split("=");
      const value = rest.join("=");
      const expired = attrs.some((a) => /max-age=0/i.test(a.trim())) || value === "";
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return res;
  }

  get(path: string, opts: { htmx?: boolean; headers?: Record<string, string> } = {}) {
    return this.request(path, { method: "GET", ...opts });
  }

  post(path: string, form: Form = {}, opts: { htmx?: boolean; headers?: Record<string, string> } = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    }
    return this.request(path, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", ...opts.headers },
      htmx: opts.htmx,
    });
  }

  async html(path: string) {
    const res = await this.get(path);
    return { status: res.status, text: await res.text() };
  }
}
