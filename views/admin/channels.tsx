// Admin → Channels: the list with each channel's webhook URL, the form for a new channel of a kind,
// and a channel's page (how to connect it, its settings, masked secrets, activate or delete).
import type { ChannelKind } from "../../db/schema";
import { CHANNEL_NAME_MAX, editableKinds, secretsOf, type ChannelDetail, type ChannelRow, type EditableKind, type SecretName } from "../../src/admin/channels";
import type { MessageKey } from "../../src/i18n";
import { Alert, Field, FormError, Select, TextArea, value, type FormState } from "../components/form";
import { ChannelIcon } from "../inbox/channel-icon";
import type { Flash, Ui } from "../ui";
import { ListPanel, PagedRows, type RowsProps } from "./resource";
import { AdminLayout } from "./shell";
import { FailedWebhooks, type FailedWebhook } from "./failed-webhooks";
import { configuredIdOf, UnhandledWebhooks, UnmatchedIdNotice } from "./unhandled-webhooks";
import type { UnhandledSummary } from "../../src/channels/unhandled";

const BASE = "/admin/channels";

/** Provider kinds: Meta calls the channel's webhook URL; WebChat is embedded; support is built in. */
const metaKinds: readonly ChannelKind[] = ["whatsapp", "messenger", "instagram"];

export const webhookUrl = (base: string, key: string) => `${base}/webhooks/${key}`;
export const embedSnippet = (base: string, key: string) => `<script src="${base}/widget.js" data-channel="${key}" async></script>`;

const kindLabel = (ui: Ui, kind: ChannelKind) => ui.t(`inbox.channel.${kind}`);

function KindCell({ ui, kind }: { ui: Ui; kind: ChannelKind }) {
  return (
    <span class="channel-kind">
      <ChannelIcon ui={ui} kind={kind} />
      <span aria-hidden="true">{kindLabel(ui, kind)}</span>
    </span>
  );
}

function ActiveBadge({ ui, active }: { ui: Ui; active: boolean }) {
  return active ? <span class="badge status-online">{ui.t("channels.active")}</span> : <span class="badge muted">{ui.t("channels.inactive")}</span>;
}

/** A read-only value with a copy button (static/app.js copies it, or selects it when the clipboard is closed). */
function CopyField({ ui, label, text, multiline }: { ui: Ui; label: string; text: string; multiline?: boolean }) {
  return (
    <p class="copy-field">
      {multiline ? (
        <textarea readonly rows={2} aria-label={label} class="copy-source">
          {text}
        </textarea>
      ) : (
        <input type="text" readonly value={text} aria-label={label} class="copy-source" />
      )}
      <button type="button" class="copy" data-copy={text}>
        {ui.t("channels.copy")}
      </button>
    </p>
  );
}

export interface ChannelsPageProps {
  ui: Ui;
  rows: ChannelRow[];
  next: string | null;
  /** Public base URL of this server, for webhook URLs. */
  base: string;
  flash: Flash;
}

export function ChannelsPage(props: ChannelsPageProps) {
  const { ui } = props;
  return (
    <ListPanel
      ui={ui}
      section="channels"
      base={BASE}
      flash={props.flash}
      columns={[ui.t("channels.kind"), ui.t("common.name"), ui.t("channels.brand"), ui.t("channels.status"), ui.t("channels.webhook")]}
      rows={<ChannelRows ui={ui} rows={props.rows} next={props.next} base={props.base} />}
      count={props.rows.length}
    >
      <div class="card">
        <h2>{ui.t("channels.add")}</h2>
        <p class="channel-kinds">
          {editableKinds.map((kind) => (
            <a class="button" href={`${BASE}/new/${kind}`}>
              <ChannelIcon ui={ui} kind={kind} /> <span aria-hidden="true">{kindLabel(ui, kind)}</span>
            </a>
          ))}
        </p>
      </div>
    </ListPanel>
  );
}

export function ChannelRows({ ui, rows, next, base }: RowsProps<ChannelRow> & { base: string }) {
  return (
    <PagedRows ui={ui} base={BASE} next={next}>
      {rows.map((r) => {
        const href = `${BASE}/${r.id}`;
        const builtIn = r.kind === "support";
        return (
          <tr class={r.active ? undefined : "inactive"}>
            <td>
              <KindCell ui={ui} kind={r.kind} />
            </td>
            <td>
              {builtIn ? (
                <>
                  {r.name} <span class="badge">{ui.t("admin.builtIn")}</span>
                </>
              ) : (
                <a href={href}>{r.name}</a>
              )}
            </td>
            <td>{r.brandName ?? "—"}</td>
            <td>
              <ActiveBadge ui={ui} active={r.active} />
            </td>
            <td>
              {metaKinds.includes(r.kind) ? (
                <code class="webhook-url">{webhookUrl(base, r.webhookKey)}</code>
              ) : r.kind === "webchat" ? (
                <a href={`${href}#embed`}>{ui.t("channels.embedLink")}</a>
              ) : (
                "—"
              )}
            </td>
            <td>{builtIn ? null : <a href={href}>{ui.t("common.edit")}</a>}</td>
          </tr>
        );
      })}
    </PagedRows>
  );
}

