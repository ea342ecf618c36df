// Admin → Quick replies: the create form, the list (filtered to shared or personal), the edit page.
import { QUICK_REPLY_BODY_MAX, QUICK_REPLY_TITLE_MAX, quickReplyScopes, type QuickReplyRow, type QuickReplyScope } from "../../src/admin/quick-replies";
import { Field, Select, TextArea, type FormState } from "../components/form";
import type { Flash, Ui } from "../ui";
import { CreateCard, EditPanel, ListPanel, PagedRows, RowActions, type ListPageProps, type RowsProps } from "./resource";
import { withQuery } from "./shell";

const BASE = "/admin/quick-replies";

export type QuickReplyListQuery = {
  scope?: QuickReplyScope;
  q: string;
};

export interface QuickRepliesPageProps extends ListPageProps<QuickReplyRow> {
  query: QuickReplyListQuery;
}

function scopeOptions(ui: Ui) {
  return quickReplyScopes.map((s) => ({ value: s, label: ui.t(`quickReplies.scope.${s}`) }));
}

export function QuickRepliesPage(props: QuickRepliesPageProps) {
  const { ui, query } = props;
  return (
    <ListPanel
      ui={ui}
      section="quickReplies"
      base={BASE}
      flash={props.flash}
      columns={[ui.t("quickReplies.replyTitle"), ui.t("quickReplies.body"), ui.t("quickReplies.scope")]}
      rows={<QuickReplyRows ui={ui} rows={props.rows} next={props.next} query={query} />}
      count={props.rows.length}
      filtered={!!(query.q || query.scope)}
    >
      <CreateCard ui={ui} section="quickReplies" base={BASE} action={withQuery(BASE, { scope: query.scope, q: query.q })} form={props.form}>
        <QuickReplyFields ui={ui} form={props.form} />
      </CreateCard>
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
    </ListPanel>
  );
}

function QuickReplyFields({ ui, form }: { ui: Ui; form: FormState }) {
  return (
    <>
      <div class="row">
        <Field form={form} name="title" label={ui.t("quickReplies.replyTitle")} required maxlength={QUICK_REPLY_TITLE_MAX} />
        <Select form={form} name="scope" label={ui.t("quickReplies.scope")} options={scopeOptions(ui)} />
      </div>
      <TextArea form={form} name="body" label={ui.t("quickReplies.body")} required maxlength={QUICK_REPLY_BODY_MAX} rows={4} />
    </>
  );
}

export function QuickReplyRows({ ui, rows, next, query }: RowsProps<QuickReplyRow> & { query: QuickReplyListQuery }) {
  return (
    <PagedRows ui={ui} base={BASE} next={next} query={{ scope: query.scope, q: query.q }}>
      {rows.map((r) => {
        const base = `${BASE}/${r.id}`;
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
              <RowActions
                ui={ui}
                base={BASE}
                id={r.id}
                remove={withQuery(`${base}/delete`, { scope: query.scope, q: query.q })}
                confirm={ui.t("quickReplies.confirmDelete", { title: r.title })}
              />
            </td>
          </tr>
        );
      })}
    </PagedRows>
  );
}

export interface EditQuickReplyProps {
  ui: Ui;
  reply: QuickReplyRow;
  form: FormState;
  flash: Flash;
}

export function EditQuickReplyPage({ ui, reply, form, flash }: EditQuickReplyProps) {
  return (
    <EditPanel
      ui={ui}
      section="quickReplies"
      base={BASE}
      id={reply.id}
      panel="quick-reply-panel"
      title={ui.t("quickReplies.edit", { name: reply.title })}
      form={form}
      flash={flash}
      confirmDelete={ui.t("quickReplies.confirmDelete", { title: reply.title })}
    >
      <QuickReplyFields ui={ui} form={form} />
    </EditPanel>
  );
}
