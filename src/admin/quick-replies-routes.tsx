// Admin → Quick replies routes: list (shared / personal, search), create, edit, delete.
import { z } from "zod";
import { field } from "../forms";
import { EditQuickReplyPage, QuickRepliesPage, QuickReplyRows, type QuickReplyListQuery } from "../../views/admin/quick-replies";
import { withQuery } from "../../views/admin/shell";
import { ui, type SignedInCtx } from "../web";
import {
  createQuickReply,
  deleteQuickReply,
  getQuickReply,
  listQuickReplies,
  QUICK_REPLY_BODY_MAX,
  QUICK_REPLY_TITLE_MAX,
  quickReplyScopes,
  updateQuickReply,
} from "./quick-replies";
import { adminResource } from "./resource";

const BASE = "/admin/quick-replies";

const quickReplySchema = z
  .object({ title: field.text(QUICK_REPLY_TITLE_MAX), body: field.text(QUICK_REPLY_BODY_MAX), scope: z.enum(quickReplyScopes) })
  .transform(({ scope, ...rest }) => ({ ...rest, personal: scope === "personal" }));

/** The list's filters as the query string carries them; anything unknown means "no filter". */
function listQuery(c: SignedInCtx): QuickReplyListQuery {
  const scope = quickReplyScopes.find((s) => s === c.req.query("scope"));
  return { scope, q: (c.req.query("q") ?? "").trim().slice(0, 100) };
}

export function quickRepliesRoutes() {
  return adminResource({
    base: BASE,
    list: async (db, actor, cursor, c) => {
      const query = listQuery(c);
      return { ...(await listQuickReplies(db, actor, { scope: query.scope, search: query.q || undefined, cursor })), query };
    },
    rows: (c, list) => <QuickReplyRows ui={ui(c)} rows={list.items} next={list.next} query={list.query} />,
    listPage: (c, list, form, flash) => <QuickRepliesPage ui={ui(c)} rows={list.items} next={list.next} query={list.query} form={form} flash={flash} />,
    blank: (c) => ({ scope: listQuery(c).scope ?? "shared" }),
    listHref: (c) => withQuery(BASE, listQuery(c)),
    find: getQuickReply,
    formOf: (reply) => ({ title: reply.title, body: reply.body, scope: reply.scope }),
    editPage: (c, reply, form, flash) => <EditQuickReplyPage ui={ui(c)} reply={reply} form={form} flash={flash} />,
    create: { schema: quickReplySchema, save: createQuickReply },
    update: { schema: quickReplySchema, save: updateQuickReply },
    remove: deleteQuickReply,
  }).routes;
}
