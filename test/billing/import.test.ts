// Admin → Import: a CSV file of ledger entries is previewed with its problems before anything is
// stored, imported in the background with its progress, reported line by line, and never stores a
// line twice however often the file comes back.
import { describe, expect, it } from "bun:test";
import { and, count, eq, sum } from "drizzle-orm";
import { ledgerEntries, ledgerImports } from "@db/schema";
import { useTestApp } from "../support/app";
import { importContacts, importIdOf, importRow, reportLines, upload } from "./import-support";

const t = useTestApp();

/** 10,000 lines over 100 contacts; lines 2,501, 6,002 and 9,999 of the file are wrong. */
function bigFile() {
  const lines = ["external_id;tür;tutar;para_birimi;tarih;açıklama;referans"];
  for (let i = 1; i <= 10_000; i++) {
    const fileLine = i + 1;
    const contact = fileLine === 2501 ? "CRM-404" : `CRM-${(i % 100) + 1}`;
    const amount = fileLine === 6002 ? "12,345,67" : `1.${String(i % 1000).padStart(3, "0")},50`;
    const date = fileLine === 9999 ? "31.02.2025" : "01.11.2025";
    lines.push(`${contact};${i % 10 === 0 ? "ödeme" : "borç"};${amount};TRY;${date};Fatura ${i};FTR-${i}`);
  }
  return "\uFEFF" + lines.join("\r\n") + "\r\n";
}

async function entriesOf(orgId: number) {
  const [row] = await t.db.select({ n: count(), total: sum(ledgerEntries.amountMinor) }).from(ledgerEntries).where(eq(ledgerEntries.orgId, orgId));
  return { n: row.n, total: Number(row.total ?? 0) };
}

