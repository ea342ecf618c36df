// Meta's webhook signature: HMAC-SHA256 of the raw body with the app secret, compared in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

export function signBody(raw: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`;
}

export function validSignature(raw: Uint8Array, header: string | null | undefined, appSecret: string | undefined): boolean {
  if (!header || !appSecret) return false;
  const expected = Buffer.from(signBody(raw, appSecret));
  const given = Buffer.from(header.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