interface FieldsProps {
  ui: Ui;
  kind: EditableKind;
  form: FormState;
  brands: { id: number; name: string }[];
  workgroups: { id: number; name: string }[];
  /** Masks of the stored secrets; absent on a new channel. */
  masks?: ChannelDetail["masks"];
}

const secretLabel: Record<SecretName, MessageKey> = { accessToken: "channels.accessToken", appSecret: "channels.appSecret", verifyToken: "channels.verifyToken" };

function ChannelFields({ ui, kind, form, brands, workgroups, masks }: FieldsProps) {
  const isNew = masks === undefined;
  return (
    <>
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <input type="hidden" name="kind" value={kind} />
      <div class="row">
        <Field form={form} name="name" label={ui.t("common.name")} required maxlength={CHANNEL_NAME_MAX} />
        <Select
          form={form}
          name="brandId"
          label={ui.t("channels.brand")}
          required
          options={[{ value: "", label: ui.t("channels.chooseBrand") }, ...brands.map((b) => ({ value: String(b.id), label: b.name }))]}
        />
        <Select
          form={form}
          name="workgroupId"
          label={ui.t("channels.workgroup")}
          options={[{ value: "", label: ui.t("channels.noWorkgroup") }, ...workgroups.map((g) => ({ value: String(g.id), label: g.name }))]}
        />
      </div>
      {kind === "whatsapp" ? (
        <div class="row">
          <Field form={form} name="phoneNumberId" label={ui.t("channels.phoneNumberId")} required maxlength={30} />
          <Field form={form} name="wabaId" label={ui.t("channels.wabaId")} required maxlength={30} />
          <Field form={form} name="displayPhoneNumber" label={ui.t("channels.displayPhoneNumber")} maxlength={40} placeholder="+90 555 000 11 11" />
        </div>
      ) : kind === "messenger" ? (
        <div class="row">
          <Field form={form} name="pageId" label={ui.t("channels.pageId")} required maxlength={30} />
        </div>
      ) : kind === "instagram" ? (
        <div class="row">
          <Field form={form} name="accountId" label={ui.t("channels.accountId")} required maxlength={30} />
        </div>
      ) : (
        <WebchatFields ui={ui} form={form} />
      )}
      {secretsOf[kind].length ? (
        <fieldset class="secrets stack">
          <legend>{ui.t("channels.secrets")}</legend>
          <small class="hint">{ui.t(isNew ? "channels.secretsHintNew" : "channels.secretsHint")}</small>
          {secretsOf[kind].map((name) => (
            <Field
              form={form}
              name={name}
              type="password"
              autocomplete="new-password"
              label={ui.t(kind === "messenger" && name === "accessToken" ? "channels.pageToken" : secretLabel[name])}
              required={isNew || !masks?.[name]}
              placeholder={masks?.[name] || undefined}
              hint={name === "verifyToken" ? ui.t("channels.verifyTokenHint") : !isNew && !masks?.[name] ? ui.t("channels.secretNotSet") : undefined}
            />
          ))}
        </fieldset>
      ) : null}
    </>
  );
}

function WebchatFields({ ui, form }: { ui: Ui; form: FormState }) {
  return (
    <>
      <div class="stack compact">
        <TextArea form={form} name="allowedOrigins" label={ui.t("channels.allowedOrigins")} rows={3} maxlength={4000} />
        {form.errors.allowedOrigins ? null : <small class="hint">{ui.t("channels.allowedOriginsHint")}</small>}
      </div>
      <label class="check">
        <input type="checkbox" name="preChatForm" checked={value(form, "preChatForm") === "on"} /> {ui.t("channels.preChatForm")}
      </label>
      <TextArea form={form} name="greeting" label={ui.t("channels.greeting")} rows={2} maxlength={500} />
      <div class="row">
        <Field form={form} name="maxUploadMb" type="number" label={ui.t("channels.maxUploadMb")} hint={ui.t("channels.maxUploadHint")} />
        <Field form={form} name="color" type="color" label={ui.t("channels.color")} />
      </div>
    </>
  );
}

export interface NewChannelProps {
  ui: Ui;
  kind: EditableKind;
  brands: { id: number; name: string }[];
  workgroups: { id: number; name: string }[];
  form: FormState;
}

