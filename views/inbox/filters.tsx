// The filter panel above the conversation list: a plain GET form, so filters live in the URL.
import { channelKinds } from "../../db/schema";
import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { isFiltered, operatorsByType, sessionTypes, sorts, type FilterChoices, type InboxFilters } from "../../src/inbox/filters";
import type { MessageKey } from "../../src/i18n";
import type { Tab } from "../../src/inbox/list";
import type { Ui } from "../ui";

type PanelProps = { ui: Ui; tab: Tab; search: string; filters: InboxFilters; choices: FilterChoices; count: number };

/**
 * Panels drawn for one choices object (the same object while members, workgroups and fields are
 * unchanged: src/inbox/filters.ts filterChoices), by what else they show. A page without filters
 * or a search reuses the panel's HTML instead of drawing a few hundred options again.
 */
const drawn = new WeakMap<FilterChoices, Map<string, HtmlEscapedString>>();

export function FilterPanel(props: PanelProps) {
  if (props.count || props.search || isFiltered(props.filters) || props.filters.sort !== "activity") return <Panel {...props} />;
  let panels = drawn.get(props.choices);
  if (!panels) drawn.set(props.choices, (panels = new Map()));
  const key = `${props.ui.locale}|${props.tab}`;
  let html = panels.get(key);
  // Panel is synchronous: its toString() is the HTML itself, not a promise.
  if (!html) panels.set(key, (html = raw((<Panel {...props} />).toString() as string)));
  return html;
}

/** One of the panel's several-choice lists (people, workgroups, tags). */
function MultiChoice({ label, name, options, chosen }: { label: string; name: string; options: { value: string; name: string }[]; chosen: string[] }) {
  return (
    <label>
      {label}
      <select name={name} multiple size={4}>
        {options.map((o) => (
          <option value={o.value} selected={chosen.includes(o.value)}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Panel({ ui, tab, search, filters, choices, count }: PanelProps) {
  const field = (key: string) => filters.fields.find((f) => f.key === key);
  return (
    <details class="filter-panel" open={undefined}>
      <summary>{count ? ui.t("filters.active", { count }) : ui.t("filters.title")}</summary>
      <form method="get" action="/inbox" class="filter-form">
        {tab !== "open" ? <input type="hidden" name="tab" value={tab} /> : null}
        {search ? <input type="hidden" name="q" value={search} /> : null}
        <fieldset>
          <legend>{ui.t("filters.channels")}</legend>
          {channelKinds.map((kind) => (
            <label>
              <input type="checkbox" name="ch" value={kind} checked={filters.channels.includes(kind)} /> {ui.t(`inbox.channel.${kind}`)}
            </label>
          ))}
        </fieldset>
        <div class="filter-row">
          <MultiChoice label={ui.t("filters.users")} name="u" options={choices.people.map((p) => ({ value: p.id, name: p.name }))} chosen={filters.users} />
          <MultiChoice label={ui.t("filters.workgroups")} name="wg" options={choices.groups.map((g) => ({ value: String(g.id), name: g.name }))} chosen={filters.workgroups.map(String)} />
          <MultiChoice label={ui.t("filters.tags")} name="tag" options={choices.tags.map((g) => ({ value: String(g.id), name: g.name }))} chosen={filters.tags.map(String)} />
        </div>
        <fieldset>
          <legend>{ui.t("filters.types")}</legend>
          {sessionTypes.map((type) => (
            <label>
              <input type="checkbox" name="type" value={type} checked={filters.types.includes(type)} /> {ui.t(`filters.type.${type}`)}
            </label>
          ))}
        </fieldset>
        <fieldset class="dates">
          <legend>{ui.t("filters.created")}</legend>
          <label>
            {ui.t("filters.from")} <input type="date" name="created_from" value={filters.createdFrom ?? ""} />
          </label>
          <label>
            {ui.t("filters.to")} <input type="date" name="created_to" value={filters.createdTo ?? ""} />
          </label>
        </fieldset>
        <fieldset class="dates">
          <legend>{ui.t("filters.lastMessage")}</legend>
          <label>
            {ui.t("filters.from")} <input type="date" name="last_from" value={filters.lastFrom ?? ""} />
          </label>
          <label>
            {ui.t("filters.to")} <input type="date" name="last_to" value={filters.lastTo ?? ""} />
          </label>
        </fieldset>
        {choices.fields.length ? (
          <fieldset class="crm">
            <legend>{ui.t("filters.crm")}</legend>
            {choices.fields.map((def) => (
              <CrmFieldFilter ui={ui} def={def} current={field(def.key)} />
            ))}
          </fieldset>
        ) : null}
        <div class="filter-row">
          <label class="inline">
            <input type="checkbox" name="unread" value="1" checked={filters.unread} /> {ui.t("filters.unread")}
          </label>
          <label class="inline">
            <input type="checkbox" name="ad" value="1" checked={!!filters.fromAd} /> {ui.t("filters.fromAd")}
          </label>
          <label>
            {ui.t("filters.sort")}{" "}
            <select name="sort">
              {sorts.map((s) => (
                <option value={s} selected={filters.sort === s}>
                  {ui.t(`filters.sort.${s}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div class="filter-actions">
          <a href={tab === "open" ? "/inbox" : `/inbox?tab=${tab}`}>{ui.t("filters.clear")}</a>
          <button type="submit" class="primary">
            {ui.t("filters.update")}
          </button>
        </div>
      </form>
    </details>
  );
}

/** One CRM field's operator and value, named as parseFilters reads them (the bulk audience uses it too). */
export function CrmFieldFilter({ ui, def, current }: { ui: Ui; def: FilterChoices["fields"][number]; current: InboxFilters["fields"][number] | undefined }) {
  return (
    <div class="crm-row">
      <span>{def.label}</span>
      <select name={`cf_${def.key}_op`} aria-label={def.label}>
        <option value="">{ui.t("filters.op.any")}</option>
        {operatorsByType[def.type].map((op) => (
          <option value={op} selected={current?.op === op}>
            {ui.t(`filters.op.${op}` as MessageKey)}
          </option>
        ))}
      </select>
      {def.type === "boolean" ? null : def.type === "select" ? (
        <select name={`cf_${def.key}`} aria-label={def.label}>
          <option value="">—</option>
          {def.options.map((o) => (
            <option value={o} selected={current?.value === o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input name={`cf_${def.key}`} type={def.type === "date" ? "date" : "text"} value={current?.value ?? ""} aria-label={def.label} />
      )}
    </div>
  );
}
