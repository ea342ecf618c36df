// Comments on the wire: the Facebook Page `feed` and Instagram `comments` webhook changes read into
// InboundComment events, and the Graph API calls a comment thread makes (public reply, private
// reply, hide/unhide, delete, the post's details). Messenger and Instagram adapters use them.
import type { GraphClient } from "../channels/graph";
import { ProviderError, type ChannelAccount, type InboundComment, type OutgoingMessage } from "../channels/types";

type Obj = Record<string, any>;
export type CommentKind = "messenger" | "instagram";

const FEED_VERBS = new Set(["add", "edited", "remove", "hide", "unhide"]);

/** Webhook times: Instagram's are seconds, Messenger's milliseconds; created_time is seconds (or ISO). */
function timeOf(value: unknown, fallback: Date): Date {
  if (typeof value === "string" && !/^\d+$/.test(value)) {
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? fallback : parsed;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return fallback;
  return new Date(n < 1e12 ? n * 1000 : n);
}

/**
 * The comment changes of one webhook entry (`entry.changes[]`). A comment by the Page or the account
 * itself (a reply sent from Kanal or elsewhere) is not a customer's and is left out; so are other
 * feed items (posts, reactions, shares).
 */
export function commentEvents(kind: CommentKind, me: string, entry: Obj): InboundComment[] {
  const out: InboundComment[] = [];
  const entryTime = timeOf(entry?.time, new Date());
  for (const change of Array.isArray(entry?.changes) ? entry.changes : []) {
    const v = change?.value as Obj | undefined;
    if (!v || typeof v !== "object") continue;
    if (kind === "messenger" && change.field === "feed" && v.item === "comment" && FEED_VERBS.has(v.verb)) {
      const from = String(v.from?.id ?? "");
      if (!from || from === me || !v.comment_id || !v.post_id) continue;
      const postId = String(v.post_id);
      const parent = v.parent_id ? String(v.parent_id) : null;
      out.push({
        type: "comment",
        verb: v.verb,
        commentId: String(v.comment_id),
        parentId: parent && parent !== postId ? parent : null,
        post: { id: postId, permalink: typeof v.post?.permalink_url === "string" ? v.post.permalink_url : null },
        externalId: from,
        contactName: String(v.from?.name ?? ""),
        body: String(v.message ?? ""),
        photoUrl: typeof v.photo === "string" ? v.photo : null,
        at: timeOf(v.created_time, entryTime),
      });
    } else if (kind === "instagram" && change.field === "comments") {
      const from = String(v.from?.id ?? "");
      if (!from || from === me || !v.id || !v.media?.id) continue;
      out.push({
        type: "comment",
        verb: "add",
        commentId: String(v.id),
        parentId: v.parent_id ? String(v.parent_id) : null,
        post: { id: String(v.media.id), permalink: null },
        externalId: from,
        contactName: String(v.from?.username ?? ""),
        body: String(v.text ?? ""),
        photoUrl: null,
        at: entryTime,
      });
    }
  }
  return out;
}

/**
 * A comment thread's send. Public: a reply under the comment (Page: `/{comment}/comments`,
 * Instagram: `/{comment}/replies`). Private: a direct message to its author through the Send API
 * with `recipient.comment_id` (one per comment, within 7 days); Meta answers with the author's
 * PSID/IGSID, which links the comment's author to their chat.
 */
export async function sendCommentReply(graph: GraphClient, kind: CommentKind, account: ChannelAccount, ownId: string, message: OutgoingMessage) {
  const token = account.secrets.accessToken ?? "";
  const comment = message.comment!;
  if (comment.reply === "public") {
    const path = kind === "messenger" ? `${comment.id}/comments` : `${comment.id}/replies`;
    const result = await graph.json<{ id?: string }>("POST", graph.url(path), token, { message: message.body });
    if (!result?.id) throw new ProviderError("bad_response", "The provider accepted the reply but returned no id", true);
    return { providerMessageId: String(result.id) };
  }
  const result = await graph.json<{ message_id?: string; recipient_id?: string }>("POST", graph.url(`${ownId}/messages`), token, {
    recipient: { comment_id: comment.id },
    // Messenger echoes message.metadata back: proof of the send if its answer is lost (outbox.ts).
    message: { text: message.body, ...(kind === "messenger" && message.outboxTag ? { metadata: message.outboxTag } : {}) },
  });
  if (!result?.message_id) throw new ProviderError("bad_response", "The provider accepted the private reply but returned no id", true);
  return { providerMessageId: String(result.message_id), recipientId: result.recipient_id ? String(result.recipient_id) : undefined };
}

/** Hides, unhides or deletes a comment (Page: `is_hidden`, Instagram: `hide`). */
export async function moderateComment(graph: GraphClient, kind: CommentKind, account: ChannelAccount, commentId: string, action: "hide" | "unhide" | "delete") {
  const token = account.secrets.accessToken ?? "";
  const result =
    action === "delete"
      ? await graph.json<{ success?: boolean }>("DELETE", graph.url(commentId), token)
      : await graph.json<{ success?: boolean }>("POST", graph.url(commentId), token, kind === "messenger" ? { is_hidden: action === "hide" } : { hide: action === "hide" });
  if (!result?.success) throw new ProviderError("bad_response", "The provider did not confirm the change", true);
}

/** What a post says and shows: Page posts `message, permalink_url, full_picture`; Instagram media `caption, permalink, media_url|thumbnail_url`. */
export async function fetchPostDetails(graph: GraphClient, kind: CommentKind, account: ChannelAccount, postId: string) {
  const token = account.secrets.accessToken ?? "";
  const fields = kind === "messenger" ? "message,permalink_url,full_picture" : "caption,permalink,media_type,media_url,thumbnail_url";
  const p = await graph.json<Obj>("GET", graph.url(`${postId}?fields=${fields}`), token);
  const image = kind === "messenger" ? p?.full_picture : p?.media_type === "VIDEO" ? p?.thumbnail_url : p?.media_url;
  return {
    body: String((kind === "messenger" ? p?.message : p?.caption) ?? ""),
    permalink: typeof (p?.permalink_url ?? p?.permalink) === "string" ? String(p.permalink_url ?? p.permalink) : null,
    imageUrl: typeof image === "string" ? image : null,
  };
}
