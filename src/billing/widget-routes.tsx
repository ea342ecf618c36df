// The Billing widget's routes under /inbox/:id/billing: add an entry, create or cancel a payment
// link, load more transactions. htmx swaps the widget; plain form posts return to the conversation.
import { z } from "zod";
import { ledgerKinds, type Locale } from "@db/schema";
import { signedInRoutes } from "../auth/middleware";
import { formValues, type FieldErrors, type FormValues } from "../forms";
import { commit } from "../realtime/changes";
import { isHtmx, redirect, render, ui, type SignedInCtx } from "../web";
import { Layout } from "../../views/layout";
import { BillingWidget, EntryRows, type BillingState } from "../../views/billing/widget";
import { addManualEntry, BillingRefused, decodeEntryCursor, visibleContact } from "./ledger";
import { cancelPaymentLink, createPaymentLink } from "./links";
import { amountInput, isCurrency, parseAmount } from "./money";
import { adapterFor, orgProvider } from "./providers";
import { billingData } from "./widget";

const idOf = (c: SignedInCtx) => Number(c.req.param("id"));

const entryForm = z.object({
  key: z.string().uuid(),
  kind: z.enum(ledgerKinds),
  amount: z.string().trim().min(1).max(20),
  currency: z.string().refine(isCurrency),
  description: z.string().trim().min(1, "validation.required").max(500, "validation.tooLong"),
  reference: z.string().trim().max(200, "validation.tooLong").optional(),
});

const linkForm = z.object({
  amount: z.string().trim().min(1).max(20),
  currency: z.string().refine(isCurrency),
  description: z.string().trim().min(1, "validation.required").max(120, "validation.tooLong"),
  expiresIn: z.enum(["1", "6", "24"]),
});

/** An amount typed in the viewer's language; adjustments may carry a minus sign. */
function typedAmount(text: string, currency: string, locale: Locale, signed: boolean): number | null {
  const negative = signed && /^[-−]/.test(text);
  const minor = parseAmount(negative ? text.slice(1) : text, currency, locale);
  return minor === null ? null : negative ? -minor : minor;
}

function amountError(c: SignedInCtx, currency: string, signed: boolean) {
  const example = amountInput(25_000, isCurrency(currency) ? currency : "TRY", c.get("locale"));
  return c.get("t")(signed ? "billing.error.signedAmount" : "billing.error.amount", { example });
}

function issues(c: SignedInCtx, error: z.ZodError): FieldErrors {
  const t = c.get("t");
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0]);
    if (out[field]) continue;
    out[field] = field === "currency" ? t("billing.error.currency") : field === "description" ? t(issue.message === "validation.tooLong" ? "validation.tooLong" : "validation.required") : t("billing.error.invalid");
  }
  return out;
}

async function widget(c: SignedInCtx, state: BillingState = {}, status: 200 | 404 | 422 = 200) {
  if (!isHtmx(c) && status === 200) return redirect(c, `/inbox/${idOf(c)}`);
  const actor = c.get("actor");
  const { database, clock } = c.get("deps");
  const seen = await visibleContact(database.db, actor, idOf(c));
  const data = seen && (await billingData(database.db, actor, seen.conversationId, seen.contactId, clock.now()));
  if (!data) return c.notFound();
  // Without JavaScript a refused form is drawn on a page of its own, keeping what was typed.
  const html = <BillingWidget ui={ui(c)} data={data} state={state} />;
  if (isHtmx(c)) return render(c, html, status);
  return render(
    c,
    <Layout ui={ui(c)} title={c.get("t")("billing.title")}>
      <main class="page narrow">
        <p>
          <a href={`/inbox/${data.conversationId}`}>←</a>
        </p>
        <aside class="widgets">{html}</aside>
      </main>
    </Layout>,
    status,
  );
}

function refusal(c: SignedInCtx, e: unknown, form: "link" | "entry", values: FormValues) {
  if (!(e instanceof BillingRefused)) throw e;
  if (e.reason === "not_found") return c.notFound();
  return widget(c, { [form]: { values, errors: { _form: c.get("t")(`billing.error.${e.reason}`) } } }, 422);
}

