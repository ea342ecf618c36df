// Text Postgres can store. A NUL character (U+0000) is refused by text and jsonb columns alike, and
// the refusal surfaced as a 500 or as a webhook retried forever; so it never reaches a query:
// stripped from what providers send (they cannot be asked again), refused in what people submit.
const NUL = /\u0000/g;

export const hasNul = (text: string) => text.includes("\u0000");

export const withoutNul = (text: string) => text.replace(NUL, "");

/** A provider's JSON payload with NUL characters removed from every string in it. */
export function parsePayload(body: string): unknown {
  return JSON.parse(body, (_key, value) => (typeof value === "string" ? withoutNul(value) : value));
}

/** Whether a submitted form, JSON body or query string carries a NUL character anywhere (names included). */
export function carriesNul(contentType: string, body: string, query: URLSearchParams): boolean {
  const pairs = (params: URLSearchParams) => [...params].some(([k, v]) => hasNul(k) || hasNul(v));
  if (pairs(query)) return true;
  if (contentType.startsWith("application/x-www-form-urlencoded")) return pairs(new URLSearchParams(body));
  if (contentType.startsWith("application/json")) {
    let found = false;
    try {
      JSON.parse(body, (key, value) => {
        if (hasNul(key) || (typeof value === "string" && hasNul(value))) found = true;
        return value;
      });
    } catch {
      return false; // not JSON: the route's own parsing answers that
    }
    return found;
  }
  return false;
}
