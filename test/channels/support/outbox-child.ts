// A separate Kanal process that runs one outbox pass and is killed by the test while it waits for
// the provider: the "crash mid-send" of test/channels/outbox-crash.test.ts.
import { openPostgres } from "@db/client";
import { OutboxWorker } from "../../../src/channels/outbox";
import { FixedClock } from "../../../src/clock";
import { loadConfig } from "../../../src/config";
import { createLogger } from "../../../src/log";

const database = await openPostgres(process.env.CHILD_DATABASE_URL!, { migrate: false });
const config = loadConfig({ LOG_LEVEL: "silent", SECRETS_KEY: process.env.CHILD_SECRETS_KEY, META_GRAPH_URL: process.env.CHILD_GRAPH_URL, DATA_DIR: "/tmp/kanal-test-data" });
const worker = new OutboxWorker({ database, config, clock: new FixedClock(process.env.CHILD_NOW!), log: createLogger("silent") });
console.log("claiming");
await worker.runOnce();
console.log("finished");
