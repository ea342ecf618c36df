// Two contacts that are one person become one: the merged contact's identities, conversations (with
// their tags and messages), notes, files, ledger entries, payment links and bulk history move to the
// kept one, which takes the details it lacks; then the merged contact is gone.
//
// The one-open-conversation rule holds: when both have an open conversation the merge is refused,
// and the agent is told which ones to close first (Kanal does not close a customer's conversation
// behind the agent's back, and two channels' messages cannot become one thread).
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { DbOrTx, Tx } from "@db/client";
import { bulkRecipients, contacts, conversations, messages } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { contactVisibility } from "../inbox/visibility";
import { ContactRefused } from "./editing";

/** The thread's line that tells the merge: "Ayşe Y. (+90…) was merged into this contact by Okan". */
export type MergeLine = {
  system: "contact_merged";
  mergedName: string;
  keptName: string;
  byName: string;
};

/** The contacts' rows, both visible to the actor, locked in id order (two merges never wait on each other crosswise). */
async function lockBoth(tx: Tx, actor: Actor, keptId: number, mergedId: number) {
  const rows = await tx
    .select()
    .from(contacts)
    .where(and(eq(contacts.orgId, actor.orgId), inArray(contacts.id, [keptId, mergedId]), await contactVisibility(tx, actor)))
    .orderBy(contacts.id)
    .for("update");
  const kept = rows.find((r) => r.id === keptId);
  const merged = rows.find((r) => r.id === mergedId);
  if (!kept || !merged) throw new ContactRefused("not_found");
  return { kept, merged };
}

/** Open conversations of both that the rule allows only one of (chats; comment threads per post). */
async function clashingOpen(tx: Tx, keptId: number, mergedId: number): Promise<number[]> {
  const open = await tx
    .select({ id: conversations.id, contactId: conversations.contactId, type: conversations.type, postId: conversations.postId })
    .from(conversations)
    .where(and(inArray(conversations.contactId, [keptId, mergedId]), eq(conversations.status, "open")));
  const slot = (c: (typeof open)[number]) => (c.type === "comment" ? `post:${c.postId}` : "chat");
  const keptSlots = new Set(open.filter((c) => c.contactId === keptId).map(slot));
  const clashes = open.filter((c) => c.contactId === mergedId && keptSlots.has(slot(c)));
  return clashes.length ? open.filter((c) => clashes.some((x) => slot(x) === slot(c))).map((c) => c.id) : [];
}

