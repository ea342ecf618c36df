// Opens Kanal's database: Postgres through postgres.js when a URL is given, embedded PGlite otherwise.
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql as dsql, type Query, type SQL } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgSession } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import postgres from "postgres";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; every domain function accepts either a Db or a Tx. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export const migrationsFolder = resolve(import.meta.dir, "migrations");
const MIGRATION_LOCK = 7_411_001;

export interface Database {
  db: Db;
  /**
   * Storing webhook bodies before acknowledging them: its own connections on Postgres, so pages
   * waiting on a slow database do not hold Meta's acknowledgements (WEBHOOK_BACKLOG decides that).
   */
  intake: Db;
  /** The health check's own connection, with a budget of a few seconds for each question. */
  health: Db;
  kind: "postgres" | "pglite";
  /** Listen on a NOTIFY channel; the callback runs again after reconnects via `onListen`. */
  listen(channel: string, onPayload: (payload: string) => void, onListen?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Runs `fn` while holding a session-level advisory lock, or returns null if another holder has it. */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T | null>;
  close(): Promise<void>;
}

/** `db.execute()` returns an array on postgres.js and `{ rows }` on PGlite; this gives rows on both. */
export async function rows<T = Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

const keptQueries = new WeakMap<object, Map<string, unknown>>();

/**
 * A query built once per database handle and key, then run with `sql.placeholder` values: drizzle
 * otherwise turns the query builder into SQL text again on every call, which costs more JavaScript
 * than the round trip on a page's hottest queries. Only for fixed shapes: every key is kept for good.
 */
export function keptQuery<T>(db: DbOrTx, key: string, build: () => T): T {
  let byKey = keptQueries.get(db);
  if (!byKey) keptQueries.set(db, (byKey = new Map()));
  let query = byKey.get(key) as T | undefined;
  if (query === undefined) byKey.set(key, (query = build()));
  return query;
}

const dialect = new PgDialect();

/**
 * A raw statement written once with `sql.placeholder(name)` for its values, turned into text on
 * first use and then run with values by name, on the database or inside a transaction: composing a
 * long `sql` template on every call costs more JavaScript than its round trip (see keptQuery for the
 * query builder's). Values are bound as they are given: timestamps as ISO text with a cast.
 */
export function fixedStatement<Row>(build: () => SQL): (db: DbOrTx, values: Record<string, unknown>) => Promise<Row[]> {
  let query: Query | undefined;
  return async (db, values) => {
    query ??= dialect.sqlToQuery(build());
    // What db.execute does, minus composing the text: `session` is drizzle's (typed internal).
    const { session } = db as unknown as { session: PgSession };
    const result = (await session.prepareQuery(query, undefined, undefined, false).execute(values)) as Row[] | { rows: Row[] };
    return Array.isArray(result) ? result : result.rows;
  };
}

/** A batch statement's rows (numbered `n` from 0, one per input), put in input order. */
export function inOrder<Row extends { n: number }>(count: number, rows: Row[]): Row[] {
  const byN = new Map(rows.map((r) => [Number(r.n), r]));
  return Array.from({ length: count }, (_, n) => {
    const row = byN.get(n);
    if (!row) throw new Error(`no row for input ${n}`);
    return row;
  });
}

/**
 * Drizzle sends its queries unnamed (`prepare: false`), and postgres.js then asks the server for the
 * parameter types before it can bind them: two round trips per query. As named statements they are
 * described once per connection and then bound at once, one round trip, as the driver's own queries
 * are. Transactions and savepoints hand drizzle a new client; those are wrapped the same way.
 */
function preparing<C extends object>(client: C): C {
  type Call = (...args: unknown[]) => unknown;
  const own = client as unknown as Record<"unsafe" | "begin" | "savepoint", Call>;
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "unsafe") return (query: string, params?: unknown[], options?: object) => own.unsafe(query, params, { ...options, prepare: true });
      if (prop === "begin" || prop === "savepoint") {
        return (...args: unknown[]) => {
          const fn = args.pop() as Call;
          return own[prop](...args, (tx: object) => fn(preparing(tx)));
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** How long one statement may run and wait for a lock, per kind of work (pages, periodic jobs). */
export interface Timeouts {
  statementMs: number;
  lockMs: number;
}

/**
 * Pages answer within seconds or not at all (a 503 saying the database is slow); periodic jobs may
 * work through more rows and wait longer for a lock.
 */
export const timeoutsFor = {
  pages: { statementMs: 10_000, lockMs: 3_000 },
  jobs: { statementMs: 120_000, lockMs: 20_000 },
} satisfies Record<string, Timeouts>;

const HEALTH_BUDGET_S = 2;

/** Per connection attempt; the driver's default grows to 20 s, so a restarted server would sit unused that long. */
const reconnectBackoff = (retries: number) => Math.min(0.05 * 2 ** retries, 1);

function connectPostgres(url: string, max: number, timeouts?: Timeouts, extra: postgres.Options<{}> = {}) {
  const connection: Record<string, string | number> = { application_name: "kanal" };
  if (timeouts) Object.assign(connection, { statement_timeout: timeouts.statementMs, lock_timeout: timeouts.lockMs });
  // infer: parameters typed from their JavaScript values as before v4 (a Date as timestamptz), which
  // raw statements such as `${now} - interval '1 day'` rely on.
  return postgres(url, { max, infer: true, backoff: reconnectBackoff, onnotice: () => {}, connection, ...extra });
}

export async function openPostgres(url: string, options: { max?: number; migrate?: boolean; timeouts?: Timeouts } = {}): Promise<Database> {
  if (options.migrate !== false) {
    // Migrations may build indexes for minutes: a client of their own, without the pages' timeouts.
    // At least two connections: the lock is held on one while the migrator uses another.
    const migrator = connectPostgres(url, 2);
    const reserved = await migrator.reserve();
    try {
      await reserved`select pg_advisory_lock(${MIGRATION_LOCK})`;
      // The migrator takes no lock of its own: two processes starting at once would both migrate.
      await migratePostgres(drizzlePostgres(migrator, { schema }), { migrationsFolder });
    } finally {
      await reserved`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
      reserved.release();
      await migrator.end({ timeout: 5 });
    }
  }
  const timeouts = options.timeouts ?? timeoutsFor.pages;
  const client = connectPostgres(url, options.max ?? 10, timeouts);
  const intakeClient = connectPostgres(url, 2, timeouts);
  const healthBudgetMs = HEALTH_BUDGET_S * 1000;
  const healthClient = connectPostgres(url, 1, { statementMs: healthBudgetMs, lockMs: healthBudgetMs }, { connect_timeout: HEALTH_BUDGET_S, query_timeout: HEALTH_BUDGET_S + 1 });
  const db = drizzlePostgres(preparing(client), { schema }) as unknown as Db;
  const lockClient = connectPostgres(url, 1, timeouts);
  const held = new Set<number>();
  const clients = [client, intakeClient, healthClient, lockClient];
  return {
    db,
    intake: drizzlePostgres(preparing(intakeClient), { schema }) as unknown as Db,
    health: drizzlePostgres(healthClient, { schema }) as unknown as Db,
    kind: "postgres",
    async listen(channel, onPayload, onListen) {
      const sub = await client.listen(channel, onPayload, onListen);
      return () => sub.unlisten();
    },
    async notify(channel, payload) {
      await client`select pg_notify(${channel}, ${payload})`;
    },
    async withAdvisoryLock(key, fn) {
      // The locks live on a session of their own: holding one of the pool's connections for the
      // lock while the work queries through the others deadlocked a small pool as soon as as many
      // ticks as it has connections started at once (after a database restart, every minute).
      // A session holds its advisory locks re-entrantly, so overlap within this process is refused here.
      if (held.has(key)) return null;
      held.add(key);
      try {
        const [{ locked }] = await lockClient`select pg_try_advisory_lock(${key}) as locked`;
        if (!locked) return null;
        try {
          return await fn();
        } finally {
          // A session the database cut has already let go of its locks.
          await lockClient`select pg_advisory_unlock(${key})`.catch(() => {});
        }
      } finally {
        held.delete(key);
      }
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
    },
  };
}

/**
 * Options every embedded database is opened with: the extensions the migrations create (pg_trgm
 * for the inbox search's trigram indexes), which PGlite loads only when told to.
 */
export function pgliteOptions(options: PGliteOptions = {}): PGliteOptions {
  return { ...options, extensions: { pg_trgm, ...options.extensions } };
}

/** Wraps an open PGlite instance (from a data dir, memory, or a dumped tarball). */
export async function wrapPglite(pg: PGlite, options: { migrate?: boolean; onClose?: () => void } = {}): Promise<Database> {
  const db = drizzlePglite(pg, { schema }) as unknown as Db;
  if (options.migrate !== false) await migratePglite(drizzlePglite(pg, { schema }), { migrationsFolder });
  let lockHeld = new Set<number>();
  return {
    db,
    intake: db,
    health: db,
    kind: "pglite",
    async listen(channel, onPayload, onListen) {
      const unsub = await pg.listen(channel, onPayload);
      onListen?.();
      return unsub;
    },
    async notify(channel, payload) {
      await pg.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async withAdvisoryLock(key, fn) {
      // PGlite is one session in one process: the lock is re-entrant, so guard overlap here too.
      if (lockHeld.has(key)) return null;
      lockHeld.add(key);
      try {
        return await fn();
      } finally {
        lockHeld.delete(key);
      }
    },
    async close() {
      options.onClose?.();
      if (!pg.closed) await pg.close();
    },
  };
}

type PgliteRegistry = Map<string, Promise<Database>>;
const registry: PgliteRegistry = ((globalThis as Record<string, unknown>).__kanalPglite ??= new Map()) as PgliteRegistry;

/**
 * Opens the embedded database in `dataDir`. PGlite has no data-dir lock of its own, so one instance
 * per process is kept (also under `bun --hot`) and a lock file refuses a second process.
 */
export function openPgliteDir(dataDir: string): Promise<Database> {
  const dir = resolve(dataDir);
  const existing = registry.get(dir);
  if (existing) return existing;
  const opening = (async () => {
    mkdirSync(dir, { recursive: true });
    const lockFile = join(dir, "..", `${dir.split("/").pop()}.lock`);
    claimLock(lockFile);
    const pg = await PGlite.create(pgliteOptions({ dataDir: dir }));
    return wrapPglite(pg, {
      onClose: () => {
        registry.delete(dir);
        rmSync(lockFile, { force: true });
      },
    });
  })();
  registry.set(dir, opening);
  opening.catch(() => registry.delete(dir));
  return opening;
}

function claimLock(lockFile: string) {
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, "utf8").trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`The embedded database is in use by process ${pid} (${lockFile}). Stop it, or set DATABASE_URL to share a Postgres server.`);
    }
  }
  writeFileSync(lockFile, String(process.pid));
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Postgres error codes and driver codes that mean the database is down, restarting or too slow, not that the request is wrong. */
const unavailableCodes = new Set([
  "57014", // query_canceled: statement_timeout
  "55P03", // lock_not_available: lock_timeout
  "57P01", "57P02", "57P03", // shutting down, crashed, starting up
  "53300", // too many connections
  "08000", "08001", "08003", "08006",
  "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT",
  "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "QUERY_TIMEOUT", "QUEUE_TIMEOUT",
]);

/** Whether an error (or one it wraps, as drizzle's do) says the database is unavailable or slow. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && unavailableCodes.has(code)) return true;
  }
  return false;
}
