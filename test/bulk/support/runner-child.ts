// A separate Kanal process running bulk sends and the outbox, as a server does, until the test
// kills it (kill -9 at a random moment): the crash of test/bulk/crash.test.ts.
import { openPostgres } from "@db/client";
import { BulkRunner } from "../../../src/bulk/runner";
import { OutboxWorker } from "../../../src/channels/outbox";
import { systemClock } from "../../../src/clock";
import { loadConfig } from "../../../src/config";
import { createLogger } from "../../../src/log";

const database = await openPostgres(process.env.CHILD_DATABASE_URL!, { migrate: false });
const config = loadConfig({ LOG_LEVEL: "silent", SECRETS_KEY: process.env.CHILD_SECRETS_KEY, META_GRAPH_URL: process.env.CHILD_GRAPH_URL, DATA_DIR: "/tmp/kanal-test-data" });
const deps = { database, config, clock: systemClock, log: createLogger("silent") };
const outbox = new OutboxWorker(deps, { claimMs: 1_500, proofMs: 3_000 });
const runner = new BulkRunner(deps, () => outbox.wake(), { leaseMs: 600, progressMs: 500 });
outbox.start(100);
runner.start(40);
console.log("running");
