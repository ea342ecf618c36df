// Provider channels for tests: a channel row with sealed secrets, and Meta-style signed bodies.
import type { Db } from "@db/client";
import { channels, type ChannelKind } from "@db/schema";
import type { Config } from "../../src/config";
import { secretsFor } from "../../src/channels/secrets";
import { signBody } from "../../src/channels/signature";

export const SECRETS = { accessToken: "test-access-token", appSecret: "test-app-secret", verifyToken: "test-verify-token" };

export async function addChannel(db: Db, config: Config, orgId: number, kind: ChannelKind, channelConfig: Record<string, unknown>, secrets = SECRETS) {
  const [row] = await db
    .insert(channels)
    .values({ orgId, kind, name: `${kind} test`, config: channelConfig, secrets: secretsFor(config).seal(secrets), webhookKey: `wh-${crypto.randomUUID()}` })
    .returning();
  return row;
}

/** JSON the way Meta writes it: every non-ASCII character as a lowercase \uXXXX escape. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function signedPost(body: string, appSecret = SECRETS.appSecret): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": signBody(body, appSecret) }, body };
}

let seq = 0;
export const wamid = () => `wamid.HBgL${Date.now().toString(36)}${(++seq).toString(36)}AA==`;

export function whatsappPayload(phoneNumberId: string, value: { contacts?: unknown[]; messages?: unknown[]; statuses?: unknown[] }) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: "310000000000001", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550001111", phone_number_id: phoneNumberId }, ...value } }] }],
  };
}

export function waText(from: string, name: string, body: string, id = wamid(), timestamp = Math.floor(Date.now() / 1000)) {
  return { contact: { profile: { name }, wa_id: from }, message: { from, id, timestamp: String(timestamp), type: "text", text: { body } } };
}
