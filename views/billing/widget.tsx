// The Billing widget beside the thread: balances per currency, payment links, the forms to send a
// link and add an entry, and the transactions newest first. Live updates redraw the balances, the
// links and the first page of transactions by their ids, never the forms someone may be typing in.
import type { FieldErrors, FormValues } from "../../src/forms";
import type { BillingData } from "../../src/billing/widget";
import type { EntryRow } from "../../src/billing/ledger";
import { formatMoney } from "../../src/billing/money";
import { fullTime } from "../format";
import type { Ui } from "../ui";

export interface BillingFormState {
  values: FormValues;
  errors: FieldErrors;
}

export interface BillingState {
  link?: BillingFormState;
  entry?: BillingFormState;
}

const EXPIRY_HOURS = ["1", "6", "24"];
const KINDS = ["charge", "payment", "refund", "adjustment"] as const;

function valueOf(form: BillingFormState | undefined, name: string, fallback = ""): string {
  const v = form?.values[name];
  return Array.isArray(v) ? (v[0] ?? fallback) : (v ?? fallback);
}

function post(action: string) {
  return { method: "post", action, "hx-post": action, "hx-target": "#widget-billing", "hx-swap": "outerHTML" } as const;
}

function Input({ form, prefix, name, label, ...rest }: { form?: BillingFormState; prefix: string; name: string; label: string; [attr: string]: unknown }) {
  const error = form?.errors[name];
  const id = `${prefix}-${name}`;
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={id}>{label}</label>
      <input id={id} name={name} value={valueOf(form, name)} aria-invalid={error ? "true" : undefined} aria-describedby={error ? `${id}-error` : undefined} {...rest} />
      {error ? (
        <small class="error" id={`${id}-error`}>
          {error}
        </small>
      ) : null}
    </div>
  );
}

function Choice({ form, prefix, name, label, options, fallback }: { form?: BillingFormState; prefix: string; name: string; label: string; options: [string, string][]; fallback: string }) {
  const error = form?.errors[name];
  const current = valueOf(form, name, fallback);
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={`${prefix}-${name}`}>{label}</label>
      <select id={`${prefix}-${name}`} name={name}>
        {options.map(([value, text]) => (
          <option value={value} selected={value === current}>
            {text}
          </option>
        ))}
      </select>
      {error ? <small class="error">{error}</small> : null}
    </div>
  );
}

export function BillingWidget({ ui, data, state = {} }: { ui: Ui; data: BillingData; state?: BillingState }) {
  const base = `/inbox/${data.conversationId}/billing`;
  const defaultCurrency = data.balances[0]?.currency ?? "TRY";
  return (
    <section class="widget billing" id="widget-billing">
      <h2>{ui.t("billing.title")}</h2>
      <BillingBalances ui={ui} data={data} />
      <BillingLinks ui={ui} data={data} />
      <details class="billing-form" open={state.link ? true : undefined}>
        <summary>{ui.t("billing.newLink")}</summary>
        {data.linkBlocked ? <p class="muted small">{data.linkBlocked === "outside_window" ? ui.t("billing.composerClosed") : ui.t(`billing.error.${data.linkBlocked}`)}</p> : null}
        {state.link?.errors._form ? <p class="alert error" role="alert">{state.link.errors._form}</p> : null}
        {data.provider ? (
          <form {...post(`${base}/links`)} class="stack compact" id="billing-link-form">
            <div class="row">
              <Input form={state.link} prefix="bl" name="amount" label={ui.t("billing.amount")} inputmode="decimal" required maxlength={20} placeholder={ui.locale === "tr" ? "250,00" : "250.00"} autocomplete="off" />
              <Choice form={state.link} prefix="bl" name="currency" label={ui.t("billing.currency")} options={data.linkCurrencies.map((c) => [c, c])} fallback={data.linkCurrencies.includes(defaultCurrency) ? defaultCurrency : data.linkCurrencies[0]} />
            </div>
            <Input form={state.link} prefix="bl" name="description" label={ui.t("billing.description")} required maxlength={120} />
            <Choice form={state.link} prefix="bl" name="expiresIn" label={ui.t("billing.expiry")} options={EXPIRY_HOURS.map((h) => [h, ui.t("billing.expiry.hours", { count: h })])} fallback="24" />
            <button type="submit" disabled={data.linkBlocked ? true : undefined}>
              {ui.t("billing.createLink")}
            </button>
          </form>
        ) : null}
      </details>
      {state.entry?.errors._form ? <p class="alert error" role="alert">{state.entry.errors._form}</p> : null}
      {data.mayAddEntries ? (
        <details class="billing-form" open={state.entry ? true : undefined}>
          <summary>{ui.t("billing.addEntry")}</summary>
          <form {...post(`${base}/entries`)} class="stack compact" id="billing-entry-form">
            <input type="hidden" name="key" value={valueOf(state.entry, "key", data.entryKey)} />
            <Choice form={state.entry} prefix="be" name="kind" label={ui.t("billing.kind")} options={KINDS.map((k) => [k, ui.t(`billing.kind.${k}`)])} fallback="charge" />
            <div class="row">
              <Input form={state.entry} prefix="be" name="amount" label={ui.t("billing.amount")} inputmode="decimal" required maxlength={20} autocomplete="off" />
              <Choice form={state.entry} prefix="be" name="currency" label={ui.t("billing.currency")} options={data.currencies.map((c) => [c, c])} fallback={defaultCurrency} />
            </div>
            <small class="hint">{ui.t("billing.adjustmentHint")}</small>
            <Input form={state.entry} prefix="be" name="description" label={ui.t("billing.description")} required maxlength={500} />
            <Input form={state.entry} prefix="be" name="reference" label={ui.t("billing.reference")} maxlength={200} />
            <button type="submit">{ui.t("billing.saveEntry")}</button>
          </form>
        </details>
      ) : null}
      <BillingEntries ui={ui} data={data} />
    </section>
  );
}

