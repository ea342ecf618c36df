// Instagram's stories and shares as Meta's messaging webhooks write them: a story mention
// (`story_mention` attachment), a reply to a story (`reply_to.story`), and a shared post or reel
// (`share` + `ig_post` since November 2025, `ig_reel`, Messenger's `reel`). Each customer action is
// one message: a post share carries two attachments for the same post, and the text typed with a
// share may come as the next event of the same body.
import type { InboundEvent, InboundMessage } from "./types";

type Obj = Record<string, any>;

/** A story mention's CDN link stops working when the story ends: 24 hours after it was posted at most. */
export const STORY_LIFETIME_MS = 24 * 60 * 60_000;

/** What a message holds in metadata.story: the story mentioned or answered, and until when its link may work. */
export interface StoryRef {
  kind: "mention" | "reply";
  id: string | null;
  url: string | null;
  expiresAt: string;
}

/** What a message holds in metadata.share: the post or reel shared, with its caption and link. */
export interface ShareRef {
  kind: "post" | "reel";
  mediaId: string | null;
  title: string;
  url: string | null;
}

type Base = Omit<InboundMessage, "kind" | "body" | "metadata" | "media">;

const SHARE_TYPES: Record<string, ShareRef["kind"]> = { share: "post", ig_post: "post", ig_reel: "reel", reel: "reel" };
const text = (value: unknown) => (typeof value === "string" ? value : "");
/** A web link, or nothing (a link agents may open must not be javascript: or the like). */
const webUrl = (value: unknown) => {
  if (typeof value !== "string") return null;
  try {
    return ["https:", "http:"].includes(new URL(value).protocol) ? value : null;
  } catch {
    return null;
  }
};

/** The message for a story mention, a story reply or a share; undefined for anything else. */
export function storyOrShare(m: Obj, base: Base): InboundMessage | undefined {
  const attachments: Obj[] = Array.isArray(m.attachments) ? m.attachments : [];
  const body = text(m.text);
  const expiresAt = new Date(base.at.getTime() + STORY_LIFETIME_MS).toISOString();
  const mention = attachments.find((a) => a?.type === "story_mention");
  if (mention) {
    const story: StoryRef = { kind: "mention", id: mention.payload?.id ? String(mention.payload.id) : null, url: webUrl(mention.payload?.url), expiresAt };
    return { ...base, kind: "story", body, metadata: { story } };
  }
  const answered = m.reply_to?.story;
  if (answered && attachments.length === 0) {
    const story: StoryRef = { kind: "reply", id: answered.id ? String(answered.id) : null, url: webUrl(answered.url), expiresAt };
    return { ...base, kind: "text", body, metadata: { story } };
  }
  // A post share names the same post twice (`share` and `ig_post`): one card for it.
  const shared = attachments.filter((a) => SHARE_TYPES[a?.type]);
  if (shared.length === 0 || shared.length !== attachments.length) return undefined;
  const first = shared.find((a) => a.type === "ig_post" || a.type === "ig_reel") ?? shared[0];
  const p = first.payload ?? {};
  const share: ShareRef = {
    kind: SHARE_TYPES[first.type],
    mediaId: (p.ig_post_media_id ?? p.reel_video_id) ? String(p.ig_post_media_id ?? p.reel_video_id) : null,
    title: text(p.title),
    url: webUrl(p.url),
  };
  return { ...base, kind: "share", body, metadata: { share } };
}

/** Within this long of a share, the same customer's next text is what they typed with it. */
const SAME_ACTION_MS = 5_000;

/**
 * The text typed with a share, sent by Instagram as a separate message right after it in the same
 * body, joins the share's card: one message per customer action. Its own id is kept on the share.
 */
export function joinShareTexts(events: InboundEvent[]): InboundEvent[] {
  const out: InboundEvent[] = [];
  for (const event of events) {
    const previous = out[out.length - 1];
    if (event.type === "message" && previous?.type === "message" && previous.externalId === event.externalId && Math.abs(event.at.getTime() - previous.at.getTime()) <= SAME_ACTION_MS) {
      // Either order: the share then its text, or the text then the share.
      const [share, typed] = previous.kind === "share" ? [previous, event] : [event, previous];
      if (share.kind === "share" && !share.body && isPlainText(typed)) {
        out[out.length - 1] = { ...share, body: typed.body, metadata: { ...share.metadata, textMessageId: typed.providerMessageId } };
        continue;
      }
    }
    out.push(event);
  }
  return out;
}

const isPlainText = (m: InboundMessage) => m.kind === "text" && !!m.body && !m.media && !m.replyToProviderId && Object.keys(m.metadata).length === 0;
