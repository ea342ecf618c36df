// Kanal as a real process (`bun src/server.ts`) for tests that need one: a free port, waiting for
// /healthz, the log lines it writes, and stopping its whole process group afterwards.
import { resolve } from "node:path";

export async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

export async function waitForHealth(base: string, server: ReturnType<typeof Bun.spawn>, withinMs = 60_000) {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode} before answering /healthz`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return;
    await Bun.sleep(200);
  }
  throw new Error(`the server did not answer ${base}/healthz within ${withinMs / 1000} s`);
}

/** SIGTERM to the whole group (graceful shutdown closes the database), SIGKILL if it lingers. */
export async function stopGroup(server: ReturnType<typeof Bun.spawn>) {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-server.pid, name);
    } catch {
      // The group is already gone.
    }
  };
  signal("SIGTERM");
  const exited = await Promise.race([server.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
  if (!exited) signal("SIGKILL");
  await server.exited;
  // Processes it started (KANAL_WORKERS) outlive it when it was killed; the group reaches them too.
  signal("SIGKILL");
}

export interface KanalProcess {
  server: ReturnType<typeof Bun.spawn>;
  base: string;
  /** Its JSON log lines so far, parsed. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts Kanal on a free port with `env` (over this process's own) and waits until it is healthy. */
export async function startKanal(env: Record<string, string>): Promise<KanalProcess> {
  const port = await freePort();
  const all: Record<string, string> = { ...(process.env as Record<string, string>), PORT: String(port), LOG_LEVEL: "info", ...env };
  // Its own process group, so stopping it also reaches anything it started.
  const server = Bun.spawn(["bun", "src/server.ts"], { cwd: resolve(import.meta.dir, "../.."), env: all, stdout: "pipe", stderr: "inherit", detached: true });
  const logs: Record<string, unknown>[] = [];
  void (async () => {
    const reader = (server.stdout as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let rest = "";
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      const lines = (rest + decoder.decode(read.value, { stream: true })).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line.startsWith("{")) logs.push(JSON.parse(line));
    }
  })();
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(base, server);
  } catch (e) {
    await stopGroup(server);
    throw e;
  }
  return { server, base, logs, stop: () => stopGroup(server) };
}
