// Where the customer came from, above the thread: the ad (or post, or link) that opened it, with
// its headline, text and links. Meta's ad pictures stay on Meta's servers: linked, not embedded.
import type { ThreadData } from "../../src/inbox/thread";
import type { Ui } from "../ui";

const safe = (url: unknown) => (typeof url === "string" && /^https?:\/\//i.test(url) ? url : null);

/** The card (#referral-card, redrawn live when a referral arrives on its own); an empty placeholder without one. */
export function ReferralCard({ ui, c }: { ui: Ui; c: ThreadData["conversation"] }) {
  const r = c.referral as Record<string, unknown> | null | undefined;
  if (!r) return <div id="referral-card" hidden></div>;
  const title = r.source === "ad" ? "referral.title" : r.source === "post" ? "referral.titlePost" : r.source === "link" ? "referral.titleLink" : "referral.titleOther";
  const source = safe(r.sourceUrl);
  const media = safe(r.mediaUrl);
  return (
    <aside id="referral-card" class="referral-card" aria-label={ui.t(title)}>
      <div>
        <strong>{ui.t(title)}</strong>
        {typeof r.headline === "string" ? <p class="referral-headline">{r.headline}</p> : null}
        {typeof r.body === "string" ? <p class="referral-body muted">{r.body}</p> : null}
        {typeof r.ref === "string" ? <p class="muted">{ui.t("referral.ref", { ref: r.ref })}</p> : null}
        <p class="referral-links">
          {source ? (
            <a href={source} target="_blank" rel="noopener noreferrer nofollow">
              {ui.t("referral.open")} ↗
            </a>
          ) : null}
          {source && media ? " · " : null}
          {media ? (
            <a href={media} target="_blank" rel="noopener noreferrer nofollow">
              {ui.t("referral.media")} ↗
            </a>
          ) : null}
        </p>
      </div>
    </aside>
  );
}
