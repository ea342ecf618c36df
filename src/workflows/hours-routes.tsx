// Admin → Business hours routes: the organization's or a workgroup's week and holidays, and the
// channels' out-of-office and welcome messages.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { organizations, workgroups } from "@db/schema";
import { signedInRoutes } from "../auth/middleware";
import { formValues, type FieldErrors, type FormValues } from "../forms";
import { flash, redirect, render, takeFlash, ui, type SignedInCtx } from "../web";
import { emptyForm, type FormState } from "../../views/components/form";
import { BusinessHoursPage } from "../../views/workflows/hours";
import { channelReplies, HoursRefused, ownHours, parseHolidays, parseSpans, saveChannelReplies, saveHours, spansText } from "./business-hours";

const scopeSchema = z.object({ workgroup: z.union([z.literal(""), z.coerce.number().int().positive()]).optional() });
const DAYS = [0, 1, 2, 3, 4, 5, 6];

async function page(c: SignedInCtx, workgroupId: number | null, forms: { hours?: FormState; replies?: FormState } = {}, status: 200 | 422 = 200) {
  const db = c.get("deps").database.db;
  const actor = c.get("actor");
  const [[org], groups, hours, channels] = await Promise.all([
    db.select({ timezone: organizations.timezone }).from(organizations).where(eq(organizations.id, actor.orgId)),
    db.select({ id: workgroups.id, name: workgroups.name }).from(workgroups).where(eq(workgroups.orgId, actor.orgId)).orderBy(asc(workgroups.name)),
    ownHours(db, actor.orgId, workgroupId),
    channelReplies(db, actor.orgId),
  ]);
  if (workgroupId !== null && !groups.some((g) => g.id === workgroupId)) return c.notFound();
  const hoursValues: FormValues = { holidays: (hours?.holidays ?? []).join("\n") };
  for (const d of DAYS) hoursValues[`d${d}`] = spansText(hours?.weekly[String(d)]);
  const replyValues: FormValues = {};
  for (const ch of channels) Object.assign(replyValues, { [`ooo_${ch.id}`]: ch.outOfOffice, [`welcome_${ch.id}`]: ch.welcome, [`gap_${ch.id}`]: String(ch.gapMinutes) });
  return render(
    c,
    <BusinessHoursPage ui={ui(c)} timeZone={org.timezone} workgroups={groups} workgroupId={workgroupId} hours={forms.hours ?? emptyForm(hoursValues)} replies={forms.replies ?? emptyForm(replyValues)} channels={channels} flash={takeFlash(c)} />,
    status,
  );
}

function scopeOf(c: SignedInCtx): number | null | "bad" {
  const parsed = scopeSchema.safeParse({ workgroup: c.req.query("workgroup") });
  if (!parsed.success) return "bad";
  return typeof parsed.data.workgroup === "number" ? parsed.data.workgroup : null;
}

export function businessHoursRoutes() {
  const app = signedInRoutes("admin");
  app.get("/", (c) => {
    const scope = scopeOf(c);
    return scope === "bad" ? c.text(c.get("t")("validation.invalid"), 400) : page(c, scope);
  });
  app.post("/", async (c) => {
    const scope = scopeOf(c);
    if (scope === "bad") return c.text(c.get("t")("validation.invalid"), 400);
    const values = formValues(await c.req.parseBody());
    const errors: FieldErrors = {};
    const weekly: Record<string, { from: string; to: string }[]> = {};
    for (const d of DAYS) {
      const spans = parseSpans(String(values[`d${d}`] ?? ""));
      if (spans === null) errors[`d${d}`] = c.get("t")("validation.invalid");
      else weekly[String(d)] = spans;
    }
    const holidays = parseHolidays(String(values.holidays ?? ""));
    if (holidays === null) errors.holidays = c.get("t")("validation.date");
    if (Object.keys(errors).length || holidays === null) return page(c, scope, { hours: { values, errors } }, 422);
    try {
      await saveHours(c.get("deps").database.db, c.get("actor"), scope, { weekly, holidays }, c.get("deps").clock.now());
    } catch (e) {
      if (e instanceof HoursRefused) return c.notFound();
      throw e;
    }
    flash(c, "ok", "hours.saved");
    return redirect(c, scope === null ? "/admin/business-hours" : `/admin/business-hours?workgroup=${scope}`);
  });
  app.post("/replies", async (c) => {
    const values = formValues(await c.req.parseBody());
    const channels = await channelReplies(c.get("deps").database.db, c.get("actor").orgId);
    const errors: FieldErrors = {};
    const input = channels.map((ch) => {
      const text = (name: string) => String(values[name] ?? "").trim();
      const gap = Number(text(`gap_${ch.id}`) || "720");
      if (!Number.isInteger(gap) || gap < 1 || gap > 60 * 24 * 30) errors[`gap_${ch.id}`] = c.get("t")("validation.number");
      for (const name of [`ooo_${ch.id}`, `welcome_${ch.id}`]) if (text(name).length > 4096) errors[name] = c.get("t")("validation.tooLong", { max: 4096 });
      return { channelId: ch.id, outOfOffice: text(`ooo_${ch.id}`), welcome: text(`welcome_${ch.id}`), gapMinutes: gap };
    });
    if (Object.keys(errors).length) return page(c, null, { replies: { values, errors } }, 422);
    await saveChannelReplies(c.get("deps").database.db, c.get("actor"), input, c.get("deps").clock.now());
    flash(c, "ok", "hours.repliesSaved");
    return redirect(c, "/admin/business-hours");
  });
  return app;
}
