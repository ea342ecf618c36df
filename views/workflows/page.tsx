// Admin → Workflows: the rules in order with the create form, and a rule's page (its editor, the
// test against a conversation, and its run log).
import type { WorkflowChoices, RunLogRow, TestOutcome, WorkflowRow } from "../../src/workflows/workflows";
import { ACTION_ROWS, CONDITION_ROWS, MAX_CONDITION_ROWS } from "../../src/workflows/form";
import { channelKinds, conversationTypes } from "@db/schema";
import { operatorsByType } from "../../src/inbox/filters";
import { Alert, Field, FormError, Select, value, type FormState } from "../components/form";
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";
import { AdminLayout } from "../admin/shell";

type Option = { value: string; label: string };

function triggerOptions(ui: Ui, c: WorkflowChoices): Option[] {
  return [
    { value: "message_received", label: ui.t("workflows.trigger.message_received") },
    { value: "conversation_opened", label: ui.t("workflows.trigger.conversation_opened") },
    { value: "assigned", label: ui.t("workflows.trigger.assigned") },
    { value: "closed", label: ui.t("workflows.trigger.closed") },
    { value: "tag_added", label: ui.t("workflows.trigger.tag_added_any") },
    ...c.tags.map((t) => ({ value: `tag_added:${t.id}`, label: ui.t("workflows.trigger.tag_added", { tag: t.name }) })),
    { value: "tag_removed", label: ui.t("workflows.trigger.tag_removed_any") },
    ...c.tags.map((t) => ({ value: `tag_removed:${t.id}`, label: ui.t("workflows.trigger.tag_removed", { tag: t.name }) })),
    { value: "contact_field_changed", label: ui.t("workflows.trigger.contact_field_changed") },
    { value: "no_agent_reply", label: ui.t("workflows.trigger.no_agent_reply") },
    { value: "no_customer_reply", label: ui.t("workflows.trigger.no_customer_reply") },
    { value: "schedule", label: ui.t("workflows.trigger.schedule") },
  ];
}

function conditionOptions(ui: Ui, c: WorkflowChoices): Option[] {
  return [
    { value: "", label: "—" },
    ...channelKinds.filter((k) => k !== "support").map((k) => ({ value: `channel_kind:${k}`, label: ui.t("workflows.cond.channel_kind", { kind: ui.t(`inbox.channel.${k}` as "inbox.channel.webchat") }) })),
    ...c.channels.map((ch) => ({ value: `channel:${ch.id}`, label: ui.t("workflows.cond.channel", { name: ch.name }) })),
    ...c.brands.map((b) => ({ value: `brand:${b.id}`, label: ui.t("workflows.cond.brand", { name: b.name }) })),
    ...c.workgroups.map((g) => ({ value: `workgroup:${g.id}`, label: ui.t("workflows.cond.workgroup", { name: g.name }) })),
    ...c.tags.flatMap((t) => [
      { value: `tag_present:${t.id}`, label: ui.t("workflows.cond.tag_present", { tag: t.name }) },
      { value: `tag_absent:${t.id}`, label: ui.t("workflows.cond.tag_absent", { tag: t.name }) },
    ]),
    ...c.fields.flatMap((f) => operatorsByType[f.type].map((op) => ({ value: `field:${f.key}:${op}`, label: ui.t("workflows.cond.field", { field: f.label, op: ui.t(`filters.op.${op}` as "filters.op.contains") }) }))),
    { value: "text_contains", label: ui.t("workflows.cond.text_contains") },
    { value: "text_matches", label: ui.t("workflows.cond.text_matches") },
    { value: "business_hours:inside", label: ui.t("workflows.cond.inside_hours") },
    { value: "business_hours:outside", label: ui.t("workflows.cond.outside_hours") },
    { value: "contact:new", label: ui.t("workflows.cond.new_contact") },
    { value: "contact:returning", label: ui.t("workflows.cond.returning_contact") },
    ...conversationTypes.map((t) => ({ value: `session_type:${t}`, label: ui.t("workflows.cond.session_type", { type: t }) })),
  ];
}

