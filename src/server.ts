// Entry point: configuration, database, demo data, the app, periodic jobs, graceful shutdown.
// With KANAL_WORKERS=N this process also starts N-1 more of itself, serving the same port
// (SO_REUSEPORT: the kernel spreads connections), and restarts any that dies. They share nothing
// but Postgres, as processes behind a load balancer would. Every process runs the periodic jobs'
// schedule (each tick runs once, under its advisory lock), so losing any one process stops none.
import { seedDemo } from "@db/seed";
import { createApp } from "./app";
import { systemClock } from "./clock";
import { loadConfig } from "./config";
import { openConfiguredDatabase, openJobsDatabase } from "./database";
import { startJobs } from "./jobs/schedule";
import { secretsFor } from "./channels/secrets";
import { createLogger } from "./log";

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
// A promise nobody awaited failing (a database gone mid-request, say) is logged, not fatal: Bun would
// otherwise end the process and every request and stream it serves.
process.on("unhandledRejection", (reason) => log.error("unhandled rejection", { error: reason, worker: process.env.KANAL_WORKER }));
/** Set in the processes this one starts. */
const worker = process.env.KANAL_WORKER;
const database = await openConfiguredDatabase(config);
if (!worker) log.info("database ready", { kind: database.kind });

if (config.demoSeed && !worker) {
  const seeded = await seedDemo(database.db, systemClock.now(), (s) => secretsFor(config).seal(s));
  if (seeded) log.info("demo data created", { organization: seeded.orgName });
}

const deps = { database, config, clock: systemClock, log };
const app = createApp(deps);
const server = Bun.serve({
  port: config.PORT,
  hostname: config.HOST,
  // Room for 100 MB documents plus multipart overhead.
  maxRequestBodySize: 110 * 1024 * 1024,
  idleTimeout: 60,
  reusePort: config.KANAL_WORKERS > 1,
  fetch: (req, srv) => app.fetch(req, { server: srv }),
});
const jobsDatabase = await openJobsDatabase(config, database);
const jobs = startJobs({ ...deps, database: jobsDatabase });
// Sends go out from every process; LISTEN wakes them as soon as any process queues one.
await app.runtime.bus.start();
app.runtime.outbox.start();
app.runtime.workflows.start();
app.runtime.bulk.start();
app.runtime.bot.start();

let stopping = false;
const workers = new Set<ReturnType<typeof Bun.spawn>>();
function startWorker(n: number) {
  const child = Bun.spawn([process.execPath, ...process.argv.slice(1)], {
    env: { ...process.env, KANAL_WORKER: String(n) },
    stdio: ["ignore", "inherit", "inherit"],
    onExit(_proc, code, signal) {
      workers.delete(child);
      if (stopping) return;
      log.error("worker exited; starting it again", { worker: n, code, signal });
      setTimeout(() => !stopping && startWorker(n), 1_000);
    },
  });
  workers.add(child);
}
if (!worker) for (let n = 1; n < config.KANAL_WORKERS; n++) startWorker(n);
if (worker) log.info("worker serving", { worker, pid: process.pid, port: server.port });

const url = `http://localhost:${server.port}`;
if (!worker) console.log(`\nKanal is running at ${url}` + (config.KANAL_WORKERS > 1 ? ` (${config.KANAL_WORKERS} processes)` : ""));
if (config.demoSeed && !worker) {
  console.log(`Demo sign-in: admin@demo.test / demo-password  (also supervisor@, agent1@, agent2@demo.test)\n`);
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info("shutting down", { signal, worker });
  for (const child of workers) child.kill("SIGTERM");
  jobs.stop();
  app.runtime.outbox.stop();
  app.runtime.workflows.stop();
  app.runtime.bulk.stop();
  app.runtime.bot.stop();
  // Finish requests in flight for a few seconds; live streams never finish, so then close the rest.
  await Promise.race([server.stop(), Bun.sleep(5_000)]);
  await server.stop(true);
  await Promise.race([Promise.all([app.runtime.outbox.settled(), app.runtime.workflows.settled(), app.runtime.bulk.settled(), app.runtime.bot.settled(), app.runtime.background.idle()]), Bun.sleep(5_000)]);
  await app.runtime.bus.stop();
  if (jobsDatabase !== database) await jobsDatabase.close();
  await database.close();
  await Promise.race([Promise.all([...workers].map((child) => child.exited)), Bun.sleep(12_000)]);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
