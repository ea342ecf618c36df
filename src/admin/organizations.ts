// Creating an organization with what every organization starts with.
import type { DbOrTx } from "@db/client";
import { channels, closingMessages, memberships, organizations, type Locale } from "@db/schema";
import { catalogs } from "../i18n/catalog";
import { recordEvent } from "../realtime/events";
import { ingestInbound } from "../inbox/customer-messages";

export const builtinClosingKeys = ["closing.builtin.resolved", "closing.builtin.noReply", "closing.builtin.transferred"] as const;

export function newWebhookKey(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
}

export interface NewOrganization {
  name: string;
  timezone: string;
  locale: Locale;
  adminUserId: string;
}

/** The support conversation's contact: Kanal's operators, the same identity in every organization. */
export const SUPPORT_EXTERNAL_ID = "kanal-support";

/** An organization, its first admin's membership, the built-in support channel and closing messages. */
export async function createOrganization(db: DbOrTx, input: NewOrganization, now: Date) {
  return db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ name: input.name, timezone: input.timezone, locale: input.locale, createdAt: now })
      .returning();
    await tx.insert(memberships).values({ orgId: org.id, userId: input.adminUserId, role: "admin", createdAt: now, statusChangedAt: now });
    const [support] = await tx
      .insert(channels)
      .values({ orgId: org.id, kind: "support", name: "Kanal Support", webhookKey: newWebhookKey(), createdAt: now })
      .returning({ id: channels.id });
    await tx.insert(closingMessages).values(
      builtinClosingKeys.map((key, position) => ({ orgId: org.id, builtinKey: key, body: catalogs[input.locale][key], position, createdAt: now })),
    );
    await recordEvent(tx, { orgId: org.id, type: "organization_created", actorId: input.adminUserId, createdAt: now });
    // Every organization starts with its conversation with Kanal's operators, first in the inbox.
    await ingestInbound(tx, {
      orgId: org.id,
      channelId: support.id,
      externalId: SUPPORT_EXTERNAL_ID,
      contactName: "Kanal Support",
      body: catalogs[input.locale]["support.welcome"],
      providerMessageId: `support-welcome-${org.id}`,
      at: now,
    });
    return { org, supportChannelId: support.id };
  });
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Time zones for pickers, the common ones first. */
export function timezoneChoices(): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? ["UTC"];
  return ["Europe/Istanbul", "UTC", ...all.filter((z) => z !== "Europe/Istanbul" && z !== "UTC")];
}
