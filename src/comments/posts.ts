// The posts people comment on: one row per channel and provider post, made the first time a comment
// on it arrives, with what the Graph API tells of it (text, link, picture copied into storage).
import { and, eq, sql } from "drizzle-orm";
import { commentPosts } from "@db/schema";
import type { Deps } from "../context";
import { adaptersFor, graphFor } from "../channels/adapters";
import type { ChannelAccount, InboundComment } from "../channels/types";
import { storageFor, storeBytes } from "../media/storage";
import { SNIFF_BYTES, sniffMime } from "../media/sniff";

const POST_TEXT = 500;
const POST_IMAGE_BYTES = 5 * 1024 * 1024;

/** The post's row id, made (and its details fetched, best effort) on its first comment. */
export async function postFor(deps: Deps, account: ChannelAccount, post: InboundComment["post"]): Promise<number> {
  const { db } = deps.database;
  const [known] = await db
    .select({ id: commentPosts.id, permalink: commentPosts.permalink })
    .from(commentPosts)
    .where(and(eq(commentPosts.channelId, account.id), eq(commentPosts.providerPostId, post.id)));
  if (known) {
    if (!known.permalink && post.permalink) await db.update(commentPosts).set({ permalink: post.permalink }).where(eq(commentPosts.id, known.id));
    return known.id;
  }
  const details = await detailsOf(deps, account, post.id);
  const [row] = await db
    .insert(commentPosts)
    .values({
      orgId: account.orgId,
      channelId: account.id,
      providerPostId: post.id,
      permalink: safeLink(post.permalink ?? details.permalink),
      body: details.body.slice(0, POST_TEXT),
      imageKey: details.image?.storageKey ?? null,
      imageMime: details.image?.mime ?? null,
      createdAt: deps.clock.now(),
    })
    .onConflictDoUpdate({ target: [commentPosts.channelId, commentPosts.providerPostId], set: { permalink: sql`coalesce(${commentPosts.permalink}, excluded.permalink)` } })
    .returning({ id: commentPosts.id });
  return row.id;
}

/** Only web links are kept: a post link is drawn as an anchor. */
function safeLink(url: string | null): string | null {
  return url && /^https?:\/\//i.test(url) ? url.slice(0, 2000) : null;
}

/** The post's text and picture from the provider; nothing when it cannot tell (the thread shows the link). */
async function detailsOf(deps: Deps, account: ChannelAccount, postId: string) {
  const adapter = adaptersFor(deps.config)[account.kind];
  const none = { body: "", permalink: null as string | null, image: null as { storageKey: string; mime: string } | null };
  if (!adapter.postDetails) return none;
  try {
    const details = await adapter.postDetails(account, postId);
    let image: { storageKey: string; mime: string } | null = null;
    if (details.imageUrl) {
      const file = await graphFor(deps.config).download(details.imageUrl, account.secrets.accessToken ?? null, POST_IMAGE_BYTES);
      const bytes = new Uint8Array(await file.bytes.arrayBuffer());
      const mime = sniffMime(bytes.subarray(0, SNIFF_BYTES), "post");
      if (mime?.startsWith("image/")) image = { storageKey: (await storeBytes(storageFor(deps.config), account.orgId, bytes, mime, deps.clock.now())).storageKey, mime };
    }
    return { body: details.body, permalink: details.permalink, image };
  } catch (e) {
    deps.log.debug("post details unavailable", { channelId: account.id, postId, error: e instanceof Error ? e.message : String(e) });
    return none;
  }
}
