// Admin → Tags routes: list, create, edit (name and colour), delete.
import { z } from "zod";
import { field } from "../forms";
import { EditTagPage, TagRows, TagsPage } from "../../views/admin/tags";
import { ui } from "../web";
import { adminResource, nameTaken } from "./resource";
import { createTag, DEFAULT_TAG_COLOR, deleteTag, getTag, listTags, TAG_COLOR, TAG_NAME_MAX, updateTag, type TagInput } from "./tags";

const tagSchema = z.object({
  name: field.text(TAG_NAME_MAX),
  color: z.string().trim().regex(TAG_COLOR, "validation.color"),
});

const refused = nameTaken((input: TagInput) => ({ name: input.name, color: input.color }));

export function tagsRoutes() {
  return adminResource({
    base: "/admin/tags",
    list: (db, actor, cursor) => listTags(db, actor, cursor),
    rows: (c, list) => <TagRows ui={ui(c)} rows={list.items} next={list.next} />,
    listPage: (c, list, form, flash) => <TagsPage ui={ui(c)} rows={list.items} next={list.next} form={form} flash={flash} />,
    blank: () => ({ color: DEFAULT_TAG_COLOR }),
    find: getTag,
    formOf: (tag) => ({ name: tag.name, color: tag.color }),
    editPage: (c, tag, form, flash) => <EditTagPage ui={ui(c)} tag={tag} form={form} flash={flash} />,
    create: { schema: tagSchema, save: createTag, refused },
    update: { schema: tagSchema, save: updateTag, refused },
    remove: deleteTag,
  }).routes;
}
