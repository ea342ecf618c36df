// Ended sessions: deleted, and their agents set offline where no other live session remains.
import { and, eq, gt, lt } from "drizzle-orm";
import type { Database } from "@db/client";
import { sessions } from "@db/schema";
import { goOffline } from "../cockpit/statuses";
import { commit } from "../realtime/changes";

export async function expireSessions(database: Database, now: Date) {
  const { db } = database;
  const ended = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ userId: sessions.userId, orgId: sessions.orgId });
  const pairs = new Map<string, { userId: string; orgId: number }>();
  for (const s of ended) if (s.orgId) pairs.set(`${s.orgId}:${s.userId}`, { userId: s.userId, orgId: s.orgId });
  for (const { userId, orgId } of pairs.values()) {
    const [live] = await db
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(eq(sessions.userId, userId), eq(sessions.orgId, orgId), gt(sessions.expiresAt, now)))
      .limit(1);
    if (live) continue;
    await commit(database, orgId, (db) => goOffline(db, orgId, userId, now));
  }
  return ended.length;
}

