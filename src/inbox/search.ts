// Searching the inbox: a term's matches among messages and contacts, as a condition of the list query.
import { or, sql, type SQL } from "drizzle-orm";
import { rows as sqlRows, type DbOrTx } from "@db/client";
import { escapeLike } from "@db/like";
import { contacts, conversations, messages } from "@db/schema";

/**
 * Beyond this many matching messages, or conversations of matching contacts, a search term is
 * common: the page walks the conversations in their order and checks each one's messages, and
 * meets its 50 matches early.
 */
export const SEARCH_SET_LIMIT = 2_000;

/**
 * Where a search's matches are, for the page query. A term of three or more characters is first
 * looked up through the trigram indexes (migration 0007): when few messages and contacts match, the
 * page reads just their conversations, whatever the tab and filters. Otherwise, and for shorter terms,
 * which trigrams cannot narrow, each conversation in the page's order is checked until the page is
 * full; matches are then dense, so that ends soon.
 */
export async function searchCondition(db: DbOrTx, orgId: number, term: string): Promise<SQL> {
  const like = `%${escapeLike(term)}%`;
  if ([...term].length >= 3) {
    const [found] = await sqlRows<{ byMessage: string | null; byContact: string | null }>(
      db,
      sql`select
        (select string_agg(id::text, ',') from (
          select conversation_id as id from ${messages} where org_id = ${orgId} and body ilike ${like} limit ${SEARCH_SET_LIMIT + 1}) m) as "byMessage",
        (select string_agg(id::text, ',') from (
          select c.id from ${contacts} ct join ${conversations} c on c.contact_id = ct.id
          where ct.org_id = ${orgId} and (ct.name ilike ${like} or ct.phone ilike ${like}) limit ${SEARCH_SET_LIMIT + 1}) k) as "byContact"`,
    );
    const byMessage = found.byMessage?.split(",") ?? [];
    const byContact = found.byContact?.split(",") ?? [];
    if (byMessage.length <= SEARCH_SET_LIMIT && byContact.length <= SEARCH_SET_LIMIT) {
      const ids = [...new Set([...byMessage, ...byContact])];
      return sql`${conversations.id} = any(${`{${ids.join(",")}}`}::bigint[])`;
    }
  }
  // "offset 0" keeps each check a lookup of this conversation's messages: without it Postgres may
  // first gather every matching message of the organization into a hash, which is what a common
  // term's page must not wait for.
  return or(
    sql`exists (select 1 from ${contacts} ct where ct.id = ${conversations.contactId} and (ct.name ilike ${like} or ct.phone ilike ${like}))`,
    sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.body ilike ${like} offset 0)`,
  )!;
}
