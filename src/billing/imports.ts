// Admin → Import: an uploaded CSV of ledger entries becomes a draft, checked line by line (the
// preview) before anything is written; starting it queues the run (import-run.ts). Only admins, and
// only their own organization's imports: any other id is as unknown as one that does not exist.
import { and, asc, desc, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { ledgerImportProblems, ledgerImports, users, type CsvDelimiter, type DecimalMark } from "@db/schema";
import type { Actor } from "../context";
import { NotFound } from "../not-found";
import { plainFilename } from "../names";
import { recordEvent } from "../realtime/events";
import { decodeFile, detectDelimiter, MAX_FILE_BYTES } from "./csv-file";
import { isProblemLine, judgeLines, openImportFile, readRecords, type Judged } from "./import-check";
import { detectDecimalMark, headerUsable, type Header } from "./import-lines";
import { BillingRefused } from "./ledger";

export const MAX_IMPORT_LINES = 100_000;
/** Lines judged per query pair, in the preview and in each transaction of a run. */
export const IMPORT_BATCH = 500;

export type ImportRow = typeof ledgerImports.$inferSelect;
export type ReadSettings = { delimiter: CsvDelimiter | "auto"; decimalMark: DecimalMark | "auto" };

export class ImportRefused extends Error {
  constructor(public reason: "no_file" | "too_big" | "not_text" | "empty" | "too_many_lines") {
    super(reason);
  }
}

function mayImport(actor: Actor) {
  if (actor.role !== "admin") throw new BillingRefused("forbidden");
}

/** The organization's import with this id, or NotFound. */
export async function importFor(db: DbOrTx, actor: Actor, id: number): Promise<ImportRow> {
  mayImport(actor);
  const [row] = await db.select().from(ledgerImports).where(and(eq(ledgerImports.id, id), eq(ledgerImports.orgId, actor.orgId)));
  if (!row) throw new NotFound("import");
  return row;
}

/** How a file is read: what the admin chose, or what its header line and amounts say. */
function settingsFor(content: string, chosen: ReadSettings, locale: string): { delimiter: CsvDelimiter; decimalMark: DecimalMark } {
  const delimiter = chosen.delimiter === "auto" ? detectDelimiter(content) : chosen.delimiter;
  if (chosen.decimalMark !== "auto") return { delimiter, decimalMark: chosen.decimalMark };
  const file = openImportFile(content, delimiter);
  const column = file.header.columns.amount;
  const amounts = column === undefined ? [] : file.records.slice(0, 2000).map((r) => r.fields[column] ?? "");
  return { delimiter, decimalMark: detectDecimalMark(amounts, delimiter === ";" || locale === "tr" ? "comma" : "dot") };
}

/** Stores an uploaded file as a draft and checks it; a file that is no CSV at all is refused. */
export async function createImport(db: DbOrTx, actor: Actor, file: { name: string; bytes: Uint8Array } | null, chosen: ReadSettings, locale: string, now: Date): Promise<{ id: number; eventIds: number[] }> {
  mayImport(actor);
  if (!file || file.bytes.length === 0) throw new ImportRefused(file ? "empty" : "no_file");
  if (file.bytes.length > MAX_FILE_BYTES) throw new ImportRefused("too_big");
  const decoded = decodeFile(file.bytes);
  if (!decoded) throw new ImportRefused("not_text");
  if (decoded.text.trim() === "") throw new ImportRefused("empty");
  const settings = settingsFor(decoded.text, chosen, locale);
  if (openImportFile(decoded.text, settings.delimiter).records.length > MAX_IMPORT_LINES) throw new ImportRefused("too_many_lines");
  const [row] = await db
    .insert(ledgerImports)
    .values({ orgId: actor.orgId, createdBy: actor.userId, fileName: plainFilename(file.name, "import.csv").slice(0, 200), content: decoded.text, encoding: decoded.encoding, ...settings, createdAt: now })
    .returning();
  return { id: row.id, eventIds: await checkImport(db, actor, row, now) };
}

/** Reads a draft again with other settings (a wrong separator or decimal mark), without a new upload. */
export async function rereadImport(db: DbOrTx, actor: Actor, id: number, chosen: ReadSettings, locale: string, now: Date): Promise<number[]> {
  const row = await importFor(db, actor, id);
  if (row.status !== "draft") throw new BillingRefused("not_pending");
  const settings = settingsFor(row.content, chosen, locale);
  const [updated] = await db.update(ledgerImports).set(settings).where(eq(ledgerImports.id, id)).returning();
  return checkImport(db, actor, updated, now);
}

/**
 * The preview's check: every line read and judged, nothing written but the draft's problems (what
 * the report would say now) and its counts.
 */
async function checkImport(db: DbOrTx, actor: Actor, row: ImportRow, now: Date): Promise<number[]> {
  const file = openImportFile(row.content, row.delimiter);
  const read = readRecords(file, { decimalMark: row.decimalMark, timeZone: actor.timezone, now });
  const problems: { importId: number; line: number; reason: string; detail: string }[] = [];
  let unchanged = 0;
  for (let i = 0; i < read.length; i += IMPORT_BATCH) {
    for (const j of await judgeLines(db, actor.orgId, read.slice(i, i + IMPORT_BATCH))) {
      if (isProblemLine(j)) problems.push({ importId: row.id, line: j.line, reason: j.reason, detail: j.detail ?? "" });
      else if (j.state === "unchanged") unchanged++;
    }
  }
  return db.transaction(async (tx) => {
    await tx.delete(ledgerImportProblems).where(eq(ledgerImportProblems.importId, row.id));
    for (let i = 0; i < problems.length; i += 1000) await tx.insert(ledgerImportProblems).values(problems.slice(i, i + 1000));
    await tx.update(ledgerImports).set({ totalLines: file.records.length, problemLines: problems.length, unchangedLines: unchanged }).where(eq(ledgerImports.id, row.id));
    return [await importEvent(tx, row.orgId, row.id, actor.userId, [], now)];
  });
}

export function importEvent(tx: DbOrTx, orgId: number, importId: number, actorId: string | null, contactIds: number[], now: Date) {
  return recordEvent(tx, { orgId, type: "ledger_import_progress", actorId, data: { importId, contactIds }, createdAt: now });
}

/** Queues a checked draft; the run starts at once in this process, or in any other after a crash. */
export async function startImport(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<number[]> {
  const row = await importFor(db, actor, id);
  if (row.status !== "draft") return [];
  if (!headerUsable(openImportFile(row.content, row.delimiter).header) || row.totalLines === 0) throw new BillingRefused("invalid");
  return db.transaction(async (tx) => {
    const started = await tx
      .update(ledgerImports)
      .set({ status: "queued", startedBy: actor.userId, startedAt: now, processed: 0, added: 0, unchangedLines: 0, problemLines: 0 })
      .where(and(eq(ledgerImports.id, id), eq(ledgerImports.status, "draft")))
      .returning({ id: ledgerImports.id });
    if (started.length === 0) return [];
    await tx.delete(ledgerImportProblems).where(eq(ledgerImportProblems.importId, id));
    return [await importEvent(tx, actor.orgId, id, actor.userId, [], now)];
  });
}

export async function discardImport(db: DbOrTx, actor: Actor, id: number): Promise<boolean> {
  await importFor(db, actor, id);
  const gone = await db.delete(ledgerImports).where(and(eq(ledgerImports.id, id), eq(ledgerImports.orgId, actor.orgId), eq(ledgerImports.status, "draft"))).returning({ id: ledgerImports.id });
  return gone.length > 0;
}

export const IMPORTS_PAGE = 25;

/** The organization's imports, newest first, a keyset page at a time. */
export async function orgImports(db: DbOrTx, actor: Actor, before: number | undefined) {
  mayImport(actor);
  const rows = await db
    .select({
      id: ledgerImports.id,
      fileName: ledgerImports.fileName,
      status: ledgerImports.status,
      totalLines: ledgerImports.totalLines,
      processed: ledgerImports.processed,
      added: ledgerImports.added,
      unchangedLines: ledgerImports.unchangedLines,
      problemLines: ledgerImports.problemLines,
      createdAt: ledgerImports.createdAt,
      finishedAt: ledgerImports.finishedAt,
      byName: users.name,
    })
    .from(ledgerImports)
    .leftJoin(users, eq(users.id, ledgerImports.createdBy))
    .where(and(eq(ledgerImports.orgId, actor.orgId), before ? lt(ledgerImports.id, before) : undefined))
    .orderBy(desc(ledgerImports.id))
    .limit(IMPORTS_PAGE + 1);
  return { rows: rows.slice(0, IMPORTS_PAGE), next: rows.length > IMPORTS_PAGE ? rows[IMPORTS_PAGE - 1].id : null };
}
export type ImportListRow = Awaited<ReturnType<typeof orgImports>>["rows"][number];

/** The problems found so far, in line order: the first `limit`, or all for the report. */
export async function importProblems(db: DbOrTx, importId: number, limit?: number) {
  const q = db.select().from(ledgerImportProblems).where(eq(ledgerImportProblems.importId, importId)).orderBy(asc(ledgerImportProblems.line));
  return limit ? q.limit(limit) : q;
}
export type ImportProblem = typeof ledgerImportProblems.$inferSelect;

export const SAMPLE_LINES = 10;

export interface ImportView {
  row: ImportRow;
  header: Header;
  /** The file's first lines as written, with how each was judged (drafts only). */
  sample: { line: number; cells: string[]; judged: Judged | null }[];
  headerCells: string[];
  problems: ImportProblem[];
  startedByName: string | null;
}

/** What the import's page shows: its state, the first lines judged now (drafts), the first problems. */
export async function importView(db: DbOrTx, actor: Actor, id: number, now: Date): Promise<ImportView> {
  const row = await importFor(db, actor, id);
  const file = openImportFile(row.content, row.delimiter);
  const records = file.records.slice(0, SAMPLE_LINES);
  const judged = row.status === "draft" ? await judgeLines(db, actor.orgId, readRecords({ ...file, records }, { decimalMark: row.decimalMark, timeZone: actor.timezone, now })) : [];
  const [problems, [by]] = await Promise.all([
    importProblems(db, row.id, 100),
    row.startedBy ? db.select({ name: users.name }).from(users).where(eq(users.id, row.startedBy)) : Promise.resolve([undefined]),
  ]);
  return {
    row,
    header: file.header,
    headerCells: file.headerCells,
    sample: records.map((r) => ({ line: r.line, cells: r.fields, judged: judged.find((j) => j.line === r.line) ?? null })),
    problems,
    startedByName: by?.name ?? null,
  };
}

/** Counts an admin sees while a run goes: read from the row the run moves. */
export const progressOf = (row: Pick<ImportRow, "processed" | "totalLines">) => (row.totalLines === 0 ? 100 : Math.floor((row.processed * 100) / row.totalLines));
