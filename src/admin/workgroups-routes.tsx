// Admin → Workgroups routes: list, create, edit (name and members), delete.
import { z } from "zod";
import { routingMethods } from "@db/schema";
import { field } from "../forms";
import { EditWorkgroupPage, WorkgroupRows, WorkgroupsPage } from "../../views/admin/workgroups";
import { ui } from "../web";
import { adminResource, nameTaken } from "./resource";
import { createWorkgroup, deleteWorkgroup, getWorkgroup, listWorkgroups, memberChoices, updateWorkgroup, WORKGROUP_NAME_MAX, type WorkgroupInput } from "./workgroups";

/** A whole number in a range, as a form sends it. */
function whole(min: number, max: number) {
  return z.coerce.number("workgroups.wholeNumber").int("workgroups.wholeNumber").min(min, "workgroups.wholeNumber").max(max, "workgroups.wholeNumber");
}

const emptyIsUnset = (v: unknown) => (v === "" ? undefined : v);

const workgroupSchema = z.object({
  name: field.text(WORKGROUP_NAME_MAX),
  // Checkboxes arrive as one string or several; user ids are opaque text.
  memberIds: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(Boolean))
    .pipe(z.array(z.string().max(64)).max(1000)),
  routing: z.enum(routingMethods).default("manual"),
  // Left empty (the create form starts so): the default.
  capacity: z.preprocess(emptyIsUnset, whole(1, 100).default(5)),
  ownerWaitMinutes: z.preprocess(emptyIsUnset, whole(0, 1440).default(0)),
  returnOnAway: field.checkbox(),
  // Empty: never re-route.
  rerouteMinutes: z.preprocess(emptyIsUnset, whole(1, 1440).optional()).transform((v) => v ?? null),
});

const formOf = (input: WorkgroupInput) => ({
  name: input.name,
  memberIds: input.memberIds,
  routing: input.routing,
  capacity: String(input.capacity),
  ownerWaitMinutes: String(input.ownerWaitMinutes),
  returnOnAway: input.returnOnAway ? "on" : "",
  rerouteMinutes: input.rerouteMinutes === null ? "" : String(input.rerouteMinutes),
});

const refused = nameTaken(formOf);

export function workgroupsRoutes() {
  return adminResource({
    base: "/admin/workgroups",
    list: (db, actor, cursor) => listWorkgroups(db, actor, cursor),
    rows: (c, list) => <WorkgroupRows ui={ui(c)} rows={list.items} next={list.next} />,
    // Who can be ticked as a member is only looked up for the whole page, never for "Load more".
    listPage: async (c, list, form, flash) => {
      const choices = await memberChoices(c.get("deps").database.db, c.get("actor"));
      return <WorkgroupsPage ui={ui(c)} rows={list.items} next={list.next} form={form} choices={choices} flash={flash} />;
    },
    find: getWorkgroup,
    formOf: (workgroup) => formOf({ ...workgroup, memberIds: workgroup.members.map((m) => m.id) }),
    editPage: async (c, workgroup, form, flash) => {
      const choices = await memberChoices(c.get("deps").database.db, c.get("actor"), workgroup.id);
      return <EditWorkgroupPage ui={ui(c)} workgroup={workgroup} form={form} choices={choices} flash={flash} />;
    },
    create: { schema: workgroupSchema, save: createWorkgroup, refused },
    update: { schema: workgroupSchema, save: updateWorkgroup, refused },
    remove: deleteWorkgroup,
  }).routes;
}
