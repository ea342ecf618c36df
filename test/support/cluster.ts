// A throw-away Postgres cluster for tests that stop and restart the database: initdb into a temp
// folder, its own free port, removed afterwards. Never the shared server the rest of the suite uses.
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "./kanal-process";

const bin = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

/** initdb refuses to run as root: then the cluster belongs to the `postgres` user. */
function owner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = Bun.spawnSync(["id", "-u", "postgres"]);
  const gid = Bun.spawnSync(["id", "-g", "postgres"]);
  return id.exitCode === 0 ? { uid: Number(id.stdout.toString()), gid: Number(gid.stdout.toString()) } : null;
}

/** Why a cluster cannot be made here, or null when it can. */
export function clusterUnavailable(): string | null {
  if (!existsSync(join(bin, "initdb")) || !existsSync(join(bin, "pg_ctl"))) return `no Postgres binaries in ${bin} (POSTGRES_BIN)`;
  if (process.getuid?.() === 0 && !owner()) return "running as root without a `postgres` user to own a throw-away cluster";
  return null;
}

export interface Cluster {
  url: string;
  /** Stops the server at once (fast shutdown: sessions are cut, as in a crash or failover). */
  stop(): void;
  start(): void;
  remove(): void;
}

export async function startCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "kanal-cluster-"));
  const by = owner();
  if (by) chownSync(dir, by.uid, by.gid);
  const run = (args: string[]) => {
    const command = by ? ["runuser", "-u", "postgres", "--", ...args] : args;
    const done = Bun.spawnSync(command, { stdout: "pipe", stderr: "pipe" });
    if (done.exitCode !== 0) throw new Error(`${args.join(" ")} failed (${userInfo().username}): ${done.stderr.toString()}${done.stdout.toString()}`);
  };
  const data = join(dir, "data");
  run([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`;
  const cluster: Cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => run([join(bin, "pg_ctl"), "-D", data, "-m", "fast", "-w", "stop"]),
    start: () => run([join(bin, "pg_ctl"), "-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]),
    remove() {
      try {
        cluster.stop();
      } catch {
        // Already stopped.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
