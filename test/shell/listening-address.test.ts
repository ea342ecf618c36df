// A demo on a laptop is reachable from the laptop only: Kanal and the fake Graph API listen on the
// loopback address unless HOST says otherwise (the Docker image says 0.0.0.0).
import { afterAll, describe, expect, it, setDefaultTimeout } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../../src/config";
import { startFakeMeta } from "../../fakes/meta/server";

setDefaultTimeout(60_000);

/** An address of this machine that another machine on its network would use, if it has one. */
const outward = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === "IPv4")?.address;

const reachable = (url: string) => fetch(url, { signal: AbortSignal.timeout(3_000) }).then(() => true, () => false);

async function freePort() {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

describe("listening address", () => {
  it("defaults to this machine only, and the Docker image opts into every interface", () => {
    expect(loadConfig({}).HOST).toBe("127.0.0.1");
    expect(loadConfig({ HOST: "0.0.0.0" }).HOST).toBe("0.0.0.0");
    expect(readFileSync(resolve(import.meta.dir, "../../Dockerfile"), "utf8")).toMatch(/HOST=0\.0\.0\.0/);
  });

  it.skipIf(!outward)("Kanal started with bun start answers on loopback and not on the network", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "kanal-host-"));
    const env: Record<string, string> = { ...(process.env as Record<string, string>), PORT: String(port), DATA_DIR: dataDir, DEMO_SEED: "0", LOG_LEVEL: "warn" };
    delete env.DATABASE_URL;
    delete env.HOST;
    const server = Bun.spawn(["bun", "src/server.ts"], { cwd: resolve(import.meta.dir, "../.."), env, stdout: "ignore", stderr: "inherit" });
    cleanup.push(async () => {
      server.kill("SIGTERM");
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    });
    const deadline = Date.now() + 45_000;
    while (!(await reachable(`http://127.0.0.1:${port}/healthz`))) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error("Kanal did not start");
      await Bun.sleep(200);
    }
    expect(await reachable(`http://${outward}:${port}/healthz`)).toBe(false);
  });

  it.skipIf(!outward)("the fake Graph API answers on loopback and not on the network", async () => {
    const fake = await startFakeMeta({ port: 0 });
    cleanup.push(() => fake.stop());
    expect(await reachable(`http://127.0.0.1:${fake.port}/_fake`)).toBe(true);
    expect(await reachable(`http://${outward}:${fake.port}/_fake`)).toBe(false);
  });
});