export function NewChannelPage({ ui, kind, brands, workgroups, form }: NewChannelProps) {
  const title = ui.t("channels.new", { kind: kindLabel(ui, kind) });
  return (
    <AdminLayout ui={ui} title={title}>
      <div id="channel-panel">
        <p>
          <a href={BASE}>← {ui.t("channels.title")}</a>
        </p>
        <h1>{title}</h1>
        {brands.length === 0 ? (
          <Alert kind="error">
            {ui.t("channels.noBrands")} <a href="/admin/brands">{ui.t("admin.brands")}</a>
          </Alert>
        ) : null}
        <form method="post" action={BASE} class="stack card">
          <ChannelFields ui={ui} kind={kind} form={form} brands={brands} workgroups={workgroups} />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.create")}
            </button>
          </div>
        </form>
      </div>
    </AdminLayout>
  );
}

export interface ChannelPageProps {
  ui: Ui;
  channel: ChannelDetail;
  kind: EditableKind;
  brands: { id: number; name: string }[];
  workgroups: { id: number; name: string }[];
  base: string;
  form: FormState;
  flash: Flash;
  /** Webhooks parked after their last attempt, with a Retry button each. */
  failed?: FailedWebhook[];
  /** What the channel's webhooks carried that Kanal did not handle (Meta channels). */
  unhandled?: UnhandledSummary | null;
}

export function ChannelPage({ ui, channel, kind, brands, workgroups, base, form, flash, failed = [], unhandled = null }: ChannelPageProps) {
  const href = `${BASE}/${channel.id}`;
  const title = ui.t("channels.edit", { name: channel.name });
  return (
    <AdminLayout ui={ui} title={title}>
      <div id="channel-panel">
        <p>
          <a href={BASE}>← {ui.t("channels.title")}</a>
        </p>
        <h1 class="channel-title">
          <ChannelIcon ui={ui} kind={kind} /> {title} <ActiveBadge ui={ui} active={channel.active} />
        </h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        {channel.active ? null : <Alert kind="error">{ui.t("channels.inactiveNotice")}</Alert>}
        {unhandled ? <UnmatchedIdNotice ui={ui} summary={unhandled} configuredId={configuredIdOf(kind, channel.config)} /> : null}
        {kind === "webchat" ? (
          <section class="card stack" id="embed">
            <h2>{ui.t("channels.embedTitle")}</h2>
            <small class="hint">{ui.t("channels.embedHint")}</small>
            <CopyField ui={ui} label={ui.t("channels.embedTitle")} text={embedSnippet(base, channel.webhookKey)} multiline />
          </section>
        ) : (
          <section class="card stack" id="connect">
            <h2>{ui.t("channels.connectTitle")}</h2>
            <small class="hint">{ui.t("channels.connectHint")}</small>
            <div class="field">
              <label>{ui.t("channels.webhook")}</label>
              <CopyField ui={ui} label={ui.t("channels.webhook")} text={webhookUrl(base, channel.webhookKey)} />
            </div>
            <p class="verify-reminder">
              {channel.masks.verifyToken ? ui.t("channels.verifyReminder", { mask: channel.masks.verifyToken }) : ui.t("channels.verifyMissing")}
            </p>
            <small class="hint">{ui.t(`channels.subscribe.${kind}`)}</small>
          </section>
        )}
        <form method="post" action={href} class="stack card" hx-post={href} hx-target="#channel-panel" hx-select="#channel-panel" hx-swap="outerHTML">
          <h2>{ui.t("channels.settings")}</h2>
          <ChannelFields ui={ui} kind={kind} form={form} brands={brands} workgroups={workgroups} masks={channel.masks} />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <FailedWebhooks ui={ui} href={href} failed={failed} />
        {unhandled ? <UnhandledWebhooks ui={ui} summary={unhandled} /> : null}
        <div class="actions">
          {channel.active ? (
            <form method="post" action={`${href}/deactivate`} data-confirm={ui.t("channels.confirmDeactivate", { name: channel.name })}>
              <button type="submit">{ui.t("channels.deactivate")}</button>
            </form>
          ) : (
            <form method="post" action={`${href}/activate`}>
              <button type="submit">{ui.t("channels.activate")}</button>
            </form>
          )}
          {channel.conversations === 0 ? (
            <form method="post" action={`${href}/delete`} data-confirm={ui.t("channels.confirmDelete", { name: channel.name })}>
              <button type="submit" class="danger">
                {ui.t("common.delete")}
              </button>
            </form>
          ) : (
            <small class="hint">{ui.t("channels.keepHistory", { count: channel.conversations })}</small>
          )}
        </div>
      </div>
    </AdminLayout>
  );
}
