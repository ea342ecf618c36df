// Admin → Workgroups: the create form, the list with members, the edit page (name and members).
import { WORKGROUP_NAME_MAX, type WorkgroupMember, type WorkgroupRow } from "../../src/admin/workgroups";
import { Field, Select, value, values, type FormState } from "../components/form";
import { routingMethods } from "@db/schema";
import type { Flash, Ui } from "../ui";
import { CreateCard, EditPanel, ListPanel, PagedRows, RowActions, type ListPageProps, type RowsProps } from "./resource";

const BASE = "/admin/workgroups";
/** Names shown in a list row before "+N more", so a big team does not stretch the table. */
const NAMES_SHOWN = 5;

export interface WorkgroupsPageProps extends ListPageProps<WorkgroupRow> {
  /** Who can be ticked as a member. */
  choices: WorkgroupMember[];
}

export function WorkgroupsPage(props: WorkgroupsPageProps) {
  const { ui } = props;
  return (
    <ListPanel
      ui={ui}
      section="workgroups"
      base={BASE}
      flash={props.flash}
      columns={[ui.t("common.name"), ui.t("workgroups.memberCount"), ui.t("workgroups.members"), ui.t("workgroups.routing")]}
      rows={<WorkgroupRows ui={ui} rows={props.rows} next={props.next} />}
      count={props.rows.length}
    >
      <CreateCard ui={ui} section="workgroups" base={BASE} form={props.form}>
        <WorkgroupFields ui={ui} form={props.form} choices={props.choices} />
      </CreateCard>
    </ListPanel>
  );
}

function WorkgroupFields({ ui, form, choices }: { ui: Ui; form: FormState; choices: WorkgroupMember[] }) {
  const chosen = new Set(values(form, "memberIds"));
  const error = form.errors.memberIds;
  return (
    <>
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
      <RoutingFields ui={ui} form={form} />
    </>
  );
}

function RoutingFields({ ui, form }: { ui: Ui; form: FormState }) {
  return (
    <fieldset class="field-group">
      <legend>{ui.t("workgroups.routing")}</legend>
      <Select form={form} name="routing" label={ui.t("workgroups.routingMethod")} options={routingMethods.map((m) => ({ value: m, label: ui.t(`workgroups.method.${m}`) }))} />
      <Field form={form} name="capacity" type="number" label={ui.t("workgroups.capacity")} hint={ui.t("workgroups.capacityHint")} />
      <Field form={form} name="ownerWaitMinutes" type="number" label={ui.t("workgroups.ownerWait")} hint={ui.t("workgroups.ownerWaitHint")} />
      <Field form={form} name="rerouteMinutes" type="number" label={ui.t("workgroups.reroute")} hint={ui.t("workgroups.rerouteHint")} />
      <label class="field checkbox">
        <input type="checkbox" name="returnOnAway" checked={value(form, "returnOnAway") === "on"} /> {ui.t("workgroups.returnOnAway")}
      </label>
    </fieldset>
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

export function WorkgroupRows({ ui, rows, next }: RowsProps<WorkgroupRow>) {
  return (
    <PagedRows ui={ui} base={BASE} next={next}>
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
            <td>{ui.t(`workgroups.method.${r.routing}`)}</td>
            <td>
              <RowActions ui={ui} base={BASE} id={r.id} confirm={ui.t("workgroups.confirmDelete", { name: r.name })} />
            </td>
          </tr>
        );
      })}
    </PagedRows>
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
  return (
    <EditPanel
      ui={ui}
      section="workgroups"
      base={BASE}
      id={workgroup.id}
      panel="workgroup-panel"
      title={ui.t("workgroups.edit", { name: workgroup.name })}
      form={form}
      flash={flash}
      confirmDelete={ui.t("workgroups.confirmDelete", { name: workgroup.name })}
    >
      <WorkgroupFields ui={ui} form={form} choices={choices} />
    </EditPanel>
  );
}
