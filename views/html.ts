// Markup for the parts a page repeats many times (the inbox's fifty rows): a tagged template that
// escapes what it interpolates exactly as JSX does, without building an element tree first (the
// tree cost more than everything else the inbox page does). The result is a JSX child like any other.
import { raw } from "hono/html";
import { escapeToBuffer, type HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString;
type Value = string | number | boolean | null | undefined | Html | readonly Value[];

const compacted = new WeakMap<TemplateStringsArray, readonly string[]>();

/**
 * As in JSX, a line break and the indentation after it are not part of the markup, so a template
 * can be laid out like the tree it draws; a space that matters is written on its line. Done once
 * per template: a call site passes the same strings array every time.
 */
function markupOf(strings: TemplateStringsArray): readonly string[] {
  let parts = compacted.get(strings);
  if (!parts) compacted.set(strings, (parts = strings.map((part) => part.replace(/\n\s*/g, ""))));
  return parts;
}

/** Strings are escaped; numbers written; null, undefined and booleans draw nothing; arrays draw each item; `html` results pass as they are. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  const parts = markupOf(strings);
  const buffer: [string] = [parts[0]];
  for (let i = 0; i < values.length; i++) {
    append(values[i], buffer);
    buffer[0] += parts[i + 1];
  }
  return raw(buffer[0]);
}

function append(value: Value, buffer: [string]) {
  if (typeof value === "string") escapeToBuffer(value, buffer);
  else if (typeof value === "number") buffer[0] += value;
  else if (value === null || value === undefined || typeof value === "boolean") return;
  else if (isList(value)) for (const item of value) append(item, buffer);
  else {
    // What is left is a String object: html`` and raw() results are marked as escaped.
    const object = value as unknown as Html;
    if (object.isEscaped) buffer[0] += object.toString();
    else escapeToBuffer(String(object), buffer);
  }
}

function isList(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}
