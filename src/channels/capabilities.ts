// What each kind of channel allows, in one table the composer, the sender and the cockpit read.
import type { ChannelKind } from "@db/schema";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const MB = 1024 * 1024;

/** Kinds of media an agent (or a customer) can send: the attachment's role on the wire. */
export type MediaKind = "image" | "video" | "audio" | "voice" | "document" | "sticker";

export interface MediaRule {
  /** Content types accepted (checked by content, not by file name). */
  mimes: string[];
  maxBytes: number;
  /** Whether a caption can travel with it. */
  caption: boolean;
}

export interface ChannelCapabilities {
  /** Longest text message the provider accepts. */
  textMaxLength: number;
  /** Media the channel carries, by kind; a kind that is missing cannot be sent. */
  media: Partial<Record<MediaKind, MediaRule>>;
  /** Recorded voice notes go out as voice notes (WhatsApp `voice: true`). */
  voiceNotes: boolean;
  /** Free-form replies allowed this long after the customer's last message (null: always). */
  replyWindowMs: number | null;
  /** Standard window before a tag is needed (Messenger/Instagram: 24 h; HUMAN_AGENT extends to replyWindowMs). */
  standardWindowMs: number | null;
  /** Outside the reply window, a template may still be sent (WhatsApp re-engagement). */
  templates: boolean;
  /** A closed conversation may be reactivated from the archive this long after the customer's last message (null: never). */
  reactivationWindowMs: number | null;
  /** The provider echoes a send's outbox tag back in a webhook (WhatsApp statuses, Messenger echoes): an interrupted send can be proven. */
  echoesSends: boolean;
  /**
   * Comments on the channel's posts come in as comment threads, answered publicly or privately and
   * moderated (Facebook Page `feed`, Instagram `comments`): src/comments/.
   */
  comments: boolean;
  /** How long after a comment its author may get a private reply (Meta: 7 days; null: no private replies). */
  privateReplyWindowMs: number | null;
}

const OFFICE = [
  "application/pdf",
  "text/plain",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

export const capabilities: Record<ChannelKind, ChannelCapabilities> = {
  whatsapp: {
    textMaxLength: 4096,
    media: {
      image: { mimes: ["image/jpeg", "image/png"], maxBytes: 5 * MB, caption: true },
      video: { mimes: ["video/mp4", "video/3gpp"], maxBytes: 16 * MB, caption: true },
      audio: { mimes: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"], maxBytes: 16 * MB, caption: false },
      voice: { mimes: ["audio/ogg"], maxBytes: 16 * MB, caption: false },
      document: { mimes: OFFICE, maxBytes: 100 * MB, caption: true },
      sticker: { mimes: ["image/webp"], maxBytes: 500 * 1024, caption: false },
    },
    voiceNotes: true,
    replyWindowMs: DAY,
    standardWindowMs: DAY,
    echoesSends: true,
    templates: true,
    reactivationWindowMs: DAY,
    comments: false,
    privateReplyWindowMs: null,
  },
  // Messenger and Instagram: 24 h standard, up to 7 days with the HUMAN_AGENT tag for human agents.
  messenger: {
    textMaxLength: 2000,
    media: {
      image: { mimes: ["image/jpeg", "image/png", "image/gif", "image/webp"], maxBytes: 25 * MB, caption: false },
      video: { mimes: ["video/mp4", "video/quicktime", "video/webm"], maxBytes: 25 * MB, caption: false },
      audio: { mimes: ["audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/wav"], maxBytes: 25 * MB, caption: false },
      document: { mimes: [...OFFICE, "application/zip"], maxBytes: 25 * MB, caption: false },
    },
    voiceNotes: false,
    replyWindowMs: 7 * DAY,
    standardWindowMs: DAY,
    echoesSends: true,
    templates: false,
    reactivationWindowMs: 7 * DAY,
    comments: true,
    privateReplyWindowMs: 7 * DAY,
  },
  instagram: {
    textMaxLength: 1000,
    media: {
      image: { mimes: ["image/jpeg", "image/png"], maxBytes: 8 * MB, caption: false },
      video: { mimes: ["video/mp4", "video/ogg", "video/x-msvideo", "video/quicktime", "video/webm"], maxBytes: 25 * MB, caption: false },
      audio: { mimes: ["audio/aac", "audio/mp4", "audio/wav", "audio/x-wav"], maxBytes: 25 * MB, caption: false },
      document: { mimes: ["application/pdf"], maxBytes: 25 * MB, caption: false },
    },
    voiceNotes: false,
    replyWindowMs: 7 * DAY,
    standardWindowMs: DAY,
    echoesSends: false,
    templates: false,
    reactivationWindowMs: 7 * DAY,
    comments: true,
    privateReplyWindowMs: 7 * DAY,
  },
  // WebChat: Kanal's own widget; the byte limit is configurable per channel (config.maxUploadMb).
  webchat: {
    textMaxLength: 10_000,
    media: {
      image: { mimes: ["image/jpeg", "image/png", "image/gif", "image/webp"], maxBytes: 25 * MB, caption: true },
      video: { mimes: ["video/mp4", "video/webm"], maxBytes: 25 * MB, caption: true },
      audio: { mimes: ["audio/mpeg", "audio/mp4", "audio/ogg", "audio/webm", "audio/wav"], maxBytes: 25 * MB, caption: false },
      voice: { mimes: ["audio/ogg", "audio/webm", "audio/mp4"], maxBytes: 25 * MB, caption: false },
      document: { mimes: [...OFFICE, "application/zip", "text/csv"], maxBytes: 25 * MB, caption: true },
    },
    voiceNotes: true,
    replyWindowMs: null,
    standardWindowMs: null,
    echoesSends: false,
    templates: false,
    reactivationWindowMs: null,
    comments: false,
    privateReplyWindowMs: null,
  },
  support: {
    textMaxLength: 10_000,
    media: {
      image: { mimes: ["image/jpeg", "image/png", "image/gif", "image/webp"], maxBytes: 25 * MB, caption: true },
      document: { mimes: [...OFFICE, "application/zip", "text/csv"], maxBytes: 25 * MB, caption: true },
    },
    voiceNotes: false,
    replyWindowMs: null,
    standardWindowMs: null,
    echoesSends: false,
    templates: false,
    reactivationWindowMs: null,
    comments: false,
    privateReplyWindowMs: null,
  },
};

/** A channel's rules with its own settings applied (WebChat's configurable upload limit). */
export function capabilitiesOf(kind: ChannelKind, config: Record<string, unknown> = {}): ChannelCapabilities {
  const base = capabilities[kind];
  const limitMb = Number(config.maxUploadMb);
  if (kind !== "webchat" || !Number.isFinite(limitMb) || limitMb <= 0) return base;
  const media = Object.fromEntries(Object.entries(base.media).map(([k, rule]) => [k, { ...rule!, maxBytes: Math.round(limitMb * MB) }]));
  return { ...base, media };
}

/** Whether a closed conversation on this kind of channel may come back from the archive now. */
export function canReactivate(kind: ChannelKind, lastInboundAt: Date | null, now: Date): boolean {
  const window = capabilities[kind].reactivationWindowMs;
  return window !== null && lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() <= window;
}