function actionOptions(ui: Ui, c: WorkflowChoices): Option[] {
  const closing = (m: WorkflowChoices["closings"][number]) => (m.builtinKey ? ui.t(m.builtinKey as "workflows.title") : m.body);
  return [
    { value: "", label: "—" },
    ...c.workgroups.map((g) => ({ value: `assign_workgroup:${g.id}`, label: ui.t("workflows.act.assign_workgroup", { name: g.name }) })),
    ...c.people.map((p) => ({ value: `assign_user:${p.id}`, label: ui.t("workflows.act.assign_user", { name: p.name }) })),
    ...c.tags.flatMap((t) => [
      { value: `add_tag:${t.id}`, label: ui.t("workflows.act.add_tag", { tag: t.name }) },
      { value: `remove_tag:${t.id}`, label: ui.t("workflows.act.remove_tag", { tag: t.name }) },
    ]),
    ...c.fields.map((f) => ({ value: `set_field:${f.key}`, label: ui.t("workflows.act.set_field", { field: f.label }) })),
    { value: "send_message", label: ui.t("workflows.act.send_message") },
    ...c.quickReplies.map((q) => ({ value: `send_quick_reply:${q.id}`, label: ui.t("workflows.act.send_quick_reply", { title: q.title }) })),
    ...c.channels.flatMap((ch) => ch.templates.map((t) => ({ value: `send_template:${encodeURIComponent(t.name)}:${t.language}`, label: ui.t("workflows.act.send_template", { name: `${t.name} (${t.language})` }) }))),
    { value: "note", label: ui.t("workflows.act.note") },
    ...c.closings.map((m) => ({ value: `close:${m.id}`, label: ui.t("workflows.act.close", { message: closing(m).slice(0, 60) }) })),
    { value: "mark_spam", label: ui.t("workflows.act.mark_spam") },
    ...c.channels.flatMap((ch) => [
      { value: `start_conversation:${ch.id}`, label: ui.t("workflows.act.start_conversation", { channel: ch.name }) },
      ...ch.templates.map((t) => ({ value: `start_conversation:${ch.id}:${encodeURIComponent(t.name)}:${t.language}`, label: ui.t("workflows.act.start_conversation_template", { channel: ch.name, name: t.name }) })),
    ]),
    ...c.channels.flatMap((ch) => [
      { value: `send_poll:${ch.id}`, label: ui.t("workflows.act.send_poll", { channel: ch.name }) },
      // The question fills a template's one variable: templates with more cannot carry a poll.
      ...ch.templates.filter((t) => t.params <= 1).map((t) => ({ value: `send_poll:${ch.id}:${encodeURIComponent(t.name)}:${t.language}`, label: ui.t("workflows.act.send_poll_template", { channel: ch.name, name: t.name }) })),
    ]),
  ];
}

/** Enough condition rows for a stored rule's values (several channels are a row each), and one spare. */
function conditionRows(form: FormState): number {
  let last = -1;
  for (let i = 0; i < MAX_CONDITION_ROWS; i++) if (value(form, `c${i}`)) last = i;
  return Math.min(MAX_CONDITION_ROWS, Math.max(CONDITION_ROWS, last + 2));
}

export function RuleFields({ ui, form, choices }: { ui: Ui; form: FormState; choices: WorkflowChoices }) {
  const conds = conditionOptions(ui, choices);
  const acts = actionOptions(ui, choices);
  return (
    <>
      <Field form={form} name="name" label={ui.t("common.name")} required maxlength={100} />
      <label class="checkbox">
        <input type="checkbox" name="enabled" checked={value(form, "enabled") === "on"} /> {ui.t("workflows.enabled")}
      </label>
      <fieldset>
        <legend>{ui.t("workflows.when")}</legend>
        <Select form={form} name="trigger" label={ui.t("workflows.trigger")} options={triggerOptions(ui, choices)} />
        <Field form={form} name="minutes" type="number" label={ui.t("workflows.minutes")} />
        <Field form={form} name="cron" label={ui.t("workflows.cron")} maxlength={100} />
        <Field form={form} name="days" type="number" label={ui.t("workflows.days")} />
      </fieldset>
      <fieldset>
        <legend>{ui.t("workflows.if")}</legend>
        {Array.from({ length: conditionRows(form) }, (_, i) => (
          <div class="rule-row">
            <Select form={form} name={`c${i}`} label={ui.t("workflows.condition", { n: i + 1 })} options={conds} />
            <Field form={form} name={`c${i}v`} label={ui.t("workflows.value")} maxlength={200} />
          </div>
        ))}
        <p class="muted">{ui.t("workflows.anyOf")}</p>
      </fieldset>
      <fieldset>
        <legend>{ui.t("workflows.then")}</legend>
        {Array.from({ length: ACTION_ROWS }, (_, i) => (
          <div class="rule-row">
            <Select form={form} name={`a${i}`} label={ui.t("workflows.action", { n: i + 1 })} options={acts} />
            <Field form={form} name={`a${i}v`} label={ui.t("workflows.text")} maxlength={4096} />
          </div>
        ))}
        <p class="muted">{ui.t("workflows.variables")}</p>
        <p class="muted">{ui.t("workflows.pollHint")}</p>
      </fieldset>
      <Select form={form} name="flow" label={ui.t("workflows.afterMatch")} options={[{ value: "continue", label: ui.t("workflows.continue") }, { value: "stop", label: ui.t("workflows.stop") }]} />
    </>
  );
}

