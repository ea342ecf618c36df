// Reading an import file: encodings, separators, quoted fields, line numbers, amounts and dates.
import { describe, expect, it } from "bun:test";
import { decodeFile, detectDelimiter, parseCsv } from "../../src/billing/csv-file";
import { detectDecimalMark, readDate, readHeader } from "../../src/billing/import-lines";

describe("the file", () => {
  it("is UTF-8 with or without a byte order mark, or Windows-1254; bytes with NUL are no text", () => {
    const enc = new TextEncoder();
    expect(decodeFile(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc.encode("tür")]))).toEqual({ text: "tür", encoding: "utf-8-bom" });
    expect(decodeFile(enc.encode("açıklama"))).toEqual({ text: "açıklama", encoding: "utf-8" });
    expect(decodeFile(Uint8Array.from([0x61, 0xe7, 0xfd, 0x6b, 0x6c, 0x61, 0x6d, 0x61]))).toEqual({ text: "açıklama", encoding: "windows-1254" });
    expect(decodeFile(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toBeNull();
  });

  it("takes the separator the header line uses most, outside quotes", () => {
    expect(detectDelimiter("a;b;c\n1,5;2;3")).toBe(";");
    expect(detectDelimiter('"a;b",c,d\n')).toBe(",");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter("single")).toBe(",");
  });

  it("reads quoted fields with separators, doubled quotes and line breaks, numbering records by the line they start on", () => {
    const text = 'ref,description\r\nA,"Sipariş, 2 adet"\r\n\r\nB,"iki\nsatır"\nC,"""alıntı"""\n';
    expect(parseCsv(text, ",")).toEqual([
      { line: 1, fields: ["ref", "description"] },
      { line: 2, fields: ["A", "Sipariş, 2 adet"] },
      { line: 4, fields: ["B", "iki\nsatır"] },
      { line: 6, fields: ["C", '"alıntı"'] },
    ]);
  });
});

describe("the columns and values", () => {
  it("knows the columns by English and Turkish names and says what is missing, twice or ignored", () => {
    expect(readHeader(["Telefon", "TUTAR", "Para Birimi", "Referans", "Not"])).toEqual({ columns: { phone: 0, amount: 1, currency: 2, reference: 3 }, ignored: ["Not"], missing: [], duplicated: [] });
    expect(readHeader(["amount", "amount", "x"]).missing).toEqual(["contact", "currency", "reference"]);
    expect(readHeader(["email", "amount", "tutar"]).duplicated).toEqual(["tutar"]);
  });

  it("detects the decimal mark from the amounts, else from the separator", () => {
    expect(detectDecimalMark(["1.234,56", "12,5", "7"], "dot")).toBe("comma");
    expect(detectDecimalMark(["1,234.56", "12.5 TL"], "comma")).toBe("dot");
    expect(detectDecimalMark(["1.234", "250"], "comma")).toBe("comma");
    expect(detectDecimalMark(["1,234", "250"], "dot")).toBe("dot");
  });

  it("reads dates in the organization's time zone unless they carry an offset, and refuses impossible ones", () => {
    expect(readDate("01.12.2025", "Europe/Istanbul")!.toISOString()).toBe("2025-11-30T21:00:00.000Z");
    expect(readDate("2025-12-01 14:30", "Europe/Berlin")!.toISOString()).toBe("2025-12-01T13:30:00.000Z");
    expect(readDate("2025-12-01T14:30:00+05:30", "Europe/Istanbul")!.toISOString()).toBe("2025-12-01T09:00:00.000Z");
    for (const bad of ["31.02.2025", "2025-13-01", "12/01/2025", "2025-12-01 25:00", "yesterday"]) expect(readDate(bad, "Europe/Istanbul")).toBeNull();
  });
});
