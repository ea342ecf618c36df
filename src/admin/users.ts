// Members of an organization: inviting, roles, workgroups, deactivation, password links.
import { and, asc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { escapeLike } from "@db/like";
import { contacts, invitations, memberships, sessions, users, workgroupMembers, workgroups, type Role } from "@db/schema";
import type { Actor } from "../context";
import { findUserByEmail, issuePasswordLink, newUserId, normalizeEmail } from "../auth/accounts";
import { recordEvent } from "../realtime/events";
import { after, page, PAGE_SIZE, type Cursor } from "./pagination";

export class MemberRuleBroken extends Error {
  constructor(public field: string, public reason: "users.cannotDemoteSelf" | "users.alreadyMember" | "users.sharedAccount" | "users.nameIsTheirs") {
    super(reason);
  }
}

export interface MemberRow {
  userId: string;
  name: string;
  email: string;
  role: Role;
  status: string;
  active: boolean;
  pending: boolean;
  /** Most active conversations routing gives them; null: each workgroup's own capacity. */
  capacity: number | null;
  workgroups: { id: number; name: string }[];
}

/** Whether the account also belongs to another organization: then only its owner changes its profile. */
function memberElsewhere(orgId: number, userId: string) {
  return sql<boolean>`exists (select 1 from ${memberships} m where m.user_id = ${userId} and m.org_id <> ${orgId})`;
}

export async function listMembers(db: DbOrTx, orgId: number, cursor: Cursor | null, search?: string, limit = PAGE_SIZE) {
  const sortKey = sql<string>`lower(${users.name})`;
  const rows = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      status: memberships.status,
      active: memberships.active,
      capacity: memberships.capacity,
      pending: sql<boolean>`${users.passwordHash} is null`,
      sortKey,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, orgId),
        search ? or(ilike(users.name, `%${escapeLike(search)}%`), ilike(users.email, `%${escapeLike(search)}%`)) : undefined,
        after(sortKey, users.id, cursor),
      ),
    )
    .orderBy(asc(sortKey), asc(users.id))
    .limit(limit + 1);
  const groups = await workgroupsOf(db, orgId, rows.map((r) => r.userId));
  const withGroups: (MemberRow & { sortKey: string })[] = rows.map((r) => ({ ...r, workgroups: groups.get(r.userId) ?? [] }));
  return page(withGroups, limit, (r) => ({ key: r.sortKey, id: r.userId }));
}

/** Workgroups of many users in one query, grouped in memory. */
async function workgroupsOf(db: DbOrTx, orgId: number, userIds: string[]) {
  const map = new Map<string, { id: number; name: string }[]>();
  if (userIds.length === 0) return map;
  const rows = await db
    .select({ userId: workgroupMembers.userId, id: workgroups.id, name: workgroups.name })
    .from(workgroupMembers)
    .innerJoin(workgroups, eq(workgroups.id, workgroupMembers.workgroupId))
    .where(and(eq(workgroups.orgId, orgId), inArray(workgroupMembers.userId, userIds)))
    .orderBy(asc(workgroups.name));
  for (const r of rows) map.set(r.userId, [...(map.get(r.userId) ?? []), { id: r.id, name: r.name }]);
  return map;
}

export async function getMember(db: DbOrTx, orgId: number, userId: string): Promise<(MemberRow & { shared: boolean }) | null> {
  const [row] = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      status: memberships.status,
      active: memberships.active,
      capacity: memberships.capacity,
      pending: sql<boolean>`${users.passwordHash} is null`,
      shared: memberElsewhere(orgId, userId),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  if (!row) return null;
  const groups = await workgroupsOf(db, orgId, [userId]);
  return { ...row, workgroups: groups.get(userId) ?? [] };
}

export async function workgroupChoices(db: DbOrTx, orgId: number) {
  return db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, orgId)).orderBy(asc(workgroups.name));
}

/** Keeps only workgroups of this organization, so a forged id cannot reach another tenant's. */
async function ownWorkgroupIds(db: DbOrTx, orgId: number, ids: number[]) {
  if (ids.length === 0) return [];
  const rows = await db.select({ id: workgroups.id }).from(workgroups).where(and(eq(workgroups.orgId, orgId), inArray(workgroups.id, ids)));
  return rows.map((r) => r.id);
}

async function setWorkgroups(db: DbOrTx, orgId: number, userId: string, ids: number[]) {
  const own = await ownWorkgroupIds(db, orgId, ids);
  const orgGroups = db.select({ id: workgroups.id }).from(workgroups).where(eq(workgroups.orgId, orgId));
  await db.delete(workgroupMembers).where(and(eq(workgroupMembers.userId, userId), inArray(workgroupMembers.workgroupId, orgGroups)));
  if (own.length) await db.insert(workgroupMembers).values(own.map((workgroupId) => ({ workgroupId, userId })));
}

export interface InviteInput {
  name: string;
  email: string;
  role: Role;
  workgroupIds: number[];
}

export type InviteResult = { kind: "created"; userId: string; name: string; token: string } | { kind: "invited"; email: string };

/**
 * Invites a person. An address without a Kanal account gets a new account, its membership and a
 * one-time link to choose a password. An existing account, whatever its state, only gets an
 * invitation that its owner accepts after signing in: nothing about it is read back, and no
 * password link is ever issued for it from here.
 */
