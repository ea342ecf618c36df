// The real Kanal app served by Bun.serve on a free loopback port, and signing in the way a browser does.
import type { Server } from "bun";
import type { Database } from "@db/client";
import { createApp } from "../../src/app";
import { systemClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import type { Deps } from "../../src/context";
import { createLogger } from "../../src/log";

export interface ServedApp {
  origin: string;
  /** Signs in through /login and picks the organization through /organizations; returns the request headers of that session. */
  signIn(email: string, password: string, orgId: number): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Processes serving the port together (app-worker.ts), as KANAL_WORKERS does; needs `databaseUrl` above 1. */
  workers?: number;
  databaseUrl?: string;
}

export async function serveApp(database: Database, options: ServeOptions = {}): Promise<ServedApp> {
  const workers = options.workers ?? 1;
  if (workers > 1 && !options.databaseUrl) throw new Error("Several app processes need Postgres (not --pglite)");
  const config = loadConfig({ LOG_LEVEL: "silent" });
  const deps: Deps = { database, config, clock: systemClock, log: createLogger("silent") };
  const app = createApp(deps);
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 60,
    reusePort: workers > 1,
    fetch: (req, srv) => app.fetch(req, { server: srv }),
  });
  const origin = `http://127.0.0.1:${server.port}`;
  // The others listen on the same port; the kernel spreads connections among all of them.
  const others = await Promise.all(
    Array.from({ length: workers - 1 }, async () => {
      const child = Bun.spawn(["bun", new URL("./app-worker.ts", import.meta.url).pathname], {
        env: { ...process.env, BENCH_WORKER_DATABASE_URL: options.databaseUrl, BENCH_WORKER_PORT: String(server.port) },
        stdout: "pipe",
        stderr: "inherit",
      });
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let said = "";
      while (!said.includes("ready")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("an app worker exited before serving");
        said += value;
      }
      reader.releaseLock();
      return child;
    }),
  );

  async function signIn(email: string, password: string, orgId: number) {
    const cookies = new Map<string, string>();
    const post = async (path: string, form: Record<string, string>) => {
      const res = await fetch(origin + path, {
        method: "POST",
        redirect: "manual",
        headers: {
          origin,
          "content-type": "application/x-www-form-urlencoded",
          ...(cookies.size ? { cookie: cookieHeader(cookies) } : {}),
        },
        body: new URLSearchParams(form),
      });
      await res.arrayBuffer();
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const at = pair.indexOf("=");
        cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
      }
      return res;
    };
    const login = await post("/login", { email, password });
    if (login.status !== 303) throw new Error(`Signing in as ${email} answered ${login.status}`);
    const picked = await post("/organizations", { orgId: String(orgId) });
    if (picked.status !== 303 || picked.headers.get("location") !== "/inbox") {
      throw new Error(`Picking organization ${orgId} answered ${picked.status} → ${picked.headers.get("location")}`);
    }
    return { cookie: cookieHeader(cookies) };
  }

  async function stop() {
    for (const child of others) child.kill("SIGTERM");
    await Promise.all(others.map((child) => child.exited));
    await server.stop(true);
  }

  return { origin, signIn, stop };
}

function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
}
