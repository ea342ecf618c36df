// Keyset pagination for lists ordered by a text key then id: "Load more" never uses OFFSET.
import { and, eq, gt, or, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

export const PAGE_SIZE = 25;

export interface Cursor {
  key: string;
  id: number | string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString("base64url");
}

export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    const [key, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (typeof key !== "string" || (typeof id !== "number" && typeof id !== "string")) return null;
    // A cursor is the client's to send back: one no row can follow is no cursor (the first page).
    if (typeof id === "number" && !(Number.isSafeInteger(id) && id > 0)) return null;
    return { key, id };
  } catch {
    return null;
  }
}

/** Rows strictly after the cursor in (key, id) order. */
export function after(keyExpr: SQL | AnyPgColumn, idColumn: AnyPgColumn, cursor: Cursor | null): SQL | undefined {
  if (!cursor) return undefined;
  const key = keyExpr as SQL;
  return or(gt(key, cursor.key), and(eq(key, cursor.key), gt(idColumn, cursor.id)));
}

/** Splits a limit+1 fetch into the page and the cursor of the next one. */
export function page<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}
