// Variables in replies and quick replies: {{contact.name}}, {{contact.first_name}}, {{agent.name}},
// {{organization.name}} and the contact's CRM fields ({{crm.order_number}}), filled when the reply
// is sent. A variable with no value stops the send: the agent is told which, and the draft stays.
import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@db/client";
import { contacts, conversations, organizations } from "@db/schema";
import type { Actor } from "../context";

/** `{{ name.part }}`: WhatsApp template parameters ({{1}}) are not variables. */
const VARIABLE = /\{\{\s*([A-Za-z_]+(?:\.[A-Za-z0-9_]+)+)\s*\}\}/g;

/** The variables a reply may use, for the conversation's contact and the agent writing. */
export type VariableValues = Record<string, string>;

export class VariablesMissing extends Error {
  constructor(public names: string[]) {
    super(`no value for ${names.join(", ")}`);
  }
}

export const hasVariables = (text: string) => new RegExp(VARIABLE.source).test(text);

/** What each variable stands for in this conversation; a variable with no value is left out. */
export async function variableValues(db: DbOrTx, actor: Actor, conversationId: number): Promise<VariableValues> {
  const [row] = await db
    .select({ name: contacts.name, phone: contacts.phone, email: contacts.email, fields: contacts.customFields, orgName: organizations.name })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(organizations, eq(organizations.id, conversations.orgId))
    .where(and(eq(conversations.orgId, actor.orgId), eq(conversations.id, conversationId)));
  const values: VariableValues = {
    "agent.name": actor.name,
    "agent.first_name": firstName(actor.name),
  };
  if (!row) return values;
  values["organization.name"] = row.orgName;
  values["contact.name"] = row.name;
  values["contact.first_name"] = firstName(row.name);
  if (row.phone) values["contact.phone"] = row.phone;
  if (row.email) values["contact.email"] = row.email;
  for (const [key, value] of Object.entries(row.fields ?? {})) {
    if (value === null || value === undefined || typeof value === "object") continue;
    values[`crm.${key}`] = String(value);
  }
  for (const [key, value] of Object.entries(values)) if (!value.trim()) delete values[key];
  return values;
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? "";
}

/** The text with its variables filled, and the names of those with no value (left as typed). */
export function fillVariables(text: string, values: VariableValues): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = text.replace(VARIABLE, (whole, name: string) => {
    const value = values[name] ?? values[name.toLowerCase()];
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  return { text: filled, missing: [...missing] };
}

/** A reply's text ready to send: its variables filled, or VariablesMissing naming those with no value. */
export async function filledReply(db: DbOrTx, actor: Actor, conversationId: number, text: string): Promise<string> {
  if (!hasVariables(text)) return text;
  const filled = fillVariables(text, await variableValues(db, actor, conversationId));
  if (filled.missing.length) throw new VariablesMissing(filled.missing);
  return filled.text;
}
