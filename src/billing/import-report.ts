// The files Admin → Import hands out: an import's problem report (line, reference, reason, in the
// viewer's language) and a sample file to start from, both CSV with a byte order mark for Excel.
import { and, asc, eq, gt } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { ledgerImportProblems, type Locale } from "@db/schema";
import type { Actor } from "../context";
import type { MessageKey, Translate } from "../i18n";
import { BOM, csvStream } from "../reports/csv";
import { openImportFile } from "./import-check";
import { importFor } from "./imports";

const REPORT_BATCH = 2000;

/** The report of every problem line, read a batch at a time; the reference as the file wrote it. */
export async function problemReport(db: DbOrTx, actor: Actor, importId: number, t: Translate): Promise<{ fileName: string; body: ReadableStream<Uint8Array> }> {
  const row = await importFor(db, actor, importId);
  const file = openImportFile(row.content, row.delimiter);
  const refColumn = file.header.columns.reference;
  const referenceAt = new Map(refColumn === undefined ? [] : file.records.map((r) => [r.line, (r.fields[refColumn] ?? "").trim()]));
  async function* batches() {
    let after = 0;
    for (;;) {
      const rows = await db
        .select()
        .from(ledgerImportProblems)
        .where(and(eq(ledgerImportProblems.importId, row.id), gt(ledgerImportProblems.line, after)))
        .orderBy(asc(ledgerImportProblems.line))
        .limit(REPORT_BATCH);
      if (rows.length === 0) return;
      yield rows.map((p) => [p.line, referenceAt.get(p.line) ?? "", t(`imports.reason.${p.reason}` as MessageKey, { detail: p.detail })]);
      after = rows[rows.length - 1].line;
    }
  }
  const base = row.fileName.replace(/\.(csv|txt)$/i, "");
  return { fileName: `${base}-problems.csv`, body: csvStream([t("imports.report.line"), t("imports.report.reference"), t("imports.report.reason")], batches()) };
}

const samples: Record<Locale, (string | number)[][]> = {
  en: [
    ["external_id", "phone", "kind", "amount", "currency", "date", "description", "reference"],
    ["CRM-1001", "", "charge", "1,250.00", "TRY", "2026-12-01", "Order 1042", "INV-1042"],
    ["", "+90 532 111 22 33", "payment", "250.00", "TRY", "2026-12-02 14:30", "Bank transfer", "PAY-77"],
    ["CRM-1001", "", "adjustment", "-10.50", "EUR", "2026-12-03", "Goodwill discount", "ADJ-5"],
  ],
  tr: [
    ["harici_id", "telefon", "tür", "tutar", "para_birimi", "tarih", "açıklama", "referans"],
    ["CRM-1001", "", "borç", "1.250,00", "TRY", "01.12.2026", "Sipariş 1042", "FTR-1042"],
    ["", "+90 532 111 22 33", "ödeme", "250,00", "TL", "02.12.2026 14:30", "Havale", "ODM-77"],
    ["CRM-1001", "", "düzeltme", "-10,50", "EUR", "03.12.2026", "İyi niyet indirimi", "DZT-5"],
  ],
};

/**
 * A sample file in the viewer's language: comma-separated with decimal points in English, and as
 * Turkish Excel writes it (semicolons, decimal commas) in Turkish.
 */
export function sampleFile(locale: Locale): string {
  const separator = locale === "tr" ? ";" : ",";
  const cell = (v: string | number) => (String(v).includes(separator) ? `"${v}"` : String(v));
  return BOM + samples[locale].map((cells) => `${cells.map(cell).join(separator)}\r\n`).join("");
}
