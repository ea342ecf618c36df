// Sign-in attempts per email and per address in a sliding window, kept in the database for all processes.
import { and, count, gte, inArray, lt, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { loginAttempts } from "@db/schema";

export interface RateLimit {
  maxFailures: number;
  windowMs: number;
}

export function attemptKeys(email: string, address: string | null): string[] {
  const keys = [`email:${email.trim().toLowerCase()}`];
  if (address) keys.push(`ip:${address}`);
  return keys;
}

/**
 * Counts this attempt, before any password is checked, and says whether it is over the limit. Each
 * key is locked for the moment of counting (a transaction-scoped advisory lock, so it holds across
 * processes): parallel attempts are numbered one after another and never share a count. Returns
 * the attempt's rows so a successful sign-in can take its own attempt back.
 */
export async function countAttempt(db: DbOrTx, keys: string[], limit: RateLimit, now: Date): Promise<{ limited: boolean; ids: number[] }> {
  const since = new Date(now.getTime() - limit.windowMs);
  return db.transaction(async (tx) => {
    // Always in the same order, so two attempts locking the same pair of keys cannot deadlock.
    for (const key of [...keys].sort()) await tx.execute(sql`select pg_advisory_xact_lock(7411003, hashtext(${key}))`);
    const rows = await tx
      .select({ key: loginAttempts.key, n: count() })
      .from(loginAttempts)
      .where(and(inArray(loginAttempts.key, keys), gte(loginAttempts.createdAt, since)))
      .groupBy(loginAttempts.key);
    const inserted = await tx.insert(loginAttempts).values(keys.map((key) => ({ key, createdAt: now }))).returning({ id: loginAttempts.id });
    // An address is shared by many people (offices, NAT): it gets a wider allowance than one account.
    const limited = rows.some((r) => r.n >= (r.key.startsWith("ip:") ? limit.maxFailures * 5 : limit.maxFailures));
    return { limited, ids: inserted.map((r) => r.id) };
  });
}

/** After a successful sign-in: the account's failures are forgiven, and this attempt is not one. */
export async function clearFailures(db: DbOrTx, keys: string[], attemptIds: number[]) {
  await db.delete(loginAttempts).where(
    or(
      inArray(loginAttempts.key, keys.filter((k) => k.startsWith("email:"))),
      attemptIds.length ? inArray(loginAttempts.id, attemptIds) : undefined,
    ),
  );
}

/** Drops attempts older than the window; run by a periodic job. */
export async function pruneAttempts(db: DbOrTx, limit: RateLimit, now: Date) {
  await db.delete(loginAttempts).where(lt(loginAttempts.createdAt, new Date(now.getTime() - limit.windowMs)));
}

