// Loading a channel with its secrets opened, for webhooks and the outbox.
import { eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { channels } from "@db/schema";
import type { Config } from "../config";
import { secretsFor } from "./secrets";
import type { ChannelAccount } from "./types";

export type ChannelRow = typeof channels.$inferSelect;

export function accountOf(config: Config, channel: ChannelRow): ChannelAccount {
  return { id: channel.id, orgId: channel.orgId, kind: channel.kind, config: channel.config, secrets: secretsFor(config).open(channel.secrets) };
}

export async function channelByWebhookKey(db: DbOrTx, key: string): Promise<ChannelRow | null> {
  const [row] = await db.select().from(channels).where(eq(channels.webhookKey, key));
  return row ?? null;
}
