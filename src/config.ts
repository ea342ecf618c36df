// Environment, parsed once with zod; everything else reads configuration from here.
import { z } from "zod";

const boolish = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Address to listen on: this machine only unless told otherwise, so a demo on a laptop is not open
   * to the network it sits on; the Docker image sets 0.0.0.0 (its port is published by choice).
   */
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  DATA_DIR: z.string().default("./data"),
  /** Create the demo organization on an empty database. Defaults to on for the embedded database. */
  DEMO_SEED: boolish.optional(),
  /** Public origin when Kanal runs behind a TLS proxy (cookies `Secure`, CSRF origin, links). */
  PUBLIC_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  /** Behind a reverse proxy: take the client's address from the proxy's X-Forwarded-For (rate limits). */
  TRUST_PROXY: boolish.default(false),
  SESSION_DAYS: z.coerce.number().positive().default(30),
  /** A WebChat visitor's token lapses after this many days unused (each use renews it). */
  WEBCHAT_VISITOR_IDLE_DAYS: z.coerce.number().positive().default(30),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** 32-byte key (base64 or hex) sealing channel secrets at rest. */
  SECRETS_KEY: z.string().optional(),
  STORAGE_DIR: z.string().optional(),
  STORAGE_S3_BUCKET: z.string().optional(),
  STORAGE_S3_ENDPOINT: z.string().optional(),
  STORAGE_S3_REGION: z.string().optional(),
  STORAGE_S3_ACCESS_KEY_ID: z.string().optional(),
  STORAGE_S3_SECRET_ACCESS_KEY: z.string().optional(),
  META_GRAPH_URL: z.string().url().default("https://graph.facebook.com"),
  META_GRAPH_VERSION: z.string().default("v25.0"),
  /** Bearer token for Kanal's operators' support API (/support/api); unset, the API is off. */
  SUPPORT_API_TOKEN: z.string().min(16).optional().or(z.literal("").transform(() => undefined)),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  /**
   * Webhooks a process acknowledges ahead of processing them; beyond this many, an acknowledgement
   * waits until its own webhook is processed, so a flood slows the provider down instead of
   * filling memory. 0: every acknowledgement waits for processing.
   */
  WEBHOOK_BACKLOG: z.coerce.number().int().min(0).default(1_000),
  /**
   * Days a provider's raw webhook is kept once processed (it holds what customers wrote, even a
   * message they have since unsent); 0 keeps them. One still pending or parked is kept until handled.
   */
  WEBHOOK_KEPT_DAYS: z.coerce.number().min(0).default(30),
  /** Processes serving the port together (SO_REUSEPORT): one per core. Postgres only. */
  KANAL_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
});

export type Config = z.infer<typeof schema> & { demoSeed: boolean };

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  const c = parsed.data;
  if (c.KANAL_WORKERS > 1 && !c.DATABASE_URL) throw new Error("Invalid configuration:\n  KANAL_WORKERS: several processes need DATABASE_URL (the embedded database belongs to one process)");
  return { ...c, demoSeed: c.DEMO_SEED ?? !c.DATABASE_URL };
}