export async function inviteMember(db: DbOrTx, actor: Actor, input: InviteInput, now: Date): Promise<InviteResult> {
  return db.transaction(async (tx) => {
    const email = normalizeEmail(input.email);
    const existing = await findUserByEmail(tx, email);
    if (existing) {
      const [member] = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, existing.id)));
      if (member) throw new MemberRuleBroken("email", "users.alreadyMember");
      const workgroupIds = await ownWorkgroupIds(tx, actor.orgId, input.workgroupIds);
      await tx
        .insert(invitations)
        .values({ orgId: actor.orgId, userId: existing.id, role: input.role, workgroupIds, invitedBy: actor.userId, createdAt: now })
        .onConflictDoUpdate({ target: [invitations.orgId, invitations.userId], set: { role: input.role, workgroupIds, invitedBy: actor.userId, createdAt: now } });
      return { kind: "invited", email };
    }
    const [user] = await tx.insert(users).values({ id: newUserId(), email, name: input.name, createdAt: now }).returning();
    await tx.insert(memberships).values({ orgId: actor.orgId, userId: user.id, role: input.role, createdAt: now, statusChangedAt: now });
    await setWorkgroups(tx, actor.orgId, user.id, input.workgroupIds);
    const token = await issuePasswordLink(tx, actor.orgId, user.id, now);
    await recordEvent(tx, { orgId: actor.orgId, type: "user_invited", actorId: actor.userId, subjectUserId: user.id, data: { role: input.role }, createdAt: now });
    return { kind: "created", userId: user.id, name: user.name, token };
  });
}

/** Invitations of this organization still waiting for their account's owner; only the address is shown. */
export async function pendingInvitations(db: DbOrTx, orgId: number) {
  return db
    .select({ id: invitations.id, email: users.email, role: invitations.role })
    .from(invitations)
    .innerJoin(users, eq(users.id, invitations.userId))
    .where(eq(invitations.orgId, orgId))
    .orderBy(asc(invitations.createdAt), asc(invitations.id));
}

export async function withdrawInvitation(db: DbOrTx, actor: Actor, invitationId: number) {
  const gone = await db.delete(invitations).where(and(eq(invitations.id, invitationId), eq(invitations.orgId, actor.orgId))).returning({ id: invitations.id });
  return gone.length > 0;
}

export interface MemberUpdate {
  /** Changed only for an account this organization alone holds; anyone else's name is theirs. */
  name?: string;
  role: Role;
  workgroupIds: number[];
  /** Null: the capacity of each workgroup routing them. */
  capacity?: number | null;
}

export async function updateMember(db: DbOrTx, actor: Actor, userId: string, input: MemberUpdate, now: Date) {
  if (userId === actor.userId && input.role !== "admin") throw new MemberRuleBroken("role", "users.cannotDemoteSelf");
  return db.transaction(async (tx) => {
    const [m] = await tx
      .update(memberships)
      .set({ role: input.role, capacity: input.capacity ?? null })
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, userId)))
      .returning({ id: memberships.id });
    if (!m) return false;
    if (input.name !== undefined) {
      const [renamed] = await tx
        .update(users)
        .set({ name: input.name })
        .where(and(eq(users.id, userId), sql`not ${memberElsewhere(actor.orgId, userId)}`))
        .returning({ id: users.id });
      if (!renamed) {
        const [current] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
        if (current.name !== input.name) throw new MemberRuleBroken("name", "users.nameIsTheirs");
      }
    }
    await setWorkgroups(tx, actor.orgId, userId, input.workgroupIds);
    // Routing hears this: more capacity drains the member's queues at once.
    await recordEvent(tx, { orgId: actor.orgId, type: "user_updated", actorId: actor.userId, subjectUserId: userId, data: { role: input.role, capacity: input.capacity ?? null }, createdAt: now });
    return true;
  });
}

/**
 * Deactivated members cannot work in the organization; their sessions there end at once, and they
 * are nobody's sticky owner any more (reactivating them does not give the contacts back).
 */
export async function setMemberActive(db: DbOrTx, actor: Actor, userId: string, active: boolean, now: Date) {
  if (userId === actor.userId && !active) throw new MemberRuleBroken("_form", "users.cannotDemoteSelf");
  return db.transaction(async (tx) => {
    const [m] = await tx
      .update(memberships)
      .set(active ? { active } : { active, status: "offline", statusChangedAt: now })
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, userId)))
      .returning({ id: memberships.id });
    if (!m) return false;
    if (!active) {
      await tx.update(sessions).set({ orgId: null }).where(and(eq(sessions.userId, userId), eq(sessions.orgId, actor.orgId)));
      // They stop being their contacts' owner: the contacts' next conversations go to routing.
      await tx.update(contacts).set({ ownerId: null }).where(and(eq(contacts.orgId, actor.orgId), eq(contacts.ownerId, userId)));
    }
    await recordEvent(tx, { orgId: actor.orgId, type: active ? "user_reactivated" : "user_deactivated", actorId: actor.userId, subjectUserId: userId, createdAt: now });
    return true;
  });
}

/**
 * A fresh one-time link, only for an account no other organization holds: one tenant's admin must
 * never be able to set the password of an account another tenant relies on.
 */
export async function newPasswordLink(db: DbOrTx, actor: Actor, userId: string, now: Date) {
  const member = await getMember(db, actor.orgId, userId);
  if (!member) return null;
  if (member.shared) throw new MemberRuleBroken("_form", "users.sharedAccount");
  return { name: member.name, token: await issuePasswordLink(db, actor.orgId, userId, now) };
}
