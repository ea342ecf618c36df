// Whether a channel can carry a file: its real content type and size against the capability
// table. The browser runs the same rules first (from `clientRules`), the server decides.
import type { MessageKind } from "@db/schema";
import type { ChannelCapabilities, MediaKind, MediaRule } from "../channels/capabilities";

export type Refusal =
  | { reason: "too_large"; kind: MediaKind; maxBytes: number }
  | { reason: "type"; mime: string }
  | { reason: "no_voice" }
  | { reason: "empty" };

export type Verdict = { ok: true; kind: MediaKind; rule: MediaRule } | ({ ok: false } & Refusal);

/** Which kinds a content type could travel as, in order of preference. */
function candidates(mime: string): MediaKind[] {
  if (mime === "image/webp") return ["image", "sticker"];
  if (mime.startsWith("image/")) return ["image"];
  if (mime.startsWith("video/")) return ["video", "document"];
  if (mime.startsWith("audio/")) return ["audio", "document"];
  return ["document"];
}

/**
 * The kind a file goes out as on this channel, or why it cannot. A recording asked to go as a
 * voice note needs a channel with voice notes. A file exactly at the limit is allowed.
 */
export function checkMedia(caps: ChannelCapabilities, file: { mime: string; size: number; voice?: boolean }): Verdict {
  if (file.size <= 0) return { ok: false, reason: "empty" };
  if (file.voice) {
    const rule = caps.media.voice;
    if (!caps.voiceNotes || !rule) return { ok: false, reason: "no_voice" };
    if (!rule.mimes.includes(file.mime)) return { ok: false, reason: "type", mime: file.mime };
    if (file.size > rule.maxBytes) return { ok: false, reason: "too_large", kind: "voice", maxBytes: rule.maxBytes };
    return { ok: true, kind: "voice", rule };
  }
  const fitting = candidates(file.mime).filter((kind) => caps.media[kind]?.mimes.includes(file.mime));
  if (fitting.length === 0) return { ok: false, reason: "type", mime: file.mime };
  const within = fitting.find((kind) => file.size <= caps.media[kind]!.maxBytes);
  if (!within) return { ok: false, reason: "too_large", kind: fitting[0], maxBytes: caps.media[fitting[0]]!.maxBytes };
  return { ok: true, kind: within, rule: caps.media[within]! };
}

/** The message kind a media kind is stored as. */
export function messageKindOf(kind: MediaKind): MessageKind {
  return kind === "document" ? "file" : kind;
}

/** The rules the composer checks in the browser before uploading (the same table). */
export function clientRules(caps: ChannelCapabilities) {
  return {
    voice: caps.voiceNotes && !!caps.media.voice,
    media: Object.fromEntries(Object.entries(caps.media).map(([kind, rule]) => [kind, { mimes: rule!.mimes, maxBytes: rule!.maxBytes, caption: rule!.caption }])),
  };
}

/** A byte count for people: 5 MB, 820 KB, 12 B. */
export function humanSize(bytes: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
