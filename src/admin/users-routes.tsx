// Admin → Users routes: list, invite, edit, deactivate, password links.
import { commitWritten } from "../realtime/changes";
import { Hono } from "hono";
import { z } from "zod";
import { roles } from "@db/schema";
import type { SignedInEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { emptyForm } from "../../views/components/form";
import { EditUserPage, UserRows, UsersPage } from "../../views/admin/users";
import type { Flash } from "../../views/ui";
import { flash, isHtmx, redirect, render, saved, takeFlash, ui, type SignedInCtx } from "../web";
import { decodeCursor } from "./pagination";
import {
  getMember,
  inviteMember,
  listMembers,
  MemberRuleBroken,
  newPasswordLink,
  pendingInvitations,
  setMemberActive,
  updateMember,
  withdrawInvitation,
  workgroupChoices,
} from "./users";

const inviteSchema = z.object({
  name: field.text(120),
  email: field.email(),
  role: z.enum(roles),
  workgroupIds: field.idList(),
});
// The name is absent from the form when the account is shared with another organization.
const updateSchema = z.object({
  name: field.text(120).optional(),
  role: z.enum(roles),
  workgroupIds: field.idList(),
  // Empty: each workgroup's capacity applies.
  capacity: z
    .preprocess((v) => (v === "" ? undefined : v), z.coerce.number("workgroups.wholeNumber").int("workgroups.wholeNumber").min(1, "workgroups.wholeNumber").max(100, "workgroups.wholeNumber").optional())
    .transform((v) => v ?? null),
});

function linkUrl(c: SignedInCtx, token: string) {
  const base = c.get("deps").config.PUBLIC_URL ?? new URL(c.req.url).origin;
  return `${base}/password/${token}`;
}

async function usersPage(
  c: SignedInCtx,
  opts: { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; link?: { text: string; url: string } | null; status?: 200 | 422 } = {},
) {
  const actor = c.get("actor");
  const db = c.get("deps").database.db;
  const search = (c.req.query("q") ?? "").trim().slice(0, 100);
  const [list, workgroups, invitations] = await Promise.all([
    listMembers(db, actor.orgId, decodeCursor(c.req.query("after")), search || undefined),
    workgroupChoices(db, actor.orgId),
    pendingInvitations(db, actor.orgId),
  ]);
  if (isHtmx(c) && c.req.method === "GET" && c.req.query("after")) {
    return render(c, <UserRows ui={ui(c)} rows={list.items} next={list.next} search={search} />);
  }
  return render(
    c,
    <UsersPage
      ui={ui(c)}
      rows={list.items}
      next={list.next}
      search={search}
      form={opts.form ?? emptyForm({ role: "agent" })}
      workgroups={workgroups}
      invitations={invitations}
      flash={opts.flash ?? takeFlash(c)}
      link={opts.link}
    />,
    opts.status ?? 200,
  );
}

async function editPage(c: SignedInCtx, userId: string, opts: { form?: { values: FormValues; errors: FieldErrors }; flash?: Flash; link?: { text: string; url: string } | null; status?: 200 | 422 } = {}) {
  const actor = c.get("actor");
  const db = c.get("deps").database.db;
  const member = await getMember(db, actor.orgId, userId);
  if (!member) return c.notFound();
  const form = opts.form ?? emptyForm({ name: member.name, role: member.role, workgroupIds: member.workgroups.map((w) => String(w.id)), capacity: member.capacity === null ? "" : String(member.capacity) });
  return render(
    c,
    <EditUserPage ui={ui(c)} member={member} form={form} workgroups={await workgroupChoices(db, actor.orgId)} flash={opts.flash ?? takeFlash(c)} link={opts.link} isSelf={member.userId === actor.userId} />,
    opts.status ?? 200,
  );
}

export function usersRoutes() {
  const app = new Hono<SignedInEnv>();

  app.get("/", (c) => usersPage(c));

  app.post(
    "/",
    validForm(inviteSchema, (c: SignedInCtx, errors, values) => usersPage(c, { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      const t = c.get("t");
      try {
        const result = await commitWritten(database, c.get("actor").orgId, (db) => inviteMember(db, c.get("actor"), input, clock.now()));
        if (result.kind === "invited") return usersPage(c, { flash: { kind: "ok", text: t("users.invitationSent", { email: result.email }) } });
        return usersPage(c, { link: { text: t("users.invited", { name: result.name }), url: linkUrl(c, result.token) } });
      } catch (e) {
        if (!(e instanceof MemberRuleBroken)) throw e;
        const values = { name: input.name, email: input.email, role: input.role, workgroupIds: input.workgroupIds.map(String) };
        return usersPage(c, { form: { values, errors: { [e.field]: t(e.reason) } }, status: 422 });
      }
    },
  );

  app.post("/invitations/:id{[0-9]{1,15}}/withdraw", async (c) => {
    if (!(await withdrawInvitation(c.get("deps").database.db, c.get("actor"), Number(c.req.param("id"))))) return c.notFound();
    flash(c, "ok", "common.saved");
    return redirect(c, "/admin/users");
  });

  app.get("/:userId", (c) => editPage(c, c.req.param("userId")));

  app.post(
    "/:userId",
    validForm(updateSchema, (c: SignedInCtx, errors, values) => editPage(c, c.req.param("userId")!, { form: { errors, values }, status: 422 })),
    async (c) => {
      const input = c.req.valid("form");
      const userId = c.req.param("userId");
      const { database, clock } = c.get("deps");
      const t = c.get("t");
      try {
        const ok = await commitWritten(database, c.get("actor").orgId, (db) => updateMember(db, c.get("actor"), userId, input, clock.now()));
        if (!ok) return c.notFound();
      } catch (e) {
        if (!(e instanceof MemberRuleBroken)) throw e;
        const values = { name: input.name ?? "", role: input.role, workgroupIds: input.workgroupIds.map(String), capacity: input.capacity === null ? "" : String(input.capacity) };
        return editPage(c, userId, { form: { values, errors: { [e.field]: t(e.reason) } }, status: 422 });
      }
      return saved(c, (message) => editPage(c, userId, { flash: message }), `/admin/users/${userId}`);
    },
  );

  for (const [action, active] of [["deactivate", false], ["reactivate", true]] as const) {
    app.post(`/:userId/${action}`, async (c) => {
      const userId = c.req.param("userId");
      const { database, clock } = c.get("deps");
      try {
        const ok = await commitWritten(database, c.get("actor").orgId, (db) => setMemberActive(db, c.get("actor"), userId, active, clock.now()));
        if (!ok) return c.notFound();
        // A deactivated member's live streams in this process end now (others' at their next sweep).
        if (!active) await c.get("runtime").streams.sweep();
      } catch (e) {
        if (!(e instanceof MemberRuleBroken)) throw e;
        return editPage(c, userId, { flash: { kind: "error", text: c.get("t")(e.reason) }, status: 422 });
      }
      flash(c, "ok", "common.saved");
      return redirect(c, `/admin/users/${userId}`);
    });
  }

  app.post("/:userId/password-link", async (c) => {
    const userId = c.req.param("userId");
    const { database, clock } = c.get("deps");
    const t = c.get("t");
    try {
      const result = await newPasswordLink(database.db, c.get("actor"), userId, clock.now());
      if (!result) return c.notFound();
      return editPage(c, userId, { link: { text: t("users.linkCreated", { name: result.name }), url: linkUrl(c, result.token) } });
    } catch (e) {
      if (!(e instanceof MemberRuleBroken)) throw e;
      return editPage(c, userId, { flash: { kind: "error", text: t(e.reason) }, status: 422 });
    }
  });

  return app;
}
