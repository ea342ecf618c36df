// The fake's comments: Facebook Page posts and Instagram media that people comment on, the `feed`
// and `comments` webhooks Meta sends about them, and the Graph API calls that answer them — public
// replies (`/{comment}/comments`, `/{comment}/replies`), private replies (`/{page}/messages` with
// `recipient.comment_id`: one per comment, within 7 days), hide/unhide (`is_hidden`, `hide`),
// delete, and a post's fields. Errors as Meta writes them.
import { randomInt } from "node:crypto";
import type { Context, Hono, Next } from "hono";
import type { Clock } from "../../src/clock";
import { invalidParameter, unknownObject, type GraphError } from "./errors";
import { newInstagramMid, newMessengerMid, type MetaKind } from "./payloads";
import type { FakeChannel, FakeRequest, PushOptions, StoredMedia } from "./server";

type Kind = "messenger" | "instagram";
const digits = (n: number) => String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => randomInt(0, 10)).join("");
const DAY = 86_400_000;

export interface FakePost {
  id: string;
  channel: string;
  kind: Kind;
  text: string;
  permalink: string;
  /** The picture the fake serves (a CDN-style URL, like full_picture / media_url). */
  mediaId?: string;
}

export interface FakeComment {
  id: string;
  channel: string;
  kind: Kind;
  postId: string;
  parentId: string | null;
  from: { id: string; name: string };
  text: string;
  createdAt: Date;
  hidden: boolean;
  deleted: boolean;
  /** The private reply's message id, once sent (Meta allows one). */
  privateReply?: string;
  /** Replies the Page or the account posted under it. */
  replies: { id: string; text: string }[];
}

export interface CommentInput extends PushOptions {
  kind?: Kind;
  channel?: string;
  /** The post: an id the fake knows, or a new post's text. */
  post?: string;
  from?: string;
  name?: string;
  text?: string;
  parentId?: string;
  verb?: "add" | "edited" | "remove" | "hide" | "unhide";
  /** For edited/remove/hide/unhide: the comment changed. */
  commentId?: string;
}

interface Internals {
  app: Hono;
  clock: Clock;
  channelOf(kind: MetaKind, ref?: string): FakeChannel;
  channels: Map<string, FakeChannel>;
  record(c: Context, rec: Partial<FakeRequest>): FakeRequest;
  answer(rec: FakeRequest, res: { status: number; error: GraphError } | { json: unknown; status?: number }): Promise<Response>;
  authorized(c: Context, channel: FakeChannel | undefined): boolean;
  readJson(c: Context): Promise<any>;
  push(payload: unknown, channel: FakeChannel, opts?: PushOptions): Promise<number>;
  putMedia(bytes: Uint8Array, mimeType: string, channel: string): StoredMedia;
  mediaUrl(id: string): string;
}

const PICTURE = await Bun.file(new URL("./post.png", import.meta.url)).bytes();

