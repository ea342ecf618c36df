// WebChat visitor tokens: a signed visitor id with its issue time, lapsing after the configured idle
// time unless used (src/channels/webchat/routes.tsx renews them).
import { and, eq, gte } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contactIdentities, conversations } from "@db/schema";
import type { Config } from "../../config";
import { signVisitor, verifyVisitor } from "../secrets";

/**
 * A visitor's token: `<visitor id>.<issued, seconds>.<MAC>`. It lapses after the configured idle
 * time (WEBCHAT_VISITOR_IDLE_DAYS) and is renewed while used: every session start and, past an
 * hour's age, every API answer hands out a fresh one (header X-Visitor-Token).
 */
export function visitorToken(config: Config, channelId: number, visitorId: string, now: Date): string {
  const issued = Math.floor(now.getTime() / 1000);
  return `${visitorId}.${issued}.${signVisitor(config, channelId, visitorId, issued)}`;
}

export function newVisitor(config: Config, channelId: number, now: Date): { visitorId: string; token: string } {
  const visitorId = crypto.randomUUID();
  return { visitorId, token: visitorToken(config, channelId, visitorId, now) };
}

export interface ProvenVisitor {
  visitorId: string;
  /** When the token was issued; null for a token of the first form, which carried no time. */
  issuedAt: Date | null;
}

/** Tokens older than this are renewed on the answer that uses them. */
export const VISITOR_TOKEN_RENEW_MS = 3_600_000;

/**
 * The visitor a token proves, or null: a forged one, or one unused for longer than the idle time.
 * A token of the first form (no time) proves its visitor only with `legacy`: the session start
 * takes it when the visitor was active within the idle time, and trades it for a new one.
 */
export function visitorOf(config: Config, channelId: number, token: string | null | undefined, now: Date, legacy = false): ProvenVisitor | null {
  if (!token) return null;
  const parts = token.split(".");
  const visitorId = parts[0];
  if (!/^[0-9a-f-]{36}$/.test(visitorId)) return null;
  if (parts.length === 2) return legacy && verifyVisitor(config, channelId, visitorId, parts[1]) ? { visitorId, issuedAt: null } : null;
  if (parts.length !== 3 || !/^\d{1,12}$/.test(parts[1])) return null;
  const issued = Number(parts[1]);
  if (!verifyVisitor(config, channelId, visitorId, parts[2], issued)) return null;
  const age = now.getTime() - issued * 1000;
  if (age > config.WEBCHAT_VISITOR_IDLE_DAYS * 86_400_000 || age < -300_000) return null;
  return { visitorId, issuedAt: new Date(issued * 1000) };
}

/** Whether a visitor of a first-form token was active (wrote or was written to) within the idle time. */
export async function activeWithin(db: DbOrTx, channelId: number, visitorId: string, since: Date): Promise<boolean> {
  const [row] = await db
    .select({ id: conversations.id })
    .from(contactIdentities)
    .innerJoin(conversations, and(eq(conversations.contactId, contactIdentities.contactId), eq(conversations.channelId, channelId)))
    .where(and(eq(contactIdentities.channelId, channelId), eq(contactIdentities.externalId, visitorId), gte(conversations.lastMessageAt, since)))
    .limit(1);
  return !!row;
}
