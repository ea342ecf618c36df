// The organization billing API (/api/v1): bearer tokens with scopes, JSON in and out, zod-validated,
// errors as {error:{code,message,field}}, rate limited per token. Documented in README.md.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { contacts, ledgerKinds, type ApiScope } from "@db/schema";
import type { AppEnv } from "../context";
import { commit } from "../realtime/changes";
import { useApiToken } from "./api-tokens";
import { addApiEntry, contactBalances, type LedgerEntry } from "./ledger";
import { decimalText, isCurrency } from "./money";

type ApiEnv = AppEnv & { Variables: AppEnv["Variables"] & { token: { tokenId: number; orgId: number; scopes: ApiScope[] } } };
type ApiCtx = Context<ApiEnv>;

function apiError(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429, code: string, message: string, field?: string) {
  return c.json({ error: { code, message, ...(field ? { field } : {}) } }, status);
}

const entrySchema = z
  .object({
    kind: z.enum(ledgerKinds),
    amount_minor: z.number().int().refine(Number.isSafeInteger, "must be a safe integer").refine((n) => n !== 0, "must not be zero"),
    currency: z.string().refine(isCurrency, "must be an upper-case ISO-4217 code"),
    description: z.string().trim().max(500).default(""),
    external_ref: z.string().trim().min(1).max(200).optional(),
    idempotency_key: z.string().trim().min(1).max(200).optional(),
    occurred_at: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((e) => e.kind === "adjustment" || e.amount_minor > 0, { message: "must be positive for charges, payments and refunds (only adjustments carry a sign)", path: ["amount_minor"] });

const contactRef = z.discriminatedUnion("by", [
  z.object({ by: z.literal("id"), value: z.coerce.number().int().positive() }),
  z.object({ by: z.literal("phone"), value: z.string().regex(/^\+?[0-9]{5,20}$/) }),
  z.object({ by: z.literal("external_id"), value: z.string().min(1).max(200) }),
]);

async function findContact(db: DbOrTx, orgId: number, ref: z.infer<typeof contactRef>): Promise<number | null> {
  const where =
    ref.by === "id"
      ? eq(contacts.id, ref.value)
      : ref.by === "external_id"
        ? eq(contacts.externalId, ref.value)
        : // Phones are stored as the channel gave them, with or without the leading +.
          inArray(contacts.phone, [ref.value, ref.value.startsWith("+") ? ref.value.slice(1) : `+${ref.value}`]);
  const rows = await db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.orgId, orgId), where)).limit(2);
  return rows.length === 1 ? rows[0].id : null;
}

function entryJson(e: LedgerEntry) {
  return {
    id: e.id,
    contact_id: e.contactId,
    kind: e.kind,
    amount_minor: e.amountMinor,
    amount: decimalText(e.amountMinor, e.currency),
    currency: e.currency,
    description: e.description,
    external_ref: e.externalRef,
    idempotency_key: e.idempotencyKey,
    source: e.source,
    occurred_at: e.occurredAt.toISOString(),
    created_at: e.createdAt.toISOString(),
  };
}

async function balancesJson(db: DbOrTx, orgId: number, contactId: number) {
  const balances = await contactBalances(db, orgId, contactId);
  return { contact_id: contactId, balances: balances.map((b) => ({ currency: b.currency, balance_minor: b.balanceMinor, balance: decimalText(b.balanceMinor, b.currency), entries: b.entries })) };
}

const bearer: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  if (!token) return apiError(c, 401, "unauthorized", "Send an API token: Authorization: Bearer kanal_…");
  const { database, clock } = c.get("deps");
  const check = await useApiToken(database.db, token, clock.now());
  if (!check.ok && check.reason === "rate_limited") {
    c.header("Retry-After", String(check.retryAfterS));
    return apiError(c, 429, "rate_limited", `Too many calls with this token; try again in ${check.retryAfterS} s`);
  }
  if (!check.ok) return apiError(c, 401, "unauthorized", "Unknown or revoked API token");
  c.set("token", check);
  await next();
};

function requireScope(scope: ApiScope): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (!c.get("token").scopes.includes(scope)) return apiError(c, 403, "insufficient_scope", `This token lacks the scope ${scope}`);
    await next();
  };
}

/** The contact named by the path: /contacts/{id}, /contacts/by-phone/{phone}, /contacts/by-external-id/{id}. */
async function pathContact(c: ApiCtx): Promise<number | Response> {
  const by = c.req.param("by") === "by-phone" ? "phone" : c.req.param("by") === "by-external-id" ? "external_id" : "id";
  const parsed = contactRef.safeParse({ by, value: c.req.param("ref") });
  if (!parsed.success) return apiError(c, 400, "invalid_contact", "The contact reference is not valid", by);
  const id = await findContact(c.get("deps").database.db, c.get("token").orgId, parsed.data);
  return id ?? apiError(c, 404, "contact_not_found", "No single contact matches", by);
}

async function postEntry(c: ApiCtx) {
  const contactId = await pathContact(c);
  if (contactId instanceof Response) return contactId;
  if (!c.req.header("content-type")?.includes("application/json")) return apiError(c, 415, "unsupported_media_type", "Send JSON (Content-Type: application/json)");
  const json = await c.req.json().catch(() => undefined);
  if (json === undefined) return apiError(c, 400, "invalid_json", "The body is not valid JSON");
  const parsed = entrySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return apiError(c, 400, "invalid_field", issue.message, issue.path.join(".") || undefined);
  }
  const key = parsed.data.idempotency_key ?? c.req.header("idempotency-key");
  if (!key) return apiError(c, 400, "invalid_field", "An idempotency key is required (idempotency_key or the Idempotency-Key header)", "idempotency_key");
  const { database, clock } = c.get("deps");
  const { tokenId, orgId } = c.get("token");
  const now = clock.now();
  const e = parsed.data;
  const result = await commit(database, orgId, (db) =>
    addApiEntry(
      db,
      orgId,
      tokenId,
      { contactId, kind: e.kind, amountMinor: e.amount_minor, currency: e.currency, description: e.description, externalRef: e.external_ref, idempotencyKey: `api:${key}`, occurredAt: e.occurred_at ? new Date(e.occurred_at) : undefined },
      now,
    ),
  );
  if (result.conflict) return apiError(c, 409, "idempotency_conflict", "This idempotency key was used for a different entry", "idempotency_key");
  const body = { entry: { ...entryJson(result.entry), idempotency_key: key }, ...(await balancesJson(database.db, orgId, contactId)) };
  return c.json(body, result.created ? 201 : 200);
}

async function getBalance(c: ApiCtx) {
  const contactId = await pathContact(c);
  if (contactId instanceof Response) return contactId;
  return c.json(await balancesJson(c.get("deps").database.db, c.get("token").orgId, contactId));
}

export function billingApiRoutes() {
  const app = new Hono<ApiEnv>();
  app.use("*", bearer);
  for (const prefix of ["/contacts/:ref{[0-9]+}", "/contacts/:by{by-phone|by-external-id}/:ref"]) {
    app.post(`${prefix}/ledger`, requireScope("ledger:write"), postEntry);
    app.get(`${prefix}/balance`, requireScope("balance:read"), getBalance);
  }
  app.notFound((c) => apiError(c, 404, "not_found", "No such API route"));
  return app;
}
