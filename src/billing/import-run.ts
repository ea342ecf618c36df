// Running a started import: its lines become ledger entries a batch per transaction, which moves the
// import's counts and writes its problems and a progress event with the entries. The run's state
// is the row, so after a crash any process takes it over once its lease has passed, and carries on
// at the next batch; a line's reference is its idempotency key, so nothing is ever stored twice.
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { ledgerEntries, ledgerImportProblems, ledgerImports, organizations } from "@db/schema";
import type { Deps } from "../context";
import { commit } from "../realtime/changes";
import { importKey, isProblemLine, judgeLines, openImportFile, readRecords, type Judged, type Read } from "./import-check";
import { IMPORT_BATCH, importEvent, type ImportRow } from "./imports";
import { signedAmount } from "./ledger";

/**
 * A pause between batches, so the pages asked for meanwhile get the database: on PGlite (one
 * connection) each of a page's queries would otherwise wait behind a whole batch.
 */
const BATCH_PAUSE_MS = 15;

/** How long a process holds a run without finishing a batch before another may take it over. */
export const IMPORT_LEASE_MS = 60_000;

async function claim(deps: Deps, importId: number, token: string): Promise<ImportRow | null> {
  const now = deps.clock.now();
  const [row] = await deps.database.db
    .update(ledgerImports)
    .set({ status: "running", leaseToken: token, leaseUntil: new Date(now.getTime() + IMPORT_LEASE_MS) })
    .where(
      and(
        eq(ledgerImports.id, importId),
        or(eq(ledgerImports.status, "queued"), and(eq(ledgerImports.status, "running"), or(isNull(ledgerImports.leaseUntil), lt(ledgerImports.leaseUntil, now)))),
      ),
    )
    .returning();
  return row ?? null;
}

/** Runs the import to its end unless another process holds it; returns whether this one finished it. */
export async function runImport(deps: Deps, importId: number): Promise<boolean> {
  const token = crypto.randomUUID();
  const row = await claim(deps, importId, token);
  if (!row) return false;
  const [org] = await deps.database.db.select({ timeZone: organizations.timezone }).from(organizations).where(eq(organizations.id, row.orgId));
  // Judged as of the start, so a resumed run reads every line as the first one did.
  const startedAt = row.startedAt ?? deps.clock.now();
  const read = readRecords(openImportFile(row.content, row.delimiter), { decimalMark: row.decimalMark, timeZone: org.timeZone, now: startedAt });
  let processed = row.processed;
  while (processed < read.length) {
    const batch = read.slice(processed, processed + IMPORT_BATCH);
    const done = await applyBatch(deps, row, token, processed, batch, startedAt);
    if (done === null) return false;
    processed += batch.length;
    if (processed < read.length) await Bun.sleep(BATCH_PAUSE_MS);
  }
  return true;
}

/**
 * One batch in one transaction, if this run still holds the import where it left it: null when
 * another process has taken over.
 */
async function applyBatch(deps: Deps, row: ImportRow, token: string, from: number, batch: Read[], startedAt: Date) {
  const now = deps.clock.now();
  return commit(deps.database, row.orgId, (db) =>
    db.transaction(async (tx) => {
      const [current] = await tx.select({ processed: ledgerImports.processed, leaseToken: ledgerImports.leaseToken, totalLines: ledgerImports.totalLines }).from(ledgerImports).where(eq(ledgerImports.id, row.id)).for("update");
      if (!current || current.leaseToken !== token || current.processed !== from) return null;
      let judged = await judgeLines(tx, row.orgId, batch);
      const fresh = judged.filter((j): j is Extract<Judged, { state: string }> => !isProblemLine(j) && j.state === "new");
      const inserted = fresh.length
        ? await tx
            .insert(ledgerEntries)
            .values(
              fresh.map((l) => ({
                orgId: row.orgId,
                contactId: l.contactId,
                kind: l.kind,
                amountMinor: signedAmount(l.kind, l.amountMinor),
                currency: l.currency,
                description: l.description,
                externalRef: l.reference,
                idempotencyKey: importKey(l.reference),
                source: "import" as const,
                createdBy: row.startedBy,
                occurredAt: l.occurredAt ?? startedAt,
                createdAt: now,
              })),
            )
            .onConflictDoNothing({ target: [ledgerEntries.orgId, ledgerEntries.idempotencyKey] })
            .returning({ key: ledgerEntries.idempotencyKey, contactId: ledgerEntries.contactId })
        : [];
      const stored = new Set(inserted.map((e) => e.key));
      // A line whose reference another writer stored since it was judged: judged again, as it is now.
      const overtaken = fresh.filter((l) => !stored.has(importKey(l.reference)));
      if (overtaken.length) {
        const again = new Map((await judgeLines(tx, row.orgId, overtaken)).map((j) => [j.line, j]));
        judged = judged.map((j) => again.get(j.line) ?? j);
      }
      const problems = judged.filter(isProblemLine);
      if (problems.length) await tx.insert(ledgerImportProblems).values(problems.map((p) => ({ importId: row.id, line: p.line, reason: p.reason, detail: p.detail ?? "" }))).onConflictDoNothing();
      const unchanged = judged.filter((j) => !isProblemLine(j) && j.state === "unchanged").length;
      const processed = from + batch.length;
      const finished = processed >= current.totalLines;
      await tx
        .update(ledgerImports)
        .set({
          processed,
          added: sqlAdd(ledgerImports.added, inserted.length),
          unchangedLines: sqlAdd(ledgerImports.unchangedLines, unchanged),
          problemLines: sqlAdd(ledgerImports.problemLines, problems.length),
          leaseUntil: finished ? null : new Date(now.getTime() + IMPORT_LEASE_MS),
          ...(finished ? { status: "done" as const, finishedAt: now, leaseToken: null } : {}),
        })
        .where(eq(ledgerImports.id, row.id));
      const contactIds = [...new Set(inserted.map((e) => e.contactId))];
      return { eventIds: [await importEvent(tx, row.orgId, row.id, row.startedBy, contactIds, now)], finished };
    }),
  );
}

function sqlAdd(column: typeof ledgerImports.added | typeof ledgerImports.unchangedLines | typeof ledgerImports.problemLines, n: number) {
  return sql`${column} + ${n}`;
}

/** The job: imports queued but never started (their process stopped), or whose run's lease has passed. */
export async function resumeImports(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const due = await deps.database.db
    .select({ id: ledgerImports.id })
    .from(ledgerImports)
    .where(or(and(eq(ledgerImports.status, "queued"), or(isNull(ledgerImports.leaseUntil), lt(ledgerImports.leaseUntil, now))), and(eq(ledgerImports.status, "running"), lt(ledgerImports.leaseUntil, now))))
    .orderBy(ledgerImports.id)
    .limit(10);
  for (const { id } of due) await runImport(deps, id);
}
