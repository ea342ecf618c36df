// A contact's ledger: immutable entries in minor units, stored once per idempotency key, and the
// balance per currency that the database keeps (ledger_balances, migration 0009).
import { and, asc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, conversations, ledgerBalances, ledgerEntries, organizations, users, type LedgerKind, type LedgerSource } from "@db/schema";
import type { Actor } from "../context";
import { recordEvent } from "../realtime/events";
import { visibility } from "../inbox/visibility";

export class BillingRefused extends Error {
  constructor(public reason: "not_found" | "forbidden" | "invalid" | "idempotency_conflict" | "no_provider" | "closed" | "not_joined" | "outside_window" | "not_pending" | "provider_failed") {
    super(reason);
  }
}

export interface EntryInput {
  contactId: number;
  kind: LedgerKind;
  /** Positive for charges, payments and refunds; an adjustment carries its own sign. */
  amountMinor: number;
  currency: string;
  description: string;
  externalRef?: string | null;
  idempotencyKey: string;
  occurredAt?: Date;
}

/** Who made an entry: a person (by hand or import), an API token, or a paid payment link. */
export type EntryAuthor =
  | { source: "manual" | "import"; userId: string }
  | { source: "api"; tokenId: number }
  | { source: "payment_link"; linkId: number };

export type LedgerEntry = typeof ledgerEntries.$inferSelect;

/** What the contact owes moves up with a charge or refund, down with a payment. */
export function signedAmount(kind: LedgerKind, amountMinor: number): number {
  if (kind === "payment") return -Math.abs(amountMinor);
  if (kind === "adjustment") return amountMinor;
  return Math.abs(amountMinor);
}

export function validEntryAmount(kind: LedgerKind, amountMinor: number): boolean {
  return Number.isSafeInteger(amountMinor) && amountMinor !== 0 && (kind === "adjustment" || amountMinor > 0);
}

/**
 * Appends an entry unless the organization already has one with this idempotency key: then the
 * stored one comes back with `created: false`, and `conflict` tells whether it says something else.
 */
export async function appendEntry(tx: DbOrTx, orgId: number, author: EntryAuthor, input: EntryInput, now: Date): Promise<{ entry: LedgerEntry; created: boolean; conflict: boolean }> {
  if (!validEntryAmount(input.kind, input.amountMinor)) throw new BillingRefused("invalid");
  const values = {
    orgId,
    contactId: input.contactId,
    kind: input.kind,
    amountMinor: signedAmount(input.kind, input.amountMinor),
    currency: input.currency,
    description: input.description,
    externalRef: input.externalRef ?? null,
    idempotencyKey: input.idempotencyKey,
    source: author.source as LedgerSource,
    createdBy: "userId" in author ? author.userId : null,
    apiTokenId: "tokenId" in author ? author.tokenId : null,
    paymentLinkId: "linkId" in author ? author.linkId : null,
    occurredAt: input.occurredAt ?? now,
    createdAt: now,
  };
  const [inserted] = await tx.insert(ledgerEntries).values(values).onConflictDoNothing({ target: [ledgerEntries.orgId, ledgerEntries.idempotencyKey] }).returning();
  if (inserted) return { entry: inserted, created: true, conflict: false };
  const [stored] = await tx.select().from(ledgerEntries).where(and(eq(ledgerEntries.orgId, orgId), eq(ledgerEntries.idempotencyKey, input.idempotencyKey)));
  const same = stored.contactId === values.contactId && stored.kind === values.kind && stored.amountMinor === values.amountMinor && stored.currency === values.currency;
  return { entry: stored, created: false, conflict: !same };
}

export interface Balance {
  currency: string;
  balanceMinor: number;
  entries: number;
}

export async function contactBalances(db: DbOrTx, orgId: number, contactId: number): Promise<Balance[]> {
  return balancesQuery(db, orgId, contactId);
}

/** The query itself, for contactBalances and for measuring it (test/bench/cases/billing.ts). */
export function balancesQuery(db: DbOrTx, orgId: number, contactId: number) {
  return db
    .select({ currency: ledgerBalances.currency, balanceMinor: ledgerBalances.balanceMinor, entries: ledgerBalances.entries })
    .from(ledgerBalances)
    .where(and(eq(ledgerBalances.contactId, contactId), eq(ledgerBalances.orgId, orgId)))
    .orderBy(asc(ledgerBalances.currency));
}

export interface EntryCursor {
  at: Date;
  id: number;
}

export function encodeEntryCursor(c: EntryCursor): string {
  return Buffer.from(`${c.at.toISOString()}|${c.id}`).toString("base64url");
}

export function decodeEntryCursor(raw: string | undefined): EntryCursor | null {
  if (!raw) return null;
  const [at, id] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^\d+$/.test(id)) return null;
  return { at: new Date(at), id: Number(id) };
}

export interface EntryRow {
  id: number;
  kind: LedgerKind;
  amountMinor: number;
  currency: string;
  description: string;
  externalRef: string | null;
  source: LedgerSource;
  authorName: string | null;
  paymentLinkId: number | null;
  occurredAt: Date;
}

export const ENTRIES_PAGE = 20;