export function BillingBalances({ ui, data }: { ui: Ui; data: Pick<BillingData, "balances"> }) {
  return (
    <div id="billing-balances" class="billing-balances">
      {data.balances.length === 0 ? (
        <p class="muted">{ui.t("billing.noBalance")}</p>
      ) : (
        <ul class="plain">
          {data.balances.map((b) => (
            <li class={b.balanceMinor > 0 ? "owes" : b.balanceMinor < 0 ? "credit" : "settled"}>
              <strong>{formatMoney(Math.abs(b.balanceMinor), b.currency, ui.locale)}</strong>{" "}
              <span class="muted">{ui.t(b.balanceMinor > 0 ? "billing.owes" : b.balanceMinor < 0 ? "billing.credit" : "billing.settled")}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function BillingLinks({ ui, data }: { ui: Ui; data: Pick<BillingData, "links" | "conversationId"> }) {
  const tz = ui.actor!.timezone;
  return (
    <div id="billing-links" class="billing-links">
      <h3>{ui.t("billing.links")}</h3>
      {data.links.length === 0 ? <p class="muted">{ui.t("billing.noLinks")}</p> : null}
      <ul class="plain">
        {data.links.map((l) => (
          <li id={`billing-link-${l.id}`} class={`payment-link ${l.shown}`}>
            <div class="line">
              <span>
                {ui.t("billing.linkNumber", { number: l.id })} · <strong>{formatMoney(l.amountMinor, l.currency, ui.locale)}</strong>
              </span>
              <span class={`badge ${l.shown}`}>{ui.t(`billing.status.${l.shown}`)}</span>
            </div>
            <small class="muted">
              {l.description}
              {l.shown === "pending" ? <> · {ui.t("billing.expires", { time: fullTime(l.expiresAt, ui.locale, tz) })}</> : null}
              {l.paidAt ? <> · {fullTime(l.paidAt, ui.locale, tz)}</> : null}
            </small>
            {l.shown === "pending" ? (
              <div class="inline-form">
                <label class="visually-hidden" for={`link-url-${l.id}`}>
                  URL
                </label>
                <input id={`link-url-${l.id}`} value={l.url} readonly />
                <button type="button" class="secondary" data-copy={`#link-url-${l.id}`} data-copied={ui.t("billing.copied")}>
                  {ui.t("billing.copy")}
                </button>
                <form {...post(`/inbox/${data.conversationId}/billing/links/${l.id}/cancel`)}>
                  <button type="submit" class="link">
                    {ui.t("billing.cancelLink")}
                  </button>
                </form>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function BillingEntries({ ui, data }: { ui: Ui; data: Pick<BillingData, "entries" | "next" | "conversationId"> }) {
  return (
    <div id="billing-entries" class="billing-entries">
      <h3>{ui.t("billing.transactions")}</h3>
      <ul class="plain" id="billing-entry-list">
        <EntryRows ui={ui} entries={data.entries} next={data.next} conversationId={data.conversationId} />
      </ul>
    </div>
  );
}

/** Rows and the "Load more" item after them: "Load more" swaps itself for the next rows. */
export function EntryRows({ ui, entries, next, conversationId }: { ui: Ui; entries: EntryRow[]; next: string | null; conversationId: number }) {
  const tz = ui.actor!.timezone;
  const more = `/inbox/${conversationId}/billing/entries?after=${next}`;
  return (
    <>
      {entries.map((e) => (
        <li class={`entry ${e.kind}`} id={`entry-${e.id}`}>
          <div class="line">
            <span>{ui.t(`billing.kind.${e.kind}`)}</span>
            <strong class={e.amountMinor < 0 ? "credit" : "owes"}>{formatMoney(e.amountMinor, e.currency, ui.locale)}</strong>
          </div>
          <small class="muted">
            {e.description ? `${e.description} · ` : ""}
            {e.source === "payment_link" ? ui.t("billing.source.payment_link", { number: e.paymentLinkId ?? "?" }) : e.source === "api" ? ui.t("billing.source.api") : ui.t(`billing.source.${e.source}`, { name: e.authorName ?? "—" })}
            {e.externalRef ? ` · ${e.externalRef}` : ""} · <time datetime={e.occurredAt.toISOString()}>{fullTime(e.occurredAt, ui.locale, tz)}</time>
          </small>
        </li>
      ))}
      {next ? (
        <li id="billing-more">
          <a href={more} hx-get={more} hx-target="#billing-more" hx-swap="outerHTML">
            {ui.t("billing.loadMore")}
          </a>
        </li>
      ) : null}
    </>
  );
}
