// Admin → Users: invite form, the member list, and the edit page.
import { roles } from "../../db/schema";
import type { MemberRow } from "../../src/admin/users";
import { Alert, Field, FormError, Select, values, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout, LoadMore, withQuery } from "./shell";

export interface UsersPageProps {
  ui: Ui;
  rows: MemberRow[];
  next: string | null;
  search: string;
  form: FormState;
  workgroups: { id: number; name: string }[];
  invitations: { id: number; email: string; role: string }[];
  flash: Flash;
  link?: { text: string; url: string } | null;
}

function roleOptions(ui: Ui) {
  return roles.map((r) => ({ value: r, label: ui.t(`role.${r}`) }));
}

function WorkgroupBoxes({ ui, form, workgroups }: { ui: Ui; form: FormState; workgroups: { id: number; name: string }[] }) {
  if (workgroups.length === 0) return null;
  const chosen = new Set(values(form, "workgroupIds"));
  return (
    <fieldset class="field checkboxes">
      <legend>{ui.t("users.workgroups")}</legend>
      {workgroups.map((w) => (
        <label>
          <input type="checkbox" name="workgroupIds" value={String(w.id)} checked={chosen.has(String(w.id))} /> {w.name}
        </label>
      ))}
    </fieldset>
  );
}

export function UsersPage(props: UsersPageProps) {
  const { ui } = props;
  return (
    <AdminLayout ui={ui} title={ui.t("users.title")}>
      <div id="users-panel">
        <h1>{ui.t("users.title")}</h1>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        {props.link ? <PasswordLink ui={ui} {...props.link} /> : null}
        <details class="card" open={Object.keys(props.form.errors).length > 0 || undefined}>
          <summary>
            <h2>{ui.t("users.invite")}</h2>
          </summary>
          <InviteForm {...props} />
        </details>
        {props.invitations.length ? <AwaitingInvitations ui={ui} invitations={props.invitations} /> : null}
        <form class="search" method="get" action="/admin/users" role="search">
          <label class="visually-hidden" for="users-q">
            {ui.t("users.search")}
          </label>
          <input id="users-q" type="search" name="q" value={props.search} placeholder={ui.t("users.search")} />
          <button type="submit">{ui.t("common.search")}</button>
        </form>
        <table class="list">
          <thead>
            <tr>
              <th>{ui.t("common.name")}</th>
              <th>{ui.t("common.email")}</th>
              <th>{ui.t("users.role")}</th>
              <th>{ui.t("users.workgroups")}</th>
              <th>{ui.t("users.status")}</th>
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id="users-rows">
            <UserRows ui={ui} rows={props.rows} next={props.next} search={props.search} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t("common.empty")}</p> : null}
      </div>
    </AdminLayout>
  );
}

