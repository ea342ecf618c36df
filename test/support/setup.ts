// Test preload: quiet logs, and the migrated template every test file's fresh database is cloned from.
import { beforeAll } from "bun:test";
import { freshDatabase } from "./database";

process.env.LOG_LEVEL ??= "silent";

beforeAll(async () => {
  // Build the template once per run, so no single test file pays for migrations.
  const warm = await freshDatabase();
  await warm.destroy();
}, 60_000);
