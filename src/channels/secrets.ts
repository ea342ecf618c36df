// Channel secrets (access tokens, app secrets, verify tokens) sealed at rest with AES-256-GCM.
// The key comes from SECRETS_KEY (32 bytes, base64 or hex); without it, a key file is created once
// under DATA_DIR so a demo install works, and the log says to set SECRETS_KEY in production.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config";

export type ChannelSecrets = Record<string, string>;

export interface SecretBox {
  seal(secrets: ChannelSecrets): string;
  open(sealed: string | null): ChannelSecrets;
}

const VERSION = "v1";

export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
  if (key.length !== 32) throw new Error("SECRETS_KEY must be 32 bytes, written as 64 hex digits or base64");
  return key;
}

export function secretBox(key: Buffer): SecretBox {
  return {
    seal(secrets) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(secrets), "utf8"), cipher.final()]);
      return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
    },
    open(sealed) {
      if (!sealed) return {};
      const [version, iv, tag, body] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("unreadable channel secrets");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      const text = Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
      return JSON.parse(text) as ChannelSecrets;
    },
  };
}

const boxes = new WeakMap<Config, SecretBox>();
const keys = new WeakMap<Config, Buffer>();

/** SECRETS_KEY, else a key file kept under DATA_DIR. */
function keyFor(config: Config): Buffer {
  let key = keys.get(config);
  if (!key) {
    key = config.SECRETS_KEY ? parseKey(config.SECRETS_KEY) : keyFile(config.DATA_DIR);
    keys.set(config, key);
  }
  return key;
}

/** The box for this configuration's key. */
export function secretsFor(config: Config): SecretBox {
  let box = boxes.get(config);
  if (!box) {
    box = secretBox(keyFor(config));
    boxes.set(config, box);
  }
  return box;
}

/**
 * A WebChat visitor's proof of identity: an HMAC over the channel and the visitor id, under a key
 * derived from the secrets key (so the sealing key itself never signs anything visible).
 */
/** A visitor token's MAC: over the channel, the visitor and when the token was issued (seconds; v1 tokens had none). */
export function signVisitor(config: Config, channelId: number, visitorId: string, issuedAt?: number): string {
  const version = issuedAt === undefined ? "v1" : "v2";
  const subkey = createHmac("sha256", keyFor(config)).update(`kanal:webchat-visitor:${version}`).digest();
  return createHmac("sha256", subkey).update(issuedAt === undefined ? `${channelId}:${visitorId}` : `${channelId}:${visitorId}:${issuedAt}`).digest("base64url");
}

export function verifyVisitor(config: Config, channelId: number, visitorId: string, mac: string, issuedAt?: number): boolean {
  return sameSecret(mac, signVisitor(config, channelId, visitorId, issuedAt));
}

/** Compares a secret someone gave with the expected one in constant time (tokens, MACs, signatures). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function keyFile(dir: string): Buffer {
  const path = join(dir, "secrets.key");
  if (existsSync(path)) return parseKey(readFileSync(path, "utf8"));
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, key.toString("hex") + "\n", { mode: 0o600 });
  chmodSync(path, 0o600);
  return key;
}

/** What an admin sees of a stored secret: enough to recognise it, never the whole. */
export function maskSecret(value: string | undefined): string {
  if (!value) return "";
  return value.length <= 8 ? "••••" : `••••${value.slice(-4)}`;
}
