// Admin → Payments (provider settings, who may add entries by hand) and Admin → API tokens.
import { z } from "zod";
import { apiScopes, paymentProviderKinds } from "@db/schema";
import { signedInRoutes } from "../auth/middleware";
import { field, fieldErrors, formValues, type FieldErrors, type FormValues } from "../forms";
import { maskSecret, secretsFor } from "../channels/secrets";
import { commit } from "../realtime/changes";
import { flash, redirect, render, takeFlash, ui, type SignedInCtx } from "../web";
import { emptyForm } from "../../views/components/form";
import { ApiTokensPage, PaymentsPage } from "../../views/billing/admin";
import { createApiToken, orgApiTokens, revokeApiToken } from "./api-tokens";
import { entrySetting, setEntryPolicy } from "./ledger";
import { configureProvider, defaultBaseUrls, orgProvider } from "./providers";

const paymentsSchema = z.object({
  kind: z.enum(paymentProviderKinds),
  baseUrl: z.url({ protocol: /^https?$/, error: "validation.invalid" }).max(300),
  stripeSecretKey: z.string().trim().max(300).optional(),
  stripeWebhookSecret: z.string().trim().max(300).optional(),
  iyzicoApiKey: z.string().trim().max(300).optional(),
  iyzicoSecretKey: z.string().trim().max(300).optional(),
  ledgerEntriesBy: z.enum(["admins", "supervisors", "agents"]),
});

const tokenSchema = z.object({
  name: field.text(80),
  scopes: z.union([z.enum(apiScopes), z.array(z.enum(apiScopes))]).transform((s) => (Array.isArray(s) ? s : [s])),
});

async function paymentsPage(c: SignedInCtx, form?: { values: FormValues; errors: FieldErrors }, status: 200 | 422 = 200) {
  const actor = c.get("actor");
  const { database, config } = c.get("deps");
  const [row, policy] = await Promise.all([orgProvider(database.db, actor.orgId), entrySetting(database.db, actor.orgId)]);
  const stored = row ? secretsFor(config).open(row.secrets) : {};
  const prefix = row?.kind ?? "stripe";
  const masked = Object.fromEntries(Object.entries(stored).map(([k, v]) => [prefix + k[0].toUpperCase() + k.slice(1), maskSecret(v)]));
  const values = form ?? emptyForm({ kind: row?.kind ?? "stripe", baseUrl: String(row?.config.baseUrl ?? defaultBaseUrls.stripe), ledgerEntriesBy: policy ?? "supervisors" });
  const origin = config.PUBLIC_URL ?? new URL(c.req.url).origin;
  return render(c, <PaymentsPage ui={ui(c)} form={values} flash={takeFlash(c)} webhookUrl={row ? `${origin}/payments/webhooks/${row.webhookKey}` : null} masked={masked} />, status);
}

async function tokensPage(c: SignedInCtx, opts: { form?: { values: FormValues; errors: FieldErrors }; created?: { name: string; token: string }; status?: 200 | 201 | 422 } = {}) {
  const rows = await orgApiTokens(c.get("deps").database.db, c.get("actor").orgId);
  return render(c, <ApiTokensPage ui={ui(c)} rows={rows} form={opts.form ?? emptyForm()} flash={takeFlash(c)} created={opts.created} />, opts.status ?? 200);
}

export function paymentsAdminRoutes() {
  const app = signedInRoutes("admin");
  app.get("/", (c) => paymentsPage(c));
  app.post("/", async (c) => {
    const values = formValues(await c.req.parseBody());
    const parsed = paymentsSchema.safeParse(values);
    if (!parsed.success) return paymentsPage(c, { values, errors: fieldErrors(parsed.error, c.get("t")) }, 422);
    const p = parsed.data;
    const actor = c.get("actor");
    const { database, config, clock } = c.get("deps");
    const secrets: Record<string, string> = p.kind === "stripe" ? { secretKey: p.stripeSecretKey ?? "", webhookSecret: p.stripeWebhookSecret ?? "" } : { apiKey: p.iyzicoApiKey ?? "", secretKey: p.iyzicoSecretKey ?? "" };
    await commit(database, actor.orgId, async (db) => {
      const { eventIds } = await configureProvider(db, actor, config, { kind: p.kind, baseUrl: p.baseUrl, secrets }, clock.now());
      return [...eventIds, ...(await setEntryPolicy(db, actor, p.ledgerEntriesBy, clock.now()))];
    });
    flash(c, "ok", "common.saved");
    return redirect(c, "/admin/payments");
  });
  return app;
}

export function apiTokensAdminRoutes() {
  const app = signedInRoutes("admin");
  app.get("/", (c) => tokensPage(c));
  app.post("/", async (c) => {
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = tokenSchema.safeParse(values);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, c.get("t"));
      if (errors.scopes) errors.scopes = c.get("t")("apiTokens.error.scopes");
      return tokensPage(c, { form: { values, errors }, status: 422 });
    }
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    const { token, row } = await commit(database, actor.orgId, (db) => createApiToken(db, actor, { name: parsed.data.name, scopes: [...new Set(parsed.data.scopes)] }, clock.now()));
    // Drawn in the answer itself, never stored or redirected to: the token exists only in this page.
    c.header("Cache-Control", "no-store");
    return tokensPage(c, { created: { name: row.name, token }, status: 201 });
  });
  app.post("/:id{[0-9]{1,15}}/revoke", async (c) => {
    const actor = c.get("actor");
    const { database, clock } = c.get("deps");
    const eventIds = await commit(database, actor.orgId, (db) => revokeApiToken(db, actor, Number(c.req.param("id")), clock.now()));
    if (!eventIds) return c.notFound();
    flash(c, "ok", "apiTokens.revoked");
    return redirect(c, "/admin/api-tokens");
  });
  return app;
}
