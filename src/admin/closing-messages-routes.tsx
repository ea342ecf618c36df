// Admin → Closing messages routes: list, create, edit, delete and reorder custom messages.
import { z } from "zod";
import { field } from "../forms";
import { ClosingMessageRows, ClosingMessagesPage, EditClosingMessagePage } from "../../views/admin/closing-messages";
import { ui } from "../web";
import {
  CLOSING_MESSAGE_MAX,
  createClosingMessage,
  customEnds,
  deleteClosingMessage,
  getCustomClosingMessage,
  listClosingMessages,
  moveClosingMessage,
  organizationTemplates,
  TemplateRefused,
  updateClosingMessage,
} from "./closing-messages";
import { adminResource, type Refusal } from "./resource";

const closingMessageSchema = z.object({
  body: field.text(CLOSING_MESSAGE_MAX),
  template: z.string().max(600).optional().default(""),
  parameters: z.string().max(5000).optional().default(""),
});

/** A template the channels lack, or parameters that do not fit it: the form back as typed, the reason under the field. */
const templateRefused: Refusal<z.output<typeof closingMessageSchema>> = (c, e, input) =>
  e instanceof TemplateRefused
    ? { values: input, errors: { [e.field]: c.get("t")(e.field === "template" ? "closingMessages.error.template" : "closingMessages.error.parameters", { n: e.params }) } }
    : null;

export function closingMessagesRoutes() {
  return adminResource({
    base: "/admin/closing-messages",
    list: async (db, actor, cursor) => {
      const [list, ends, templates] = await Promise.all([listClosingMessages(db, actor, cursor), customEnds(db, actor), organizationTemplates(db, actor)]);
      return { ...list, ends, templates };
    },
    rows: (c, list) => <ClosingMessageRows ui={ui(c)} rows={list.items} next={list.next} ends={list.ends} />,
    listPage: (c, list, form, flash) => <ClosingMessagesPage ui={ui(c)} rows={list.items} next={list.next} ends={list.ends} templates={list.templates} form={form} flash={flash} />,
    find: async (db, actor, id) => {
      const [message, templates] = await Promise.all([getCustomClosingMessage(db, actor, id), organizationTemplates(db, actor)]);
      return message ? { ...message, templates } : null;
    },
    formOf: (message) => ({
      body: message.body,
      template: message.template ? `${message.template.name}|${message.template.language}` : "",
      parameters: message.template?.parameters.join("\n") ?? "",
    }),
    editPage: (c, message, form, flash) => <EditClosingMessagePage ui={ui(c)} message={message} templates={message.templates} form={form} flash={flash} />,
    create: { schema: closingMessageSchema, save: createClosingMessage, refused: templateRefused },
    update: { schema: closingMessageSchema, save: updateClosingMessage, refused: templateRefused },
    remove: deleteClosingMessage,
    move: moveClosingMessage,
  }).routes;
}
