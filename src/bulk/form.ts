// The new-bulk-send form read and checked (zod): the audience filter, the list of numbers (typed or a
// CSV file), the template and its variables, the pace and the start time (in the organization's zone).
import { z } from "zod";
import type { CustomFieldType } from "@db/schema";
import { field, type FieldErrors, type FormValues } from "../forms";
import type { Translate } from "../i18n";
import { hasCriteria, MAX_RECIPIENTS, parseAudience, parseNumbers, type AudienceFilter, type CsvNumbers } from "./audience";
import type { NewBulkSend } from "./sends";

const base = z.object({
  name: field.text(120),
  template: z.string().regex(/^\d{1,15}:[a-z0-9_]{1,512}:[A-Za-z_]{2,10}$/, "validation.required"),
  pace: z.coerce.number().int().min(1, "validation.invalid"),
  when: z.enum(["now", "later"]).default("now"),
  startAt: z.string().max(20).optional(),
  skipOpen: z.string().optional(),
  numbers: z.string().max(3_000_000).optional(),
});

export interface ReadBulkForm {
  values: FormValues;
  errors: FieldErrors;
  filter: AudienceFilter | null;
  list: CsvNumbers;
  input: NewBulkSend | null;
}

/** The wall-clock time `local` (yyyy-mm-ddThh:mm) in `timeZone`, as an instant. */
export function zonedInstant(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(new Date(guess))
      .map((p) => [p.type, p.value]),
  );
  const shown = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute);
  return new Date(guess - (shown - guess));
}

/** Reads the submitted form (`body` from parseBody({ all: true })); `input` is null when something is wrong. */
export async function readBulkForm(body: Record<string, unknown>, fieldTypes: Map<string, CustomFieldType>, timeZone: string, now: Date, t: Translate): Promise<ReadBulkForm> {
  const values: FormValues = {};
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (typeof item !== "string") continue;
      params.append(k, item);
      values[k] = values[k] === undefined ? item : [...(Array.isArray(values[k]) ? values[k] : [values[k] as string]), item];
    }
  }
  const errors: FieldErrors = {};
  const file = body.file instanceof File && body.file.size > 0 ? body.file : null;
  const text = [typeof body.numbers === "string" ? body.numbers : "", file && file.size <= 5_000_000 ? await file.text() : ""].filter(Boolean).join("\n");
  const list = parseNumbers(text);
  if (file && file.size > 5_000_000) errors.numbers = t("bulk.error.fileTooLarge");
  else if (list.bad.length) errors.numbers = t("bulk.error.badLines", { lines: list.bad.slice(0, 5).map((b) => `${b.line}: ${b.text}`).join("; "), count: list.bad.length });
  if (list.numbers.length > MAX_RECIPIENTS) errors.numbers = t("bulk.error.tooMany", { max: MAX_RECIPIENTS });
  const audience = parseAudience(params, fieldTypes);
  if (!audience.ok) errors.numbers = audience.error;
  const filter = audience.ok && hasCriteria(audience.filter) ? audience.filter : null;
  if (!filter && list.numbers.length === 0 && !errors.numbers) errors.numbers = t("bulk.error.noAudience");
  const parsed = base.safeParse(Object.fromEntries(["name", "template", "pace", "when", "startAt", "skipOpen", "numbers"].map((k) => [k, typeof body[k] === "string" ? body[k] : undefined])));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      errors[key] ??= issue.message.includes(".") ? t(issue.message as "validation.required") : t("validation.invalid");
    }
  }
  let startAt: Date | null = null;
  if (parsed.success && parsed.data.when === "later") {
    startAt = zonedInstant(parsed.data.startAt ?? "", timeZone);
    if (!startAt || startAt <= now) errors.startAt = t("bulk.error.startAt");
  }
  const parameters: string[] = [];
  for (let n = 1; params.has(`p${n}_source`); n++) {
    const source = params.get(`p${n}_source`) ?? "text";
    const fixed = (params.get(`p${n}_text`) ?? "").trim().slice(0, 200);
    parameters.push(/^(contact\.(name|phone|email)|field\.[a-z0-9_]{1,64})$/.test(source) ? `{{${source}}}` : fixed);
  }
  if (!parsed.success || Object.keys(errors).length) return { values, errors, filter, list, input: null };
  const [channelId, name, language] = parsed.data.template.split(":");
  return {
    values,
    errors,
    filter,
    list,
    input: {
      name: parsed.data.name,
      channelId: Number(channelId),
      template: { name, language },
      // Only as many as the template has: the form offers the most any template has.
      parameters,
      filter,
      numbers: list.numbers,
      skipOpen: parsed.data.skipOpen === "1",
      pace: parsed.data.pace,
      startAt,
    },
  };
}
