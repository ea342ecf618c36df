// Session widgets beside the thread: the contact's profile, the conversation's tags, contact notes.
import type { FieldErrors, FormValues } from "../../src/forms";
import type { WidgetData } from "../../src/inbox/widgets";
import { chipStyle } from "../contrast";
import { fullTime } from "../format";
import { FileBoxWidget, GalleryWidget } from "../media/attachments";
import type { Ui } from "../ui";
import { BillingWidget } from "../billing/widget";

export interface WidgetState {
  profile?: { values: FormValues; errors: FieldErrors; saved?: boolean };
  tagError?: string;
  noteError?: { body: string; error: string };
}

function widgetForm(action: string, target: string) {
  return { method: "post", action, "hx-post": action, "hx-target": target, "hx-swap": "outerHTML" } as const;
}

export function Widgets({ ui, data, state = {} }: { ui: Ui; data: WidgetData; state?: WidgetState }) {
  return (
    <aside class="widgets" id="widgets" aria-label={ui.t("widgets.title")}>
      <a class="widgets-back" href="#thread">
        ← {ui.t("widgets.backToThread")}
      </a>
      <ProfileWidget ui={ui} data={data} state={state.profile} />
      <TagsWidget ui={ui} data={data} error={state.tagError} />
      <NotesWidget ui={ui} data={data} error={state.noteError} />
      {data.billing ? <BillingWidget ui={ui} data={data.billing} /> : null}
      {data.gallery ? <GalleryWidget ui={ui} items={data.gallery.items} more={data.gallery.more} conversationId={data.conversationId} /> : null}
      {data.files ? <FileBoxWidget ui={ui} files={data.files} conversationId={data.conversationId} /> : null}
    </aside>
  );
}

function fieldValue(data: WidgetData, state: WidgetState["profile"], name: string, stored: unknown): string {
  if (state) {
    const v = state.values[name];
    return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
  }
  if (stored === true) return "yes";
  if (stored === false) return "no";
  return stored === undefined || stored === null ? "" : String(stored);
}

export function ProfileWidget({ ui, data, state }: { ui: Ui; data: WidgetData; state?: WidgetState["profile"] }) {
  const c = data.contact;
  const errors = state?.errors ?? {};
  const input = (name: string, label: string, stored: unknown, type = "text", extra: Record<string, unknown> = {}) => (
    <div class={errors[name] ? "field has-error" : "field"}>
      <label for={`w-${name}`}>{label}</label>
      <input id={`w-${name}`} name={name} type={type} value={fieldValue(data, state, name, stored)} aria-invalid={errors[name] ? "true" : undefined} {...extra} />
      {errors[name] ? <small class="error">{errors[name]}</small> : null}
    </div>
  );
  return (
    <section class="widget" id="widget-profile">
      <h2>{ui.t("widgets.profile")}</h2>
      {state?.saved ? <p class="alert ok">{ui.t("common.saved")}</p> : null}
      <form {...widgetForm(`/inbox/${data.conversationId}/profile`, "#widget-profile")} class="stack compact">
        {input("name", ui.t("common.name"), c.name, "text", { required: true, maxlength: 200 })}
        {input("phone", ui.t("inbox.phone"), c.phone, "tel", { maxlength: 40 })}
        {input("email", ui.t("common.email"), c.email, "email", { maxlength: 320 })}
        {data.fields.map((def) => {
          const name = `cf_${def.key}`;
          const stored = c.customFields[def.key];
          if (def.type === "select" || def.type === "boolean") {
            const choices = def.type === "boolean" ? [["yes", ui.t("common.yes")], ["no", ui.t("common.no")]] : def.options.map((o) => [o, o]);
            const current = fieldValue(data, state, name, stored);
            return (
              <div class={errors[name] ? "field has-error" : "field"}>
                <label for={`w-${name}`}>{def.label}</label>
                <select id={`w-${name}`} name={name}>
                  <option value="">—</option>
                  {choices.map(([value, label]) => (
                    <option value={value} selected={value === current}>
                      {label}
                    </option>
                  ))}
                </select>
                {errors[name] ? <small class="error">{errors[name]}</small> : null}
              </div>
            );
          }
          return input(name, def.label, stored, def.type === "number" ? "text" : def.type, def.type === "number" ? { inputmode: "decimal" } : {});
        })}
        <button type="submit">{ui.t("common.save")}</button>
      </form>
    </section>
  );
}

export function TagsWidget({ ui, data, error }: { ui: Ui; data: WidgetData; error?: string }) {
  const base = `/inbox/${data.conversationId}/tags`;
  const unused = data.allTags.filter((tag) => !data.tags.some((t) => t.id === tag.id));
  return (
    <section class="widget" id="widget-tags">
      <h2>{ui.t("widgets.tags")}</h2>
      {error ? <p class="alert error">{error}</p> : null}
      <ul class="tag-list">
        {data.tags.map((tag) => (
          <li>
            <span class="tag" style={chipStyle(tag.color)}>
              {tag.name}
            </span>
            <form {...widgetForm(`${base}/${tag.id}/remove`, "#widget-tags")}>
              <button type="submit" class="link" aria-label={ui.t("widgets.removeTag", { name: tag.name })}>
                ×
              </button>
            </form>
          </li>
        ))}
      </ul>
      {data.tags.length === 0 ? <p class="muted">{ui.t("widgets.noTags")}</p> : null}
      {!data.mayCreateTags && unused.length === 0 ? null : (
      <form {...widgetForm(base, "#widget-tags")} class="inline-form">
        <label class="visually-hidden" for="w-tag">
          {ui.t("widgets.addTag")}
        </label>
        {data.mayCreateTags ? (
          <>
            <input id="w-tag" name="name" list="w-tag-options" maxlength={40} placeholder={ui.t("widgets.tagPlaceholder")} autocomplete="off" />
            <TagOptions tags={unused} />
          </>
        ) : (
          <select id="w-tag" name="tagId" required>
            {unused.map((tag) => (
              <option value={String(tag.id)}>{tag.name}</option>
            ))}
          </select>
        )}
        <button type="submit">{ui.t("widgets.addTag")}</button>
      </form>
      )}
    </section>
  );
}

/** The tag picker's suggestions for those who may also type a new tag (redrawn live when tags change). */
export function TagOptions({ tags }: { tags: { name: string }[] }) {
  return (
    <datalist id="w-tag-options">
      {tags.map((tag) => (
        <option value={tag.name} />
      ))}
    </datalist>
  );
}

export function NotesWidget({ ui, data, error }: { ui: Ui; data: WidgetData; error?: WidgetState["noteError"] }) {
  const tz = ui.actor!.timezone;
  return (
    <section class="widget" id="widget-notes">
      <h2>{ui.t("contacts.notes")}</h2>
      <form {...widgetForm(`/inbox/${data.conversationId}/notes`, "#widget-notes")} class="stack compact">
        {error ? <p class="alert error">{error.error}</p> : null}
        <label class="visually-hidden" for="w-note">
          {ui.t("widgets.addNote")}
        </label>
        <textarea id="w-note" name="body" rows={2} maxlength={2000} placeholder={ui.t("widgets.notePlaceholder")} required>
          {error?.body ?? ""}
        </textarea>
        <button type="submit">{ui.t("widgets.addNote")}</button>
      </form>
      <ul class="plain notes">
        {data.notes.map((n) => (
          <li>
            <p>{n.body}</p>
            <small class="muted">
              {n.authorName ?? "—"} · <time datetime={n.createdAt.toISOString()}>{fullTime(n.createdAt, ui.locale, tz)}</time>
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
