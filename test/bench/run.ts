// Kanal's benchmarks: `bun run bench [case…] [--json]`. Benchmarks are not tests: nothing here is
// named *.test.ts, and bunfig.toml keeps `bun test` out of test/bench.
//
// Adding a case: a file test/bench/cases/<name>.ts whose default export is a BenchCase
// (harness.ts):
//
//   export default {
//     name: "inbox-open-tab",                 // kebab-case, selects the case on the command line
//     description: "An agent opens the Open tab",
//     async run(ctx) {
//       const data = await ctx.dataset();      // shared data set, generated once per run (generate.ts)
//       const app = await ctx.app();           // the real app on Bun.serve, loopback, free port
//       const headers = await app.signIn(data.agent.email, data.agent.password, data.orgId);
//       for (const concurrency of [1, 8]) await ctx.compare(`c${concurrency}`, "/inbox", { concurrency, headers });
//     },
//   } satisfies BenchCase;
//
// `ctx.compare` measures the bare Bun.serve baseline and the app path with the same client loop (a
// Worker, bounded by --requests and --seconds) and reports p50, p95 and req/s. Figures that are not
// HTTP loads go through `ctx.report({ variant, figures: [{ metric, value, unit, baseline }] })`,
// with a baseline measured in the same run, or null when there is none. Cases share the data set:
// one that changes data should change only rows it created.
//
// Output: one human line per row, e.g.
//   admin-users-page c8  p50 1.9 ms  p95 3.1 ms  4,210 req/s  | baseline bare Bun.serve 28,500 req/s  ratio 0.15
// or with --json one object per line and metric:
//   {"case":"admin-users-page","metric":"c8.rps","value":4210,"unit":"req/s","baseline":28500,"ratio":0.1477}
// where ratio = value / baseline. Progress goes to stderr, so stdout holds only results.
//
// Database: a fresh `bench_kanal` (or --database NAME) on BENCH_DATABASE_URL's server (default
// postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards; or PGlite in memory with --pglite.
import { cpus } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DATABASE, DEFAULT_SERVER_URL, openFreshPostgres, openMemoryPglite, type BenchDatabase } from "./database";
import { BenchRun, type BenchCase, type BenchOptions } from "./harness";

const usage = `bun run bench [case…] [options]

  --json                 one JSON object per metric and line on stdout
  --pglite               PGlite in memory instead of Postgres (BENCH_DATABASE_URL)
  --conversations N      data set size (default 100000)
  --messages N           (default 10 per conversation)
  --agents N             members besides the admin (default 200)
  --requests N           most measured requests per load run (default 2000)
  --seconds S            longest measured time per load run (default 5)
  --workers N            serve the app from N processes on one port, as KANAL_WORKERS does (Postgres only)
  --database NAME        the database to create on the server (default bench_kanal)
  --keep                 keep that database afterwards
  --list                 list the cases`;

async function loadCases(): Promise<BenchCase[]> {
  const dir = join(import.meta.dir, "cases");
  const files = [...new Bun.Glob("*.ts").scanSync(dir)].sort();
  const cases: BenchCase[] = [];
  for (const file of files) {
    const mod = (await import(join(dir, file))) as { default?: Partial<BenchCase> };
    const c = mod.default;
    if (!c || typeof c.name !== "string" || typeof c.description !== "string" || typeof c.run !== "function") {
      throw new Error(`cases/${file} must export default { name, description, run(ctx) }`);
    }
    if (c.name !== basename(file, ".ts")) throw new Error(`cases/${file} is named "${c.name}"; name the file after the case`);
    cases.push(c as BenchCase);
  }
  return cases;
}

function count(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} expects a number ≥ ${min}, got "${raw}"`);
  return n;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Bun.argv.slice(2),
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      pglite: { type: "boolean", default: false },
      conversations: { type: "string" },
      messages: { type: "string" },
      agents: { type: "string" },
      requests: { type: "string" },
      seconds: { type: "string" },
      workers: { type: "string" },
      database: { type: "string", default: BENCH_DATABASE },
      keep: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const cases = await loadCases();
  if (values.list) {
    for (const c of cases) console.log(`${c.name.padEnd(26)} ${c.description}`);
    return 0;
  }
  const unknown = positionals.filter((name) => !cases.some((c) => c.name === name));
  if (unknown.length) {
    console.error(`Unknown case${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Cases: ${cases.map((c) => c.name).join(", ")}`);
    return 2;
  }
  const selected = positionals.length ? cases.filter((c) => positionals.includes(c.name)) : cases;

  const conversations = Math.round(count("conversations", values.conversations, 100_000));
  const options: BenchOptions = {
    conversations,
    messages: Math.round(count("messages", values.messages, conversations * 10, 0)),
    agents: Math.round(count("agents", values.agents, 200, 2)),
    requests: Math.round(count("requests", values.requests, 2_000)),
    seconds: count("seconds", values.seconds, 5, 0.1),
    workers: Math.round(count("workers", values.workers, 1)),
  };
  if (options.workers! > 1 && values.pglite) {
    console.error("--workers needs Postgres: PGlite belongs to one process");
    return 2;
  }
  const log = (line: string) => console.error(line);
  const started = performance.now();

  // Two runs on one server (two checkouts, say) would drop each other's database: name one apart.
  const benchDatabase = values.database !== BENCH_DATABASE ? values.database : process.env.BENCH_DATABASE_NAME || BENCH_DATABASE;
  const target: BenchDatabase = values.pglite
    ? await openMemoryPglite()
    : await openFreshPostgres(process.env.BENCH_DATABASE_URL || DEFAULT_SERVER_URL, { keep: values.keep, name: benchDatabase });
  options.databaseUrl = target.url;
  const cpu = cpus();
  log(`Kanal benchmarks · bun ${Bun.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"} · ${target.label}${options.workers! > 1 ? ` · app in ${options.workers} processes` : ""}`);

  const run = new BenchRun(target.database, options, (line) => console.log(line), values.json, log);
  // Both an interrupt and the normal end wait for the same clean-up, so neither exits before the drop.
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await run.close();
      await target.destroy();
      if (values.keep && target.url) log(`kept ${benchDatabase}: DATABASE_URL=${target.url}`);
    })());
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    log("interrupted; cleaning up");
    cleanup().finally(() => process.exit(130));
  });

  let failures = 0;
  try {
    for (const c of selected) {
      log(`▸ ${c.name}: ${c.description}`);
      try {
        await c.run(run.contextFor(c.name));
      } catch (error) {
        if (interrupted) break;
        failures++;
        log(`✗ ${c.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  } finally {
    await cleanup();
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s${failures ? `, ${failures} case(s) failed` : ""}`);
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
