// The rule editor's plain form: one choice per trigger, condition and action row ("add_tag:3",
// "field:orders:gte") with one text box each for what the choice needs (a message, a value, minutes).
// Read back into a rule with the rule schemas, so the form can never store what the engine cannot run.
import { z } from "zod";
import type { FieldErrors, FormValues } from "../forms";
import { ruleSchema, type Action, type Condition, type RuleInput, type Trigger } from "./rules";

export const CONDITION_ROWS = 5;
/** The form grows past CONDITION_ROWS for a rule naming many values; the rule schema allows 20 conditions. */
export const MAX_CONDITION_ROWS = 20;
export const ACTION_ROWS = 6;

const one = (values: FormValues, name: string) => {
  const v = values[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? "";
};

function triggerOf(choice: string, minutes: string, cron: string, days: string): unknown {
  const [type, arg] = choice.split(":");
  if (type === "schedule") return days ? { type, cron, quietDays: days } : { type, cron };
  if (type === "tag_added" || type === "tag_removed") return arg ? { type, tagId: arg } : { type };
  if (type === "no_agent_reply" || type === "no_customer_reply") return { type, minutes };
  return { type };
}

function conditionOf(choice: string, value: string): unknown {
  const [type, a, b] = choice.split(":");
  switch (type) {
    case "channel":
      return { type, channelIds: [a] };
    case "channel_kind":
      return { type, kinds: [a] };
    case "brand":
      return { type, brandIds: [a] };
    case "workgroup":
      return { type, workgroupIds: [a] };
    case "tag_present":
    case "tag_absent":
      return { type: "tag", tagId: a, present: type === "tag_present" };
    case "field":
      return { type, key: a, op: b, value };
    case "text_contains":
      return { type, value };
    case "text_matches":
      return { type, pattern: value };
    case "business_hours":
      return { type, inside: a === "inside" };
    case "contact":
      return { type, returning: a === "returning" };
    case "session_type":
      return { type, types: [a] };
  }
  return { type };
}

const params = (value: string) => (value ? value.split("|").map((p) => p.trim()) : []);

function actionOf(choice: string, value: string): unknown {
  const [type, a, b, c] = choice.split(":");
  switch (type) {
    case "assign_workgroup":
      return { type, workgroupId: a };
    case "assign_user":
      return { type, userId: a };
    case "add_tag":
    case "remove_tag":
      return { type, tagId: a };
    case "set_field":
      return { type, key: a, value };
    case "send_message":
    case "note":
      return { type, body: value };
    case "send_quick_reply":
      return { type, quickReplyId: a };
    case "send_template":
      return { type, name: decodeURIComponent(a ?? ""), language: b, parameters: params(value) };
    case "close":
      return { type, closingMessageId: a };
    case "mark_spam":
      return { type };
    case "send_poll": {
      const [question, ...options] = params(value);
      return { type, channelId: a, question: question ?? "", options: options.filter(Boolean), ...(b ? { template: { name: decodeURIComponent(b), language: c } } : {}) };
    }
    case "start_conversation":
      return b ? { type, channelId: a, template: { name: decodeURIComponent(b), language: c, parameters: params(value) } } : { type, channelId: a, body: value };
  }
  return { type };
}

/** The rule a submitted form describes, or the errors to show next to its rows. */
export function ruleFromForm(values: FormValues): { ok: true; rule: RuleInput } | { ok: false; errors: FieldErrors } {
  const conditions: [string, unknown][] = [];
  const actions: [string, unknown][] = [];
  for (let i = 0; i < MAX_CONDITION_ROWS; i++) if (one(values, `c${i}`)) conditions.push([`c${i}`, conditionOf(one(values, `c${i}`), one(values, `c${i}v`))]);
  for (let i = 0; i < ACTION_ROWS; i++) if (one(values, `a${i}`)) actions.push([`a${i}`, actionOf(one(values, `a${i}`), one(values, `a${i}v`))]);
  const raw = {
    name: one(values, "name"),
    enabled: one(values, "enabled") === "on",
    stopAfter: one(values, "flow") === "stop",
    trigger: triggerOf(one(values, "trigger"), one(values, "minutes"), one(values, "cron"), one(values, "days")),
    conditions: anyOf(conditions.map(([, c]) => c)),
    actions: actions.map(([, a]) => a),
  };
  const parsed = ruleSchema.safeParse(raw);
  // A merged condition's errors go to the first of its rows.
  const conditionRows = mergedRows(conditions);
  if (parsed.success) return { ok: true, rule: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const [top, index] = issue.path;
    const field =
      top === "conditions" ? (conditionRows[Number(index)] ?? "c0") : top === "actions" ? (actions[Number(index)]?.[0] ?? "a0") : top === "trigger" ? triggerField(issue.path[1]) : String(top);
    errors[field] ??= issue.code === "too_small" && top === "actions" && index === undefined ? "workflows.needsAction" : issue.code === "too_small" && top === "name" ? "validation.required" : "validation.invalid";
  }
  return { ok: false, errors };
}

const triggerField = (part: unknown) => (part === "minutes" ? "minutes" : part === "cron" ? "cron" : part === "quietDays" ? "days" : "trigger");

/** Condition types that name one of several values: rows of the same type mean "any of them". */
const listKeys = { channel: "channelIds", channel_kind: "kinds", brand: "brandIds", workgroup: "workgroupIds", session_type: "types" } as const;
type ListType = keyof typeof listKeys;
const isList = (c: unknown): c is { type: ListType } & Record<string, unknown[]> => typeof c === "object" && c !== null && (c as { type: string }).type in listKeys;

/** Rows of one list type become one condition holding when any of their values does. */
function anyOf(conditions: unknown[]): unknown[] {
  const merged: unknown[] = [];
  const byType = new Map<string, Record<string, unknown[]>>();
  for (const c of conditions) {
    if (!isList(c)) {
      merged.push(c);
      continue;
    }
    const key = listKeys[c.type];
    const into = byType.get(c.type);
    if (into) into[key] = [...new Set([...into[key], ...c[key]])];
    else {
      const copy = { ...c, [key]: [...c[key]] };
      byType.set(c.type, copy);
      merged.push(copy);
    }
  }
  return merged;
}

/** For each merged condition, the form row it came from first. */
function mergedRows(rows: [string, unknown][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [row, c] of rows) {
    if (isList(c)) {
      if (seen.has(c.type)) continue;
      seen.add(c.type);
    }
    out.push(row);
  }
  return out;
}

function triggerChoice(t: Trigger): string {
  return (t.type === "tag_added" || t.type === "tag_removed") && t.tagId ? `${t.type}:${t.tagId}` : t.type;
}

function conditionChoices(c: Condition): [string, string][] {
  switch (c.type) {
    case "channel":
      return c.channelIds.map((v) => [`channel:${v}`, ""]);
    case "channel_kind":
      return c.kinds.map((v) => [`channel_kind:${v}`, ""]);
    case "brand":
      return c.brandIds.map((v) => [`brand:${v}`, ""]);
    case "workgroup":
      return c.workgroupIds.map((v) => [`workgroup:${v}`, ""]);
    case "tag":
      return [[`${c.present ? "tag_present" : "tag_absent"}:${c.tagId}`, ""]];
    case "field":
      return [[`field:${c.key}:${c.op}`, c.value]];
    case "text_contains":
      return [["text_contains", c.value]];
    case "text_matches":
      return [["text_matches", c.pattern]];
    case "business_hours":
      return [[`business_hours:${c.inside ? "inside" : "outside"}`, ""]];
    case "contact":
      return [[`contact:${c.returning ? "returning" : "new"}`, ""]];
    case "session_type":
      return c.types.map((v) => [`session_type:${v}`, ""]);
  }
}

function actionChoice(a: Action): [string, string] {
  switch (a.type) {
    case "assign_workgroup":
      return [`assign_workgroup:${a.workgroupId}`, ""];
    case "assign_user":
      return [`assign_user:${a.userId}`, ""];
    case "add_tag":
    case "remove_tag":
      return [`${a.type}:${a.tagId}`, ""];
    case "set_field":
      return [`set_field:${a.key}`, a.value];
    case "send_message":
    case "note":
      return [a.type, a.body];
    case "send_quick_reply":
      return [`send_quick_reply:${a.quickReplyId}`, ""];
    case "send_template":
      return [`send_template:${encodeURIComponent(a.name)}:${a.language}`, a.parameters.join(" | ")];
    case "close":
      return [`close:${a.closingMessageId}`, ""];
    case "mark_spam":
      return ["mark_spam", ""];
    case "start_conversation":
      return a.template ? [`start_conversation:${a.channelId}:${encodeURIComponent(a.template.name)}:${a.template.language}`, a.template.parameters.join(" | ")] : [`start_conversation:${a.channelId}`, a.body];
    case "send_poll":
      return [a.template ? `send_poll:${a.channelId}:${encodeURIComponent(a.template.name)}:${a.template.language}` : `send_poll:${a.channelId}`, [a.question, ...a.options].join(" | ")];
    case "automated_reply":
      return ["", ""];
  }
}

/** The form showing a stored rule. */
export function formOfRule(rule: { name: string; enabled: boolean; stopAfter: boolean; trigger: Trigger; conditions: Condition[]; actions: Action[] }): FormValues {
  const t = rule.trigger;
  const values: FormValues = {
    name: rule.name,
    enabled: rule.enabled ? "on" : "",
    flow: rule.stopAfter ? "stop" : "continue",
    trigger: triggerChoice(t),
    minutes: "minutes" in t ? String(t.minutes) : "",
    cron: t.type === "schedule" ? t.cron : "",
    days: t.type === "schedule" && t.quietDays ? String(t.quietDays) : "",
  };
  rule.conditions.flatMap(conditionChoices).forEach(([choice, value], i) => ([values[`c${i}`], values[`c${i}v`]] = [choice, value]));
  rule.actions.forEach((a, i) => ([values[`a${i}`], values[`a${i}v`]] = actionChoice(a)));
  return values;
}

export const testSchema = z.object({ conversationId: z.coerce.number().int().positive() });
