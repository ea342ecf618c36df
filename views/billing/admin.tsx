// Admin → Payments (the provider and who may add entries by hand) and Admin → API tokens.
import { apiScopes, paymentProviderKinds, type ApiScope, type PaymentProviderKind } from "../../db/schema";
import type { ApiTokenRow } from "../../src/billing/api-tokens";
import { Alert, Field, FormError, Select, value, type FormState } from "../components/form";
import { AdminLayout } from "../admin/shell";
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";

export interface PaymentsPageProps {
  ui: Ui;
  form: FormState;
  flash: Flash;
  /** The notification URL to give the provider, once one is set up. */
  webhookUrl: string | null;
  /** Stored secrets, masked, by field name. */
  masked: Record<string, string>;
}

const ENTRY_POLICIES = ["admins", "supervisors", "agents"] as const;

export function PaymentsPage({ ui, form, flash, webhookUrl, masked }: PaymentsPageProps) {
  const kind = (value(form, "kind") || "stripe") as PaymentProviderKind;
  const secret = (name: string, label: string) => (
    <Field form={form} name={name} label={label} type="password" autocomplete="off" hint={masked[name] ? ui.t("payments.keepSecret", { masked: masked[name] }) : undefined} />
  );
  return (
    <AdminLayout ui={ui} title={ui.t("payments.title")}>
      <h1>{ui.t("payments.title")}</h1>
      <p class="muted">{ui.t("payments.intro")}</p>
      {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <form method="post" action="/admin/payments" class="stack card">
        <Select form={form} name="kind" label={ui.t("payments.provider")} options={paymentProviderKinds.map((k) => ({ value: k, label: k === "stripe" ? "Stripe" : "iyzico" }))} />
        <Field form={form} name="baseUrl" label={ui.t("payments.baseUrl")} type="url" required maxlength={300} />
        <fieldset>
          <legend>Stripe</legend>
          {secret("stripeSecretKey", ui.t("payments.stripeSecretKey"))}
          {secret("stripeWebhookSecret", ui.t("payments.stripeWebhookSecret"))}
        </fieldset>
        <fieldset>
          <legend>iyzico</legend>
          {secret("iyzicoApiKey", ui.t("payments.iyzicoApiKey"))}
          {secret("iyzicoSecretKey", ui.t("payments.iyzicoSecretKey"))}
        </fieldset>
        <Select form={form} name="ledgerEntriesBy" label={ui.t("billing.entriesBy")} options={ENTRY_POLICIES.map((p) => ({ value: p, label: ui.t(`billing.entriesBy.${p}`) }))} />
        <div>
          <button type="submit" class="primary">
            {ui.t("common.save")}
          </button>
        </div>
      </form>
      {webhookUrl ? (
        <p>
          {ui.t("payments.webhookUrl")} ({kind === "stripe" ? "Stripe" : "iyzico"}): <code>{webhookUrl}</code>
        </p>
      ) : (
        <p class="muted">{ui.t("payments.notSet")}</p>
      )}
    </AdminLayout>
  );
}

export interface ApiTokensPageProps {
  ui: Ui;
  rows: ApiTokenRow[];
  form: FormState;
  flash: Flash;
  /** A token just created: shown this once. */
  created?: { name: string; token: string };
}

export function ApiTokensPage({ ui, rows, form, flash, created }: ApiTokensPageProps) {
  const tz = ui.actor!.timezone;
  const chosen = new Set(Array.isArray(form.values.scopes) ? form.values.scopes : form.values.scopes ? [form.values.scopes] : apiScopes);
  return (
    <AdminLayout ui={ui} title={ui.t("apiTokens.title")}>
      <h1>{ui.t("apiTokens.title")}</h1>
      <p class="muted">{ui.t("apiTokens.intro")}</p>
      {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
      {created ? (
        <div class="alert ok" role="status">
          <p>
            <strong>{created.name}</strong>: {ui.t("apiTokens.shownOnce")}
          </p>
          <p class="inline-form">
            <input id="new-token" value={created.token} readonly aria-label={created.name} />
            <button type="button" data-copy="#new-token" data-copied={ui.t("billing.copied")}>
              {ui.t("billing.copy")}
            </button>
          </p>
        </div>
      ) : null}
      <details class="card" open={Object.keys(form.errors).length > 0 || undefined}>
        <summary>
          <h2>{ui.t("apiTokens.create")}</h2>
        </summary>
        <form method="post" action="/admin/api-tokens" class="stack">
          <Field form={form} name="name" label={ui.t("apiTokens.name")} required maxlength={80} />
          <fieldset class={form.errors.scopes ? "has-error" : undefined}>
            <legend>{ui.t("apiTokens.scopes")}</legend>
            {apiScopes.map((s: ApiScope) => (
              <label>
                <input type="checkbox" name="scopes" value={s} checked={chosen.has(s)} /> {ui.t(`apiTokens.scope.${s}`)} <code>{s}</code>
              </label>
            ))}
            {form.errors.scopes ? <small class="error">{form.errors.scopes}</small> : null}
          </fieldset>
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
            <th>{ui.t("apiTokens.name")}</th>
            <th>{ui.t("apiTokens.scopes")}</th>
            <th>{ui.t("apiTokens.lastUsed")}</th>
            <th>
              <span class="visually-hidden">{ui.t("common.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr class={r.revokedAt ? "muted" : undefined}>
              <td>
                {r.name} <code>{r.prefix}…</code>
              </td>
              <td>{r.scopes.join(", ")}</td>
              <td>{r.lastUsedAt ? fullTime(r.lastUsedAt, ui.locale, tz) : ui.t("apiTokens.never")}</td>
              <td>
                {r.revokedAt ? (
                  <span class="badge muted">{ui.t("apiTokens.revoked")}</span>
                ) : (
                  <form method="post" action={`/admin/api-tokens/${r.id}/revoke`} data-confirm={ui.t("apiTokens.confirmRevoke", { name: r.name })}>
                    <button type="submit" class="link danger-link">
                      {ui.t("apiTokens.revoke")}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p class="empty">{ui.t("apiTokens.empty")}</p> : null}
    </AdminLayout>
  );
}
