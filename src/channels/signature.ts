// Meta's webhook signature: HMAC-SHA256 of the raw body with the app secret, compared in constant time.
import { createHmac } from "node:crypto";
import { sameSecret } from "./secrets";

export function signBody(raw: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(raw).digest("hex")}`;
}

export function validSignature(raw: Uint8Array, header: string | null | undefined, appSecret: string | undefined): boolean {
  if (!header || !appSecret) return false;
  return sameSecret(header.trim().toLowerCase(), signBody(raw, appSecret));
}
