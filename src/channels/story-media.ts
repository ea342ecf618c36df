// A story's picture or video, fetched from Meta's link each time an agent looks at it: Meta forbids
// keeping story media, so nothing is stored; past the story's end, or once the link stops working
// (the customer deleted it), it is gone.
import { and, eq } from "drizzle-orm";
import { channels, messages } from "@db/schema";
import type { Actor, Deps } from "../context";
import { assertMaySee } from "../inbox/visibility";
import { NotFound } from "../not-found";
import { SNIFF_BYTES, sniffMime } from "../media/sniff";
import { accountOf } from "./accounts";
import { adaptersFor } from "./adapters";
import type { StoryRef } from "./instagram-shares";

/** Stories are pictures or short videos: larger answers are not what a story link gives. */
const STORY_MAX_BYTES = 25 * 1024 * 1024;

export type StoryMedia = { bytes: Uint8Array<ArrayBuffer>; mime: string } | { gone: true };

/** The story of a message in a conversation the actor may see (NotFound otherwise). */
export async function storyMedia(deps: Deps, actor: Actor, conversationId: number, messageId: number): Promise<StoryMedia> {
  const { db } = deps.database;
  await assertMaySee(db, actor, conversationId);
  const [row] = await db
    .select({ metadata: messages.metadata, channel: channels })
    .from(messages)
    .innerJoin(channels, eq(channels.id, messages.channelId))
    .where(and(eq(messages.orgId, actor.orgId), eq(messages.conversationId, conversationId), eq(messages.id, messageId)));
  const story = row?.metadata.story as StoryRef | undefined;
  if (!row || !story) throw new NotFound("message");
  if (!story.url || new Date(story.expiresAt) <= deps.clock.now()) return { gone: true };
  try {
    const account = accountOf(deps.config, row.channel);
    const file = await adaptersFor(deps.config)[account.kind].fetchMedia(account, { url: story.url });
    const bytes = new Uint8Array(await file.bytes.arrayBuffer());
    const mime = sniffMime(bytes.subarray(0, SNIFF_BYTES), "story");
    // Only what a story is (a picture or a video) is served from Kanal's origin.
    if (!mime || !(mime.startsWith("image/") || mime.startsWith("video/")) || bytes.byteLength > STORY_MAX_BYTES) return { gone: true };
    return { bytes, mime };
  } catch (e) {
    deps.log.debug("story media unavailable", { messageId, error: e instanceof Error ? e.message : String(e) });
    return { gone: true };
  }
}