/** Merges `mergedId` into `keptId`. Refused (`both_open`) while both have an open conversation. */
export async function mergeContacts(db: DbOrTx, actor: Actor, keptId: number, mergedId: number, now: Date): Promise<{ eventIds: number[]; conversationId: number | null }> {
  if (keptId === mergedId) throw new ContactRefused("same_contact");
  return db.transaction(async (tx) => {
    const { kept, merged } = await lockBoth(tx, actor, keptId, mergedId);
    const clashes = await clashingOpen(tx, keptId, mergedId);
    if (clashes.length) throw new ContactRefused("both_open", { conversationIds: clashes });

    // The partial unique index has the last word: a conversation opened meanwhile (the customer wrote)
    // refuses the move, inside a savepoint so the clash can still be read and named.
    let moved: { id: number }[];
    try {
      moved = await tx.transaction((sp) => sp.update(conversations).set({ contactId: keptId }).where(eq(conversations.contactId, mergedId)).returning({ id: conversations.id }));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new ContactRefused("both_open", { conversationIds: await clashingOpen(tx, keptId, mergedId) });
    }
    for (const table of ["contact_identities", "notes", "attachments", "payment_links", "polls", "workflow_runs"]) {
      await tx.execute(sql`update ${sql.identifier(table)} set contact_id = ${keptId} where contact_id = ${mergedId}`);
    }
    // A bulk send that reached both keeps the kept contact's row (one row per contact and send).
    await tx.delete(bulkRecipients).where(and(eq(bulkRecipients.contactId, mergedId), inArray(bulkRecipients.bulkSendId, tx.select({ id: bulkRecipients.bulkSendId }).from(bulkRecipients).where(eq(bulkRecipients.contactId, keptId)))));
    await tx.update(bulkRecipients).set({ contactId: keptId }).where(eq(bulkRecipients.contactId, mergedId));
    await moveLedger(tx, keptId, mergedId);

    // The kept contact keeps what it has and takes what it lacks; an opt-out or a block on either stays.
    const externalId = kept.externalId ?? merged.externalId;
    await tx.update(contacts).set({ externalId: null }).where(eq(contacts.id, mergedId));
    await tx
      .update(contacts)
      .set({
        phone: kept.phone ?? merged.phone,
        email: kept.email ?? merged.email,
        externalId,
        ownerId: kept.ownerId ?? merged.ownerId,
        customFields: { ...merged.customFields, ...kept.customFields },
        blockedAt: kept.blockedAt ?? merged.blockedAt,
        blockedBy: kept.blockedAt ? kept.blockedBy : merged.blockedBy,
        bulkOptedOutAt: kept.bulkOptedOutAt ?? merged.bulkOptedOutAt,
        updatedAt: now,
      })
      .where(eq(contacts.id, keptId));
    await tx.delete(contacts).where(eq(contacts.id, mergedId));

    const eventIds = [
      await recordEvent(tx, { orgId: actor.orgId, type: "contacts_merged", actorId: actor.userId, data: { contactId: keptId, mergedId, conversationIds: moved.map((m) => m.id) }, createdAt: now }),
    ];
    // Told in the contact's latest thread (its open one if any), where agents will look next.
    const [latest] = await tx
      .select({ id: conversations.id, channelId: conversations.channelId })
      .from(conversations)
      .where(and(eq(conversations.contactId, keptId), ne(conversations.type, "comment")))
      .orderBy(sql`${conversations.status} = 'open' desc`, desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(1);
    if (latest) {
      const line: MergeLine = { system: "contact_merged", mergedName: describe(merged), keptName: kept.name, byName: actor.name };
      const [row] = await tx.insert(messages).values({ orgId: actor.orgId, conversationId: latest.id, channelId: latest.channelId, direction: "event", body: "", metadata: line, createdAt: now }).returning({ id: messages.id });
      eventIds.push(await recordEvent(tx, { orgId: actor.orgId, type: "message_created", conversationId: latest.id, actorId: actor.userId, data: { messageId: row.id, direction: "event" }, createdAt: now }));
    }
    return { eventIds, conversationId: latest?.id ?? null };
  });
}

const isUniqueViolation = (e: unknown): boolean => {
  const code = (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  return code === "23505";
};

const describe = (c: { name: string; phone: string | null; email: string | null }) => {
  const handle = c.phone ?? c.email;
  return handle && handle !== c.name ? `${c.name} (${handle})` : c.name;
};

/**
 * The ledger follows the person: entries are re-pointed (migration 0027 lets a merging transaction
 * change an entry's contact and nothing else) and the kept contact's balances are summed again.
 */
async function moveLedger(tx: Tx, keptId: number, mergedId: number) {
  await tx.execute(sql`select set_config('kanal.merging_contacts', 'on', true)`);
  await tx.execute(sql`update ledger_entries set contact_id = ${keptId} where contact_id = ${mergedId}`);
  await tx.execute(sql`select set_config('kanal.merging_contacts', '', true)`);
  await tx.execute(sql`delete from ledger_balances where contact_id in (${keptId}, ${mergedId})`);
  await tx.execute(sql`
    insert into ledger_balances (contact_id, currency, org_id, balance_minor, entries)
    select contact_id, currency, org_id, sum(amount_minor), count(*)::int from ledger_entries where contact_id = ${keptId} group by contact_id, currency, org_id`);
}
