// The benchmark's database: a fresh `bench_kanal` on a real Postgres server (dropped afterwards),
// or PGlite in memory with --pglite.
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { openPostgres, pgliteOptions, wrapPglite, type Database } from "@db/client";

export const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";
export const BENCH_DATABASE = "bench_kanal";

export interface BenchDatabase {
  database: Database;
  /** Where the data lives, for the report header (never includes a password). */
  label: string;
  /** The URL of the created database, for `DATABASE_URL=… bun start` when kept. */
  url?: string;
  destroy(): Promise<void>;
}

export function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = "/" + name;
  return u.toString();
}

function describe(url: string): string {
  const u = new URL(url);
  return `postgres ${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/**
 * Creates `name` on the server (dropping a leftover from an interrupted run first), migrates it,
 * and drops it on destroy unless `keep` is set.
 */
export async function openFreshPostgres(serverUrl: string, options: { name?: string; keep?: boolean; max?: number } = {}): Promise<BenchDatabase> {
  const name = options.name ?? BENCH_DATABASE;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain database name: ${name}`);
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    throw new Error(`Cannot create database ${name} on ${describe(serverUrl)}: ${(error as Error).message}\n` + `Set BENCH_DATABASE_URL to a server you may create databases on, or pass --pglite.`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = withDatabaseName(serverUrl, name);
  const database = await openPostgres(url, { max: options.max ?? 10 });
  return {
    database,
    label: describe(url),
    url,
    async destroy() {
      await database.close();
      if (options.keep) return;
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end({ timeout: 5 });
    },
  };
}

/** Opens an existing database and migrates it (the generator's --database-url). */
export async function openExistingPostgres(url: string): Promise<BenchDatabase> {
  const database = await openPostgres(url, { max: 4 });
  return { database, label: describe(url), url, destroy: () => database.close() };
}

export async function openMemoryPglite(): Promise<BenchDatabase> {
  const database = await wrapPglite(await PGlite.create(pgliteOptions()));
  return { database, label: "PGlite in memory", destroy: () => database.close() };
}
