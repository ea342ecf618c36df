// One more process serving the bench's app on the same loopback port (SO_REUSEPORT), as
// KANAL_WORKERS does in src/server.ts: started by app.ts for `bun run bench --workers N`.
import { openPostgres } from "@db/client";
import { createApp } from "../../src/app";
import { systemClock } from "../../src/clock";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/log";

const url = process.env.BENCH_WORKER_DATABASE_URL;
const port = Number(process.env.BENCH_WORKER_PORT);
if (!url || !port) throw new Error("BENCH_WORKER_DATABASE_URL and BENCH_WORKER_PORT are set by app.ts");
const database = await openPostgres(url, { max: 10, migrate: false });
const config = loadConfig({ LOG_LEVEL: "silent" });
const app = createApp({ database, config, clock: systemClock, log: createLogger("silent") });
const server = Bun.serve({ hostname: "127.0.0.1", port, reusePort: true, idleTimeout: 60, fetch: (req, srv) => app.fetch(req, { server: srv }) });
await app.runtime.bus.start();
process.stdout.write("ready\n");
process.on("SIGTERM", async () => {
  await server.stop(true);
  await app.runtime.bus.stop();
  await database.close();
  process.exit(0);
});