function AwaitingInvitations({ ui, invitations }: { ui: Ui; invitations: UsersPageProps["invitations"] }) {
  return (
    <section class="card" aria-labelledby="awaiting-title">
      <h2 id="awaiting-title">{ui.t("users.awaiting")}</h2>
      <ul class="plain">
        {invitations.map((i) => (
          <li>
            {i.email} · {ui.t(`role.${i.role as "admin"}`)}{" "}
            <form method="post" action={`/admin/users/invitations/${i.id}/withdraw`} class="inline">
              <button type="submit" class="link">
                {ui.t("users.withdraw")}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function InviteForm({ ui, form, workgroups }: UsersPageProps) {
  return (
    <form method="post" action="/admin/users" class="stack" hx-post="/admin/users" hx-target="#users-panel" hx-select="#users-panel" hx-swap="outerHTML">
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <div class="row">
        <Field form={form} name="name" label={ui.t("common.name")} required maxlength={120} />
        <Field form={form} name="email" type="email" label={ui.t("common.email")} required maxlength={320} />
        <Select form={form} name="role" label={ui.t("users.role")} options={roleOptions(ui)} />
      </div>
      <WorkgroupBoxes ui={ui} form={form} workgroups={workgroups} />
      <button type="submit" class="primary">
        {ui.t("users.invite")}
      </button>
    </form>
  );
}

export function UserRows({ ui, rows, next, search }: { ui: Ui; rows: MemberRow[]; next: string | null; search: string }) {
  return (
    <>
      {rows.map((r) => (
        <tr class={r.active ? undefined : "inactive"}>
          <td>
            <a href={`/admin/users/${r.userId}`}>{r.name}</a>
          </td>
          <td>{r.email}</td>
          <td>{ui.t(`role.${r.role}`)}</td>
          <td>{r.workgroups.map((w) => w.name).join(", ") || "—"}</td>
          <td>
            {!r.active ? (
              <span class="badge muted">{ui.t("users.deactivated")}</span>
            ) : r.pending ? (
              <span class="badge warn">{ui.t("users.pending")}</span>
            ) : (
              <span class={`badge status-${r.status}`}>{ui.t(`status.${r.status as "online"}`)}</span>
            )}
          </td>
          <td>
            <a href={`/admin/users/${r.userId}`}>{ui.t("common.edit")}</a>
          </td>
        </tr>
      ))}
      {next ? <LoadMore ui={ui} href={withQuery("/admin/users", { q: search, after: next })} /> : null}
    </>
  );
}

export function PasswordLink({ ui, text, url }: { ui: Ui; text: string; url: string }) {
  return (
    <div class="alert ok password-link" role="status">
      <p>{text}</p>
      <p>
        <input type="text" readonly value={url} aria-label={text} class="copy-source" size={60} />
        <button type="button" class="copy" data-copy={url}>
          {ui.t("users.copy")}
        </button>
      </p>
    </div>
  );
}

export interface EditUserProps {
  ui: Ui;
  member: MemberRow & { shared: boolean };
  form: FormState;
  workgroups: { id: number; name: string }[];
  flash: Flash;
  link?: { text: string; url: string } | null;
  isSelf: boolean;
}

export function EditUserPage(props: EditUserProps) {
  const { ui, member, form } = props;
  const base = `/admin/users/${member.userId}`;
  return (
    <AdminLayout ui={ui} title={ui.t("users.editTitle", { name: member.name })}>
      <div id="user-panel">
        <p>
          <a href="/admin/users">← {ui.t("users.title")}</a>
        </p>
        <h1>{ui.t("users.editTitle", { name: member.name })}</h1>
        <p class="muted">{member.email}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        {props.link ? <PasswordLink ui={ui} {...props.link} /> : null}
        <form method="post" action={base} class="stack card" hx-post={base} hx-target="#user-panel" hx-select="#user-panel" hx-swap="outerHTML">
          <FormError form={form} text={ui.t("error.fixBelow")} />
          {member.shared ? (
            <p class="hint">{ui.t("users.nameTheirs")}</p>
          ) : (
            <Field form={form} name="name" label={ui.t("common.name")} required maxlength={120} />
          )}
          <Select form={form} name="role" label={ui.t("users.role")} options={roleOptions(ui)} />
          <WorkgroupBoxes ui={ui} form={form} workgroups={props.workgroups} />
          <Field form={form} name="capacity" type="number" label={ui.t("users.capacity")} hint={ui.t("users.capacityHint")} />
          <button type="submit" class="primary">
            {ui.t("common.save")}
          </button>
        </form>
        <div class="actions">
          <form method="post" action={`${base}/password-link`}>
            <button type="submit">{ui.t("users.passwordLink")}</button>
          </form>
          {props.isSelf ? null : member.active ? (
            <form method="post" action={`${base}/deactivate`} data-confirm={ui.t("users.confirmDeactivate")}>
              <button type="submit" class="danger">
                {ui.t("users.deactivate")}
              </button>
            </form>
          ) : (
            <form method="post" action={`${base}/reactivate`}>
              <button type="submit">{ui.t("users.reactivate")}</button>
            </form>
          )}
        </div>
      </div>
    </AdminLayout>
  );
}
