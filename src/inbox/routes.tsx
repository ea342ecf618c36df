// Inbox routes: the list by tab with search and "Load more", and a conversation's thread.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../context";
import { validQuery } from "../forms";
import { isHtmx, render, ui, type Ctx } from "../web";
import { ConversationRows, InboxPage, type InboxProps } from "../../views/inbox/page";
import { decodeInboxCursor, findConversations, getThread, tabCounts, tabs } from "./conversations";

const listQuery = z.object({
  tab: z.enum(tabs).default("open"),
  q: z.string().max(200).optional().default(""),
  after: z.string().max(200).optional(),
});

async function inbox(c: Ctx, conversationId: number | null) {
  const actor = c.get("actor")!;
  const db = c.get("deps").database.db;
  const { tab, q, after } = listQuery.parse(c.req.query());
  const search = q.trim();
  const cursor = decodeInboxCursor(after);
  const [list, counts, thread] = await Promise.all([
    findConversations(db, actor, { tab, search, cursor }),
    tabCounts(db, actor),
    conversationId ? getThread(db, actor, conversationId) : Promise.resolve(null),
  ]);
  if (conversationId && !thread) return c.notFound();
  const props: InboxProps = { ui: ui(c), tab, search, counts, rows: list.items, next: list.next, now: c.get("deps").clock.now(), thread };
  if (isHtmx(c) && cursor) return render(c, <ConversationRows {...props} />);
  return render(c, <InboxPage {...props} />);
}

export function inboxRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/", validQuery(listQuery), (c) => inbox(c, null));
  app.get("/:id{[0-9]+}", validQuery(listQuery), (c) => inbox(c, Number(c.req.param("id"))));
  return app;
}
