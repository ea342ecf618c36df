// "New conversation": who to write to (a contact found by search, or a phone number), on which
// channel, and the first message (free text where the window allows, else an approved template).
// Each step is a GET of the same page with what was picked so far, so no JavaScript is needed.
import type { StartChoices } from "../../src/inbox/starting-choices";
import { Layout } from "../layout";
import { Alert, Field, FormError, TextArea, value, values, type FormState } from "../components/form";
import { ChannelIcon } from "./channel-icon";
import type { Ui } from "../ui";

type Props = { ui: Ui; choices: StartChoices; form: FormState; phone: string | null };

export function NewConversationPage({ ui, choices, form, phone }: Props) {
  return (
    <Layout ui={ui} title={ui.t("newConversation.title")}>
      <div class="page narrow new-conversation" id="new-conversation">
        <p>
          <a href="/inbox">← {ui.t("inbox.title")}</a>
        </p>
        <h1>{ui.t("newConversation.title")}</h1>
        <FormError form={form} text={ui.t("newConversation.error.form")} />
        <form method="post" action="/inbox/new" class="stack">
          <Recipient ui={ui} choices={choices} form={form} />
          <ChannelStep ui={ui} choices={choices} form={form} phone={phone} />
          {choices.hidden ? <Alert kind="error">{ui.t("newConversation.error.hiddenContact")}</Alert> : null}
          {choices.window ? <MessageStep ui={ui} choices={choices} form={form} /> : null}
        </form>
      </div>
    </Layout>
  );
}

function Recipient({ ui, choices, form }: Omit<Props, "phone">) {
  const c = choices.contact;
  if (c) {
    return (
      <fieldset class="card">
        <legend>{ui.t("newConversation.to")}</legend>
        <input type="hidden" name="contactId" value={String(c.id)} />
        <p class="picked-contact">
          <strong>{c.name}</strong> {c.phone ? <span class="muted">{c.phone}</span> : null} <a href="/inbox/new">{ui.t("newConversation.change")}</a>
        </p>
      </fieldset>
    );
  }
  const search = value(form, "q");
  return (
    <fieldset class="card">
      <legend>{ui.t("newConversation.to")}</legend>
      <div class="row search-contact">
        <Field form={form} name="q" label={ui.t("newConversation.findContact")} type="search" placeholder={ui.t("contacts.searchPlaceholder")} />
        <button type="submit" formmethod="get" formaction="/inbox/new" formnovalidate>
          {ui.t("common.search")}
        </button>
      </div>
      {search ? (
        choices.matches.length ? (
          <ul class="plain contact-matches" aria-label={ui.t("newConversation.matches")}>
            {choices.matches.map((m) => (
              <li>
                <a href={`/inbox/new?contactId=${m.id}${value(form, "channelId") ? `&channelId=${value(form, "channelId")}` : ""}`}>{m.name}</a> <span class="muted">{[m.phone, m.email].filter(Boolean).join(" · ")}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">{ui.t("contacts.empty")}</p>
        )
      ) : null}
      <p class="muted or">{ui.t("newConversation.orNumber")}</p>
      <div class="row top">
        <Field form={form} name="phone" label={ui.t("inbox.phone")} type="tel" placeholder="+90 532 111 22 33" hint={ui.t("newConversation.phoneHint")} autocomplete="off" />
        <Field form={form} name="name" label={ui.t("newConversation.newName")} maxlength={200} hint={ui.t("newConversation.newNameHint")} />
      </div>
    </fieldset>
  );
}

function ChannelStep({ ui, choices, form, phone }: Props) {
  const current = value(form, "channelId");
  const error = form.errors.channelId;
  return (
    <fieldset class="card">
      <legend>{ui.t("newConversation.channel")}</legend>
      <div class="row">
        <div class={error ? "field has-error" : "field"}>
          <label for="f-channelId">{ui.t("newConversation.channel")}</label>
          <select id="f-channelId" name="channelId" required>
            <option value="">{ui.t("newConversation.chooseChannel")}</option>
            {choices.channels.map((ch) => (
              <option value={String(ch.id)} selected={String(ch.id) === current}>
                {ch.name} ({ui.t(`inbox.channel.${ch.kind}`)})
              </option>
            ))}
          </select>
          {error ? <small class="error">{error}</small> : null}
        </div>
        <button type="submit" formmethod="get" formaction="/inbox/new" formnovalidate>
          {ui.t("newConversation.continue")}
        </button>
      </div>
      {phone && !choices.contact ? <p class="muted">{ui.t("newConversation.phoneOnWhatsapp")}</p> : null}
    </fieldset>
  );
}

function MessageStep({ ui, choices, form }: Omit<Props, "phone">) {
  const { window, channel, open } = choices;
  if (open) {
    return open.visible ? (
      <Alert kind="error">
        {ui.t("newConversation.alreadyOpen")} <a href={`/inbox/${open.id}?tab=all`}>{ui.t("newConversation.openIt")}</a>
      </Alert>
    ) : (
      <Alert kind="error">{ui.t("newConversation.openWithOther")}</Alert>
    );
  }
  if (!choices.reachable) return <Alert kind="error">{ui.t(channel?.kind === "whatsapp" || choices.contact ? "newConversation.error.unreachable" : "newConversation.error.phoneNeedsWhatsapp")}</Alert>;
  const textAllowed = window!.state !== "closed";
  const picked = value(form, "template");
  const template = choices.templates.find((t) => `${t.name}|${t.language}` === picked);
  if (!textAllowed && choices.templates.length === 0) return <Alert kind="error">{ui.t("newConversation.noWay")}</Alert>;
  const params = values(form, "param");
  return (
    <fieldset class="card">
      <legend>
        {channel ? <ChannelIcon ui={ui} kind={channel.kind} /> : null} {ui.t("newConversation.message")}
      </legend>
      <p class={textAllowed ? "muted" : "window-notice alert"} role="status">
        {ui.t(textAllowed ? "newConversation.textAllowed" : "newConversation.templateOnly")}
      </p>
      {choices.templates.length ? (
        <div class="row">
          <div class={form.errors.template ? "field has-error" : "field"}>
            <label for="f-template">{ui.t("newConversation.template")}</label>
            <select id="f-template" name="template" required={!textAllowed}>
              <option value="">{ui.t(textAllowed ? "newConversation.noTemplate" : "newConversation.chooseTemplate")}</option>
              {choices.templates.map((t) => (
                <option value={`${t.name}|${t.language}`} selected={`${t.name}|${t.language}` === picked}>
                  {t.name} ({t.language})
                </option>
              ))}
            </select>
            {form.errors.template ? <small class="error">{form.errors.template}</small> : null}
          </div>
          <button type="submit" formmethod="get" formaction="/inbox/new" formnovalidate>
            {ui.t("newConversation.useTemplate")}
          </button>
        </div>
      ) : null}
      {template ? (
        <div class="template-fill">
          <input type="hidden" name="body" value={value(form, "body")} />
          <p class="template-body">{template.body}</p>
          {Array.from({ length: template.params }, (_, i) => (
            <label class="template-param">
              <span>{`{{${i + 1}}}`}</span> <input name="param" required maxlength={1024} value={params[i] ?? ""} />
            </label>
          ))}
        </div>
      ) : textAllowed ? (
        <TextArea form={form} name="body" label={ui.t("newConversation.firstMessage")} maxlength={4096} rows={4} required />
      ) : null}
      {form.errors.body && !textAllowed ? <small class="error">{form.errors.body}</small> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={!textAllowed && !template}>
          {ui.t("newConversation.start")}
        </button>
      </div>
    </fieldset>
  );
}
