// Opens the configured database: Postgres when DATABASE_URL is set, embedded PGlite in DATA_DIR otherwise.
import { join } from "node:path";
import { openPgliteDir, openPostgres, type Database } from "@db/client";
import type { Config } from "./config";

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : openPgliteDir(join(config.DATA_DIR, "pglite"));
}
