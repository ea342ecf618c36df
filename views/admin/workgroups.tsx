// Admin → Workgroups: the create form, the list with members, the edit page (name and members).
import { WORKGROUP_NAME_MAX, type WorkgroupMember, type WorkgroupRow } from "../../src/admin/workgroups";
import { Alert, Field, FormError, values, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout, LoadMore, withQuery } from "./shell";

const BASE = "/admin/workgroups";
/** Names shown in a list row before "+N more", so a big team does not stretch the table. */
const NAMES_SHOWN = 5;

export interface WorkgroupsPageProps {
  ui: Ui;
  rows: WorkgroupRow[];
  next: string | null;
  form: FormState;
  /** Who can be ticked as a member. */
  choices: WorkgroupMember[];
  flash: Flash;
}

export function WorkgroupsPage(props: WorkgroupsPageProps) {
  const { ui } = props;
  return (
    <AdminLayout ui={ui} title={ui.t("workgroups.title")}>
      <div id="workgroups-panel">
        <h1>{ui.t("workgroups.title")}</h1>
        <p class="muted">{ui.t("workgroups.intro")}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <details class="card" open={Object.keys(props.form.errors).length > 0 || undefined}>
          <summary>
            <h2>{ui.t("workgroups.create")}</h2>
          </summary>
          <form method="post" action={BASE} class="stack" hx-post={BASE} hx-target="#workgroups-panel" hx-select="#workgroups-panel" hx-swap="outerHTML">
            <WorkgroupFields ui={ui} form={props.form} choices={props.choices} />
            <div>
              <button type="submit" class="primary">
                {ui.t("common.create")}
              </button>
            </div>
          </form>
        </details>
        <table class="list">
          <thead>
            <tr>
              <th>{ui.t("common.name")}</th>
              <th>{ui.t("workgroups.memberCount")}</th>
              <th>{ui.t("workgroups.members")}</th>
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id="workgroups-rows">
            <WorkgroupRows ui={ui} rows={props.rows} next={props.next} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t("workgroups.empty")}</p> : null}
      </div>
    </AdminLayout>
  );
}

function WorkgroupFields({ ui, form, choices }: { ui: Ui; form: FormState; choices: WorkgroupMember[] }) {
  const chosen = new Set(values(form, "memberIds"));
  const error = form.errors.memberIds;
  return (
    <>
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <Field form={form} name="name" label={ui.t("common.name")} required maxlength={WORKGROUP_NAME_MAX} />
      <fieldset class={error ? "field checkboxes has-error" : "field checkboxes"}>
        <legend>{ui.t("workgroups.members")}</legend>
        {choices.length === 0 ? <span class="muted">{ui.t("workgroups.noChoices")}</span> : null}
        {choices.map((m) => (
          <label>
            <input type="checkbox" name="memberIds" value={m.id} checked={chosen.has(m.id)} /> {m.name}
            {m.active ? null : <span class="muted"> ({ui.t("workgroups.deactivated")})</span>}
          </label>
        ))}
        {error ? <small class="error">{error}</small> : null}
      </fieldset>
    </>
  );
}

function MemberNames({ ui, members }: { ui: Ui; members: WorkgroupMember[] }) {
  if (members.length === 0) return <span class="muted">—</span>;
  const shown = members.slice(0, NAMES_SHOWN);
  return (
    <>
      {shown.map((m, i) => (
        <>
          {i > 0 ? ", " : null}
          {m.active ? (
            m.name
          ) : (
            <span class="muted" title={ui.t("workgroups.deactivated")}>
              {m.name}
            </span>
          )}
        </>
      ))}
      {members.length > NAMES_SHOWN ? <span class="muted"> {ui.t("workgroups.andMore", { count: members.length - NAMES_SHOWN })}</span> : null}
    </>
  );
}

export function WorkgroupRows({ ui, rows, next }: { ui: Ui; rows: WorkgroupRow[]; next: string | null }) {
  return (
    <>
      {rows.map((r) => {
        const base = `${BASE}/${r.id}`;
        return (
          <tr>
            <td>
              <a href={base}>{r.name}</a>
            </td>
            <td>{r.members.length}</td>
            <td>
              <MemberNames ui={ui} members={r.members} />
            </td>
            <td>
              <div class="row-actions">
                <a href={base}>{ui.t("common.edit")}</a>
                <form
                  method="post"
                  action={`${base}/delete`}
                  hx-post={`${base}/delete`}
                  hx-target="#workgroups-panel"
                  hx-select="#workgroups-panel"
                  hx-swap="outerHTML"
                  data-confirm={ui.t("workgroups.confirmDelete", { name: r.name })}
                >
                  <button type="submit" class="link danger-link">
                    {ui.t("common.delete")}
                  </button>
                </form>
              </div>
            </td>
          </tr>
        );
      })}
      {next ? <LoadMore ui={ui} href={withQuery(BASE, { after: next })} /> : null}
    </>
  );
}

export interface EditWorkgroupProps {
  ui: Ui;
  workgroup: WorkgroupRow;
  form: FormState;
  choices: WorkgroupMember[];
  flash: Flash;
}

export function EditWorkgroupPage({ ui, workgroup, form, choices, flash }: EditWorkgroupProps) {
  const base = `${BASE}/${workgroup.id}`;
  return (
    <AdminLayout ui={ui} title={ui.t("workgroups.edit", { name: workgroup.name })}>
      <div id="workgroup-panel">
        <p>
          <a href={BASE}>← {ui.t("workgroups.title")}</a>
        </p>
        <h1>{ui.t("workgroups.edit", { name: workgroup.name })}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={base} class="stack card" hx-post={base} hx-target="#workgroup-panel" hx-select="#workgroup-panel" hx-swap="outerHTML">
          <WorkgroupFields ui={ui} form={form} choices={choices} />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <form method="post" action={`${base}/delete`} class="actions" data-confirm={ui.t("workgroups.confirmDelete", { name: workgroup.name })}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
