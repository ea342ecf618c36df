// Issue 19's target: for a contact with 100,000 ledger entries, the balance per currency and the first
// page of transactions each within p95 ≤ 5 ms of database time. "db" rows are the server's own
// planning + execution time of the app's queries (EXPLAIN ANALYZE); "rt" rows time the app's
// functions from its pool, one round trip included; a `select 1` round trip in the same run is the
// baseline of both.
import { sql } from "drizzle-orm";
import { rows } from "@db/client";
import { balancesQuery, contactBalances, contactEntries, entriesQuery } from "../../../src/billing/ledger";
import { percentile, write, type BenchCase } from "../harness";

const ENTRIES = 100_000;
const RUNS = 300;


async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export default {
  name: "billing",
  description: `a contact with ${ENTRIES.toLocaleString("en")} ledger entries in three currencies: its balances and its first page of transactions, beside a select 1 round trip`,
  async run(ctx) {
    const db = ctx.database.db;
    const [{ org_id: orgId, contact_id: contactId }] = await rows<{ org_id: number; contact_id: number }>(
      db,
      sql`with org as (insert into organizations (name) values ('Billing bench ' || gen_random_uuid()) returning id),
               contact as (insert into contacts (org_id, name) select id, 'Bench customer' from org returning id, org_id)
          select org_id::int, id::int as contact_id from contact`,
    );
    const started = performance.now();
    // Written in batches, through the balance trigger as any entry is.
    for (let first = 0; first < ENTRIES; first += 20_000) {
      await write(db, sql`
        insert into ledger_entries (org_id, contact_id, kind, amount_minor, currency, description, idempotency_key, source, occurred_at)
        select ${orgId}, ${contactId},
               case when g % 3 = 0 then 'payment' else 'charge' end,
               case when g % 3 = 0 then -(1000 + g % 5000) else 1000 + g % 7000 end,
               (array['TRY', 'EUR', 'USD'])[1 + (g / 3) % 3],
               'Order ' || g, 'bench-' || g, 'api',
               now() - make_interval(mins => ${ENTRIES}::int - g)
        from generate_series(${first}::int, ${first + 19_999}::int) g`);
    }
    await db.execute(sql`analyze ledger_entries`);
    ctx.log(`  ${ENTRIES.toLocaleString("en")} entries written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const balances = await contactBalances(db, orgId, contactId);
    const [summed] = await rows<{ n: number }>(db, sql`select count(*)::int as n from (select currency, sum(amount_minor) s from ledger_entries where contact_id = ${contactId} group by currency) x join ledger_balances b on b.contact_id = ${contactId} and b.currency = x.currency and b.balance_minor = x.s`);
    if (balances.length !== 3 || summed.n !== 3) throw new Error(`the kept balances differ from the entries' sums: ${JSON.stringify(balances)}`);
    const plan = await rows<{ "QUERY PLAN": string }>(db, sql`explain select id from ledger_entries where contact_id = ${contactId} and org_id = ${orgId} order by occurred_at desc nulls last, id desc nulls last limit 21`);
    ctx.log(`  first page plan: ${plan.map((r) => r["QUERY PLAN"].trim()).join(" / ")}`);

    const serverTime = async (query: Parameters<typeof sql>[1]) => {
      const [row] = await rows<{ "QUERY PLAN": [{ "Planning Time": number; "Execution Time": number }] }>(db, sql`explain (analyze, format json) ${query}`);
      const [plan] = row["QUERY PLAN"];
      return plan["Planning Time"] + plan["Execution Time"];
    };
    const select1: number[] = [];
    const balance: number[] = [];
    const page: number[] = [];
    const balanceDb: number[] = [];
    const pageDb: number[] = [];
    for (let i = 0; i < 20; i++) await Promise.all([contactBalances(db, orgId, contactId), contactEntries(db, orgId, contactId, null)]);
    for (let i = 0; i < RUNS; i++) {
      select1.push(await timed(() => db.execute(sql`select 1`)));
      balance.push(await timed(() => contactBalances(db, orgId, contactId)));
      page.push(await timed(() => contactEntries(db, orgId, contactId, null)));
      balanceDb.push(await serverTime(balancesQuery(db, orgId, contactId)));
      pageDb.push(await serverTime(entriesQuery(db, orgId, contactId, null)));
    }
    for (const list of [select1, balance, page, balanceDb, pageDb]) list.sort((a, b) => a - b);
    const baseline = { label: "select 1 round trip", metric: "p95" };
    for (const [variant, list] of [["balance.db", balanceDb], ["first-page.db", pageDb], ["balance.rt", balance], ["first-page.rt", page]] as const) {
      ctx.report({
        variant,
        figures: [
          { metric: "p50", label: "p50", value: percentile(list, 50), unit: "ms", baseline: percentile(select1, 50) },
          { metric: "p95", label: "p95", value: percentile(list, 95), unit: "ms", baseline: percentile(select1, 95) },
        ],
        baseline,
      });
    }
    await db.execute(sql`delete from organizations where id = ${orgId}`);
  },
} satisfies BenchCase;
