// CPU per acknowledged webhook, for finding where webhook-ingest's time goes: each thread of this
// process (the app's is "main"; "Worker" is the sending client, whose payloads are signed inside
// the window) and Postgres's backends of the bench database, from /proc around open-loop runs of
// signed WhatsApp webhooks (the case's Worker and payloads), with the database's own counters and
// WAL per webhook, how long each thread waited for a core, and how late the app's event loop ran.
// Not a case: CPU per webhook holds on a noisy machine where the case's tail does not.
//   flock /tmp/kanal-bench.lock bun test/bench/webhook-cpu.ts --database NAME [--rate 500] [--requests 4000] [--rounds 3] [--conversations 20000] [--keep]
import { readFileSync, readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { rows } from "@db/client";
import { DEFAULT_SERVER_URL, openFreshPostgres } from "./database";
import { generateDataset } from "./generate";
import { percentile } from "./load";
import { serveWebhookApp } from "./webhook-app";
import type { WebhookJob, WebhookSample } from "./webhook-worker";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    database: { type: "string", default: "webhook_cpu" },
    rate: { type: "string", default: "500" },
    requests: { type: "string", default: "4000" },
    rounds: { type: "string", default: "3" },
    conversations: { type: "string", default: "100000" },
    keep: { type: "boolean", default: false },
  },
});
const PHONE_BASE = 905_400_000_000;
const PHONES = 3_000;

const TICK = 100; // clock ticks per second on Linux

/** This process's threads, each under the name the figures use: the app's own thread is "main". */
function ownThreads(): { tid: string; key: string }[] {
  return readdirSync("/proc/self/task").flatMap((tid) => {
    try {
      return [{ tid, key: tid === String(process.pid) ? "main" : readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim() }];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

/** utime + stime in ms of each thread of this process, by thread name. */
function threads(): Map<string, number> {
  const out = new Map<string, number>();
  for (const { tid, key } of ownThreads()) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(key, (out.get(key) ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / TICK);
      if (key === "main" || key === "Worker") out.set(`${key}-sys`, (out.get(`${key}-sys`) ?? 0) + (Number(f[12]) * 1000) / TICK);
    } catch {}
  }
  return out;
}

function cpuOf(pid: number, sysOnly = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((sysOnly ? 0 : Number(f[11])) + Number(f[12])) * 1000 / TICK;
  } catch {
    return 0;
  }
}

/** Every postgres process (backends of other databases too: noise from the machine's other users). */
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres") pids.push(Number(d));
    } catch {}
  }
  return pids;
}

/**
 * Time spent runnable but waiting for a core, and on a core, in ms: this process's threads by name
 * and the given Postgres backends together, from /proc's schedstat. On two shared cores this wait,
 * not the CPU itself, is what stretches the acknowledgement's tail.
 */
function runQueue(backends: number[]): Map<string, { waitMs: number; cpuMs: number }> {
  const out = new Map<string, { waitMs: number; cpuMs: number }>();
  const add = (key: string, path: string) => {
    try {
      const [cpu, wait] = readFileSync(path, "utf8").trim().split(" ").map(Number);
      const o = out.get(key) ?? { waitMs: 0, cpuMs: 0 };
      out.set(key, { waitMs: o.waitMs + wait / 1e6, cpuMs: o.cpuMs + cpu / 1e6 });
    } catch {}
  };
  for (const { tid, key } of ownThreads()) add(key, `/proc/self/task/${tid}/schedstat`);
  for (const pid of backends) add("postgres", `/proc/${pid}/schedstat`);
  return out;
}

/** How late a 1 ms timer on the app's thread fires, sample by sample: the event loop's stalls. */
function loopLag() {
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(now - last - 1);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    return lags.sort((a, b) => a - b);
  };
}

