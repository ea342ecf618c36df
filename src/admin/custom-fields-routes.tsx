// Admin → CRM fields routes: list, create, edit (label, options), delete, reorder.
import { z } from "zod";
import { customFieldTypes } from "@db/schema";
import { field } from "../forms";
import { CustomFieldRows, CustomFieldsPage, EditCustomFieldPage } from "../../views/admin/custom-fields";
import { ui, type SignedInCtx } from "../web";
import {
  createCustomField,
  CUSTOM_FIELD_KEY,
  CUSTOM_FIELD_KEY_MAX,
  CUSTOM_FIELD_LABEL_MAX,
  CustomFieldRuleBroken,
  deleteCustomField,
  fieldEnds,
  getCustomField,
  listCustomFields,
  moveCustomField,
  optionLines,
  optionsProblem,
  updateCustomField,
} from "./custom-fields";
import { adminResource } from "./resource";

const options = z.string().max(4000, "validation.tooLong").optional().default("").transform(optionLines);

const createSchema = z
  .object({
    label: field.text(CUSTOM_FIELD_LABEL_MAX),
    key: z.string().trim().toLowerCase().max(CUSTOM_FIELD_KEY_MAX, "validation.tooLong").optional().default(""),
    type: z.enum(customFieldTypes),
    options,
  })
  .superRefine((v, ctx) => {
    if (v.key && !CUSTOM_FIELD_KEY.test(v.key)) ctx.addIssue({ code: "custom", path: ["key"], message: "customFields.badKey" });
    const problem = optionsProblem(v.type, v.options);
    if (problem) ctx.addIssue({ code: "custom", path: ["options"], message: problem });
  });
// Key and type are not read: they cannot change after creation.
const updateSchema = z.object({ label: field.text(CUSTOM_FIELD_LABEL_MAX), options });

/**
 * A rule only the database can check (a key already used) broke: the form again, as typed.
 * `values` are the form's fields as the input carries them (options one per line again).
 */
function refused<In extends { options: string[] }>(values: (input: In) => Record<string, string>) {
  return (c: SignedInCtx, e: unknown, input: In) =>
    e instanceof CustomFieldRuleBroken ? { values: { ...values(input), options: input.options.join("\n") }, errors: { [e.field]: c.get("t")(e.reason, e.params) } } : null;
}

export function customFieldsRoutes() {
  return adminResource({
    base: "/admin/custom-fields",
    list: async (db, actor, cursor) => {
      const [list, ends] = await Promise.all([listCustomFields(db, actor, cursor), fieldEnds(db, actor)]);
      return { ...list, ends };
    },
    rows: (c, list) => <CustomFieldRows ui={ui(c)} rows={list.items} next={list.next} ends={list.ends} />,
    listPage: (c, list, form, flash) => <CustomFieldsPage ui={ui(c)} rows={list.items} next={list.next} ends={list.ends} form={form} flash={flash} />,
    blank: () => ({ type: "text" }),
    find: getCustomField,
    formOf: (found) => ({ label: found.label, options: found.options.join("\n") }),
    editPage: (c, found, form, flash) => <EditCustomFieldPage ui={ui(c)} field={found} form={form} flash={flash} />,
    create: { schema: createSchema, save: createCustomField, refused: refused((input) => ({ label: input.label, key: input.key, type: input.type })) },
    update: { schema: updateSchema, save: updateCustomField, refused: refused((input) => ({ label: input.label })) },
    remove: deleteCustomField,
    move: moveCustomField,
  }).routes;
}
