// A contact's form (new or edit) and the confirmation before a contact is erased.
import { Layout } from "../layout";
import { Alert, Field, FormError, type FormState } from "../components/form";
import type { Ui } from "../ui";

export function ContactFormPage({ ui, contactId, form, taken }: { ui: Ui; contactId?: number; form: FormState; taken?: number }) {
  const title = ui.t(contactId ? "contacts.editTitle" : "contacts.new");
  const back = contactId ? `/contacts/${contactId}` : "/contacts";
  return (
    <Layout ui={ui} title={title}>
      <div class="page narrow">
        <p>
          <a href={back}>← {ui.t(contactId ? "contacts.backToContact" : "contacts.title")}</a>
        </p>
        <h1>{title}</h1>
        <FormError form={form} text={ui.t("newConversation.error.form")} />
        {taken ? (
          <Alert kind="error">
            <a href={`/contacts/${taken}`}>{ui.t("contacts.error.openTaken")}</a>
          </Alert>
        ) : null}
        <form method="post" action={contactId ? `/contacts/${contactId}/edit` : "/contacts"} class="stack card contact-form">
          <Field form={form} name="name" label={ui.t("common.name")} required maxlength={200} autocomplete="off" />
          <Field form={form} name="phone" label={ui.t("inbox.phone")} type="tel" placeholder="+90 532 111 22 33" hint={ui.t("newConversation.phoneHint")} autocomplete="off" />
          <Field form={form} name="email" label={ui.t("common.email")} type="email" maxlength={320} autocomplete="off" />
          <div class="actions">
            <button type="submit" class="primary">
              {ui.t(contactId ? "common.save" : "contacts.create")}
            </button>
            <a href={back}>{ui.t("common.cancel")}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}

export function ContactDeletePage({
  ui,
  contact,
  summary,
  error,
}: {
  ui: Ui;
  contact: { id: number; name: string; phone: string | null; email: string | null };
  summary: { conversations: number; messages: number; files: number };
  error: string | null;
}) {
  const title = ui.t("contacts.delete.title", { name: contact.name });
  return (
    <Layout ui={ui} title={title}>
      <div class="page narrow">
        <p>
          <a href={`/contacts/${contact.id}`}>← {ui.t("contacts.backToContact")}</a>
        </p>
        <h1>{title}</h1>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <form method="post" action={`/contacts/${contact.id}/delete`} class="stack card danger-zone">
          <p>{ui.t("contacts.delete.intro")}</p>
          <ul>
            <li>{ui.t("contacts.delete.conversations", { count: summary.conversations })}</li>
            <li>{ui.t("contacts.delete.messages", { count: summary.messages })}</li>
            <li>{ui.t("contacts.delete.files", { count: summary.files })}</li>
            <li>{ui.t("contacts.delete.rest")}</li>
          </ul>
          <p>
            <strong>{ui.t("contacts.delete.final")}</strong>
          </p>
          <label class="check">
            <input type="checkbox" name="confirm" value="on" required /> {ui.t("contacts.delete.confirm", { name: contact.name })}
          </label>
          <div class="actions">
            <button type="submit" class="danger">
              {ui.t("contacts.delete.button")}
            </button>
            <a href={`/contacts/${contact.id}`}>{ui.t("common.cancel")}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