export function fakeComments(x: Internals) {
  const posts = new Map<string, FakePost>();
  const comments = new Map<string, FakeComment>();
  const invalidToken: GraphError = { message: "Invalid OAuth access token - Cannot parse access token", code: 190 };

  function postFor(channel: FakeChannel, ref: string | undefined): FakePost {
    const known = ref ? posts.get(ref) : [...posts.values()].find((p) => p.channel === channel.id);
    if (known && known.channel === channel.id) return known;
    const kind = channel.kind as Kind;
    const text = ref && !/^[\d_]+$/.test(ref) ? ref : "Yeni sezon ürünlerimiz mağazada! 🛍️";
    const id = ref && /^[\d_]+$/.test(ref) ? ref : kind === "messenger" ? `${channel.id}_${digits(16)}` : digits(17);
    const media = x.putMedia(PICTURE, "image/png", channel.id);
    const permalink = kind === "messenger" ? `https://www.facebook.com/${channel.id}/posts/${id.split("_").pop()}` : `https://www.instagram.com/p/${Buffer.from(id).toString("base64url").slice(0, 11)}/`;
    const post: FakePost = { id, channel: channel.id, kind, text, permalink, mediaId: media.id };
    posts.set(id, post);
    return post;
  }

  /** The `changes[]` value Meta sends for a comment (feed for Pages, comments for Instagram). */
  function changeOf(comment: FakeComment, post: FakePost, verb: NonNullable<CommentInput["verb"]>) {
    if (comment.kind === "instagram") {
      return { field: "comments", value: { from: { id: comment.from.id, username: comment.from.name }, media: { id: post.id, media_product_type: "FEED" }, id: comment.id, ...(comment.parentId ? { parent_id: comment.parentId } : {}), text: comment.text } };
    }
    const value: Record<string, unknown> = {
      from: { id: comment.from.id, name: comment.from.name },
      post: { status_type: "added_photos", is_published: true, updated_time: x.clock.now().toISOString().replace(/\.\d+Z$/, "+0000"), permalink_url: post.permalink, promotion_status: "inactive", id: post.id },
      post_id: post.id,
      comment_id: comment.id,
      created_time: Math.floor(comment.createdAt.getTime() / 1000),
      item: "comment",
      parent_id: comment.parentId ?? post.id,
      verb,
    };
    if (verb !== "remove") value.message = comment.text;
    return { field: "feed", value };
  }

  function envelope(channel: FakeChannel, changes: unknown[]) {
    const time = x.clock.now().getTime();
    return { object: channel.kind === "messenger" ? "page" : "instagram", entry: [{ id: channel.id, time: channel.kind === "messenger" ? time : Math.floor(time / 1000), changes }] };
  }

  /** Makes (or changes) comments and pushes one webhook carrying all their changes. */
  async function pushComments(inputs: CommentInput[], opts: PushOptions = {}) {
    const first = inputs[0] ?? {};
    const channel = x.channelOf(first.kind ?? "messenger", first.channel);
    const changes = inputs.map((m) => {
      const verb = m.verb ?? "add";
      let comment = m.commentId ? comments.get(m.commentId) : undefined;
      if (!comment) {
        if (verb !== "add" && m.commentId === undefined) throw new Error("fake-meta: a changed comment needs commentId");
        const post = postFor(channel, m.post);
        comment = {
          id: m.commentId ?? (channel.kind === "messenger" ? `${post.id.split("_").pop()}_${digits(16)}` : digits(17)),
          channel: channel.id,
          kind: channel.kind as Kind,
          postId: post.id,
          parentId: m.parentId ?? null,
          from: { id: m.from ?? "7100000000000001", name: m.name ?? "Customer" },
          text: m.text ?? "",
          createdAt: x.clock.now(),
          hidden: false,
          deleted: false,
          replies: [],
        };
        comments.set(comment.id, comment);
      } else if (verb === "edited" && m.text !== undefined) comment.text = m.text;
      if (verb === "remove") comment.deleted = true;
      if (verb === "hide" || verb === "unhide") comment.hidden = verb === "hide";
      return { comment, change: changeOf(comment, posts.get(comment.postId)!, verb) };
    });
    const payload = envelope(channel, changes.map((c) => c.change));
    const status = await x.push(payload, channel, { ...first, ...opts });
    return { status, payload, comments: changes.map((c) => c.comment) };
  }

  const pushComment = async (m: CommentInput) => {
    const { status, payload, comments: [comment] } = await pushComments([m], m);
    return { status, payload, comment, post: posts.get(comment.postId)! };
  };

  // ---------------- Graph API

  /** A comment the token may act on, or Meta's answer why not. */
  function target(c: Context, id: string): { comment: FakeComment; channel: FakeChannel } | { status: number; error: GraphError } {
    const comment = comments.get(id);
    if (!x.authorized(c, undefined)) return { status: 401, error: invalidToken };
    if (!comment || comment.deleted) return { status: 400, error: unknownObject(id) };
    const channel = x.channels.get(comment.channel)!;
    if (!x.authorized(c, channel)) return { status: 400, error: unknownObject(id) };
    return { comment, channel };
  }

  /** Public replies: Page `POST /{comment}/comments`, Instagram `POST /{comment}/replies` (`message`). */
  for (const edge of ["comments", "replies"] as const) {
    x.app.post(`/:version/:id/${edge}`, async (c) => {
      const { version, id } = c.req.param();
      const body = await x.readJson(c);
      const rec = x.record(c, { operation: "comment-reply", version, body });
      const found = target(c, id);
      if ("error" in found) return x.answer(rec, found);
      Object.assign(rec, { channel: found.channel.id, kind: found.channel.kind });
      if ((edge === "comments") !== (found.comment.kind === "messenger")) return x.answer(rec, { status: 400, error: { message: `(#100) Tried accessing nonexisting field (${edge}) on node type (${found.comment.kind === "messenger" ? "Comment" : "IGComment"})`, code: 100 } });
      const message = typeof body?.message === "string" ? body.message : c.req.query("message");
      if (!message) return x.answer(rec, { status: 400, error: invalidParameter(found.channel.kind, "The parameter message is required") });
      const reply = { id: found.comment.kind === "messenger" ? `${found.comment.postId.split("_").pop()}_${digits(16)}` : digits(17), text: message };
      found.comment.replies.push(reply);
      // Meta tells the Page of its own comment too (feed, from the Page): Kanal must leave it out.
      if (found.comment.kind === "messenger") {
        const own: FakeComment = { ...found.comment, id: reply.id, parentId: found.comment.id, from: { id: found.channel.id, name: found.channel.name ?? "Page" }, text: message, createdAt: x.clock.now(), replies: [] };
        void x.push(envelope(found.channel, [changeOf(own, posts.get(found.comment.postId)!, "add")]), found.channel).catch(() => {});
      }
      return x.answer(rec, { json: { id: reply.id } });
    });
  }

  /** Hide/unhide: Page `POST /{comment}?is_hidden=`, Instagram `POST /{comment}?hide=`. */
  x.app.post("/:version/:id", async (c, next: Next) => {
    const { version, id } = c.req.param();
    if (!comments.has(id)) return next();
    const body = (await x.readJson(c)) ?? {};
    const rec = x.record(c, { operation: "comment-hide", version, body });
    const found = target(c, id);
    if ("error" in found) return x.answer(rec, found);
    Object.assign(rec, { channel: found.channel.id, kind: found.channel.kind });
    const field = found.comment.kind === "messenger" ? "is_hidden" : "hide";
    const raw = body[field] ?? c.req.query(field);
    if (raw === undefined) return x.answer(rec, { status: 400, error: invalidParameter(found.channel.kind, `The parameter ${field} is required`) });
    found.comment.hidden = raw === true || raw === "true";
    return x.answer(rec, { json: { success: true } });
  });

  x.app.delete("/:version/:id", async (c, next: Next) => {
    const { version, id } = c.req.param();
    if (!comments.has(id)) return next();
    const rec = x.record(c, { operation: "comment-delete", version });
    const found = target(c, id);
    if ("error" in found) return x.answer(rec, found);
    Object.assign(rec, { channel: found.channel.id, kind: found.channel.kind });
    found.comment.deleted = true;
    return x.answer(rec, { json: { success: true } });
  });

  /** A post's fields: Page posts `message,permalink_url,full_picture`; Instagram media `caption,permalink,media_type,media_url`. */
  x.app.get("/:version/:id", async (c, next: Next) => {
    const { version, id } = c.req.param();
    const post = posts.get(id);
    if (!post) return next();
    const rec = x.record(c, { operation: "post", version, channel: post.channel, kind: post.kind });
    if (!x.authorized(c, x.channels.get(post.channel))) return x.answer(rec, { status: 400, error: unknownObject(id) });
    const picture = post.mediaId ? x.mediaUrl(post.mediaId) : undefined;
    const all: Record<string, unknown> =
      post.kind === "messenger"
        ? { message: post.text, permalink_url: post.permalink, full_picture: picture, created_time: new Date().toISOString() }
        : { caption: post.text, permalink: post.permalink, media_type: "IMAGE", media_url: picture, timestamp: new Date().toISOString() };
    const fields = (c.req.query("fields") ?? "").split(",").map((f) => f.trim()).filter(Boolean);
    const picked = fields.length ? Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])) : {};
    return x.answer(rec, { json: { ...picked, id } });
  });

  /**
   * A private reply (`/{page or IG id}/messages` with `recipient.comment_id`): one per comment,
   * within 7 days of it; the answer names the commenter's PSID/IGSID.
   */
  function privateReply(channel: FakeChannel, body: any, rec: FakeRequest) {
    const id = String(body.recipient.comment_id);
    const comment = comments.get(id);
    rec.operation = "private-reply";
    if (!comment || comment.deleted || comment.channel !== channel.id) return x.answer(rec, { status: 400, error: unknownObject(id) });
    if (comment.privateReply) return x.answer(rec, { status: 400, error: { message: "(#10900) Activity already replied to", code: 10900 } });
    if (x.clock.now().getTime() - comment.createdAt.getTime() > 7 * DAY) {
      return x.answer(rec, { status: 400, error: { message: "(#10) This message is sent outside of allowed window.", code: 10, error_subcode: 2018278 } });
    }
    const text = body.message?.text;
    if (typeof text !== "string" || !text) return x.answer(rec, { status: 400, error: invalidParameter(channel.kind, "param message[text] must be a non-empty UTF-8 encoded string") });
    comment.privateReply = channel.kind === "messenger" ? newMessengerMid() : newInstagramMid();
    return x.answer(rec, { json: { recipient_id: comment.from.id, message_id: comment.privateReply } });
  }

  /** A post and a comment that exist already (the demo's), without pushing anything. */
  function remember(input: { channel: string; postId: string; postText: string; permalink: string; commentId: string; from: string; name: string; text: string; at: Date }) {
    const channel = x.channelOf("messenger", input.channel);
    const kind = channel.kind as Kind;
    posts.set(input.postId, { id: input.postId, channel: channel.id, kind, text: input.postText, permalink: input.permalink, mediaId: x.putMedia(PICTURE, "image/png", channel.id).id });
    comments.set(input.commentId, { id: input.commentId, channel: channel.id, kind, postId: input.postId, parentId: null, from: { id: input.from, name: input.name }, text: input.text, createdAt: input.at, hidden: false, deleted: false, replies: [] });
  }

  return { posts, comments, pushComment, pushComments, privateReply, remember, postFor: (ref?: string, channel?: string, kind: Kind = "messenger") => postFor(x.channelOf(kind, channel), ref) };
}