const target = await openFreshPostgres(DEFAULT_SERVER_URL, { name: values.database!, keep: values.keep });
try {
  const conversations = Number(values.conversations);
  const data = await generateDataset(target.database, { conversations, messages: conversations * 10, agents: 200, log: (l) => console.error(l) });
  const served = await serveWebhookApp(target.database, data.orgId, "webhook-cpu");
  const worker = new Worker(new URL("./webhook-worker.ts", import.meta.url).href);
  const post = (job: WebhookJob) =>
    new Promise<WebhookSample>((resolve) => {
      worker.onmessage = (e: MessageEvent<WebhookSample>) => resolve(e.data);
      worker.postMessage(job);
    });
  let firstN = 0;
  const run = async (job: Pick<WebhookJob, "mode" | "concurrency" | "rate" | "requests" | "seconds" | "inTurn">) => {
    const sample = await post({ target: served.target, phoneBase: PHONE_BASE, phoneCount: PHONES, firstN, ...job });
    firstN += sample.sent;
    if (sample.errors) throw new Error(`${sample.errors} errors: ${sample.firstError}`);
    await served.app.runtime.background.idle();
    return sample;
  };
  await run({ mode: "closed", concurrency: 8, requests: PHONES, seconds: 120, inTurn: true });
  await run({ mode: "closed", concurrency: 8, requests: 2000, seconds: 30 });
  const ourBackends = async () =>
    (await rows<{ pid: number }>(target.database.db, sql`select pid from pg_stat_activity where datname = current_database()`)).map((r) => r.pid);
  const rate = Number(values.rate);
  const requests = Number(values.requests);
  for (let round = 0; round < Number(values.rounds); round++) {
    console.error(`round ${round} starts`);
    const stats = () => rows<{ relname: string; seq_scan: number; seq_tup_read: number; idx_scan: number; n_tup_ins: number; n_tup_upd: number; n_tup_hot_upd: number }>(target.database.db, sql`select relname, seq_scan::float8, seq_tup_read::float8, coalesce(idx_scan,0)::float8 as idx_scan, n_tup_ins::float8, n_tup_upd::float8, n_tup_hot_upd::float8 from pg_stat_user_tables`);
    const counters = () => rows<Record<string, number>>(target.database.db, sql`select xact_commit::float8, tup_returned::float8, tup_fetched::float8, tup_inserted::float8, tup_updated::float8, blks_hit::float8 from pg_stat_database where datname = current_database()`);
    const db0 = await counters();
    const st0 = await stats();
    const wal = () => rows<Record<string, number>>(target.database.db, sql`select wal_records::float8, wal_fpi::float8, wal_bytes::float8, wal_sync::float8 from pg_stat_wal`);
    const w0 = await wal();
    const backends = await ourBackends();
    const pgAll = postgresPids();
    const t0 = threads();
    const b0 = backends.map((p) => cpuOf(p));
    const s0 = backends.map((p) => cpuOf(p, true));
    const a0 = pgAll.map((p) => cpuOf(p));
    const q0 = runQueue(backends);
    const lagged = loopLag();
    const started = performance.now();
    const sample = await run({ mode: "open", rate, requests, seconds: requests / rate });
    const wall = performance.now() - started;
    const lags = lagged();
    const q1 = runQueue(backends);
    const t1 = threads();
    const b1 = backends.map((p) => cpuOf(p));
    const s1 = backends.map((p) => cpuOf(p, true));
    const a1 = pgAll.map((p) => cpuOf(p));
    const n = sample.sent;
    await Bun.sleep(600); // statistics are reported by backends at most every 500 ms
    const db1 = await counters();
    const st1 = await stats();
    const w1 = await wal();
    console.error("WAL per webhook: " + Object.keys(w1[0]).map((k) => `${k} ${((w1[0][k] - w0[0][k]) / n).toFixed(2)}`).join(", "));
    console.error("per webhook: " + Object.keys(db1[0]).map((k) => `${k} ${((db1[0][k] - db0[0][k]) / n).toFixed(2)}`).join(", "));
    for (const r of st1) {
      const b = st0.find((x) => x.relname === r.relname)!;
      const d = (k: keyof typeof r) => ((Number(r[k]) - Number(b[k])) / n).toFixed(2);
      if (r.seq_scan !== b.seq_scan || r.idx_scan !== b.idx_scan || r.n_tup_ins !== b.n_tup_ins || r.n_tup_upd !== b.n_tup_upd) console.error(`  ${r.relname}: seq ${d("seq_scan")} (${d("seq_tup_read")} rows), idx ${d("idx_scan")}, ins ${d("n_tup_ins")}, upd ${d("n_tup_upd")} (hot ${d("n_tup_hot_upd")})`);
    }
    const per = (ms: number) => ((ms / n) * 1000).toFixed(0);
    const threadCosts = [...t1].map(([k, v]) => [k, v - (t0.get(k) ?? 0)] as const).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]);
    const backendMs = b1.reduce((s, v, i) => s + v - b0[i], 0);
    const allMs = a1.reduce((s, v, i) => s + v - a0[i], 0);
    const backendSysMs = s1.reduce((s, v, i) => s + v - s0[i], 0);
    const sorted = sample.latencies.slice().sort();
    console.log(
      `round ${round}: ${n} webhooks at ${rate}/s in ${(wall / 1000).toFixed(1)} s · ack p50 ${percentile(sorted, 50).toFixed(1)} p99 ${percentile(sorted, 99).toFixed(1)} ms · µs CPU per webhook: ` +
        threadCosts.map(([k, v]) => `${k} ${per(v)}`).join(", ") +
        ` · postgres (our backends) ${per(backendMs)} (sys ${per(backendSysMs)}), (all postgres) ${per(allMs)}`,
    );
    const waits = [...q1].map(([k, v]) => [k, v.waitMs - (q0.get(k)?.waitMs ?? 0)] as const).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]);
    const lag = (q: number) => lags[Math.min(lags.length - 1, Math.floor(lags.length * q))].toFixed(1);
    console.log(
      `  waiting for a core, µs per webhook: ${waits.map(([k, v]) => `${k} ${per(v)}`).join(", ")}` +
        ` · app's event loop late p50 ${lag(0.5)} p99 ${lag(0.99)} max ${lags[lags.length - 1].toFixed(1)} ms, ${lags.filter((x) => x > 10).length} times over 10 ms`,
    );
  }
  worker.terminate();
  await served.stop();
} finally {
  await target.destroy();
}
process.exit(0);
