// Sign-in, organization picker, first-run setup and password-link pages.
import { Document, Layout } from "../layout";
import { Alert, Field, FormError, Select, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";

function AuthCard({ ui, title, children }: { ui: Ui; title: string; children: any }) {
  return (
    <Document ui={ui} title={title} bodyClass="auth">
      <main id="main" class="auth-card">
        <p class="brand">{ui.t("app.name")}</p>
        <h1>{title}</h1>
        {children}
        <form class="language-switch" method="post" action="/me/locale">
          <input type="hidden" name="back" value={ui.path} />
          <button type="submit" name="locale" value="en" aria-pressed={ui.locale === "en" ? "true" : "false"}>
            English
          </button>
          <button type="submit" name="locale" value="tr" aria-pressed={ui.locale === "tr" ? "true" : "false"}>
            Türkçe
          </button>
        </form>
      </main>
    </Document>
  );
}

export function LoginPage({ ui, form, flash, next }: { ui: Ui; form: FormState; flash: Flash; next?: string }) {
  return (
    <AuthCard ui={ui} title={ui.t("auth.signInTitle")}>
      {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
      <form method="post" action="/login" class="stack">
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <Field form={form} name="email" type="email" label={ui.t("common.email")} required autocomplete="username" autofocus />
        <Field form={form} name="password" type="password" label={ui.t("auth.password")} required autocomplete="current-password" />
        <button type="submit" class="primary">
          {ui.t("auth.signIn")}
        </button>
      </form>
    </AuthCard>
  );
}

export interface InvitationChoice {
  id: number;
  orgName: string;
  role: string;
}

export function OrganizationPicker({
  ui,
  organizations,
  invitations = [],
  next,
  flash,
}: {
  ui: Ui;
  organizations: { orgId: number; name: string; role: string }[];
  invitations?: InvitationChoice[];
  next?: string;
  flash?: Flash;
}) {
  return (
    <AuthCard ui={ui} title={ui.t("auth.pickOrganization")}>
      {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
      {organizations.length === 0 ? (
        invitations.length ? null : <Alert kind="error">{ui.t("auth.noOrganization")}</Alert>
      ) : (
        <ul class="org-list">
          {organizations.map((o) => (
            <li>
              <form method="post" action="/organizations">
                <input type="hidden" name="orgId" value={String(o.orgId)} />
                {next ? <input type="hidden" name="next" value={next} /> : null}
                <button type="submit" class="org-choice">
                  <strong>{o.name}</strong>
                  <small>{ui.t(`role.${o.role as "admin"}`)}</small>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {invitations.length ? (
        <section class="invitations" aria-labelledby="invitations-title">
          <h2 id="invitations-title">{ui.t("auth.invitations")}</h2>
          <ul class="org-list">
            {invitations.map((i) => (
              <li>
                <p>{ui.t("auth.invitedTo", { organization: i.orgName, role: ui.t(`role.${i.role as "admin"}`) })}</p>
                <div class="actions">
                  <form method="post" action={`/invitations/${i.id}/accept`}>
                    <button type="submit" class="primary">
                      {ui.t("auth.acceptInvitation")}
                    </button>
                  </form>
                  <form method="post" action={`/invitations/${i.id}/decline`}>
                    <button type="submit">{ui.t("auth.declineInvitation")}</button>
                  </form>
                </div>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <form method="post" action="/logout">
        <button type="submit" class="link">
          {ui.t("nav.signOut")}
        </button>
      </form>
    </AuthCard>
  );
}

export function SetupPage({ ui, form, timezones }: { ui: Ui; form: FormState; timezones: string[] }) {
  return (
    <AuthCard ui={ui} title={ui.t("auth.setupTitle")}>
      <p>{ui.t("auth.setupIntro")}</p>
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <form method="post" action="/setup" class="stack">
        <Field form={form} name="organizationName" label={ui.t("auth.organizationName")} required maxlength={120} autofocus />
        <Select form={form} name="timezone" label={ui.t("auth.timezone")} options={timezones.map((tz) => ({ value: tz, label: tz }))} />
        <Field form={form} name="name" label={ui.t("auth.yourName")} required maxlength={120} />
        <Field form={form} name="email" type="email" label={ui.t("common.email")} required autocomplete="username" />
        <Field form={form} name="password" type="password" label={ui.t("auth.password")} required hint={ui.t("auth.passwordHint")} autocomplete="new-password" />
        <input type="hidden" name="locale" value={ui.locale} />
        <button type="submit" class="primary">
          {ui.t("common.create")}
        </button>
      </form>
    </AuthCard>
  );
}

export function SetPasswordPage({ ui, form, token, email, valid }: { ui: Ui; form: FormState; token: string; email?: string; valid: boolean }) {
  return (
    <AuthCard ui={ui} title={ui.t("auth.setPasswordTitle")}>
      {!valid ? (
        <Alert kind="error">{ui.t("auth.linkInvalid")}</Alert>
      ) : (
        <form method="post" action={`/password/${encodeURIComponent(token)}`} class="stack">
          <p>{email}</p>
          <Field form={form} name="password" type="password" label={ui.t("auth.password")} required hint={ui.t("auth.passwordHint")} autocomplete="new-password" autofocus />
          <Field form={form} name="confirm" type="password" label={ui.t("auth.passwordConfirm")} required autocomplete="new-password" />
          <button type="submit" class="primary">
            {ui.t("auth.setPassword")}
          </button>
        </form>
      )}
    </AuthCard>
  );
}

export function ErrorPage({ ui, title, text }: { ui: Ui; title: string; text: string }) {
  return (
    <Layout ui={ui} title={title}>
      <section class="message-page">
        <h1>{title}</h1>
        <p>{text}</p>
        <p>
          <a href="/inbox">{ui.t("nav.inbox")}</a>
        </p>
      </section>
    </Layout>
  );
}
