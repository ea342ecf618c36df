// Accounts: who someone is, where they belong, first-run setup, and one-time password links.
import { and, asc, count, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { memberships, organizations, passwordTokens, sessions, users, type Locale } from "@db/schema";
import type { Actor } from "../context";
import { createOrganization } from "../admin/organizations";
import { hashPassword, hashToken, newToken, timingDummy, verifyPassword } from "./passwords";

export const PASSWORD_LINK_DAYS = 7;

export function newUserId(): string {
  return crypto.randomUUID();
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normalizeEmail(email)}`);
  return user ?? null;
}

/** The user when the password matches; null otherwise, in about the same time either way. */
export async function authenticate(db: DbOrTx, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash) {
    await verifyPassword(password, await timingDummy());
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

export async function organizationsOf(db: DbOrTx, userId: string) {
  return db
    .select({ orgId: organizations.id, name: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.active, true)))
    .orderBy(asc(organizations.name));
}

/** What an actor's standing in an organization is read from (here and with the session, in one query). */
export const standingColumns = {
  orgId: organizations.id,
  orgName: organizations.name,
  timezone: organizations.timezone,
  rosterVersion: organizations.rosterVersion,
  readsVersion: memberships.readsVersion,
  agentsSeeOnlyOwn: sql<boolean>`coalesce((${organizations.settings} ->> 'agentsSeeOnlyOwn')::boolean, false)`,
  role: memberships.role,
  status: memberships.status,
  preferences: memberships.preferences,
  // Counted through the partial index of unread mentions, capped: the header's badge.
  unreadMentions: sql<number>`(select count(*)::int from (select 1 from mentions m where m.org_id = ${memberships.orgId} and m.user_id = ${memberships.userId} and m.read_at is null limit 100) u)`,
};

/** The user's standing in an organization, or null if they are not an active member of it. */
export async function actorFor(db: DbOrTx, userId: string, orgId: number): Promise<Actor | null> {
  const [row] = await db
    .select({
      userId: users.id,
      name: users.name,
      ...standingColumns,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId), eq(memberships.active, true)));
  return row ?? null;
}

export async function needsSetup(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(organizations);
  return row.n === 0;
}

export interface SetupInput {
  organizationName: string;
  timezone: string;
  locale: Locale;
  name: string;
  email: string;
  password: string;
}

export class SetupAlreadyDone extends Error {}

/** First run without demo data: the organization and its first admin, once. */
export async function completeSetup(db: DbOrTx, input: SetupInput, now: Date) {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    // Serialise concurrent first visits: only one of them may create the first organization.
    await tx.execute(sql`select pg_advisory_xact_lock(7411002)`);
    if (!(await needsSetup(tx))) throw new SetupAlreadyDone();
    const userId = newUserId();
    await tx.insert(users).values({ id: userId, email: normalizeEmail(input.email), name: input.name, passwordHash, locale: input.locale, createdAt: now });
    const { org } = await createOrganization(tx, { name: input.organizationName, timezone: input.timezone, locale: input.locale, adminUserId: userId }, now);
    return { userId, orgId: org.id };
  });
}

/** A one-time link for setting a password; only the token's hash is stored. */
export async function issuePasswordLink(db: DbOrTx, orgId: number, userId: string, now: Date) {
  const { token, hash } = newToken();
  await db.insert(passwordTokens).values({
    tokenHash: hash,
    userId,
    orgId,
    expiresAt: new Date(now.getTime() + PASSWORD_LINK_DAYS * 86_400_000),
    createdAt: now,
  });
  return token;
}

/**
 * A link is good while unused, unexpired, and while the person is still a member of the organization
 * that issued it: a pending account belongs to the organization whose invitation created it.
 */
function usablePasswordToken(token: string, now: Date) {
  return and(
    eq(passwordTokens.tokenHash, hashToken(token)),
    isNull(passwordTokens.usedAt),
    gt(passwordTokens.expiresAt, now),
    sql`exists (select 1 from ${memberships} m where m.user_id = ${passwordTokens.userId} and m.org_id = ${passwordTokens.orgId})`,
  );
}

export async function findPasswordToken(db: DbOrTx, token: string, now: Date) {
  const [row] = await db
    .select({ id: passwordTokens.id, userId: passwordTokens.userId, name: users.name, email: users.email })
    .from(passwordTokens)
    .innerJoin(users, eq(users.id, passwordTokens.userId))
    .where(usablePasswordToken(token, now));
  return row ?? null;
}

/**
 * Sets the password and spends the token; false if the token was already used or has expired.
 * Whoever held the account before must not keep it: every session of the account ends and every
 * other outstanding link is voided, in the same transaction.
 */
export async function setPasswordWithToken(db: DbOrTx, token: string, password: string, now: Date): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(passwordTokens)
      .set({ usedAt: now })
      .where(usablePasswordToken(token, now))
      .returning({ id: passwordTokens.id, userId: passwordTokens.userId });
    if (!spent) return false;
    await tx.update(users).set({ passwordHash }).where(eq(users.id, spent.userId));
    await tx.delete(sessions).where(eq(sessions.userId, spent.userId));
    await tx
      .update(passwordTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordTokens.userId, spent.userId), ne(passwordTokens.id, spent.id), isNull(passwordTokens.usedAt)));
    return true;
  });
}

export async function setUserLocale(db: DbOrTx, userId: string, locale: Locale) {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}
