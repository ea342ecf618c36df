// Drizzle's queries reach Postgres as named statements (described once per connection, then bound
// in one round trip), in transactions too; fixedStatement runs its text with values by name.
import { describe, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { fixedStatement, openPostgres, rows } from "@db/client";
import { organizations } from "@db/schema";
import { useTestApp } from "../support/app";

const t = useTestApp();
const onPostgres = !!process.env.TEST_DATABASE_URL;

const named = fixedStatement<{ name: string }>(() => sql`select name from organizations where id = ${sql.placeholder("id")}`);

describe("statements", () => {
  it.skipIf(!onPostgres)("drizzle's queries are prepared once per connection and reused, inside transactions as well", async () => {
    const database = await openPostgres(t.databaseUrl!, { max: 1, migrate: false });
    try {
      const w = await t.world();
      const prepared = async () => (await rows<{ n: number }>(database.db, sql`select count(*)::int as n from pg_prepared_statements`))[0].n;
      const before = await prepared();
      for (let i = 0; i < 3; i++) await database.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, w.orgId));
      const once = await prepared();
      // The three runs of one query added one statement (plus the count's own), not three.
      expect(once - before).toBeLessThanOrEqual(2);
      expect(once - before).toBeGreaterThanOrEqual(1);
      const transaction = () =>
        database.db.transaction(async (tx) => {
          await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, "x-not-there"));
          await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.name, "x-not-there"));
        });
      await transaction();
      const afterFirst = await prepared();
      expect(afterFirst).toBeGreaterThan(once);
      // The same transaction again prepares nothing new.
      await transaction();
      expect(await prepared()).toBe(afterFirst);
    } finally {
      await database.close();
    }
  });

  it("a fixed statement runs with values by name, on the database and inside a transaction", async () => {
    const w = await t.world();
    const [org] = await t.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, w.orgId));
    expect(await named(t.db, { id: w.orgId })).toEqual([{ name: org.name }]);
    await t.db.transaction(async (tx) => {
      expect(await named(tx, { id: w.orgId })).toEqual([{ name: org.name }]);
      expect(await named(tx, { id: -1 })).toEqual([]);
    });
  });
});
