// What every channel adapter speaks: normalized inbound events from a provider's webhook, and sends.
import type { ChannelKind, DeliveryState, MessageKind } from "@db/schema";
import type { ChannelSecrets } from "./secrets";

/** A channel row as adapters see it: public config plus opened secrets. */
export interface ChannelAccount {
  id: number;
  orgId: number;
  kind: ChannelKind;
  config: Record<string, unknown>;
  secrets: ChannelSecrets;
}

/** A file the provider holds for an inbound message, fetched into Kanal's storage before storing it. */
export interface MediaRef {
  /** WhatsApp media id, or a (temporary) URL for Messenger/Instagram. */
  id?: string;
  url?: string;
  mime?: string;
  filename?: string;
  voice?: boolean;
}

export interface InboundMessage {
  type: "message";
  providerMessageId: string;
  externalId: string;
  contactName: string;
  phone: string | null;
  kind: MessageKind;
  body: string;
  at: Date;
  /** The provider id of the message this one answers or reacts to. */
  replyToProviderId?: string;
  media?: MediaRef;
  metadata: Record<string, unknown>;
  /** The ad or post that brought the customer here (click-to-WhatsApp, click-to-Messenger): kept on the conversation. */
  referral?: Referral;
  /** Other ids the provider gave this customer in the same webhook (WhatsApp's business-scoped user id beside the phone): one contact. */
  aliases?: string[];
}

/** Where a customer came from, as referrals.ts keeps it on the conversation. */
export interface Referral {
  source: "ad" | "post" | "link" | "other";
  headline?: string;
  body?: string;
  sourceUrl?: string;
  sourceId?: string;
  mediaType?: "image" | "video";
  mediaUrl?: string;
  thumbnailUrl?: string;
  /** Meta's click id (WhatsApp ctwa_clid) or the link's ref parameter (Messenger m.me?ref=). */
  clickId?: string;
  ref?: string;
}

export interface InboundStatus {
  type: "status";
  providerMessageId: string;
  status: Exclude<DeliveryState, "pending">;
  at: Date;
  errorCode?: string;
  errorText?: string;
  /** The outbox tag the send carried (WhatsApp's biz_opaque_callback_data): proof of a send whose answer was lost. */
  outboxTag?: string;
}

/**
 * A message the business sent to a customer, echoed by the provider: Messenger/Instagram message
 * echoes, WhatsApp's smb_message_echoes (coexistence numbers). One carrying Kanal's outbox tag
 * proves Kanal's own send; one Kanal did not send (the Page inbox, the Instagram or WhatsApp
 * Business app) is kept as an outgoing message by another app (channels/echoes.ts).
 */
export interface InboundEcho {
  type: "echo";
  providerMessageId: string;
  outboxTag?: string;
  /** The customer it went to. */
  externalId: string;
  kind: MessageKind;
  body: string;
  metadata: Record<string, unknown>;
  at: Date;
}

/** Messenger's delivery/read receipts name a watermark, not message ids: everything up to it. */
export interface InboundWatermark {
  type: "watermark";
  externalId: string;
  status: "delivered" | "read";
  upTo: Date;
  at: Date;
}

/**
 * A comment on one of the channel's posts (Facebook Page `feed`, Instagram `comments`): added,
 * edited, removed, hidden or unhidden. The commenter is `externalId`, as in direct messages.
 */
export interface InboundComment {
  type: "comment";
  verb: "add" | "edited" | "remove" | "hide" | "unhide";
  commentId: string;
  /** The comment this one answers (a reply in a comment thread), if not the post itself. */
  parentId: string | null;
  post: { id: string; permalink: string | null };
  externalId: string;
  contactName: string;
  body: string;
  /** A picture the commenter attached (Facebook `photo`). */
  photoUrl: string | null;
  at: Date;
}


/**
 * A customer's reaction to a message (WhatsApp, Messenger, Instagram): it marks that message and
 * nothing else — no conversation is opened or queued, no reply window moves. `emoji` null: removed.
 */
export interface InboundReaction {
  type: "reaction";
  targetProviderMessageId: string;
  externalId: string;
  emoji: string | null;
  at: Date;
}

/**
 * What WhatsApp says about the customer rather than from them (`system` messages): a new phone
 * number (the contact moves to it) or a changed security identity. A notice in the thread, never a
 * customer message (channels/identity-changes.ts).
 */
