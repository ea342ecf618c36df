// Routes behind the cards of shared things in a thread: a story's picture (fetched from Meta each
// time, never kept), and a shared contact card's "Save contact" and "Start a conversation".
import { Hono } from "hono";
import type { SignedInEnv } from "../context";
import { storyMedia } from "../channels/story-media";
import { saveSharedContact } from "../contacts/shared-contacts";
import { commit } from "../realtime/changes";
import { flash, MEDIA_POLICY, redirect, type SignedInCtx } from "../web";
import { ConversationRuleBroken } from "./changes";
import { startConversation } from "./opening";

const PATH = "/:id{[0-9]+}/messages/:messageId{[0-9]+}";
const ids = (c: SignedInCtx) => ({ conversationId: Number(c.req.param("id")), messageId: Number(c.req.param("messageId")) });

/** A picture-sized note in place of a story that cannot be shown as a picture (an <img> shows it). */
function placeholder(text: string): string {
  const escaped = text.replace(/[<>&"]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const lines: string[] = [];
  for (const word of escaped.split(" ")) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + " " + word).length <= 22) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const tspans = lines.map((l, i) => `<tspan x="90" dy="${i === 0 ? 0 : 20}">${l}</tspan>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="180" height="320" viewBox="0 0 180 320"><rect width="180" height="320" rx="12" fill="#eef2f6"/><text x="90" y="${160 - lines.length * 10}" text-anchor="middle" font-family="sans-serif" font-size="14" fill="#47534f">${tspans}</text></svg>`;
}

const NOT_KEPT = { "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff", "Content-Security-Policy": MEDIA_POLICY };

export function cardRoutes() {
  const app = new Hono<SignedInEnv>();

  // The story as a picture for the card's <img>; `?play=1` as it is (a video plays in its own tab).
  app.get(`${PATH}/story`, async (c) => {
    const { conversationId, messageId } = ids(c);
    const story = await storyMedia(c.get("deps"), c.get("actor"), conversationId, messageId);
    const play = c.req.query("play") === "1";
    if ("bytes" in story && (play || story.mime.startsWith("image/"))) return c.body(story.bytes, 200, { ...NOT_KEPT, "Content-Type": story.mime });
    const text = c.get("t")("gone" in story ? "card.story.gone" : "card.story.video");
    if (play) return c.text(text, 404, NOT_KEPT);
    return c.body(placeholder(text), 200, { ...NOT_KEPT, "Content-Type": "image/svg+xml" });
  });

  app.post(`${PATH}/contacts/:index{[0-9]+}/save`, async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const { conversationId, messageId } = ids(c);
    await commit(database, actor.orgId, (db) => saveSharedContact(db, actor, conversationId, messageId, Number(c.req.param("index")), clock.now()));
    return redirect(c, `/inbox/${conversationId}#m-${messageId}`);
  });

  // Saved first (if not yet), then a conversation with them on the channel the card came through.
  app.post(`${PATH}/contacts/:index{[0-9]+}/start`, async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const { conversationId, messageId } = ids(c);
    const saved = await commit(database, actor.orgId, (db) => saveSharedContact(db, actor, conversationId, messageId, Number(c.req.param("index")), clock.now()));
    try {
      const started = await commit(database, actor.orgId, (db) => startConversation(db, actor, { contactId: saved.contactId, channelId: saved.channelId }, clock.now()));
      return redirect(c, `/inbox/${started.conversationId}?tab=assigned`);
    } catch (e) {
      if (!(e instanceof ConversationRuleBroken) || e.reason !== "already_open" || !e.conversationId) throw e;
      flash(c, "error", "inbox.error.alreadyOpen");
      return redirect(c, `/inbox/${e.conversationId}?tab=all`);
    }
  });
  return app;
}
