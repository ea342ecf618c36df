// A comment thread's post, above its messages: the picture, a text excerpt and the link to the post.
import type { ThreadData } from "../../src/inbox/thread";
import type { Ui } from "../ui";

export function PostContext({ ui, c }: { ui: Ui; c: ThreadData["conversation"] }) {
  const post = c.post;
  if (!post) return null;
  return (
    <aside class="comment-post" aria-label={ui.t("comments.post")}>
      {post.image ? <img src={`/inbox/${c.id}/post-image`} alt={ui.t("comments.postImage")} width="64" height="64" loading="lazy" /> : null}
      <div>
        <strong>{ui.t("comments.post")}</strong>
        <p class={post.body ? "post-text" : "post-text muted"}>{post.body || ui.t("comments.noPostText")}</p>
        {post.permalink ? (
          <a href={post.permalink} target="_blank" rel="noopener noreferrer">
            {ui.t("comments.openPost")} ↗
          </a>
        ) : null}
      </div>
    </aside>
  );
}
