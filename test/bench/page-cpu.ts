// The server's CPU time per page, which a busy machine does not blur the way it blurs req/s: the
// real app serves a kept data set (generate.ts --database-url) and a separate client process loads
// a path; the server process's user+system CPU is divided by the requests answered.
//
//   bun test/bench/page-cpu.ts --database-url postgres://…/kanal_data [--path /inbox?tab=all]
//                              [--requests 3000] [--concurrency 8] [--email admin@bench.test]
//
// Run it under `bun --cpu-prof --cpu-prof-dir DIR` to see where that time goes. On Linux it also
// reports the load client's CPU and that of the Postgres backends serving the page (a local server): the
// three share the machine's cores, so together they bound the pages per second it can serve.
import { unlink } from "node:fs/promises";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openPostgres, rows } from "@db/client";
import { serveApp } from "./app";

const TICK_MS = 10; // Linux's USER_HZ is 100

/** User+system CPU of a process in ms, from /proc (null where there is none). */
async function processCpuMs(pid: number): Promise<number | null> {
  try {
    const stat = await Bun.file(`/proc/${pid}/stat`).text();
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** CPU used so far by the Postgres backends serving this database (other databases' work left out). */
async function postgresCpuMs(pids: number[]): Promise<number | null> {
  let total = 0;
  for (const pid of pids) {
    const ms = await processCpuMs(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}

const CLIENT = `
const [url, headers, requests, concurrency] = JSON.parse(process.argv[2]);
let issued = 0, failed = 0;
let firstFail = null;
const once = async () => { const res = await fetch(url, { headers, redirect: "manual" }); const body = await res.text(); if (res.status !== 200) { failed++; firstFail ??= res.status + " " + body.slice(0, 300); } };
const loop = async (n) => { while (issued < n) { issued++; await once(); } };
await Promise.all(Array.from({ length: concurrency }, () => loop(Math.min(200, requests))));
issued = 0;
process.stdout.write("warm\\n");
await Bun.stdin.stream().getReader().read();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, () => loop(requests)));
process.stdout.write(JSON.stringify({ ms: performance.now() - started, failed, firstFail }) + "\\n");
`;

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    "database-url": { type: "string" },
    path: { type: "string", multiple: true },
    requests: { type: "string", default: "3000" },
    concurrency: { type: "string", default: "8" },
    email: { type: "string", default: "admin@bench.test" },
    password: { type: "string", default: "bench-password" },
  },
});
const url = values["database-url"] ?? process.env.DATABASE_URL;
if (!url) throw new Error("--database-url: a database filled by generate.ts");
const database = await openPostgres(url, { max: 10 });
const [user] = await rows<{ orgId: number }>(database.db, sql`select m.org_id::int as "orgId" from users u join memberships m on m.user_id = u.id where u.email = ${values.email} limit 1`);
if (!user) throw new Error(`${values.email} is no member of anything in that database`);
const app = await serveApp(database);
const headers = await app.signIn(values.email, values.password, user.orgId);
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const clientFile = `/tmp/kanal-page-cpu-client-${process.pid}.ts`;
await Bun.write(clientFile, CLIENT);

for (const path of values.path ?? ["/inbox?tab=open", "/inbox?tab=all"]) {
  const client = Bun.spawn(["bun", clientFile, JSON.stringify([app.origin + path, headers, requests, concurrency])], { stdin: "pipe", stdout: "pipe" });
  const reader = client.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!out.includes("warm\n")) out += (await reader.read()).value ?? "";
  const before = process.cpuUsage();
  // The pool's connections are all open after the warm-up.
  const backends = (await rows<{ pid: number }>(database.db, sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`)).map((r) => r.pid);
  const [clientBefore, postgresBefore] = [await processCpuMs(client.pid), await postgresCpuMs(backends)];
  client.stdin.write("go\n");
  client.stdin.flush();
  out = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (value) out += value;
    if (done || out.endsWith("\n")) break;
  }
  const used = process.cpuUsage(before);
  const [clientAfter, postgresAfter] = [await processCpuMs(client.pid), await postgresCpuMs(backends)];
  const perPage = (a: number | null, b: number | null) => (a === null || b === null ? "?" : ((b - a) / requests).toFixed(2));
  const { ms, failed, firstFail } = JSON.parse(out);
  if (failed) console.log(`  first failure: ${firstFail}`);
  const cpu = (used.user + used.system) / 1000 / requests;
  console.log(
    `${path.padEnd(24)} server CPU ${cpu.toFixed(2)} ms/page (user ${(used.user / 1000 / requests).toFixed(2)})  ${Math.round((requests / ms) * 1000)} req/s at c${concurrency}${failed ? `  ${failed} failed` : ""}` +
      `  client ${perPage(clientBefore, clientAfter)} ms/page  postgres ${perPage(postgresBefore, postgresAfter)} ms/page`,
  );
  client.kill();
}
await app.stop();
await database.close();
await unlink(clientFile);
