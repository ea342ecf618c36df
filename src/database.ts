// Opens the configured database: Postgres when DATABASE_URL is set, embedded PGlite in DATA_DIR otherwise.
import { join } from "node:path";
import { openPgliteDir, openPostgres, timeoutsFor, type Database } from "@db/client";
import type { Config } from "./config";

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : openPgliteDir(join(config.DATA_DIR, "pglite"));
}

/**
 * The periodic jobs' database: on Postgres a small pool of its own with the jobs' longer timeouts
 * (migrations already applied by `pages`); the embedded database is one, shared.
 */
export function openJobsDatabase(config: Config, pages: Database): Promise<Database> {
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL, { max: 3, migrate: false, timeouts: timeoutsFor.jobs }) : Promise.resolve(pages);
}
