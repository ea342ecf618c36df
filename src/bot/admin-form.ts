// Admin → Bot's form: a menu tree as flat rows (each option names the sub-menu row it sits in), so
// the page is plain HTML inputs that work without JavaScript.
import type { BotOption } from "@db/schema";
import type { FieldErrors, FormValues } from "../forms";
import type { BotMenu, MenuInput } from "./menus";
import { MAX_OPTIONS } from "./menus";

export type BotFile = NonNullable<BotOption["file"]>;

/** The file an option row had when the form was drawn (checked against the organization on save). */
function keptFile(values: FormValues, r: number): BotFile | null {
  const id = Number(values[`o${r}_fileId`] ?? "");
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return { attachmentId: id, filename: String(values[`o${r}_fileName`] ?? "").slice(0, 200), mime: "", size: 0 };
}

/** Rows the form offers: every option there is, and some empty ones to add more. */
export const formRows = (menu: BotMenu | null) => Math.max(12, countOptions(menu?.options ?? []) + 6);

function countOptions(options: BotOption[]): number {
  return options.reduce((n, o) => n + 1 + countOptions(o.options ?? []), 0);
}

/** The stored settings as the form's values. */
export function menuValues(menu: BotMenu | null): FormValues {
  const values: FormValues = {
    enabled: menu?.enabled ? "on" : "",
    greeting: menu?.greeting ?? "",
    handoverKeyword: menu?.handoverKeyword ?? "",
    timeoutMinutes: String(menu?.timeoutMinutes ?? 10),
    handoverWorkgroupId: menu?.handoverWorkgroupId ? String(menu.handoverWorkgroupId) : "",
    unknownText: menu?.unknownText ?? "",
    surveyEnabled: menu?.surveyEnabled ? "on" : "",
    surveyQuestion: menu?.surveyQuestion ?? "",
    surveyComment: menu?.surveyComment ?? "",
  };
  let row = 0;
  const walk = (options: BotOption[], parent: number | null) => {
    for (const o of options) {
      const r = row++;
      Object.assign(values, {
        [`o${r}_id`]: o.id,
        [`o${r}_title`]: o.title,
        [`o${r}_action`]: o.action,
        [`o${r}_text`]: o.text ?? "",
        [`o${r}_field`]: o.fieldKey ?? "",
        [`o${r}_group`]: o.workgroupId ? String(o.workgroupId) : "",
        [`o${r}_parent`]: parent === null ? "" : String(parent),
        [`o${r}_fileId`]: o.file ? String(o.file.attachmentId) : "",
        [`o${r}_fileName`]: o.file?.filename ?? "",
      });
      walk(o.options ?? [], r);
    }
  };
  walk(menu?.options ?? [], null);
  return values;
}

/** The form's values as settings, or the errors by input name (messages are catalog keys). */
export function parseMenuForm(values: FormValues, rows: number, files: Map<number, BotFile> = new Map()): { input: MenuInput } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const text = (name: string) => String(values[name] ?? "").trim();
  const built: (BotOption & { parent: number | null })[] = [];
  const byRow = new Map<number, BotOption & { parent: number | null }>();
  for (let r = 0; r < rows; r++) {
    const action = text(`o${r}_action`);
    if (!action) continue;
    if (!["answer", "question", "submenu", "handover"].includes(action)) {
      errors[`o${r}_action`] = "validation.invalid";
      continue;
    }
    const title = text(`o${r}_title`);
    if (!title) errors[`o${r}_title`] = "validation.required";
    else if (Array.from(title).length > 24) errors[`o${r}_title`] = "validation.tooLong";
    const body = text(`o${r}_text`);
    if ((action === "answer" || action === "question") && !body) errors[`o${r}_text`] = "validation.required";
    if (body.length > 1000) errors[`o${r}_text`] = "validation.tooLong";
    const fieldKey = text(`o${r}_field`);
    if (action === "question" && !fieldKey) errors[`o${r}_field`] = "bot.error.field";
    const group = text(`o${r}_group`);
    const parentText = text(`o${r}_parent`);
    const parent = parentText === "" ? null : Number(parentText);
    const parentRow = parent === null ? null : byRow.get(parent);
    if (parent !== null && (!parentRow || parentRow.action !== "submenu")) errors[`o${r}_parent`] = "validation.invalid";
    const id = /^[a-z0-9]{1,12}$/.test(text(`o${r}_id`)) ? text(`o${r}_id`) : `o${r}`;
    // A file goes with an answer only; one uploaded now, else the one kept (unless removed).
    const file = action === "answer" && values[`o${r}_fileRemove`] !== "on" ? (files.get(r) ?? keptFile(values, r)) : null;
    const option = {
      id,
      title,
      action: action as BotOption["action"],
      ...(body && (action === "answer" || action === "question" || action === "submenu") ? { text: body } : {}),
      ...(action === "question" ? { fieldKey } : {}),
      ...(file ? { file } : {}),
      ...(action === "handover" ? { workgroupId: group ? Number(group) : null } : {}),
      ...(action === "submenu" ? { options: [] } : {}),
      parent,
    };
    byRow.set(r, option);
    built.push(option);
  }
  const top: BotOption[] = [];
  for (const o of built) (o.parent === null ? top : byRow.get(o.parent)?.options)?.push(o);
  const strip = (options: BotOption[]): BotOption[] => options.map(({ parent: _parent, ...o }: BotOption & { parent?: number | null }) => ({ ...o, ...(o.options ? { options: strip(o.options) } : {}) }));
  const options = strip(top);
  const tooMany = (list: BotOption[]): boolean => list.length > MAX_OPTIONS || list.some((o) => tooMany(o.options ?? []));
  if (tooMany(options)) errors._form = "bot.error.tooMany";
  const emptySub = built.find((o) => o.action === "submenu" && (o.options ?? []).length === 0);
  if (emptySub) errors._form = "bot.error.emptySubmenu";
  const timeout = Number(text("timeoutMinutes") || "10");
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 1440) errors.timeoutMinutes = "validation.number";
  for (const [name, max] of [["greeting", 1000], ["handoverKeyword", 40], ["unknownText", 500], ["surveyQuestion", 500], ["surveyComment", 500]] as const) {
    if (text(name).length > max) errors[name] = "validation.tooLong";
  }
  if (Object.keys(errors).length) return { errors };
  const group = text("handoverWorkgroupId");
  return {
    input: {
      enabled: values.enabled === "on",
      greeting: text("greeting"),
      options,
      handoverKeyword: text("handoverKeyword"),
      timeoutMinutes: timeout,
      handoverWorkgroupId: group ? Number(group) : null,
      unknownText: text("unknownText"),
      surveyEnabled: values.surveyEnabled === "on",
      surveyQuestion: text("surveyQuestion"),
      surveyComment: text("surveyComment"),
    },
  };
}
