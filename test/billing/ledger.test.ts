// The ledger's rules: integer minor units per currency, balances the database sums, entries stored
// once per idempotency key and never changed.
import { describe, expect, it } from "bun:test";
import { and, eq, sql } from "drizzle-orm";
import { contacts, ledgerEntries } from "@db/schema";
import { appendEntry, contactBalances, contactEntries, decodeEntryCursor } from "../../src/billing/ledger";
import { formatMoney, parseAmount } from "../../src/billing/money";
import { useTestApp } from "../support/app";

const t = useTestApp();

async function contact() {
  const w = await t.world();
  const [c] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Ayşe" }).returning();
  return { w, contactId: c.id, author: { source: "manual" as const, userId: w.admin.id } };
}

describe("ledger arithmetic", () => {
  it("keeps one balance per currency, each the database's sum of its entries", async () => {
    const { w, contactId, author } = await contact();
    const add = (kind: "charge" | "payment" | "refund" | "adjustment", amountMinor: number, currency: string) =>
      appendEntry(t.db, w.orgId, author, { contactId, kind, amountMinor, currency, description: kind, idempotencyKey: crypto.randomUUID() }, t.clock.now());
    await add("charge", 100_000, "TRY");
    await add("payment", 25_000, "TRY");
    await add("refund", 5_000, "TRY");
    await add("adjustment", -1, "TRY");
    await add("charge", 1999, "EUR");
    await add("payment", 1999, "EUR");
    await add("charge", 12_345, "USD");
    await add("adjustment", 55, "USD");
    const balances = await contactBalances(t.db, w.orgId, contactId);
    expect(balances).toEqual([
      { currency: "EUR", balanceMinor: 0, entries: 2 },
      { currency: "TRY", balanceMinor: 79_999, entries: 4 },
      { currency: "USD", balanceMinor: 12_400, entries: 2 },
    ]);
    const summed = await t.db
      .select({ currency: ledgerEntries.currency, sum: sql<string>`sum(${ledgerEntries.amountMinor})` })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.contactId, contactId))
      .groupBy(ledgerEntries.currency)
      .orderBy(ledgerEntries.currency);
    expect(summed.map((r) => [r.currency, Number(r.sum)])).toEqual(balances.map((b) => [b.currency, b.balanceMinor]));
  });

  it("stores payments negative and charges and refunds positive, whatever sign is given", async () => {
    const { w, contactId, author } = await contact();
    const payment = await appendEntry(t.db, w.orgId, author, { contactId, kind: "payment", amountMinor: 500, currency: "TRY", description: "", idempotencyKey: "p" }, t.clock.now());
    expect(payment.entry.amountMinor).toBe(-500);
    await expect(appendEntry(t.db, w.orgId, author, { contactId, kind: "charge", amountMinor: -500, currency: "TRY", description: "", idempotencyKey: "c" }, t.clock.now())).rejects.toThrow("invalid");
    await expect(appendEntry(t.db, w.orgId, author, { contactId, kind: "adjustment", amountMinor: 0, currency: "TRY", description: "", idempotencyKey: "z" }, t.clock.now())).rejects.toThrow("invalid");
    await expect(appendEntry(t.db, w.orgId, author, { contactId, kind: "charge", amountMinor: 1.5, currency: "TRY", description: "", idempotencyKey: "f" }, t.clock.now())).rejects.toThrow("invalid");
  });

  it("refuses a currency that is not three upper-case letters, in the database itself", async () => {
    const { w, contactId, author } = await contact();
    await expect(appendEntry(t.db, w.orgId, author, { contactId, kind: "charge", amountMinor: 5, currency: "try", description: "", idempotencyKey: "x" }, t.clock.now())).rejects.toThrow();
  });
});

