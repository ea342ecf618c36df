// Admin → Organization settings.
import { Alert, Field, FormError, Select, value, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout } from "./shell";

export function OrganizationPage({ ui, form, timezones, flash }: { ui: Ui; form: FormState; timezones: string[]; flash: Flash }) {
  return (
    <AdminLayout ui={ui} title={ui.t("admin.organization")}>
      <div id="organization-panel">
        <h1>{ui.t("admin.organization")}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action="/admin/organization" class="stack card" hx-post="/admin/organization" hx-target="#organization-panel" hx-select="#organization-panel" hx-swap="outerHTML">
          <FormError form={form} text={ui.t("error.fixBelow")} />
          <Field form={form} name="name" label={ui.t("auth.organizationName")} required maxlength={120} />
          <Select form={form} name="timezone" label={ui.t("auth.timezone")} options={timezones.map((tz) => ({ value: tz, label: tz }))} />
          <small class="hint">{ui.t("organization.timezoneHint")}</small>
          <Select
            form={form}
            name="locale"
            label={ui.t("organization.locale")}
            options={[
              { value: "en", label: "English" },
              { value: "tr", label: "Türkçe" },
            ]}
          />
          <label class="check">
            <input type="checkbox" name="agentsSeeOnlyOwn" checked={value(form, "agentsSeeOnlyOwn") === "on"} /> {ui.t("organization.agentsSeeOnlyOwn")}
          </label>
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
      </div>
    </AdminLayout>
  );
}
