// Form validation shared by every page: zod issues become translated field errors, and the typed
// values come back so a form re-renders with nothing lost.
import { zValidator } from "@hono/zod-validator";
import type { Context, Env, MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { z } from "zod";
import type { MessageKey, Translate } from "./i18n";
import { neutralise } from "./names";
import { NotFound } from "./not-found";

/**
 * Ids are bigint columns read as JavaScript numbers (mode "number"): past this, a number cannot name
 * a row exactly, and past the column's range the database would refuse it with an error.
 */
export const MAX_ID = Number.MAX_SAFE_INTEGER;

export type FieldErrors = Record<string, string>;
export type FormValues = Record<string, string | string[]>;

/** Zod messages in our schemas are catalog keys; built-in issues are mapped to keys with params. */
export function fieldErrors(error: z.ZodError, t: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "_form");
    if (out[field]) continue;
    out[field] = translateIssue(issue, t);
  }
  return out;
}

function translateIssue(issue: z.core.$ZodIssue, t: Translate): string {
  if (issue.message && /^[a-z][A-Za-z]*\.[A-Za-z.]+$/.test(issue.message)) {
    const params: Record<string, string | number> = {};
    if ("maximum" in issue) params.max = Number(issue.maximum);
    if ("minimum" in issue) params.min = Number(issue.minimum);
    return t(issue.message as MessageKey, params);
  }
  switch (issue.code) {
    case "too_big":
      return t("validation.tooLong", { max: Number(issue.maximum) });
    case "too_small":
      return Number(issue.minimum) <= 1 ? t("validation.required") : t("validation.tooShort", { min: Number(issue.minimum) });
    case "invalid_format":
      return issue.format === "email" ? t("validation.email") : t("validation.invalid");
    case "invalid_type":
      return issue.input === undefined ? t("validation.required") : t("validation.invalid");
    default:
      return t("validation.invalid");
  }
}

/** Raw submitted values, for re-rendering a rejected form exactly as typed. */
export function formValues(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === "string");
    else if (typeof v === "string") out[k] = v;
  }
  return out;
}

/** Common field shapes whose messages are catalog keys. */
export const field = {
  /** One line a person types: a name, a title, a label; invisible controls are dropped (see names.ts). */
  text: (max = 200) => z.string().transform(neutralise).pipe(z.string().trim().min(1, "validation.required").max(max, "validation.tooLong")),
  optionalText: (max = 2000) =>
    z
      .string()
      .transform(neutralise)
      .pipe(z.string().trim().max(max, "validation.tooLong"))
      .optional()
      .transform((v) => (v ? v : undefined)),
  email: () => z.string().trim().toLowerCase().min(1, "validation.required").pipe(z.email("validation.email")),
  /** An id from a form, the URL or a query: a whole number the id columns can hold (1e400 and 0 are not). */
  id: () => z.coerce.number().int().positive().max(MAX_ID),
  checkbox: () =>
    z
      .union([z.literal("on"), z.literal("true"), z.literal("1"), z.literal("")])
      .optional()
      .transform((v) => v === "on" || v === "true" || v === "1"),
  /** Checkbox lists arrive as one string or several. */
  idList: () =>
    z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(Boolean).map(Number))
      .pipe(z.array(z.number().int().positive().max(MAX_ID))),
};

const anId = field.id();

/** A route's id parameter (`/:id{[0-9]+}` lets any length through): NotFound when no row can have it. */
export function idParam(c: { req: { param(name: string): string | undefined } }, name = "id"): number {
  const parsed = anId.safeParse(c.req.param(name));
  if (!parsed.success) throw new NotFound(name);
  return parsed.data;
}

/** An optional id in the query string (a page's `before`, a stream's `conversation`): NotFound when present and impossible. */
export function idQuery(c: { req: { query(name: string): string | undefined } }, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  const parsed = anId.safeParse(raw);
  if (!parsed.success) throw new NotFound(name);
  return parsed.data;
}

type Rejected<E extends Env> = (c: Context<E>, errors: FieldErrors, values: FormValues) => Response | Promise<Response>;

/**
 * Validates a form body with zod; on failure calls `onInvalid` (which renders the form again with
 * status 422 and the values typed), so the handler only ever sees valid, typed data.
 */
export function validForm<T extends z.ZodType, E extends Env = AppEnv>(schema: T, onInvalid: Rejected<E>) {
  return zValidator("form", schema, async (result, c) => {
    if (!result.success) {
      const ctx = c as unknown as Context<E>;
      const t = (c as unknown as Context<AppEnv>).get("t");
      return onInvalid(ctx, fieldErrors(result.error as unknown as z.ZodError, t), formValues(result.data as Record<string, unknown>));
    }
  }) as unknown as MiddlewareHandler<E, string, { in: { form: z.input<T> }; out: { form: z.output<T> } }>;
}

/** Validates query strings; a bad query is a 400 with a translated message (no form to redraw). */
export function validQuery<T extends z.ZodType>(schema: T) {
  return zValidator("query", schema, (result, c) => {
    if (!result.success) return c.text("Bad request: " + result.error.issues.map((i) => i.path.join(".") + " " + i.message).join("; "), 400);
  });
}
