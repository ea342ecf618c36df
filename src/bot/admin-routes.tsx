// Admin → Bot: the list of channels and brands with their bot and survey, and each one's form.
import { asc, eq } from "drizzle-orm";
import { customFields, workgroups } from "@db/schema";
import { signedInRoutes } from "../auth/middleware";
import { formValues, idParam, type FieldErrors, type FormValues } from "../forms";
import type { MessageKey } from "../i18n";
import { commit } from "../realtime/changes";
import { flash, redirect, render, takeFlash, ui, type SignedInCtx } from "../web";
import { BotEditPage, BotListPage } from "../../views/bot/admin";
import { formRows, menuValues, parseMenuForm, type BotFile } from "./admin-form";
import { BotFileRefused, storeBotFile } from "./files";
import { storageFor } from "../media/storage";
import { BotMenuRefused, menuOf, menuOverview, removeMenu, saveMenu, scopeName, type Scope } from "./menus";

function scopeFrom(c: SignedInCtx): Scope {
  const id = idParam(c);
  return c.req.param("kind") === "brand" ? { brandId: id } : { channelId: id };
}

async function editPage(c: SignedInCtx, scope: Scope, form?: { values: FormValues; errors: FieldErrors }, status: 200 | 422 = 200) {
  const db = c.get("deps").database.db;
  const actor = c.get("actor");
  const name = await scopeName(db, actor.orgId, scope);
  if (name === null) return c.notFound();
  const [menu, groups, fields] = await Promise.all([
    menuOf(db, actor.orgId, scope),
    db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, actor.orgId)).orderBy(asc(workgroups.name)),
    db.select({ key: customFields.key, label: customFields.label }).from(customFields).where(eq(customFields.orgId, actor.orgId)).orderBy(asc(customFields.position), asc(customFields.id)),
  ]);
  const rows = Math.max(formRows(menu), Object.keys(form?.values ?? {}).filter((k) => /^o\d+_action$/.test(k)).length);
  return render(
    c,
    <BotEditPage ui={ui(c)} scope={scope} name={name} exists={menu !== null} rows={rows} form={form ?? { values: menuValues(menu), errors: {} }} workgroups={groups} fields={fields} flash={takeFlash(c)} />,
    status,
  );
}

/**
 * Files chosen for answers are stored first (each row's upload, within the limit); a row's values
 * then name the stored file, so a form drawn again with an error keeps it without a new upload.
 */
async function storeUploads(c: SignedInCtx, body: Record<string, unknown>, values: FormValues, rows: number): Promise<{ files: Map<number, BotFile> } | { errors: FieldErrors }> {
  const { database, config, clock } = c.get("deps");
  const files = new Map<number, BotFile>();
  const errors: FieldErrors = {};
  for (let r = 0; r < rows; r++) {
    const file = body[`o${r}_file`];
    if (!(file instanceof File) || file.size === 0 || values[`o${r}_action`] !== "answer") continue;
    try {
      const stored = await storeBotFile(database.db, storageFor(config), c.get("actor").orgId, file, clock.now());
      files.set(r, stored);
      Object.assign(values, { [`o${r}_fileId`]: String(stored.attachmentId), [`o${r}_fileName`]: stored.filename });
    } catch (e) {
      if (!(e instanceof BotFileRefused)) throw e;
      errors[`o${r}_file`] = e.message;
    }
  }
  return Object.keys(errors).length ? { errors } : { files };
}

export function botAdminRoutes() {
  const app = signedInRoutes("admin");
  app.get("/", async (c) => {
    const overview = await menuOverview(c.get("deps").database.db, c.get("actor").orgId);
    return render(c, <BotListPage ui={ui(c)} overview={overview} flash={takeFlash(c)} />);
  });
  app.get("/:kind{channel|brand}/:id{[0-9]+}", (c) => editPage(c, scopeFrom(c)));
  app.post("/:kind{channel|brand}/:id{[0-9]+}", async (c) => {
    const scope = scopeFrom(c);
    const body = await c.req.parseBody({ all: true });
    const values = formValues(body);
    const t = c.get("t");
    const translate = (errors: FieldErrors) => Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, t(v as MessageKey)]));
    const rows = Math.min(200, Object.keys(values).filter((k) => /^o\d+_action$/.test(k)).length);
    const uploaded = await storeUploads(c, body, values, rows);
    if ("errors" in uploaded) return editPage(c, scope, { values, errors: translate(uploaded.errors) }, 422);
    const parsed = parseMenuForm(values, rows, uploaded.files);
    if ("errors" in parsed) return editPage(c, scope, { values, errors: translate(parsed.errors) }, 422);
    const { database, clock, config } = c.get("deps");
    const unused: string[] = [];
    try {
      await commit(database, c.get("actor").orgId, (db) => saveMenu(db, c.get("actor"), scope, parsed.input, clock.now(), unused));
      for (const key of unused) await storageFor(config).delete(key);
    } catch (e) {
      if (!(e instanceof BotMenuRefused)) throw e;
      if (e.message === "not_found") return c.notFound();
      return editPage(c, scope, { values, errors: { _form: t(e.message as MessageKey) } }, 422);
    }
    flash(c, "ok", "bot.admin.saved");
    return redirect(c, "/admin/bot");
  });
  app.post("/:kind{channel|brand}/:id{[0-9]+}/remove", async (c) => {
    const scope = scopeFrom(c);
    const actor = c.get("actor");
    if ((await scopeName(c.get("deps").database.db, actor.orgId, scope)) === null) return c.notFound();
    await commit(c.get("deps").database, actor.orgId, (db) => removeMenu(db, actor, scope, c.get("deps").clock.now()));
    flash(c, "ok", "bot.admin.saved");
    return redirect(c, "/admin/bot");
  });
  return app;
}
