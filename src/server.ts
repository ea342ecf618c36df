// Entry point: configuration, database, demo data, the app, periodic jobs, graceful shutdown.
import { seedDemo } from "@db/seed";
import { createApp } from "./app";
import { systemClock } from "./clock";
import { loadConfig } from "./config";
import { openConfiguredDatabase } from "./database";
import { startJobs } from "./jobs/schedule";
import { secretsFor } from "./channels/secrets";
import { createLogger } from "./log";

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL);
const database = await openConfiguredDatabase(config);
log.info("database ready", { kind: database.kind });

if (config.demoSeed) {
  const seeded = await seedDemo(database.db, systemClock.now(), (s) => secretsFor(config).seal(s));
  if (seeded) log.info("demo data created", { organization: seeded.orgName });
}

const deps = { database, config, clock: systemClock, log };
const app = createApp(deps);
const server = Bun.serve({
  port: config.PORT,
  // Room for 100 MB documents plus multipart overhead.
  maxRequestBodySize: 110 * 1024 * 1024,
  idleTimeout: 60,
  fetch: (req, srv) => app.fetch(req, { server: srv }),
});
const jobs = startJobs(deps);
// Sends go out from every process; LISTEN wakes them as soon as any process queues one.
await app.runtime.bus.start();
app.runtime.outbox.start();

const url = `http://localhost:${server.port}`;
console.log(`\nKanal is running at ${url}`);
if (config.demoSeed) {
  console.log(`Demo sign-in: admin@demo.test / demo-password  (also supervisor@, agent1@, agent2@demo.test)\n`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info("shutting down", { signal });
  jobs.stop();
  app.runtime.outbox.stop();
  // Finish requests in flight for a few seconds; live streams never finish, so then close the rest.
  await Promise.race([server.stop(), Bun.sleep(5_000)]);
  await server.stop(true);
  await Promise.race([Promise.all([app.runtime.outbox.settled(), app.runtime.background.idle()]), Bun.sleep(5_000)]);
  await app.runtime.bus.stop();
  await database.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
