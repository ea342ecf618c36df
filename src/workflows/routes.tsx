// Admin → Workflows routes: the list with the create form, a rule's page (edit, delete, run log) and its test.
import { signedInRoutes } from "../auth/middleware";
import { formValues, type FieldErrors, type FormValues } from "../forms";
import { ID, idOf } from "../admin/resource";
import { flash, redirect, render, takeFlash, ui, type SignedInCtx } from "../web";
import { emptyForm } from "../../views/components/form";
import { WorkflowPage, WorkflowsPage } from "../../views/workflows/page";
import type { Flash } from "../../views/ui";
import { parseRule } from "./rules";
import { formOfRule, ruleFromForm, testSchema } from "./form";
import { conversationExists, createWorkflow, deleteWorkflow, getWorkflow, listWorkflows, testWorkflow, updateWorkflow, workflowChoices, WorkflowNotFound, workflowRunLog, type TestOutcome } from "./workflows";

const newRule: FormValues = { enabled: "on", flow: "continue", trigger: "message_received" };

async function listPage(c: SignedInCtx, form = emptyForm(newRule), status: 200 | 422 = 200) {
  const db = c.get("deps").database.db;
  const orgId = c.get("actor").orgId;
  const [rows, choices] = await Promise.all([listWorkflows(db, orgId), workflowChoices(db, orgId)]);
  return render(c, <WorkflowsPage ui={ui(c)} rows={rows} form={form} flash={takeFlash(c)} choices={choices} />, status);
}

async function rulePage(c: SignedInCtx, id: number, options: { form?: { values: FormValues; errors: FieldErrors }; test?: TestOutcome | null; testError?: string | null; flash?: Flash; status?: 200 | 400 | 422 } = {}) {
  const db = c.get("deps").database.db;
  const orgId = c.get("actor").orgId;
  const row = await getWorkflow(db, orgId, id);
  const rule = parseRule(row);
  const [choices, runs] = await Promise.all([workflowChoices(db, orgId), workflowRunLog(db, orgId, id)]);
  const form = options.form ?? emptyForm(rule ? formOfRule({ ...rule, enabled: row.enabled }) : { name: row.name });
  return render(
    c,
    <WorkflowPage ui={ui(c)} id={id} name={row.name} form={form} flash={options.flash === undefined ? takeFlash(c) : options.flash} choices={choices} runs={runs} test={options.test ?? null} testError={options.testError ?? null} />,
    options.status ?? 200,
  );
}

export function workflowsRoutes() {
  const app = signedInRoutes("admin");
  app.onError((err, c) => {
    if (err instanceof WorkflowNotFound) return c.notFound();
    throw err;
  });
  app.get("/", (c) => listPage(c));
  app.post("/", async (c) => {
    const values = formValues(await c.req.parseBody({ all: true }));
    const read = ruleFromForm(values);
    if (!read.ok) return listPage(c, { values, errors: read.errors }, 422);
    const id = await createWorkflow(c.get("deps").database.db, c.get("actor"), read.rule, c.get("deps").clock.now());
    flash(c, "ok", "workflows.saved");
    return redirect(c, `/admin/workflows/${id}`);
  });
  app.get(ID, (c) => rulePage(c, idOf(c)));
  app.post(ID, async (c) => {
    const values = formValues(await c.req.parseBody({ all: true }));
    const read = ruleFromForm(values);
    if (!read.ok) return rulePage(c, idOf(c), { form: { values, errors: read.errors }, status: 422 });
    await updateWorkflow(c.get("deps").database.db, c.get("actor"), idOf(c), read.rule, c.get("deps").clock.now());
    flash(c, "ok", "workflows.saved");
    return redirect(c, `/admin/workflows/${idOf(c)}`);
  });
  app.post(`${ID}/delete`, async (c) => {
    await deleteWorkflow(c.get("deps").database.db, c.get("actor"), idOf(c), c.get("deps").clock.now());
    flash(c, "ok", "workflows.deleted");
    return redirect(c, "/admin/workflows");
  });
  app.post(`${ID}/test`, async (c) => {
    const parsed = testSchema.safeParse(await c.req.parseBody());
    const db = c.get("deps").database.db;
    const orgId = c.get("actor").orgId;
    if (!parsed.success || !(await conversationExists(db, orgId, parsed.data.conversationId))) return rulePage(c, idOf(c), { testError: c.get("t")("workflows.testNotFound"), flash: null, status: 400 });
    const test = await testWorkflow(db, orgId, idOf(c), parsed.data.conversationId, c.get("deps").clock.now());
    return rulePage(c, idOf(c), { test, flash: null });
  });
  return app;
}
