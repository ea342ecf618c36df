// Ledger imports in tests: contacts to import for, and a CSV file uploaded the way a browser's form sends it.
import { eq } from "drizzle-orm";
import { contacts, ledgerImports } from "@db/schema";
import type { Client, TestApp } from "../support/app";

/** `count` contacts with external ids CRM-1 … CRM-count, phones and emails. */
export async function importContacts(t: TestApp, orgId: number, count: number) {
  const rows = Array.from({ length: count }, (_, i) => ({ orgId, name: `Müşteri ${i + 1}`, externalId: `CRM-${i + 1}`, phone: `+90532${String(orgId).padStart(3, "0")}${String(i + 1).padStart(4, "0")}`, email: `musteri${i + 1}@example.test` }));
  return t.db.insert(contacts).values(rows).returning();
}

export function upload(client: Client, bytes: Uint8Array | string | null, fields: Record<string, string> = {}, name = "entries.csv") {
  const form = new FormData();
  if (bytes !== null) form.append("file", new File([(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes) as BlobPart], name, { type: "text/csv" }));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return client.request("/admin/imports", { method: "POST", body: form });
}

/** The import a 303 after an upload points at. */
export function importIdOf(res: Response): number {
  const m = /^\/admin\/imports\/(\d+)$/.exec(res.headers.get("location") ?? "");
  if (!m) throw new Error(`not an import: ${res.status} ${res.headers.get("location")}`);
  return Number(m[1]);
}

export async function importRow(t: TestApp, id: number) {
  return (await t.db.select().from(ledgerImports).where(eq(ledgerImports.id, id)))[0];
}

/** Data lines of a CSV report (its byte order mark and header left out). */
export function reportLines(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n")
    .slice(1)
    .map((l) => l.split(","));
}
