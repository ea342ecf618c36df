// The tags on list rows: rows carry tag ids, and the organization's tags (names, colours, order) are
// kept per roster version and filled in.
import { eq, sql } from "drizzle-orm";
import { keptQuery, type DbOrTx } from "@db/client";
import { organizations, tags } from "@db/schema";
import type { ConversationRow } from "./list";
import { KeptByRoster } from "./roster";

export type RowWithTagIds = Omit<ConversationRow, "tags"> & { tagIds: (string | number)[] };
type TagLook = { name: string; color: string };
/** An organization's tags by id, in the order a row lists them (by name, case aside). */
type Tags = Map<number, TagLook & { rank: number }>;

const keptTags = new KeptByRoster<Tags>();

/**
 * The organization's tags as they are now, or as kept while its roster_version is the one given
 * (the session's, `actor.rosterVersion`); triggers move it on with any change of a tag.
 */
export async function tagsOf(db: DbOrTx, orgId: number, rosterVersion?: number): Promise<Tags> {
  const read = async () => {
    const query = keptQuery(db, "organization_tags", () =>
      db
        .select({
          version: organizations.rosterVersion,
          tags: sql<string>`(select coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) order by lower(t.name)), '[]'::json) from ${tags} t where t.org_id = ${sql.placeholder("orgId")})::text`,
        })
        .from(organizations)
        .where(eq(organizations.id, sql.placeholder("orgId")))
        .prepare("organization_tags"),
    );
    const [row] = await query.execute({ orgId });
    if (!row) return null;
    const list = JSON.parse(row.tags) as ({ id: number } & TagLook)[];
    return { version: row.version, value: new Map(list.map((t, rank) => [Number(t.id), { name: t.name, color: t.color, rank }])) as Tags };
  };
  const found = rosterVersion === undefined ? (await read())?.value : await keptTags.get(db, orgId, rosterVersion, read);
  return found ?? new Map();
}

/**
 * Rows with their tags' names and colours. A tag newer than the kept ones (made after the session
 * was read) has the organization's tags read again, so no row shows fewer tags than it has.
 */
export async function withTags(db: DbOrTx, orgId: number, rosterVersion: number | undefined, rows: RowWithTagIds[]): Promise<ConversationRow[]> {
  let known = await tagsOf(db, orgId, rosterVersion);
  if (rosterVersion !== undefined && rows.some((r) => r.tagIds.some((id) => !known.has(Number(id))))) known = await tagsOf(db, orgId);
  // Filled in place (the ids left beside): copying fifty rows showed in profiles.
  const out = rows as unknown as (ConversationRow & RowWithTagIds)[];
  for (const row of out) {
    const looks = row.tagIds.flatMap((id) => known.get(Number(id)) ?? []);
    if (looks.length > 1) looks.sort((a, b) => a.rank - b.rank);
    row.tags = looks.map(({ name, color }) => ({ name, color }));
  }
  return out;
}
