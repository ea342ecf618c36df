// Admin → Organization: name, time zone (it decides where "today" starts for the cockpit), default
// language, and who sees which conversations.
import { Hono } from "hono";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@db/client";
import { locales, organizations } from "@db/schema";
import type { Actor, SignedInEnv } from "../context";
import { field, validForm, type FieldErrors, type FormValues } from "../forms";
import { recordEvent } from "../realtime/events";
import { render, saved, takeFlash, ui, type SignedInCtx } from "../web";
import { emptyForm } from "../../views/components/form";
import { OrganizationPage } from "../../views/admin/organization";
import type { Flash } from "../../views/ui";
import { isValidTimezone, timezoneChoices } from "./organizations";

const settingsSchema = z.object({
  name: field.text(120),
  timezone: z.string().refine(isValidTimezone, "validation.invalid"),
  locale: z.enum(locales),
  agentsSeeOnlyOwn: field.checkbox(),
});
export type OrganizationSettingsInput = z.infer<typeof settingsSchema>;

export async function updateOrganization(db: DbOrTx, actor: Actor, input: OrganizationSettingsInput, now: Date) {
  return db.transaction(async (tx) => {
    await tx
      .update(organizations)
      .set({
        name: input.name,
        timezone: input.timezone,
        locale: input.locale,
        // Merged: other sections (Payments) keep their own settings in the same object.
        settings: sql`${organizations.settings} || ${JSON.stringify({ agentsSeeOnlyOwn: input.agentsSeeOnlyOwn })}::jsonb`,
      })
      .where(eq(organizations.id, actor.orgId));
    await recordEvent(tx, { orgId: actor.orgId, type: "organization_updated", actorId: actor.userId, data: { timezone: input.timezone, agentsSeeOnlyOwn: input.agentsSeeOnlyOwn }, createdAt: now });
  });
}

async function page(c: SignedInCtx, form?: { values: FormValues; errors: FieldErrors }, pageFlash?: Flash, status: 200 | 422 = 200) {
  const [org] = await c.get("deps").database.db.select().from(organizations).where(eq(organizations.id, c.get("actor").orgId));
  const values = form ?? emptyForm({ name: org.name, timezone: org.timezone, locale: org.locale, agentsSeeOnlyOwn: org.settings.agentsSeeOnlyOwn ? "on" : "" });
  return render(c, <OrganizationPage ui={ui(c)} form={values} timezones={timezoneChoices()} flash={pageFlash === undefined ? takeFlash(c) : pageFlash} />, status);
}

export function organizationRoutes() {
  const app = new Hono<SignedInEnv>();
  app.get("/", (c) => page(c));
  app.post(
    "/",
    validForm(settingsSchema, (c: SignedInCtx, errors, values) => page(c, { errors, values }, null, 422)),
    async (c) => {
      await updateOrganization(c.get("deps").database.db, c.get("actor"), c.req.valid("form"), c.get("deps").clock.now());
      return saved(c, (message) => page(c, undefined, message), "/admin/organization");
    },
  );
  return app;
}
