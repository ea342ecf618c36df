// Where a customer came from, as Meta's webhooks say it: a click-to-WhatsApp ad's `referral` on the
// first message, a click-to-Messenger (or Instagram) ad's or m.me link's `referral` on the first
// message or on its own (messaging_referrals). Read into one shape (types.ts Referral).
import type { Referral } from "./types";

type Obj = Record<string, any>;

const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().slice(0, 2000) : undefined);
const httpUrl = (v: unknown) => {
  const s = text(v);
  return s && /^https?:\/\//i.test(s) ? s : undefined;
};

/** WhatsApp Cloud API `messages[].referral` (click-to-WhatsApp ads and posts). */
export function whatsappReferral(r: Obj | undefined): Referral | undefined {
  if (!r || typeof r !== "object") return undefined;
  const mediaType = r.media_type === "video" ? "video" : r.media_type === "image" ? "image" : undefined;
  const referral: Referral = {
    source: r.source_type === "ad" ? "ad" : r.source_type === "post" ? "post" : "other",
    headline: text(r.headline),
    body: text(r.body),
    sourceUrl: httpUrl(r.source_url),
    sourceId: text(r.source_id),
    mediaType,
    mediaUrl: httpUrl(mediaType === "video" ? r.video_url : r.image_url),
    thumbnailUrl: httpUrl(r.thumbnail_url),
    clickId: text(r.ctwa_clid),
  };
  return clean(referral);
}

/** Messenger/Instagram `referral` (on a message, a postback or an event of its own). */
export function messagingReferral(r: Obj | undefined): Referral | undefined {
  if (!r || typeof r !== "object") return undefined;
  const ads = (r.ads_context_data ?? {}) as Obj;
  const source = String(r.source ?? "").toUpperCase();
  const referral: Referral = {
    source: source === "ADS" ? "ad" : source === "SHORTLINK" || source === "IGME" ? "link" : "other",
    headline: text(ads.ad_title),
    sourceId: text(r.ad_id) ?? text(ads.post_id),
    sourceUrl: httpUrl(r.referer_uri) ?? httpUrl(r.source_url),
    mediaType: httpUrl(ads.video_url) ? "video" : httpUrl(ads.photo_url) ? "image" : undefined,
    mediaUrl: httpUrl(ads.video_url) ?? httpUrl(ads.photo_url),
    ref: text(r.ref),
  };
  return clean(referral);
}

function clean(r: Referral): Referral {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as Referral;
}