export function billingWidgetRoutes() {
  const app = signedInRoutes();

  app.post("/:id{[0-9]+}/billing/entries", async (c) => {
    const values = formValues(await c.req.parseBody());
    const parsed = entryForm.safeParse(values);
    const errors = parsed.success ? {} : issues(c, parsed.error);
    const currency = String(values.currency ?? "");
    const signed = values.kind === "adjustment";
    const amountMinor = parsed.success ? typedAmount(parsed.data.amount, parsed.data.currency, c.get("locale"), signed) : null;
    if (amountMinor === null && !errors.currency) errors.amount = amountError(c, currency, signed);
    if (!parsed.success || amountMinor === null) return widget(c, { entry: { values, errors } }, 422);
    const { database, clock } = c.get("deps");
    const p = parsed.data;
    try {
      const actor = c.get("actor");
      await commit(database, actor.orgId, (db) => addManualEntry(db, actor, idOf(c), { kind: p.kind, amountMinor, currency: p.currency, description: p.description, externalRef: p.reference || null, idempotencyKey: `manual:${p.key}` }, clock.now()));
    } catch (e) {
      return refusal(c, e, "entry", values);
    }
    return widget(c);
  });

  app.post("/:id{[0-9]+}/billing/links", async (c) => {
    const values = formValues(await c.req.parseBody());
    const parsed = linkForm.safeParse(values);
    const errors = parsed.success ? {} : issues(c, parsed.error);
    const amountMinor = parsed.success ? typedAmount(parsed.data.amount, parsed.data.currency, c.get("locale"), false) : null;
    if (amountMinor === null && !errors.currency) errors.amount = amountError(c, String(values.currency ?? ""), false);
    if (!parsed.success || amountMinor === null) return widget(c, { link: { values, errors } }, 422);
    const actor = c.get("actor");
    const { database, clock, config } = c.get("deps");
    const row = await orgProvider(database.db, actor.orgId);
    const now = clock.now();
    try {
      await commit(database, actor.orgId, (db) =>
        createPaymentLink(
          db,
          actor,
          idOf(c),
          { amountMinor, currency: parsed.data.currency, description: parsed.data.description, expiresAt: new Date(now.getTime() + Number(parsed.data.expiresIn) * 3_600_000) },
          row && { row, adapter: adapterFor(row, config) },
          now,
        ),
      );
    } catch (e) {
      return refusal(c, e, "link", values);
    }
    return widget(c);
  });

  app.post("/:id{[0-9]+}/billing/links/:linkId{[0-9]+}/cancel", async (c) => {
    const actor = c.get("actor");
    const { database, clock, config } = c.get("deps");
    const row = await orgProvider(database.db, actor.orgId);
    try {
      await commit(database, actor.orgId, (db) => cancelPaymentLink(db, actor, Number(c.req.param("linkId")), row && adapterFor(row, config), clock.now()));
    } catch (e) {
      return refusal(c, e, "link", {});
    }
    return widget(c);
  });

  app.get("/:id{[0-9]+}/billing/entries", async (c) => {
    const cursor = decodeEntryCursor(c.req.query("after"));
    if (!cursor) return c.text(c.get("t")("error.badRequest"), 400);
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    const seen = await visibleContact(database.db, actor, idOf(c));
    const data = seen && (await billingData(database.db, actor, seen.conversationId, seen.contactId, clock.now(), cursor));
    if (!data) return c.notFound();
    if (isHtmx(c)) return render(c, <EntryRows ui={ui(c)} entries={data.entries} next={data.next} conversationId={data.conversationId} />);
    return render(
      c,
      <Layout ui={ui(c)} title={c.get("t")("billing.transactions")}>
        <main class="page narrow">
          <p>
            <a href={`/inbox/${data.conversationId}`}>←</a>
          </p>
          <ul class="plain billing-entries">
            <EntryRows ui={ui(c)} entries={data.entries} next={data.next} conversationId={data.conversationId} />
          </ul>
        </main>
      </Layout>,
    );
  });

  return app;
}
