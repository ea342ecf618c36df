// What a message of a comment thread shows beside its text: the comment's state (edited, removed,
// hidden, deleted) and its actions (hide/unhide, delete); a reply's kind; the private reply's line.
import type { ThreadData } from "../../src/inbox/thread";
import type { Ui } from "../ui";

type Message = ThreadData["messages"][number];
const metaOf = (m: Message) => ("metadata" in m ? ((m.metadata as Record<string, unknown> | null) ?? {}) : {});

/** Whether the message is a comment, a comment reply or a comment thread's line. */
export function isCommentMessage(m: Message): boolean {
  const meta = metaOf(m);
  return typeof meta.commentId === "string" || typeof meta.commentReply === "string" || meta.commentLine === "private_reply";
}

/** The marks under a comment or a reply (inside the bubble). */
export function CommentMarks({ ui, m }: { ui: Ui; m: Message }) {
  const meta = metaOf(m);
  const marks: string[] = [];
  if (meta.commentReply === "public") marks.push(ui.t("comments.publicReply"));
  if (meta.commentReply === "private") marks.push(ui.t("comments.privateReply"));
  if (meta.edited) marks.push(ui.t("comments.edited"));
  if (meta.removed) marks.push(ui.t("comments.removed"));
  if (meta.hidden) marks.push(ui.t("comments.hidden"));
  if (meta.deleted) marks.push(ui.t("comments.deleted"));
  const photo = typeof meta.photoUrl === "string" ? meta.photoUrl : null;
  if (!marks.length && !photo) return null;
  return (
    <span class="comment-marks">
      {photo ? (
        <a href={photo} target="_blank" rel="noopener noreferrer">
          {ui.t("comments.photo")} ↗
        </a>
      ) : null}
      {marks.map((mark) => (
        <span class="badge">{mark}</span>
      ))}
    </span>
  );
}

/** Hide/unhide and delete under a customer's comment that is still there. */
export function CommentActions({ ui, m, conversationId }: { ui: Ui; m: Message; conversationId?: number }) {
  const meta = metaOf(m);
  if (!conversationId || m.direction !== "in" || typeof meta.commentId !== "string" || meta.removed || meta.deleted) return null;
  const base = `/inbox/${conversationId}/comments/${m.id}`;
  const form = (action: string) => ({ method: "post", action: `${base}/${action}`, "hx-post": `${base}/${action}`, "hx-target": "#thread", "hx-swap": "outerHTML" }) as const;
  return (
    <span class="comment-actions">
      <form {...form(meta.hidden ? "unhide" : "hide")}>
        <button type="submit" class="link">
          {ui.t(meta.hidden ? "comments.unhide" : "comments.hide")}
        </button>
      </form>
      <form {...form("delete")} data-confirm={ui.t("comments.deleteAsk")}>
        <button type="submit" class="link danger">
          {ui.t("comments.delete")}
        </button>
      </form>
    </span>
  );
}

/** The comment thread's line for a private reply: what was sent, and a link to the chat it went into. */
export function PrivateReplyLine({ ui, m }: { ui: Ui; m: Message }) {
  const meta = metaOf(m);
  if (meta.commentLine !== "private_reply") return null;
  return (
    <span class="body system">
      {ui.t("comments.privateLine")} <q>{m.body}</q>{" "}
      <a href={`/inbox/${Number(meta.chatConversationId)}?tab=all`} data-private-chat>
        {ui.t("comments.openChat")} →
      </a>
    </span>
  );
}
