// Admin → Bot: which channels and brands have a bot and a survey, and the form for one of them.
import type { Scope } from "../../src/bot/menus";
import type { menuOverview } from "../../src/bot/menus";
import { AdminLayout } from "../admin/shell";
import { Alert, Field, FormError, Options, TextArea, value, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";

type Overview = Awaited<ReturnType<typeof menuOverview>>;

const onOff = (ui: Ui, on: boolean | undefined) => <span class={on ? "badge status-online" : "badge"}>{ui.t(on ? "bot.admin.on" : "bot.admin.off")}</span>;

export function BotListPage({ ui, overview, flash }: { ui: Ui; overview: Overview; flash: Flash }) {
  return (
    <AdminLayout ui={ui} title={ui.t("bot.admin.title")}>
      <h1>{ui.t("bot.admin.title")}</h1>
      <p class="muted">{ui.t("bot.admin.intro")}</p>
      {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
      <h2>{ui.t("bot.admin.channels")}</h2>
      <div class="table-wrap">
        <table class="bot-table">
          <thead>
            <tr>
              <th>{ui.t("bot.admin.scope")}</th>
              <th>{ui.t("bot.admin.state")}</th>
              <th>{ui.t("bot.admin.survey")}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {overview.channels.map((ch) => {
              const applied = ch.menu ?? ch.brandMenu;
              const brand = !ch.menu && ch.brandMenu ? overview.brands.find((b) => b.id === ch.brandId) : null;
              return (
                <tr>
                  <td>
                    {ch.name} <small class="muted">{ch.kind}</small>
                    {brand ? (
                      <>
                        <br />
                        <small class="muted">{ui.t("bot.admin.fromBrand", { name: brand.name })}</small>
                      </>
                    ) : null}
                  </td>
                  <td>{onOff(ui, applied?.enabled)}</td>
                  <td>{onOff(ui, applied?.surveyEnabled)}</td>
                  <td>
                    <a href={`/admin/bot/channel/${ch.id}`}>{ui.t("bot.admin.edit")}</a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {overview.brands.length ? (
        <>
          <h2>{ui.t("bot.admin.brands")}</h2>
          <div class="table-wrap">
            <table class="bot-table">
              <tbody>
                {overview.brands.map((b) => (
                  <tr>
                    <td>{b.name}</td>
                    <td>{onOff(ui, b.menu?.enabled)}</td>
                    <td>{onOff(ui, b.menu?.surveyEnabled)}</td>
                    <td>
                      <a href={`/admin/bot/brand/${b.id}`}>{ui.t("bot.admin.edit")}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </AdminLayout>
  );
}

interface EditProps {
  ui: Ui;
  scope: Scope;
  name: string;
  exists: boolean;
  rows: number;
  form: FormState;
  workgroups: { id: number; name: string }[];
  fields: { key: string; label: string }[];
  flash: Flash;
}

function Check({ form, name, label }: { form: FormState; name: string; label: string }) {
  return (
    <label class="inline">
      <input type="checkbox" name={name} checked={value(form, name) === "on"} /> {label}
    </label>
  );
}

function Choose({ name, label, current, options, error }: { name: string; label: string; current: string; options: { value: string; label: string }[]; error?: string }) {
  return (
    <label class={error ? "has-error" : undefined}>
      <span class="visually-hidden">{label}</span>
      <select name={name} aria-label={label}>
        <Options options={options} current={current} />
      </select>
      {error ? <small class="error">{error}</small> : null}
    </label>
  );
}

function OptionRow({ ui, p, r }: { ui: Ui; p: EditProps; r: number }) {
  const v = (k: string) => value(p.form, `o${r}_${k}`);
  const err = (k: string) => p.form.errors[`o${r}_${k}`];
  const parents = [{ value: "", label: ui.t("bot.field.top") }, ...Array.from({ length: r }, (_, i) => ({ value: String(i), label: `${i + 1}. ${value(p.form, `o${i}_title`) || "…"}` }))];
  return (
    <tr>
      <th scope="row">
        {r + 1}
        <input type="hidden" name={`o${r}_id`} value={v("id")} />
      </th>
      <td>
        <Choose name={`o${r}_parent`} label={ui.t("bot.field.parent")} current={v("parent")} options={parents} error={err("parent")} />
      </td>
      <td>
        <input name={`o${r}_title`} value={v("title")} maxlength={24} aria-label={ui.t("bot.field.title")} aria-invalid={err("title") ? "true" : undefined} />
        {err("title") ? <small class="error">{err("title")}</small> : null}
      </td>
      <td>
        <Choose
          name={`o${r}_action`}
          label={ui.t("bot.field.action")}
          current={v("action")}
          options={[{ value: "", label: ui.t("bot.action.none") }, ...(["answer", "question", "submenu", "handover"] as const).map((a) => ({ value: a, label: ui.t(`bot.action.${a}`) }))]}
          error={err("action")}
        />
      </td>
      <td>
        <textarea name={`o${r}_text`} rows={2} maxlength={1000} aria-label={ui.t("bot.field.text")}>
          {v("text")}
        </textarea>
        {err("text") ? <small class="error">{err("text")}</small> : null}
        <label class="bot-file">
          {ui.t("bot.field.file")} <input type="file" name={`o${r}_file`} aria-invalid={err("file") ? "true" : undefined} />
        </label>
        {err("file") ? <small class="error">{err("file")}</small> : null}
        {v("fileId") ? (
          <>
            <input type="hidden" name={`o${r}_fileId`} value={v("fileId")} />
            <input type="hidden" name={`o${r}_fileName`} value={v("fileName")} />
            <label class="checkbox">
              <input type="checkbox" name={`o${r}_fileRemove`} /> {ui.t("bot.field.fileRemove", { name: v("fileName") })}
            </label>
          </>
        ) : null}
      </td>
      <td>
        <Choose name={`o${r}_field`} label={ui.t("bot.field.fieldKey")} current={v("field")} options={[{ value: "", label: "—" }, ...p.fields.map((f) => ({ value: f.key, label: f.label }))]} error={err("field")} />
      </td>
      <td>
        <Choose name={`o${r}_group`} label={ui.t("bot.field.workgroup")} current={v("group")} options={[{ value: "", label: ui.t("bot.field.channelGroup") }, ...p.workgroups.map((g) => ({ value: String(g.id), label: g.name }))]} />
      </td>
    </tr>
  );
}

export function BotEditPage(p: EditProps) {
  const { ui } = p;
  const base = "channelId" in p.scope ? `/admin/bot/channel/${p.scope.channelId}` : `/admin/bot/brand/${p.scope.brandId}`;
  const groups = [{ value: "", label: ui.t("bot.field.channelGroup") }, ...p.workgroups.map((g) => ({ value: String(g.id), label: g.name }))];
  return (
    <AdminLayout ui={ui} title={`${ui.t("bot.admin.title")} · ${p.name}`}>
      <p>
        <a href="/admin/bot">← {ui.t("bot.admin.back")}</a>
      </p>
      <h1>
        {ui.t("bot.admin.title")} · {p.name}
      </h1>
      {p.flash ? <Alert kind={p.flash.kind}>{p.flash.text}</Alert> : null}
      <form method="post" action={base} enctype="multipart/form-data" class="bot-form stack">
        <FormError form={p.form} text={ui.t("workflows.fix")} />
        <fieldset>
          <legend>{ui.t("bot.admin.state")}</legend>
          <Check form={p.form} name="enabled" label={ui.t("bot.field.enabled")} />
          <TextArea form={p.form} name="greeting" label={ui.t("bot.field.greeting")} maxlength={1000} />
          <p>
            <strong>{ui.t("bot.field.options")}</strong>
          </p>
          <div class="table-wrap">
            <table class="bot-options">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{ui.t("bot.field.parent")}</th>
                  <th>{ui.t("bot.field.title")}</th>
                  <th>{ui.t("bot.field.action")}</th>
                  <th>{ui.t("bot.field.text")}</th>
                  <th>{ui.t("bot.field.fieldKey")}</th>
                  <th>{ui.t("bot.field.workgroup")}</th>
                </tr>
              </thead>
              <tbody>
                {Array.from({ length: p.rows }, (_, r) => (
                  <OptionRow ui={ui} p={p} r={r} />
                ))}
              </tbody>
            </table>
          </div>
          <Field form={p.form} name="handoverKeyword" label={ui.t("bot.field.keyword")} maxlength={40} />
          <Field form={p.form} name="timeoutMinutes" type="number" label={ui.t("bot.field.timeout")} />
          <div class="field">
            <label for="f-handoverWorkgroupId">{ui.t("bot.field.handoverGroup")}</label>
            <select id="f-handoverWorkgroupId" name="handoverWorkgroupId">
              {groups.map((g) => (
                <option value={g.value} selected={g.value === value(p.form, "handoverWorkgroupId")}>
                  {g.label}
                </option>
              ))}
            </select>
          </div>
          <TextArea form={p.form} name="unknownText" label={ui.t("bot.field.unknownText")} maxlength={500} rows={2} />
        </fieldset>
        <fieldset>
          <legend>{ui.t("bot.admin.survey")}</legend>
          <Check form={p.form} name="surveyEnabled" label={ui.t("bot.field.surveyEnabled")} />
          <TextArea form={p.form} name="surveyQuestion" label={ui.t("bot.field.surveyQuestion")} maxlength={500} rows={2} />
          <TextArea form={p.form} name="surveyComment" label={ui.t("bot.field.surveyComment")} maxlength={500} rows={2} />
        </fieldset>
        <button type="submit" class="primary">
          {ui.t("common.save")}
        </button>
      </form>
      {p.exists ? (
        <form method="post" action={`${base}/remove`} data-confirm={ui.t("bot.admin.removeAsk")}>
          <button type="submit" class="danger">
            {ui.t("bot.admin.remove")}
          </button>
        </form>
      ) : null}
    </AdminLayout>
  );
}
