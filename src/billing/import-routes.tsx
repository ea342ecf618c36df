// Admin → Import (/admin/imports): upload a CSV, preview it, start it, follow it, download its report.
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import { fieldErrors, formValues, idParam, idQuery, type FormValues } from "../forms";
import { commit } from "../realtime/changes";
import { flash, isHtmx, redirect, render, takeFlash, ui, type SignedInCtx } from "../web";
import { emptyForm, type FormState } from "../../views/components/form";
import { ImportRows, ImportsPage } from "../../views/billing/imports";
import { ImportPage } from "../../views/billing/import-page";
import { createImport, discardImport, importView, ImportRefused, MAX_IMPORT_LINES, orgImports, rereadImport, startImport, type ReadSettings } from "./imports";
import { runImport } from "./import-run";
import { problemReport, sampleFile } from "./import-report";
import { BillingRefused } from "./ledger";

const settingsSchema = z.object({
  delimiter: z
    .enum(["auto", ",", ";", "tab"])
    .default("auto")
    .transform((d) => (d === "tab" ? "\t" : d)),
  decimalMark: z.enum(["auto", "comma", "dot"]).default("auto"),
});

const AUTO = { delimiter: "auto", decimalMark: "auto" };

async function listPage(c: SignedInCtx, form: FormState = emptyForm(AUTO), status: 200 | 422 = 200) {
  const list = await orgImports(c.get("deps").database.db, c.get("actor"), idQuery(c, "before"));
  if (isHtmx(c) && c.req.query("before")) return render(c, <ImportRows ui={ui(c)} rows={list.rows} next={list.next} />);
  return render(c, <ImportsPage ui={ui(c)} form={form} flash={takeFlash(c)} rows={list.rows} next={list.next} />, status);
}

async function importPage(c: SignedInCtx, id: number, status: 200 | 400 = 200) {
  const { database, clock } = c.get("deps");
  const view = await importView(database.db, c.get("actor"), id, clock.now());
  const form = emptyForm({ delimiter: view.row.delimiter === "\t" ? "tab" : view.row.delimiter, decimalMark: view.row.decimalMark });
  return render(c, <ImportPage ui={ui(c)} view={view} form={form} flash={takeFlash(c)} />, status);
}

function settingsOf(values: FormValues): ReadSettings | null {
  const parsed = settingsSchema.safeParse(values);
  return parsed.success ? (parsed.data as ReadSettings) : null;
}

export function importAdminRoutes() {
  const app = signedInRoutes("admin");
  app.get("/", (c) => listPage(c));
  app.get("/sample.csv", (c) =>
    c.body(sampleFile(c.get("locale")), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="kanal-import-sample.csv"` }),
  );
  app.post("/", async (c) => {
    const body = await c.req.parseBody();
    const values = formValues(body);
    const t = c.get("t");
    const parsed = settingsSchema.safeParse(values);
    if (!parsed.success) return listPage(c, { values, errors: fieldErrors(parsed.error, t) }, 422);
    const settings = parsed.data as ReadSettings;
    const upload = body.file instanceof File && body.file.size > 0 ? { name: body.file.name, bytes: new Uint8Array(await body.file.arrayBuffer()) } : null;
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    try {
      const { id } = await commit(database, actor.orgId, (db) => createImport(db, actor, upload, settings, c.get("locale"), clock.now()));
      return redirect(c, `/admin/imports/${id}`);
    } catch (e) {
      if (!(e instanceof ImportRefused)) throw e;
      return listPage(c, { values, errors: { file: t(`imports.error.${e.reason}`, { max: MAX_IMPORT_LINES.toLocaleString(c.get("locale")) }) } }, 422);
    }
  });
  app.get("/:id{[0-9]+}", (c) => importPage(c, idParam(c)));
  app.post("/:id{[0-9]+}/settings", async (c) => {
    const id = idParam(c);
    const settings = settingsOf(formValues(await c.req.parseBody()));
    if (!settings) return importPage(c, id, 400);
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    try {
      await commit(database, actor.orgId, (db) => rereadImport(db, actor, id, settings, c.get("locale"), clock.now()));
    } catch (e) {
      // Started meanwhile: its page says how it goes.
      if (!(e instanceof BillingRefused && e.reason === "not_pending")) throw e;
    }
    return redirect(c, `/admin/imports/${id}`);
  });
  app.post("/:id{[0-9]+}/start", async (c) => {
    const id = idParam(c);
    const actor = c.get("actor");
    const deps = c.get("deps");
    try {
      await commit(deps.database, actor.orgId, (db) => startImport(db, actor, id, deps.clock.now()));
    } catch (e) {
      if (!(e instanceof BillingRefused && e.reason === "invalid")) throw e;
      flash(c, "error", "imports.error.invalid");
      return redirect(c, `/admin/imports/${id}`);
    }
    // Runs on in this process; the import-runs job takes it over if this process stops.
    c.get("runtime").background.run("ledger-import", () => runImport(deps, id));
    return redirect(c, `/admin/imports/${id}`);
  });
  app.post("/:id{[0-9]+}/discard", async (c) => {
    const id = idParam(c);
    const discarded = await discardImport(c.get("deps").database.db, c.get("actor"), id);
    if (!discarded) return redirect(c, `/admin/imports/${id}`);
    flash(c, "ok", "imports.discarded");
    return redirect(c, "/admin/imports");
  });
  app.get("/:id{[0-9]+}/problems.csv", async (c) => {
    const report = await problemReport(c.get("deps").database.db, c.get("actor"), idParam(c), c.get("t"));
    return new Response(report.body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(report.fileName)}`,
        "cache-control": "no-store",
      },
    });
  });
  return app;
}
