// How Meta writes and signs a webhook body: JSON with non-ASCII as lowercase \uXXXX escapes
// (emoji as surrogate pairs), HMAC-SHA256 of exactly those bytes keyed with the app secret.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface MetaJsonOptions {
  /** Also write "/" as "\/" (PHP's json_encode default); off unless a test asks for it. */
  escapeSlashes?: boolean;
}

/** JSON.stringify, then every UTF-16 unit above 0x7f written as a lowercase `\uXXXX` escape. */
export function metaJson(value: unknown, options: MetaJsonOptions = {}): string {
  let text = JSON.stringify(value).replace(/[\u0080-\uffff]/g, (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"));
  if (options.escapeSlashes) text = text.replaceAll("/", "\\/");
  return text;
}

/** The `X-Hub-Signature-256` header value for a body. */
export function signatureOf(body: string | Uint8Array, appSecret: string): string {
  return "sha256=" + createHmac("sha256", appSecret).update(body).digest("hex");
}

/** The legacy `X-Hub-Signature` (sha1) header Meta still sends alongside; receivers should ignore it. */
export function legacySignatureOf(body: string | Uint8Array, appSecret: string): string {
  return "sha1=" + createHmac("sha1", appSecret).update(body).digest("hex");
}

/** Constant-time check of a signature header against the raw body (the receiving side's rule). */
export function verifySignature(body: string | Uint8Array, header: string | null | undefined, appSecret: string): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const expected = Buffer.from(signatureOf(body, appSecret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
