// Who is asking, in one round trip: the session, its user, and their standing in the organization
// picked for the session. Sessions lucia would delete or extend are left to lucia (src/auth/lucia.ts).
import { and, eq, sql } from "drizzle-orm";
import { keptQuery, type DbOrTx } from "@db/client";
import { memberships, organizations, sessions, users, type Locale } from "@db/schema";
import type { Actor, SignedInUser } from "../context";
import { standingColumns } from "./accounts";

export interface CurrentSession {
  sessionId: string;
  user: SignedInUser;
  /** Null when no organization is picked or the user is no longer an active member of it. */
  actor: Actor | null;
}

/**
 * The session when it is valid and in the first half of its life (lucia leaves those as they are);
 * null when it is unknown, expired or due for extension, for lucia's validateSession to handle.
 */
export async function currentSession(db: DbOrTx, sessionId: string, lifetimeMs: number, now = Date.now()): Promise<CurrentSession | null> {
  const query = keptQuery(db, "current_session", () =>
    db
      .select({
        expiresAt: sessions.expiresAt,
        userId: users.id,
        email: users.email,
        userName: users.name,
        locale: users.locale,
        ...standingColumns,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .leftJoin(memberships, and(eq(memberships.userId, sessions.userId), eq(memberships.orgId, sessions.orgId), eq(memberships.active, true)))
      .leftJoin(organizations, eq(organizations.id, memberships.orgId))
      .where(eq(sessions.id, sql.placeholder("sessionId")))
      // Every request asks this: prepared once per connection, it skips parsing and planning; built
      // once per process, it skips drizzle writing the SQL again.
      .prepare("current_session"),
  );
  const [row] = await query.execute({ sessionId });
  if (!row || row.expiresAt.getTime() - lifetimeMs / 2 <= now) return null;
  const user: SignedInUser = { id: row.userId, email: row.email, name: row.userName, locale: row.locale as Locale | null };
  const actor: Actor | null =
    row.orgId !== null && row.role !== null && row.status !== null
      ? { userId: row.userId, name: row.userName, orgId: row.orgId, orgName: row.orgName!, timezone: row.timezone!, rosterVersion: row.rosterVersion!, readsVersion: row.readsVersion!, agentsSeeOnlyOwn: row.agentsSeeOnlyOwn!, role: row.role, status: row.status, preferences: row.preferences!, unreadMentions: Number(row.unreadMentions ?? 0) }
      : null;
  return { sessionId, user, actor };
}
