// A new bulk send: audience (filter and/or a list of numbers, counted as it changes), channel and
// approved template with each variable mapped, a preview for a sample contact, pace and start time.
// A plain multipart form: without JavaScript the count and preview show after submitting.
import { channelKinds } from "../../db/schema";
import type { FilterChoices } from "../../src/inbox/filters";
import type { TemplateChoices } from "../../src/bulk/sends";
import { CrmFieldFilter } from "../inbox/filters";
import { Layout } from "../layout";
import { FormError, value, values, type FormState } from "../components/form";
import type { Ui } from "../ui";

export interface BulkFormChoices {
  tags: { id: number; name: string }[];
  fields: FilterChoices["fields"];
  channels: TemplateChoices;
  maxPace: number;
}

export function BulkNewPage({ ui, form, choices, count, preview }: { ui: Ui; form: FormState; choices: BulkFormChoices; count: number | null; preview: string | null }) {
  const maxParams = Math.max(0, ...choices.channels.flatMap((c) => c.templates.map((t) => t.params)));
  const tagIds = values(form, "tag");
  const kinds = values(form, "ch");
  const error = (name: string) => (form.errors[name] ? <small class="error">{form.errors[name]}</small> : null);
  // The count and preview follow the form's changes: the whole form is posted to /bulk/preview and its #bulk-live taken;
  // a newer change aborts the request of an older one (its answer would show an older state).
  const refresh = { "hx-post": "/bulk/preview", "hx-trigger": 'change from:"closest form"', "hx-include": "closest form", "hx-sync": "closest form:replace", "hx-select": "#bulk-live", "hx-swap": "outerHTML" };
  return (
    <Layout ui={ui} title={ui.t("bulk.new")}>
      <div class="page">
        <h1>{ui.t("bulk.new")}</h1>
        <form method="post" action="/bulk" enctype="multipart/form-data" class="stack card bulk-form">
          <FormError form={form} text={ui.t("bulk.fix")} />
          <div class={form.errors.name ? "field has-error" : "field"}>
            <label for="f-name">{ui.t("common.name")}</label>
            <input id="f-name" name="name" value={value(form, "name")} maxlength={120} required />
            {error("name")}
          </div>
          <fieldset>
            <legend>{ui.t("bulk.audience")}</legend>
            <p class="hint">{ui.t("bulk.audienceHint")}</p>
            {choices.tags.length ? (
              <fieldset class="checks">
                <legend>{ui.t("bulk.tags")}</legend>
                {choices.tags.map((t) => (
                  <label class="inline">
                    <input type="checkbox" name="tag" value={String(t.id)} checked={tagIds.includes(String(t.id))} /> {t.name}
                  </label>
                ))}
              </fieldset>
            ) : null}
            <fieldset class="checks">
              <legend>{ui.t("bulk.wroteOn")}</legend>
              {channelKinds.map((k) => (
                <label class="inline">
                  <input type="checkbox" name="ch" value={k} checked={kinds.includes(k)} /> {ui.t(`inbox.channel.${k}` as "inbox.channel.whatsapp")}
                </label>
              ))}
            </fieldset>
            <div class="filter-row">
              <label class="inline">
                {ui.t("bulk.lastFrom")} <input type="date" name="last_from" value={value(form, "last_from")} />
              </label>
              <label class="inline">
                {ui.t("bulk.lastTo")} <input type="date" name="last_to" value={value(form, "last_to")} />
              </label>
            </div>
            {choices.fields.length ? (
              <fieldset class="crm">
                <legend>{ui.t("filters.crm")}</legend>
                {choices.fields.map((def) => (
                  <CrmFieldFilter ui={ui} def={def} current={value(form, `cf_${def.key}_op`) ? { key: def.key, type: def.type, op: value(form, `cf_${def.key}_op`), value: value(form, `cf_${def.key}`) } : undefined} />
                ))}
              </fieldset>
            ) : null}
            <div class={form.errors.numbers ? "field has-error" : "field"}>
              <label for="f-numbers">{ui.t("bulk.numbers")}</label>
              <textarea id="f-numbers" name="numbers" rows={4} placeholder="+905551112233">
                {value(form, "numbers")}
              </textarea>
              <small class="hint">{ui.t("bulk.numbersHint")}</small>
              {error("numbers")}
            </div>
            <div class="field">
              <label for="f-file">{ui.t("bulk.csvFile")}</label>
              <input id="f-file" type="file" name="file" accept=".csv,.txt,text/csv,text/plain" />
            </div>
            <label class="inline">
              <input type="checkbox" name="skipOpen" value="1" checked={value(form, "skipOpen") === "1"} /> {ui.t("bulk.skipOpen")}
            </label>
          </fieldset>
          <fieldset>
            <legend>{ui.t("bulk.message")}</legend>
            <div class={form.errors.template ? "field has-error" : "field"}>
              <label for="f-template">{ui.t("bulk.template")}</label>
              <select id="f-template" name="template" required>
                <option value="">—</option>
                {choices.channels.map((c) => (
                  <optgroup label={c.name}>
                    {c.templates.map((t) => {
                      const v = `${c.id}:${t.name}:${t.language}`;
                      return (
                        <option value={v} selected={value(form, "template") === v}>
                          {`${t.name} (${t.language}) — ${t.body.slice(0, 60)}`}
                        </option>
                      );
                    })}
                  </optgroup>
                ))}
              </select>
              {error("template")}
              {choices.channels.every((c) => c.templates.length === 0) ? <small class="hint">{ui.t("bulk.noTemplates")}</small> : null}
            </div>
            {Array.from({ length: maxParams }, (_, i) => i + 1).map((n) => (
              <div class="field bulk-variable">
                <label for={`f-p${n}`}>{ui.t("bulk.variable", { n })}</label>
                <select id={`f-p${n}`} name={`p${n}_source`}>
                  <option value="text">{ui.t("bulk.source.text")}</option>
                  {["contact.name", "contact.phone", "contact.email"].map((s) => (
                    <option value={s} selected={value(form, `p${n}_source`) === s}>
                      {ui.t(`bulk.source.${s.slice(8)}` as "bulk.source.name")}
                    </option>
                  ))}
                  {choices.fields.map((f) => (
                    <option value={`field.${f.key}`} selected={value(form, `p${n}_source`) === `field.${f.key}`}>
                      {`${ui.t("bulk.source.field")}: ${f.label}`}
                    </option>
                  ))}
                </select>
                <input name={`p${n}_text`} value={value(form, `p${n}_text`)} maxlength={200} aria-label={ui.t("bulk.source.text")} />
              </div>
            ))}
            {maxParams ? <small class="hint">{ui.t("bulk.variablesHint")}</small> : null}
          </fieldset>
          <div id="bulk-live" class="bulk-live" aria-live="polite" {...refresh}>
            <p>
              <strong>{ui.t("bulk.audienceCount")}</strong> <output id="bulk-count">{count === null ? "—" : String(count)}</output>
            </p>
            {preview !== null ? (
              <div class="bulk-preview">
                <strong>{ui.t("bulk.preview")}</strong>
                <p class="bubble">{preview}</p>
              </div>
            ) : null}
          </div>
          <fieldset>
            <legend>{ui.t("bulk.when")}</legend>
            <div class={form.errors.pace ? "field has-error" : "field"}>
              <label for="f-pace">{ui.t("bulk.pace")}</label>
              <input id="f-pace" name="pace" type="number" min="1" max={String(choices.maxPace)} value={value(form, "pace") || "20"} required />
              <small class="hint">{ui.t("bulk.paceHint", { max: choices.maxPace })}</small>
              {error("pace")}
            </div>
            <label class="inline">
              <input type="radio" name="when" value="now" checked={value(form, "when") !== "later"} /> {ui.t("bulk.now")}
            </label>
            <label class="inline">
              <input type="radio" name="when" value="later" checked={value(form, "when") === "later"} /> {ui.t("bulk.later")}
            </label>
            <input type="datetime-local" name="startAt" value={value(form, "startAt")} aria-label={ui.t("bulk.startAt")} />
            {error("startAt")}
          </fieldset>
          <div class="actions">
            <button type="submit" class="primary">
              {ui.t("bulk.create")}
            </button>
            <a href="/bulk">{ui.t("common.cancel")}</a>
          </div>
        </form>
      </div>
    </Layout>
  );
}
