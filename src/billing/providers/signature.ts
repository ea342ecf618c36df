// HMAC-SHA256 hex digests and their constant-time comparison, as both providers sign.
import { createHmac } from "node:crypto";
import { sameSecret } from "../../channels/secrets";

export function hmacHex(key: string, message: string): string {
  return createHmac("sha256", key).update(message, "utf8").digest("hex");
}

export function sameHex(given: string, expected: string): boolean {
  return sameSecret(given.toLowerCase(), expected);
}
