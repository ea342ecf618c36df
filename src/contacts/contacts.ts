// Contacts: the searchable list and one contact with its conversations and notes.
import { and, asc, desc, eq, exists, ilike, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { escapeLike } from "@db/like";
import { channels, contacts, conversations, conversationTags, notes, tags, users } from "@db/schema";
import type { Actor } from "../context";
import { after, page, PAGE_SIZE, type Cursor } from "../admin/pagination";
import { contactVisibility, conversationScope, visibility } from "../inbox/visibility";

/**
 * One page of the contacts list, by name: narrowed by a search (name, phone, email, CRM values, tag
 * names) and by a tag (a conversation of theirs, one the actor may see, carries it).
 */
export async function findContacts(db: DbOrTx, actor: Actor, search: string | undefined, cursor: Cursor | null, limit = PAGE_SIZE, tagId: number | null = null) {
  const sortKey = sql<string>`lower(${contacts.name})`;
  const like = search ? `%${escapeLike(search)}%` : null;
  const rows = await db
    .select({
      id: contacts.id,
      name: contacts.name,
      phone: contacts.phone,
      email: contacts.email,
      ownerName: users.name,
      lastConversationAt: sql<Date | null>`(select max(${conversations.lastMessageAt}) from ${conversations} where ${conversations.contactId} = ${contacts.id})`.mapWith(
        (v) => (v ? new Date(v) : null),
      ),
      sortKey,
    })
    .from(contacts)
    .leftJoin(users, eq(users.id, contacts.ownerId))
    .where(
      and(
        eq(contacts.orgId, actor.orgId),
        await contactVisibility(db, actor),
        like
          ? or(
              ilike(contacts.name, like),
              ilike(contacts.phone, like),
              ilike(contacts.email, like),
              // Any CRM field value, and any tag on the contact's conversations.
              sql`exists (select 1 from jsonb_each_text(${contacts.customFields}) kv where kv.value ilike ${like})`,
              // Only conversations the actor may see: a tag on a hidden one says nothing about the contact to them.
              exists(
                db
                  .select({ one: sql`1` })
                  .from(conversations)
                  .innerJoin(conversationTags, eq(conversationTags.conversationId, conversations.id))
                  .innerJoin(tags, eq(tags.id, conversationTags.tagId))
                  .where(and(eq(conversations.contactId, contacts.id), ilike(tags.name, like), await visibility(db, actor))),
              ),
            )
          : undefined,
        tagId
          ? exists(
              db
                .select({ one: sql`1` })
                .from(conversations)
                .innerJoin(conversationTags, eq(conversationTags.conversationId, conversations.id))
                .where(and(eq(conversations.contactId, contacts.id), eq(conversationTags.tagId, tagId), await visibility(db, actor))),
            )
          : undefined,
        after(sortKey, contacts.id, cursor),
      ),
    )
    .orderBy(asc(sortKey), asc(contacts.id))
    .limit(limit + 1);
  return page(rows, limit, (r) => ({ key: r.sortKey, id: r.id }));
}

export async function getContact(db: DbOrTx, actor: Actor, contactId: number) {
  const [contact] = await db
    .select({ id: contacts.id, name: contacts.name, phone: contacts.phone, email: contacts.email, customFields: contacts.customFields, ownerName: users.name, createdAt: contacts.createdAt, bulkOptedOutAt: contacts.bulkOptedOutAt })
    .from(contacts)
    .leftJoin(users, eq(users.id, contacts.ownerId))
    .where(and(eq(contacts.orgId, actor.orgId), eq(contacts.id, contactId), await contactVisibility(db, actor)));
  if (!contact) return null;
  const [history, noteRows] = await Promise.all([
    db
      .select({ id: conversations.id, status: conversations.status, createdAt: conversations.createdAt, lastMessageAt: conversations.lastMessageAt, preview: conversations.lastMessagePreview, channelKind: channels.kind, assigneeName: users.name })
      .from(conversations)
      .innerJoin(channels, eq(channels.id, conversations.channelId))
      .leftJoin(users, eq(users.id, conversations.assigneeId))
      .where(and(await conversationScope(db, actor), eq(conversations.contactId, contactId)))
      .orderBy(desc(conversations.createdAt)),
    db
      .select({ id: notes.id, body: notes.body, createdAt: notes.createdAt, authorName: users.name })
      .from(notes)
      .leftJoin(users, eq(users.id, notes.authorId))
      .where(and(eq(notes.orgId, actor.orgId), eq(notes.contactId, contactId)))
      .orderBy(desc(notes.createdAt)),
  ]);
  return { contact, conversations: history, notes: noteRows };
}

/** Channels an agent can start a conversation on (the built-in support channel is Kanal's own). */
export async function startableChannels(db: DbOrTx, actor: Actor) {
  return db
    .select({ id: channels.id, name: channels.name, kind: channels.kind })
    .from(channels)
    .where(and(eq(channels.orgId, actor.orgId), eq(channels.active, true), sql`${channels.kind} <> 'support'`))
    .orderBy(asc(channels.name));
}