export function WorkflowsPage({ ui, rows, form, flash, choices }: { ui: Ui; rows: WorkflowRow[]; form: FormState; flash: Flash; choices: WorkflowChoices }) {
  return (
    <AdminLayout ui={ui} title={ui.t("workflows.title")}>
      <div id="workflows-panel">
        <h1>{ui.t("workflows.title")}</h1>
        <p class="muted">{ui.t("workflows.intro")}</p>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        {rows.length === 0 ? (
          <p class="muted">{ui.t("workflows.empty")}</p>
        ) : (
          <table class="list">
            <thead>
              <tr>
                <th>{ui.t("common.name")}</th>
                <th>{ui.t("workflows.trigger")}</th>
                <th>{ui.t("workflows.afterMatch")}</th>
                <th>{ui.t("workflows.lastRun")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr class={r.enabled ? "" : "muted"}>
                  <td>
                    <a href={`/admin/workflows/${r.id}`}>{r.name}</a>
                    {r.enabled ? "" : ` (${ui.t("workflows.disabled")})`}
                  </td>
                  <td>{ui.t(`workflows.trigger.${String(r.trigger.type)}` as "workflows.trigger.closed")}</td>
                  <td>{r.stopAfter ? ui.t("workflows.stop") : ui.t("workflows.continue")}</td>
                  <td>{r.lastRunAt ? fullTime(r.lastRunAt, ui.locale, ui.actor!.timezone) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <details class="card" open={Object.keys(form.errors).length > 0}>
          <summary>{ui.t("workflows.create")}</summary>
          <form method="post" action="/admin/workflows">
            <FormError form={form} text={ui.t("workflows.fix")} />
            <RuleFields ui={ui} form={form} choices={choices} />
            <button type="submit" class="primary">
              {ui.t("common.create")}
            </button>
          </form>
        </details>
      </div>
    </AdminLayout>
  );
}

export interface WorkflowPageProps {
  ui: Ui;
  id: number;
  name: string;
  form: FormState;
  flash: Flash;
  choices: WorkflowChoices;
  runs: RunLogRow[];
  test: TestOutcome | null;
  testError: string | null;
}

export function WorkflowPage(p: WorkflowPageProps) {
  const { ui } = p;
  const base = `/admin/workflows/${p.id}`;
  return (
    <AdminLayout ui={ui} title={p.name}>
      <div id="workflow-panel">
        <p>
          <a href="/admin/workflows">← {ui.t("workflows.title")}</a>
        </p>
        <h1>{p.name}</h1>
        {p.flash ? <Alert kind={p.flash.kind}>{p.flash.text}</Alert> : null}
        <form method="post" action={base}>
          <FormError form={p.form} text={ui.t("workflows.fix")} />
          <RuleFields ui={ui} form={p.form} choices={p.choices} />
          <button type="submit" class="primary">
            {ui.t("common.save")}
          </button>
        </form>
        <form method="post" action={`${base}/delete`} data-confirm={ui.t("workflows.confirmDelete", { name: p.name })}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
        <section id="workflow-test">
          <h2>{ui.t("workflows.test")}</h2>
          <p class="muted">{ui.t("workflows.testIntro")}</p>
          <form method="post" action={`${base}/test`} hx-post={`${base}/test`} hx-target="#workflow-test" hx-select="#workflow-test" hx-swap="outerHTML">
            <label>
              {ui.t("workflows.conversationId")} <input name="conversationId" inputmode="numeric" required />
            </label>
            <button type="submit">{ui.t("workflows.runTest")}</button>
          </form>
          {p.testError ? <Alert kind="error">{p.testError}</Alert> : null}
          {p.test ? (
            <div class="test-result">
              <p>
                <strong>{p.test.matches ? ui.t("workflows.testMatches", { id: p.test.conversationId }) : ui.t("workflows.testNoMatch", { id: p.test.conversationId })}</strong>
              </p>
              <ul>
                {p.test.conditions.map((c) => (
                  <li>
                    {c.holds ? "✓" : "✗"} {ui.t(`workflows.kind.${c.type}` as "workflows.kind.tag")}
                  </li>
                ))}
              </ul>
              {p.test.matches ? <p>{ui.t("workflows.testWouldDo", { actions: p.test.actions.map((a) => ui.t(`workflows.kind.${a}` as "workflows.kind.tag")).join(", ") })}</p> : null}
            </div>
          ) : null}
        </section>
        <section>
          <h2>{ui.t("workflows.runs")}</h2>
          {p.runs.length === 0 ? (
            <p class="muted">{ui.t("workflows.noRuns")}</p>
          ) : (
            <table class="list">
              <thead>
                <tr>
                  <th>{ui.t("workflows.when")}</th>
                  <th>{ui.t("workflows.conversation")}</th>
                  <th>{ui.t("workflows.matched")}</th>
                  <th>{ui.t("workflows.did")}</th>
                </tr>
              </thead>
              <tbody>
                {p.runs.map((r) => (
                  <tr class={`run ${r.status}`}>
                    <td>{fullTime(r.createdAt, ui.locale, ui.actor!.timezone)}</td>
                    <td>{r.conversationId ? <a href={`/inbox/${r.conversationId}`}>#{r.conversationId}</a> : "—"}</td>
                    <td>{r.matched.map((m) => ui.t(`workflows.kind.${m}` as "workflows.kind.tag")).join(", ")}</td>
                    <td>
                      {r.status === "pending" ? ui.t("workflows.pending") : null}
                      <ul>
                        {r.results.map((x) => (
                          <li class={x.outcome}>
                            {ui.t(`workflows.kind.${x.action}` as "workflows.kind.tag")}: {ui.t(`workflows.outcome.${x.outcome}`)}
                            {x.detail ? ` (${x.detail})` : ""}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </AdminLayout>
  );
}
