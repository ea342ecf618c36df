// A comment thread's actions (mounted under /inbox): a note, a public or a private reply from its
// composer; hide, unhide or delete a comment; the post's picture for the post shown above the thread.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { commentPosts, conversations } from "@db/schema";
import { signedInRoutes } from "../auth/middleware";
import { field, idParam, validForm } from "../forms";
import { ProviderError } from "../channels/types";
import { storageFor } from "../media/storage";
import { serveStored } from "../media/serve";
import { act, afterAction } from "../inbox/routes";
import { ConversationRuleBroken } from "../inbox/changes";
import { addInternalNote, reply } from "../inbox/replies";
import { conversationScope } from "../inbox/visibility";
import type { SignedInCtx } from "../web";
import { moderateComment, type Moderation } from "./moderation";
import { replyPrivately } from "./replies";

const replySchema = z.object({
  body: z.string().max(4096, "validation.tooLong"),
  as: z.enum(["note", "public", "private"]),
  /** The comment answered (a message of the thread); the latest one when left out. */
  replyTo: field.id().optional(),
});

const moderations = ["hide", "unhide", "delete"] as const satisfies readonly Moderation[];

export function commentRoutes() {
  const app = signedInRoutes();

  app.post(
    "/:id{[0-9]+}/comments/reply",
    validForm(replySchema, (c: SignedInCtx, errors, values) => afterAction(c, idParam(c), { body: String(values.body ?? ""), error: errors.body ?? errors._form ?? null }, 422)),
    (c) => {
      const { database, clock } = c.get("deps");
      const actor = c.get("actor");
      const { body, as, replyTo } = c.req.valid("form");
      const id = idParam(c);
      if (as === "note") return act(c, id, () => addInternalNote(database.db, actor, id, body, clock.now()), body);
      if (as === "private") return act(c, id, () => replyPrivately(database.db, actor, id, { body, messageId: replyTo }, clock.now()), body);
      return act(c, id, () => reply(database.db, actor, id, { body, metadata: replyTo ? { replyToMessageId: replyTo } : {} }, clock.now()), body);
    },
  );

  for (const action of moderations) {
    app.post(`/:id{[0-9]+}/comments/:messageId{[0-9]+}/${action}`, (c) => moderate(c, action));
  }

  app.get("/:id{[0-9]+}/post-image", async (c) => {
    const { database, config } = c.get("deps");
    const actor = c.get("actor");
    const [post] = await database.db
      .select({ key: commentPosts.imageKey, mime: commentPosts.imageMime })
      .from(conversations)
      .innerJoin(commentPosts, eq(commentPosts.id, conversations.postId))
      .where(and(eq(conversations.id, idParam(c)), await conversationScope(database.db, actor)));
    if (!post?.key || !post.mime) return c.notFound();
    const stored = await storageFor(config).read(post.key);
    if (!stored) return c.notFound();
    return serveStored(c.req.raw, stored, { mime: post.mime, filename: "post", inline: true });
  });

  return app;
}

/** Asks the provider at once; its refusal comes back in the thread with its code and text. */
async function moderate(c: SignedInCtx, action: Moderation) {
  const id = idParam(c);
  const t = c.get("t");
  try {
    await moderateComment(c.get("deps"), c.get("actor"), id, idParam(c, "messageId"), action);
    return afterAction(c, id);
  } catch (e) {
    if (e instanceof ProviderError) return afterAction(c, id, { body: "", error: t("comments.error.provider", { error: `(${e.code}) ${e.text}` }) }, 422);
    if (!(e instanceof ConversationRuleBroken)) throw e;
    // The same words as every thread action's refusals.
    return act(c, id, () => Promise.reject(e));
  }
}
