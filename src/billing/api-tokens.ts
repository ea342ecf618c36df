// Organization API tokens: shown once, stored as a SHA-256 hash, scoped, revocable; each use is
// recorded and rate limited in one statement, in the database, so every process counts alike.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { apiTokens, type ApiScope } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";

/** Calls per token per window. */
export const API_RATE_LIMIT = { max: 120, windowMs: 60_000 };

const TOKEN_PREFIX = "kanal_";

export function hashToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export async function createApiToken(db: DbOrTx, actor: Actor, input: { name: string; scopes: ApiScope[] }, now: Date): Promise<{ token: string; row: ApiTokenRow; eventIds: number[] }> {
  const token = TOKEN_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ orgId: actor.orgId, name: input.name, tokenHash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6), scopes: input.scopes, createdBy: actor.userId, createdAt: now })
      .returning();
    const eventId = await recordEvent(tx, { orgId: actor.orgId, type: "api_token_changed", actorId: actor.userId, data: { tokenId: row.id, change: "created" }, createdAt: now });
    return { token, row, eventIds: [eventId] };
  });
}

export async function orgApiTokens(db: DbOrTx, orgId: number): Promise<ApiTokenRow[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.orgId, orgId)).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

export async function revokeApiToken(db: DbOrTx, actor: Actor, tokenId: number, now: Date): Promise<number[] | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: now })
      .where(and(eq(apiTokens.orgId, actor.orgId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (!row) return null;
    return [await recordEvent(tx, { orgId: actor.orgId, type: "api_token_changed", actorId: actor.userId, data: { tokenId, change: "revoked" }, createdAt: now })];
  });
}

export type TokenCheck = { ok: true; tokenId: number; orgId: number; scopes: ApiScope[] } | { ok: false; reason: "unknown" | "rate_limited"; retryAfterS?: number };

/**
 * The token behind a bearer value, its use recorded and counted in its window. A revoked or unknown
 * token is refused without a write.
 */
export async function useApiToken(db: DbOrTx, token: string, now: Date, limit = API_RATE_LIMIT): Promise<TokenCheck> {
  if (!token.startsWith(TOKEN_PREFIX)) return { ok: false, reason: "unknown" };
  const windowStart = new Date(now.getTime() - limit.windowMs);
  const fresh = sql`(${apiTokens.windowStart} is null or ${apiTokens.windowStart} <= ${windowStart.toISOString()}::timestamptz)`;
  const [row] = await db
    .update(apiTokens)
    .set({
      lastUsedAt: now,
      windowCount: sql`case when ${fresh} then 1 else ${apiTokens.windowCount} + 1 end`,
      windowStart: sql`case when ${fresh} then ${now.toISOString()}::timestamptz else ${apiTokens.windowStart} end`,
    })
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, orgId: apiTokens.orgId, scopes: apiTokens.scopes, windowCount: apiTokens.windowCount, windowStart: apiTokens.windowStart });
  if (!row) return { ok: false, reason: "unknown" };
  if (row.windowCount > limit.max) {
    const retryAfterS = Math.max(1, Math.ceil((row.windowStart!.getTime() + limit.windowMs - now.getTime()) / 1000));
    return { ok: false, reason: "rate_limited", retryAfterS };
  }
  return { ok: true, tokenId: row.id, orgId: row.orgId, scopes: row.scopes };
}
