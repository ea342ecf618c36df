// The Mentions view: the reader's unread mentions (/mentions), and marking them all read.
import { signedInRoutes } from "../auth/middleware";
import { commit } from "../realtime/changes";
import { flash, redirect, render, takeFlash, ui } from "../web";
import { MentionsPage } from "../../views/inbox/mentions";
import { readAllMentions, unreadMentions } from "./mentions";

export function mentionsRoutes() {
  const app = signedInRoutes();

  app.get("/", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    const { items } = await commit(database, actor.orgId, (db) => unreadMentions(db, actor, clock.now()));
    c.set("actor", { ...actor, unreadMentions: items.length });
    return render(c, <MentionsPage ui={ui(c)} items={items} flash={takeFlash(c)} />);
  });

  app.post("/read", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    await commit(database, actor.orgId, (db) => readAllMentions(db, actor, clock.now()));
    flash(c, "ok", "mentions.allRead");
    return redirect(c, "/mentions");
  });

  return app;
}