export interface InboundIdentityChange {
  type: "identity";
  change: "number" | "identity";
  providerMessageId: string;
  externalId: string;
  /** The customer's new WhatsApp id (number change). */
  newExternalId?: string;
  /** WhatsApp's own sentence about it. */
  body: string;
  at: Date;
}

/** A customer edited a message they sent (Messenger/Instagram message_edit, WhatsApp `edit`): the original changes, nothing new is added. */
export interface InboundEdit {
  type: "edit";
  targetProviderMessageId: string;
  externalId: string;
  body: string;
  at: Date;
}

/** A customer unsent a message (Instagram/Messenger is_deleted, WhatsApp `revoke`): marked deleted, its text kept for audit only. */
export interface InboundUnsend {
  type: "unsend";
  targetProviderMessageId: string;
  externalId: string;
  at: Date;
}

/** An ad or link referral on a thread that already exists (Messenger/Instagram messaging_referrals): no message of its own. */
export interface InboundReferral {
  type: "referral";
  externalId: string;
  referral: Referral;
  at: Date;
}

/**
 * Something a webhook carried that Kanal does not handle (a field, an event, a message type, an
 * entry naming another account id): logged with its kind and counted for the channel's admins.
 */
export interface InboundUnhandled {
  type: "unhandled";
  kind: string;
  example: string;
}

export type InboundEvent = InboundMessage | InboundStatus | InboundWatermark | InboundEcho | InboundComment | InboundReaction | InboundEdit | InboundUnsend | InboundReferral | InboundUnhandled | InboundIdentityChange;

/** An outgoing message as the outbox hands it to an adapter. */
export interface OutgoingMessage {
  messageId: number;
  to: string;
  kind: MessageKind;
  body: string;
  replyToProviderId?: string | null;
  /** The file to send, already in Kanal's storage. */
  file?: { bytes: Blob; mime: string; filename: string };
  template?: { name: string; language: string; parameters: string[] };
  /** Messenger/Instagram: outside the 24 h standard window a human agent's reply carries HUMAN_AGENT. */
  humanAgentTag?: boolean;
  /** Choices in the channel's native form (WhatsApp buttons or list, quick replies); the body is their text fallback. */
  interactive?: { type: "buttons" | "list" | "quick_replies"; text: string; choices: { id: string; title: string }[]; button?: string };
  /** Sent along where the provider echoes it back in a status or echo webhook (see outboxTag in outbox.ts). */
  outboxTag?: string;
  /** A comment thread's send: a public reply to the comment, or a private reply (a direct message) to its author. */
  comment?: { id: string; reply: "public" | "private" };
}

export interface ChannelAdapter {
  /** Normalizes a verified webhook body (already parsed JSON) into events for this channel. */
  parse(account: ChannelAccount, payload: unknown): InboundEvent[];
  /** Downloads an inbound message's media. */
  fetchMedia(account: ChannelAccount, ref: MediaRef): Promise<{ bytes: Blob; mime: string; filename: string }>;
  /** The customer's display name, for providers whose webhooks carry none (Messenger, Instagram). */
  profileName?(account: ChannelAccount, externalId: string): Promise<string | null>;
  /** Sends one message; returns the provider's message id or throws ProviderError. */
  send(account: ChannelAccount, message: OutgoingMessage): Promise<{ providerMessageId: string; warning?: string; recipientId?: string }>;
  /**
   * Shows the customer that an agent is typing (WhatsApp: marks their message read with a typing
   * indicator, which lasts until the reply or 25 s). Channels without one leave it out.
   */
  typing?(account: ChannelAccount, customerMessageId: string): Promise<void>;
  /** Comment moderation (channels that carry comments): hide, unhide or delete a comment. */
  moderate?(account: ChannelAccount, commentId: string, action: "hide" | "unhide" | "delete"): Promise<void>;
  /** A post's text, link and picture URL, best effort (channels that carry comments). */
  postDetails?(account: ChannelAccount, postId: string): Promise<{ body: string; permalink: string | null; imageUrl: string | null }>;
}

/**
 * A provider's refusal or a failure to reach it. `retryable` errors (network, 429, 5xx) are tried
 * again with backoff; others fail the message with the provider's code and text for the agent.
 */
export class ProviderError extends Error {
  constructor(
    public code: string,
    public text: string,
    public retryable: boolean,
    public httpStatus: number | null = null,
  ) {
    super(`${code}: ${text}`);
  }
}
