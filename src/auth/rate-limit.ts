// Failed sign-ins per email and per address in a sliding window, kept in the database for all processes.
import { and, count, gte, inArray, lt } from "drizzle-orm";
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

export async function isRateLimited(db: DbOrTx, keys: string[], limit: RateLimit, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - limit.windowMs);
  const rows = await db
    .select({ key: loginAttempts.key, n: count() })
    .from(loginAttempts)
    .where(and(inArray(loginAttempts.key, keys), gte(loginAttempts.createdAt, since)))
    .groupBy(loginAttempts.key);
  // An address is shared by many people (offices, NAT): it gets a wider allowance than one account.
  return rows.some((r) => r.n >= (r.key.startsWith("ip:") ? limit.maxFailures * 5 : limit.maxFailures));
}

export async function recordFailure(db: DbOrTx, keys: string[], now: Date) {
  await db.insert(loginAttempts).values(keys.map((key) => ({ key, createdAt: now })));
}

export async function clearFailures(db: DbOrTx, keys: string[]) {
  await db.delete(loginAttempts).where(inArray(loginAttempts.key, keys.filter((k) => k.startsWith("email:"))));
}

/** Drops attempts older than the window; run by a periodic job. */
export async function pruneAttempts(db: DbOrTx, limit: RateLimit, now: Date) {
  await db.delete(loginAttempts).where(lt(loginAttempts.createdAt, new Date(now.getTime() - limit.windowMs)));
}

