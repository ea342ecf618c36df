// The visibility rule: which conversations, and through them which contacts, an actor may see.
// Every read and write that names a conversation or a contact asks here (lists and counts through
// `visibility`, single ids through `assertMaySee`/`assertMaySeeContact`, the live stream through
// `seesRow`), so the rule has one home.
import { and, eq, exists, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, conversations, workgroupMembers } from "@db/schema";
import type { Actor } from "../context";
import { NotFound } from "../not-found";

/** Whether the organization's "agents see only their own" narrows what this actor sees. */
export const restricted = (actor: Pick<Actor, "role" | "agentsSeeOnlyOwn">) => actor.role === "agent" && actor.agentsSeeOnlyOwn;

/**
 * With the organization setting "agents see only their own", an agent sees conversations assigned
 * to them, to their workgroups, or to nobody. Supervisors and admins see everything.
 */
export async function visibility(db: DbOrTx, actor: Actor): Promise<SQL | undefined> {
  // The setting arrives with the session (standingColumns), so most pages ask nothing more here.
  if (!restricted(actor)) return undefined;
  const myGroups = db.select({ id: workgroupMembers.workgroupId }).from(workgroupMembers).where(eq(workgroupMembers.userId, actor.userId));
  return or(
    eq(conversations.assigneeId, actor.userId),
    inArray(conversations.workgroupId, myGroups),
    and(isNull(conversations.assigneeId), isNull(conversations.workgroupId)),
  );
}

/** The conversations the actor may see: their organization's, narrowed by `visibility`. */
export async function conversationScope(db: DbOrTx, actor: Actor): Promise<SQL> {
  return and(eq(conversations.orgId, actor.orgId), await visibility(db, actor))!;
}

/** Whether the actor may see this conversation (of their organization, and not hidden from them). */
export async function maySeeConversation(db: DbOrTx, actor: Actor, conversationId: number): Promise<boolean> {
  const rows = await db.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.id, conversationId), await conversationScope(db, actor)));
  return rows.length > 0;
}

/** Checked before anything is read or written for a conversation id: NotFound (a 404) when hidden. */
export async function assertMaySee(db: DbOrTx, actor: Actor, conversationId: number): Promise<void> {
  if (!(await maySeeConversation(db, actor, conversationId))) throw new NotFound("conversation");
}

/**
 * The contacts the actor may see. An agent who sees only their own sees a contact when they may see
 * one of its conversations, or when the contact is theirs (its owner: its next conversation comes to
 * them). A contact with no conversation yet and no owner is no one's in particular: they see it too.
 */
export async function contactVisibility(db: DbOrTx, actor: Actor): Promise<SQL | undefined> {
  const visible = await visibility(db, actor);
  if (!visible) return undefined;
  const anyConversation = db.select({ one: sql`1` }).from(conversations).where(eq(conversations.contactId, contacts.id));
  return or(
    eq(contacts.ownerId, actor.userId),
    exists(db.select({ one: sql`1` }).from(conversations).where(and(eq(conversations.contactId, contacts.id), visible))),
    and(isNull(contacts.ownerId), sql`not exists ${anyConversation}`),
  );
}

/** Checked before anything is read or written for a contact id: NotFound (a 404) when hidden. */
export async function assertMaySeeContact(db: DbOrTx, actor: Actor, contactId: number): Promise<void> {
  const rows = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, contactId), await contactVisibility(db, actor)));
  if (rows.length === 0) throw new NotFound("contact");
}

/**
 * The same rule for a conversation row already read (the live stream asks it for many viewers of
 * one event): `groups` are the viewer's workgroups, read only when the row has a workgroup.
 */
export async function seesRow(actor: Actor, row: { assigneeId: string | null; workgroupId: number | null }, groups: () => Promise<number[]>): Promise<boolean> {
  if (!restricted(actor) || row.assigneeId === actor.userId) return true;
  if (!row.assigneeId && !row.workgroupId) return true;
  if (row.workgroupId === null) return false;
  return (await groups()).includes(row.workgroupId);
}