describe("CSV import of ledger entries", () => {
  it("10,000 lines with 3 bad ones: the preview and the report name exactly those three; importing the file again adds nothing", async () => {
    const w = await t.world();
    await importContacts(t, w.orgId, 100);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const file = bigFile();

    const id = importIdOf(await upload(admin, file, { delimiter: "auto", decimalMark: "auto" }));
    const preview = await admin.html(`/admin/imports/${id}`);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain("10,000 lines: 9,997 to add, 0 already imported, 3 with problems.");
    expect(preview.text).toContain("Semicolon (;)");
    expect(preview.text).toContain("1.234,56");
    expect(preview.text).toContain("Fatura 1");
    expect(preview.text).toContain("No contact matches “CRM-404”.");
    expect((await entriesOf(w.orgId)).n).toBe(0);

    expect((await admin.post(`/admin/imports/${id}/start`)).status).toBe(303);
    await t.app.runtime.background.idle();
    const done = await importRow(t, id);
    expect(done).toMatchObject({ status: "done", processed: 10_000, added: 9_997, unchangedLines: 0, problemLines: 3 });
    const stored = await entriesOf(w.orgId);
    expect(stored.n).toBe(9_997);

    const report = await admin.get(`/admin/imports/${id}/problems.csv`);
    expect(report.headers.get("content-type")).toContain("text/csv");
    const lines = reportLines(await report.text());
    expect(lines.map((l) => l[0])).toEqual(["2501", "6002", "9999"]);
    expect(lines.map((l) => l[1])).toEqual(["FTR-2500", "FTR-6001", "FTR-9998"]);
    const page = await admin.html(`/admin/imports/${id}`);
    expect(page.text).toContain("Import finished: 9,997 entries added, 0 already imported, 3 lines with problems.");
    expect(page.text).toContain("“12,345,67” is not a valid amount");
    expect(page.text).toContain("“31.02.2025” is not a date");

    const again = importIdOf(await upload(admin, file));
    expect((await admin.html(`/admin/imports/${again}`)).text).toContain("10,000 lines: 0 to add, 9,997 already imported, 3 with problems.");
    await admin.post(`/admin/imports/${again}/start`);
    await t.app.runtime.background.idle();
    expect(await importRow(t, again)).toMatchObject({ status: "done", added: 0, unchangedLines: 9_997, problemLines: 3 });
    expect(await entriesOf(w.orgId)).toEqual(stored);
  }, 120_000);

  it("reads Turkish and English numbers, both separators and UTF-8 with or without BOM or Windows-1254; dates in the organization's time zone", async () => {
    const w = await t.world();
    const [c1, c2] = await importContacts(t, w.orgId, 2);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const turkish = "harici_id;tür;tutar;para_birimi;tarih;açıklama;referans\r\nCRM-1;borç;1.234,56;TL;01.12.2025 14:30;Şükrü'nün faturası;A-1\r\n";
    const cp1254 = Uint8Array.from([...turkish].map((ch) => (({ ş: 0xfe, Ş: 0xde, ü: 0xfc, ç: 0xe7, ı: 0xfd }) as Record<string, number>)[ch] ?? ch.charCodeAt(0)));
    const english = `phone,kind,amount,currency,date,description,reference\n${c2.phone!.replace("+", "")},payment,"1,000.25",eur,2025-12-01,Transfer,B-1\n,adjustment,-5,EUR,,x,B-2\n`;
    for (const [bytes, encoding] of [[cp1254, "Windows-1254 (Turkish Excel)"], [english, "UTF-8"]] as const) {
      const id = importIdOf(await upload(admin, bytes));
      const page = await admin.html(`/admin/imports/${id}`);
      expect(page.text).toContain(`Read as ${encoding}`);
      await admin.post(`/admin/imports/${id}/start`);
    }
    await t.app.runtime.background.idle();
    const entries = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.orgId, w.orgId)).orderBy(ledgerEntries.id);
    expect(entries.map((e) => [e.contactId, e.kind, e.amountMinor, e.currency, e.description, e.externalRef, e.source, e.createdBy])).toEqual([
      [c1.id, "charge", 123456, "TRY", "Şükrü'nün faturası", "A-1", "import", w.admin.id],
      [c2.id, "payment", -100025, "EUR", "Transfer", "B-1", "import", w.admin.id],
    ]);
    // 14:30 in Istanbul (UTC+3).
    expect(entries[0].occurredAt.toISOString()).toBe("2025-12-01T11:30:00.000Z");
    const [second] = await t.db.select().from(ledgerImports).where(and(eq(ledgerImports.orgId, w.orgId), eq(ledgerImports.fileName, "entries.csv"))).orderBy(ledgerImports.id).limit(1).offset(1);
    const report = await admin.get(`/admin/imports/${second.id}/problems.csv`);
    expect(reportLines(await report.text()).map((l) => l[0])).toEqual(["3"]);
  });

  it("a wrong separator or decimal mark is set right on the preview, without uploading again", async () => {
    const w = await t.world();
    await importContacts(t, w.orgId, 1);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const id = importIdOf(await upload(admin, "external_id;amount;currency;reference\nCRM-1;1.250;TRY;R-1\n", { delimiter: ",", decimalMark: "dot" }));
    const wrong = await admin.html(`/admin/imports/${id}`);
    expect(wrong.text).toContain("The header line lacks");
    expect(wrong.text).not.toContain(`action="/admin/imports/${id}/start"`);
    expect((await admin.post(`/admin/imports/${id}/start`)).status).toBe(303);
    expect((await importRow(t, id)).status).toBe("draft");
    await admin.post(`/admin/imports/${id}/settings`, { delimiter: ";", decimalMark: "dot" });
    expect((await admin.html(`/admin/imports/${id}`)).text).toContain("“1.250” is not a valid amount");
    await admin.post(`/admin/imports/${id}/settings`, { delimiter: ";", decimalMark: "comma" });
    expect((await admin.html(`/admin/imports/${id}`)).text).toContain("1 lines: 1 to add");
    await admin.post(`/admin/imports/${id}/start`);
    await t.app.runtime.background.idle();
    const [entry] = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.orgId, w.orgId));
    expect(entry.amountMinor).toBe(125000);
  });

  it("refuses a missing, empty or binary file with the reason and asks for the file again, keeping the settings", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const none = await upload(admin, null, { delimiter: ";", decimalMark: "comma" });
    expect(none.status).toBe(422);
    const html = await none.text();
    expect(html).toContain("Choose a CSV file.");
    expect(html).toContain("choose the file again");
    expect(html).toMatch(/<option value=";" selected/);
    expect(html).toMatch(/<option value="comma" selected/);
    expect(await (await upload(admin, Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14]))).text()).toContain("This is not a CSV text file.");
    expect((await upload(admin, "\n\n")).status).toBe(422);
    const badSetting = await upload(admin, "a,b\n1,2\n", { delimiter: "|" });
    expect(badSetting.status).toBe(422);
    expect(await badSetting.text()).toContain("choose the file again");
    expect((await t.db.select().from(ledgerImports).where(eq(ledgerImports.orgId, w.orgId))).length).toBe(0);
  });

  it("judges every line: contact by external id, phone or email, kinds, currencies, dates, references repeated or reused", async () => {
    const w = await t.world();
    const [c1, c2] = await importContacts(t, w.orgId, 2);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const first = importIdOf(await upload(admin, "external_id,amount,currency,reference\nCRM-1,10,TRY,USED-1\n"));
    await admin.post(`/admin/imports/${first}/start`);
    await t.app.runtime.background.idle();
    const file = [
      "external_id,phone,email,kind,amount,currency,date,description,reference",
      `,${c2.phone},,charge,10,TRY,,,P-1`,
      `,,MUSTERI1@example.test,refund,10,TRY,,,P-2`,
      ",,,charge,10,TRY,,,P-3",
      "CRM-1,,,gift,10,TRY,,,P-4",
      "CRM-1,,,charge,10,ZZZ,,,P-5",
      "CRM-1,,,charge,-10,TRY,,,P-6",
      "CRM-1,,,charge,10,TRY,2030-01-01,,P-7",
      "CRM-1,,,charge,10,TRY,,,",
      "CRM-1,,,charge,10,TRY,,,P-1",
      "CRM-1,,,charge,99,TRY,,,USED-1",
      "CRM-1,,,charge,10",
    ].join("\n");
    const id = importIdOf(await upload(admin, file));
    const page = (await admin.html(`/admin/imports/${id}`)).text;
    expect(page).toContain("11 lines: 2 to add, 0 already imported, 9 with problems.");
    for (const text of ["No contact: fill external_id", "Unknown kind “gift”", "“ZZZ” is not a currency", "“-10” is not a valid amount", "is in the future", "No reference", "Line 2 already has this reference.", "The reference “USED-1” was imported before", "fewer than the header needs"]) expect(page).toContain(text);
    await admin.post(`/admin/imports/${id}/start`);
    await t.app.runtime.background.idle();
    const rows = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.orgId, w.orgId)).orderBy(ledgerEntries.id);
    expect(rows.map((r) => [r.contactId, r.externalRef])).toEqual([
      [c1.id, "USED-1"],
      [c2.id, "P-1"],
      [c1.id, "P-2"],
    ]);
    expect(reportLines(await (await admin.get(`/admin/imports/${id}/problems.csv`)).text()).map((l) => l[0])).toEqual(["4", "5", "6", "7", "8", "9", "10", "11", "12"]);
  });
});
