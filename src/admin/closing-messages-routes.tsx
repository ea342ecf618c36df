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
  updateClosingMessage,
} from "./closing-messages";
import { adminResource } from "./resource";

const closingMessageSchema = z.object({ body: field.text(CLOSING_MESSAGE_MAX) });

export function closingMessagesRoutes() {
  return adminResource({
    base: "/admin/closing-messages",
    list: async (db, actor, cursor) => {
      const [list, ends] = await Promise.all([listClosingMessages(db, actor, cursor), customEnds(db, actor)]);
      return { ...list, ends };
    },
    rows: (c, list) => <ClosingMessageRows ui={ui(c)} rows={list.items} next={list.next} ends={list.ends} />,
    listPage: (c, list, form, flash) => <ClosingMessagesPage ui={ui(c)} rows={list.items} next={list.next} ends={list.ends} form={form} flash={flash} />,
    find: getCustomClosingMessage,
    formOf: (message) => ({ body: message.body }),
    editPage: (c, message, form, flash) => <EditClosingMessagePage ui={ui(c)} message={message} form={form} flash={flash} />,
    create: { schema: closingMessageSchema, save: createClosingMessage },
    update: { schema: closingMessageSchema, save: updateClosingMessage },
    remove: deleteClosingMessage,
    move: moveClosingMessage,
  }).routes;
}
