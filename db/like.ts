/** A text matched literally inside LIKE/ILIKE patterns: its own %, _ and backslash escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => "\\" + m);
}
