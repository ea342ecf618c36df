// Admin → Quick replies: the create form, the list (filtered to shared or personal), the edit page.
import { QUICK_REPLY_BODY_MAX, QUICK_REPLY_TITLE_MAX, quickReplyScopes, type QuickReplyRow, type QuickReplyScope } from "../../src/admin/quick-replies";
import { Alert, Field, FormError, Select, TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { AdminLayout, LoadMore, withQuery } from "./shell";

const BASE = "/admin/quick-replies";

export type QuickReplyListQuery = {
  scope?: QuickReplyScope;
  q: string;
};

export interface QuickRepliesPageProps {
  ui: Ui;
  rows: QuickReplyRow[];
  next: string | null;
  query: QuickReplyListQuery;
  form: FormState;
  flash: Flash;
}

function scopeOptions(ui: Ui) {
  return quickReplyScopes.map((s) => ({ value: s, label: ui.t(`quickReplies.scope.${s}`) }));
}

export function QuickRepliesPage(props: QuickRepliesPageProps) {
  const { ui, query } = props;
  const action = withQuery(BASE, { scope: query.scope, q: query.q });
  return (
    <AdminLayout ui={ui} title={ui.t("quickReplies.title")}>
      <div id="quick-replies-panel">
        <h1>{ui.t("quickReplies.title")}</h1>
        <p class="muted">{ui.t("quickReplies.intro")}</p>
        {props.flash ? <Alert kind={props.flash.kind}>{props.flash.text}</Alert> : null}
        <details class="card" open={Object.keys(props.form.errors).length > 0 || undefined}>
          <summary>
            <h2>{ui.t("quickReplies.create")}</h2>
          </summary>
          <form method="post" action={action} class="stack" hx-post={action} hx-target="#quick-replies-panel" hx-select="#quick-replies-panel" hx-swap="outerHTML">
            <QuickReplyFields ui={ui} form={props.form} />
            <div>
              <button type="submit" class="primary">
                {ui.t("common.create")}
              </button>
            </div>
          </form>
        </details>
        <nav class="filters" aria-label={ui.t("quickReplies.filter")}>
          {([undefined, ...quickReplyScopes] as const).map((scope) => (
            <a href={withQuery(BASE, { scope, q: query.q })} aria-current={query.scope === scope ? "page" : undefined}>
              {ui.t(scope ? `quickReplies.filter.${scope}` : "quickReplies.filter.all")}
            </a>
          ))}
        </nav>
        <form class="search" method="get" action={BASE} role="search">
          {query.scope ? <input type="hidden" name="scope" value={query.scope} /> : null}
          <label class="visually-hidden" for="quick-replies-q">
            {ui.t("quickReplies.search")}
          </label>
          <input id="quick-replies-q" type="search" name="q" value={query.q} placeholder={ui.t("quickReplies.search")} />
          <button type="submit">{ui.t("common.search")}</button>
        </form>
        <table class="list">
          <thead>
            <tr>
              <th>{ui.t("quickReplies.replyTitle")}</th>
              <th>{ui.t("quickReplies.body")}</th>
              <th>{ui.t("quickReplies.scope")}</th>
              <th>
                <span class="visually-hidden">{ui.t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody id="quick-replies-rows">
            <QuickReplyRows ui={ui} rows={props.rows} next={props.next} query={query} />
          </tbody>
        </table>
        {props.rows.length === 0 ? <p class="empty">{ui.t(query.q || query.scope ? "common.empty" : "quickReplies.empty")}</p> : null}
      </div>
    </AdminLayout>
  );
}

function QuickReplyFields({ ui, form }: { ui: Ui; form: FormState }) {
  return (
    <>
      <FormError form={form} text={ui.t("error.fixBelow")} />
      <div class="row">
        <Field form={form} name="title" label={ui.t("quickReplies.replyTitle")} required maxlength={QUICK_REPLY_TITLE_MAX} />
        <Select form={form} name="scope" label={ui.t("quickReplies.scope")} options={scopeOptions(ui)} />
      </div>
      <TextArea form={form} name="body" label={ui.t("quickReplies.body")} required maxlength={QUICK_REPLY_BODY_MAX} rows={4} />
    </>
  );
}

export function QuickReplyRows({ ui, rows, next, query }: { ui: Ui; rows: QuickReplyRow[]; next: string | null; query: QuickReplyListQuery }) {
  return (
    <>
      {rows.map((r) => {
        const base = `${BASE}/${r.id}`;
        const remove = withQuery(`${base}/delete`, { scope: query.scope, q: query.q });
        return (
          <tr>
            <td>
              <a href={base}>{r.title}</a>
            </td>
            <td>
              <span class="clip">{r.body}</span>
            </td>
            <td>
              <span class={r.scope === "personal" ? "badge warn" : "badge"}>{ui.t(`quickReplies.filter.${r.scope}`)}</span>
            </td>
            <td>
              <div class="row-actions">
                <a href={base}>{ui.t("common.edit")}</a>
                <form method="post" action={remove} hx-post={remove} hx-target="#quick-replies-panel" hx-select="#quick-replies-panel" hx-swap="outerHTML" data-confirm={ui.t("quickReplies.confirmDelete", { title: r.title })}>
                  <button type="submit" class="link danger-link">
                    {ui.t("common.delete")}
                  </button>
                </form>
              </div>
            </td>
          </tr>
        );
      })}
      {next ? <LoadMore ui={ui} href={withQuery(BASE, { scope: query.scope, q: query.q, after: next })} /> : null}
    </>
  );
}

export interface EditQuickReplyProps {
  ui: Ui;
  reply: QuickReplyRow;
  form: FormState;
  flash: Flash;
}

export function EditQuickReplyPage({ ui, reply, form, flash }: EditQuickReplyProps) {
  const base = `${BASE}/${reply.id}`;
  return (
    <AdminLayout ui={ui} title={ui.t("quickReplies.edit", { name: reply.title })}>
      <div id="quick-reply-panel">
        <p>
          <a href={BASE}>← {ui.t("quickReplies.title")}</a>
        </p>
        <h1>{ui.t("quickReplies.edit", { name: reply.title })}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="post" action={base} class="stack card" hx-post={base} hx-target="#quick-reply-panel" hx-select="#quick-reply-panel" hx-swap="outerHTML">
          <QuickReplyFields ui={ui} form={form} />
          <div>
            <button type="submit" class="primary">
              {ui.t("common.save")}
            </button>
          </div>
        </form>
        <form method="post" action={`${base}/delete`} class="actions" data-confirm={ui.t("quickReplies.confirmDelete", { title: reply.title })}>
          <button type="submit" class="danger">
            {ui.t("common.delete")}
          </button>
        </form>
      </div>
    </AdminLayout>
  );
}
