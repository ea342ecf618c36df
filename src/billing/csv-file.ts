// Reading an uploaded CSV file: its encoding (UTF-8 with or without a byte order mark, or the
// Windows-1254 that Turkish Excel saves "CSV" in), its separator, and its records with the line each
// starts on (RFC 4180: quoted fields may hold separators, quotes doubled, line breaks).
import type { CsvDelimiter } from "@db/schema";

export type Encoding = "utf-8" | "utf-8-bom" | "windows-1254";

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** The text of a file, or null when it is not text (NUL bytes: a spreadsheet's binary format, an image). */
export function decodeFile(bytes: Uint8Array): { text: string; encoding: Encoding } | null {
  if (bytes.includes(0)) return null;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    // The decoder drops a leading byte order mark by itself.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: bom ? "utf-8-bom" : "utf-8" };
  } catch {
    // Not UTF-8: Excel on Turkish Windows writes ş, ğ, ı, İ in its ANSI code page.
    return { text: new TextDecoder("windows-1254").decode(bytes), encoding: "windows-1254" };
  }
}

export interface CsvRecord {
  /** The line of the file the record starts on (the header is line 1). */
  line: number;
  fields: string[];
}

/**
 * The separator of the header line: the one of `;`, `,` and tab seen most often outside quotes.
 * Excel writes `;` where the decimal mark is a comma, as in Turkish.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ",": 0, ";": 0, "\t": 0 } as Record<CsvDelimiter, number>;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && ch in counts) counts[ch as CsvDelimiter]++;
  }
  const best = (Object.entries(counts) as [CsvDelimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  return best[1] > 0 ? best[0] : ",";
}

/** Every record of the text; blank lines are skipped (spreadsheets end files with them). */
export function parseCsv(text: string, delimiter: CsvDelimiter): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== "") records.push({ line: start, fields });
    fields = [];
    field = "";
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (!touched) {
      start = line;
      touched = true;
    }
    if (ch === '"' && field.trim() === "") {
      field = "";
      quoted = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else if (ch === "\r" || ch === "\n") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
    } else field += ch;
  }
  if (touched) endRecord();
  return records;
}