describe("idempotency and immutability", () => {
  it("the same idempotency key twice is stored once; other values under it are a conflict", async () => {
    const { w, contactId, author } = await contact();
    const input = { contactId, kind: "charge" as const, amountMinor: 25_000, currency: "TRY", description: "Sipariş 42", idempotencyKey: "order-42" };
    const [a, b] = await Promise.all([appendEntry(t.db, w.orgId, author, input, t.clock.now()), appendEntry(t.db, w.orgId, author, input, t.clock.now())]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.entry.id).toBe(b.entry.id);
    const other = await appendEntry(t.db, w.orgId, author, { ...input, amountMinor: 30_000 }, t.clock.now());
    expect(other).toMatchObject({ created: false, conflict: true });
    expect((await contactBalances(t.db, w.orgId, contactId))[0]).toEqual({ currency: "TRY", balanceMinor: 25_000, entries: 1 });
  });

  it("another organization may use the same key", async () => {
    const one = await contact();
    const two = await contact();
    const input = { kind: "charge" as const, amountMinor: 100, currency: "TRY", description: "", idempotencyKey: "shared-key" };
    expect((await appendEntry(t.db, one.w.orgId, one.author, { ...input, contactId: one.contactId }, t.clock.now())).created).toBe(true);
    expect((await appendEntry(t.db, two.w.orgId, two.author, { ...input, contactId: two.contactId }, t.clock.now())).created).toBe(true);
  });

  it("an entry cannot be edited or deleted; deleting the contact still removes its ledger", async () => {
    const { w, contactId, author } = await contact();
    const { entry } = await appendEntry(t.db, w.orgId, author, { contactId, kind: "charge", amountMinor: 100, currency: "TRY", description: "", idempotencyKey: "k" }, t.clock.now());
    await expect(Promise.resolve(t.db.update(ledgerEntries).set({ amountMinor: 1 }).where(eq(ledgerEntries.id, entry.id)))).rejects.toThrow();
    await expect(Promise.resolve(t.db.update(ledgerEntries).set({ description: "changed" }).where(eq(ledgerEntries.id, entry.id)))).rejects.toThrow();
    await expect(Promise.resolve(t.db.delete(ledgerEntries).where(eq(ledgerEntries.id, entry.id)))).rejects.toThrow();
    await t.db.delete(contacts).where(and(eq(contacts.id, contactId)));
    expect(await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.contactId, contactId))).toEqual([]);
    expect(await contactBalances(t.db, w.orgId, contactId)).toEqual([]);
  });
});

describe("transactions list", () => {
  it("lists newest first, a page at a time, without skipping entries of the same instant", async () => {
    const { w, contactId, author } = await contact();
    for (let i = 0; i < 25; i++) {
      await appendEntry(t.db, w.orgId, author, { contactId, kind: "charge", amountMinor: i + 1, currency: "TRY", description: `#${i}`, idempotencyKey: `e${i}`, occurredAt: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 3))) }, t.clock.now());
    }
    const first = await contactEntries(t.db, w.orgId, contactId, null, 10);
    const second = await contactEntries(t.db, w.orgId, contactId, decodeEntryCursor(first.next!), 10);
    const third = await contactEntries(t.db, w.orgId, contactId, decodeEntryCursor(second.next!), 10);
    const all = [...first.entries, ...second.entries, ...third.entries].map((e) => e.description);
    expect(all.length).toBe(25);
    expect(new Set(all).size).toBe(25);
    expect(all[0]).toBe("#24");
    expect(third.next).toBeNull();
  });
});

describe("money for people", () => {
  it("formats each currency in the viewer's language", () => {
    expect(formatMoney(123_456, "TRY", "tr")).toBe("1.234,56 ₺");
    expect(formatMoney(123_456, "TRY", "en")).toBe("₺1,234.56");
    expect(formatMoney(-1_999, "EUR", "en")).toBe("-€19.99");
    expect(formatMoney(1_999, "USD", "tr")).toBe("19,99 $");
    expect(formatMoney(1_234, "JPY", "en")).toBe("¥1,234");
  });

  it("reads amounts as typed in each language, refusing what it would misread", () => {
    expect(parseAmount("250,00", "TRY", "tr")).toBe(25_000);
    expect(parseAmount("1.234,56", "TRY", "tr")).toBe(123_456);
    expect(parseAmount("1,234.56", "USD", "en")).toBe(123_456);
    expect(parseAmount("250.00", "TRY", "tr")).toBeNull();
    expect(parseAmount("0", "TRY", "en")).toBeNull();
    expect(parseAmount("1.005", "EUR", "en")).toBeNull();
    expect(parseAmount("12a", "EUR", "en")).toBeNull();
  });
});