/** Newest first, a keyset page at a time (the index ledger_entries_contact_idx walks it). */
export async function contactEntries(db: DbOrTx, orgId: number, contactId: number, cursor: EntryCursor | null, limit = ENTRIES_PAGE): Promise<{ entries: EntryRow[]; next: string | null }> {
  const rows: EntryRow[] = await entriesQuery(db, orgId, contactId, cursor, limit);
  const entries = rows.slice(0, limit);
  const last = entries.at(-1);
  return { entries, next: rows.length > limit && last ? encodeEntryCursor({ at: last.occurredAt, id: last.id }) : null };
}

/** One row more than the page, to tell whether another follows. */
export function entriesQuery(db: DbOrTx, orgId: number, contactId: number, cursor: EntryCursor | null, limit = ENTRIES_PAGE) {
  return db
    .select({
      id: ledgerEntries.id,
      kind: ledgerEntries.kind,
      amountMinor: ledgerEntries.amountMinor,
      currency: ledgerEntries.currency,
      description: ledgerEntries.description,
      externalRef: ledgerEntries.externalRef,
      source: ledgerEntries.source,
      authorName: users.name,
      paymentLinkId: ledgerEntries.paymentLinkId,
      occurredAt: ledgerEntries.occurredAt,
    })
    .from(ledgerEntries)
    .leftJoin(users, eq(users.id, ledgerEntries.createdBy))
    .where(
      and(
        eq(ledgerEntries.contactId, contactId),
        eq(ledgerEntries.orgId, orgId),
        cursor ? sql`(${ledgerEntries.occurredAt}, ${ledgerEntries.id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id})` : undefined,
      ),
    )
    .orderBy(sql`${ledgerEntries.occurredAt} desc nulls last, ${ledgerEntries.id} desc nulls last`)
    .limit(limit + 1);
}

/** Which roles may add entries by hand: the organization's setting, admins and supervisors by default. */
export function mayAddEntries(role: Actor["role"], setting: "admins" | "supervisors" | "agents" | undefined): boolean {
  const by = setting ?? "supervisors";
  if (role === "admin") return true;
  if (role === "supervisor") return by !== "admins";
  return by === "agents";
}

export async function entrySetting(db: DbOrTx, orgId: number) {
  const [org] = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId));
  return org?.settings.ledgerEntriesBy;
}

/** The contact behind a conversation the actor may see, or null. */
export async function visibleContact(db: DbOrTx, actor: Actor, conversationId: number): Promise<{ contactId: number; conversationId: number } | null> {
  const [row] = await db
    .select({ contactId: conversations.contactId, conversationId: conversations.id })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId), await visibility(db, actor)));
  return row ?? null;
}

/** An agent, supervisor or admin adds an entry from the Billing widget of a conversation they see. */
export async function addManualEntry(db: DbOrTx, actor: Actor, conversationId: number, input: Omit<EntryInput, "contactId">, now: Date): Promise<{ entry: LedgerEntry; eventIds: number[] }> {
  const seen = await visibleContact(db, actor, conversationId);
  if (!seen) throw new BillingRefused("not_found");
  if (!mayAddEntries(actor.role, await entrySetting(db, actor.orgId))) throw new BillingRefused("forbidden");
  return db.transaction(async (tx) => {
    const { entry, created, conflict } = await appendEntry(tx, actor.orgId, { source: "manual", userId: actor.userId }, { ...input, contactId: seen.contactId }, now);
    if (conflict) throw new BillingRefused("idempotency_conflict");
    if (!created) return { entry, eventIds: [] };
    return { entry, eventIds: [await entryEvent(tx, actor.orgId, entry, conversationId, actor.userId, now)] };
  });
}

/** An entry sent through the API with a token: stored once per key; a conflict is reported, not stored. */
export async function addApiEntry(db: DbOrTx, orgId: number, tokenId: number, input: EntryInput, now: Date): Promise<{ entry: LedgerEntry; created: boolean; conflict: boolean; eventIds: number[] }> {
  return db.transaction(async (tx) => {
    const r = await appendEntry(tx, orgId, { source: "api", tokenId }, input, now);
    return { ...r, eventIds: r.created ? [await entryEvent(tx, orgId, r.entry, null, null, now)] : [] };
  });
}

export function entryEvent(tx: DbOrTx, orgId: number, entry: LedgerEntry, conversationId: number | null, actorId: string | null, now: Date) {
  return recordEvent(tx, { orgId, type: "ledger_entry_added", conversationId, actorId, data: { contactId: entry.contactId, entryId: entry.id }, createdAt: now });
}

export type EntryPolicy = NonNullable<Awaited<ReturnType<typeof entrySetting>>>;

/** Admin → Payments: which roles may add ledger entries by hand. */
export async function setEntryPolicy(db: DbOrTx, actor: Actor, policy: EntryPolicy, now: Date): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx
      .update(organizations)
      .set({ settings: sql`${organizations.settings} || ${JSON.stringify({ ledgerEntriesBy: policy })}::jsonb` })
      .where(eq(organizations.id, actor.orgId));
    return [await recordEvent(tx, { orgId: actor.orgId, type: "organization_updated", actorId: actor.userId, data: { ledgerEntriesBy: policy }, createdAt: now })];
  });
}
