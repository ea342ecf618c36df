// Bulk messages (supervisors and admins): the list, a new send (with its live count and preview),
// one send's page with its recipients and CSV export, pause/resume/cancel, and the admins' settings.
import type { Context } from "hono";
import { signedInRoutes } from "../auth/middleware";
import type { SignedInEnv } from "../context";
import { z } from "zod";
import { and, eq, sql } from "drizzle-orm";
import { contacts, organizations, tags } from "@db/schema";
import { flash, isHtmx, redirect, render, takeFlash, ui } from "../web";
import { idParam } from "../forms";
import { commit } from "../realtime/changes";
import { recordEvent } from "../realtime/events";
import { filterChoices } from "../inbox/filters";
import { BulkListPage } from "../../views/bulk/list";
import { BulkNewPage, type BulkFormChoices } from "../../views/bulk/form";
import { BulkSendPage, RecipientRows } from "../../views/bulk/detail";
import { audienceCondition, countAudience } from "./audience";
import { readBulkForm, type ReadBulkForm } from "./form";
import { BulkRefused, createBulkSend, DEFAULT_MAX_PACE, getBulkSend, listBulkSends, maxPaceOf, renderTemplate, steerBulkSend, templateChoices } from "./sends";
import { allRecipients, bulkCounts, recipientFilters, recipientPage } from "./progress";
import { recipientsCsv } from "./csv";

type Ctx = Context<SignedInEnv>;
const detailQuery = z.object({ filter: z.enum(recipientFilters).default("all"), after: z.coerce.number().int().min(0).default(0) });
const settingsForm = z.object({ maxPace: z.coerce.number().int().min(1).max(1000), keywords: z.string().max(500).default("") });
export const DEFAULT_KEYWORDS = ["STOP", "DUR", "İPTAL"];

async function formChoices(c: Ctx): Promise<BulkFormChoices> {
  const db = c.get("deps").database.db;
  const actor = c.get("actor")!;
  const [tagRows, fieldChoices, channels, maxPace] = await Promise.all([
    db.select({ id: tags.id, name: tags.name }).from(tags).where(eq(tags.orgId, actor.orgId)).orderBy(tags.name),
    filterChoices(db, actor.orgId, actor.rosterVersion),
    templateChoices(db, actor),
    maxPaceOf(db, actor.orgId),
  ]);
  return { tags: tagRows, fields: fieldChoices.fields, channels, maxPace };
}

async function readForm(c: Ctx, choices: BulkFormChoices): Promise<ReadBulkForm> {
  const { clock } = c.get("deps");
  const actor = c.get("actor")!;
  const body = await c.req.parseBody({ all: true });
  return readBulkForm(body, new Map(choices.fields.map((f) => [f.key, f.type])), actor.timezone, clock.now(), c.get("t"));
}

/** How many the audience reaches (filter and list, a contact once) and the message for its first contact. */
async function countAndPreview(c: Ctx, choices: BulkFormChoices, read: ReadBulkForm) {
  const db = c.get("deps").database.db;
  const actor = c.get("actor")!;
  const filtered = read.filter ? await countAudience(db, actor.orgId, read.filter, actor.timezone) : 0;
  const count = filtered + read.list.numbers.length;
  const [channelId, name, language] = String(read.values.template ?? "").split(":");
  const template = choices.channels.find((ch) => String(ch.id) === channelId)?.templates.find((t) => t.name === name && t.language === language);
  if (!template) return { count, preview: null };
  const [sample] = read.filter
    ? await db.select().from(contacts).where(audienceCondition(actor.orgId, read.filter, actor.timezone)).orderBy(contacts.id).limit(1)
    : read.list.numbers.length
      ? await db.select().from(contacts).where(and(eq(contacts.orgId, actor.orgId), eq(sql`regexp_replace(${contacts.phone}, '\\D', '', 'g')`, read.list.numbers[0].slice(1)))).limit(1)
      : [];
  const person = sample ?? { name: read.list.numbers[0] ?? "", phone: read.list.numbers[0] ?? null, email: null, customFields: {} };
  const parameters: string[] = [];
  for (let n = 1; n <= template.params; n++) {
    const source = String(read.values[`p${n}_source`] ?? "text");
    parameters.push(source === "text" ? String(read.values[`p${n}_text`] ?? "") : `{{${source}}}`);
  }
  return { count, preview: renderTemplate(template.body, parameters, person).body };
}

export function bulkRoutes() {
  const app = signedInRoutes("admin", "supervisor");
  app.get("/", async (c) => {
    const db = c.get("deps").database.db;
    const actor = c.get("actor")!;
    const rows = await listBulkSends(db, actor);
    const [org] = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, actor.orgId));
    const settings = actor.role === "admin" ? { maxPace: org.settings.bulkMaxPace ?? DEFAULT_MAX_PACE, keywords: org.settings.optOutKeywords ?? DEFAULT_KEYWORDS } : null;
    return render(c, <BulkListPage ui={ui(c)} rows={rows} flash={takeFlash(c)} settings={settings} />);
  });

  app.get("/new", async (c) => render(c, <BulkNewPage ui={ui(c)} form={{ values: { pace: "20" }, errors: {} }} choices={await formChoices(c)} count={null} preview={null} />));

  // The live count and preview as the form changes (htmx takes #bulk-live from the page).
  app.post("/preview", async (c) => {
    const choices = await formChoices(c);
    const read = await readForm(c, choices);
    const { count, preview } = await countAndPreview(c, choices, read);
    return render(c, <BulkNewPage ui={ui(c)} form={{ values: read.values, errors: {} }} choices={choices} count={count} preview={preview} />);
  });

  app.post("/", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor")!;
    const choices = await formChoices(c);
    const read = await readForm(c, choices);
    const again = async (errors: Record<string, string>) => {
      const { count, preview } = await countAndPreview(c, choices, read);
      return render(c, <BulkNewPage ui={ui(c)} form={{ values: read.values, errors }} choices={choices} count={count} preview={preview} />, 422);
    };
    if (!read.input) return again(read.errors);
    try {
      const made = await commit(database, actor.orgId, (db) => createBulkSend(db, actor, read.input!, clock.now()));
      flash(c, "ok", "bulk.created", { count: made.recipients });
      return redirect(c, `/bulk/${made.send.id}`);
    } catch (e) {
      if (!(e instanceof BulkRefused)) throw e;
      const field = e.reason === "pace" ? "pace" : e.reason === "no_template" ? "template" : "numbers";
      return again({ [field]: c.get("t")(`bulk.error.${e.reason}` as "bulk.error.pace", { max: choices.maxPace }) });
    }
  });

  app.post("/settings", async (c) => {
    const { database } = c.get("deps");
    const actor = c.get("actor")!;
    if (actor.role !== "admin") return c.notFound();
    const parsed = settingsForm.safeParse(await c.req.parseBody());
    if (!parsed.success) {
      flash(c, "error", "bulk.error.settings");
      return redirect(c, "/bulk");
    }
    // Stored upper-cased both ways Turkish and English write it (İPTAL, IPTAL), as the trigger compares.
    const words = parsed.data.keywords.split(/[,\n]/).map((w) => w.trim()).filter((w) => w && w.length <= 40);
    const keywords = [...new Set(words.flatMap((w) => [w.toLocaleUpperCase("tr"), w.toUpperCase()]))].slice(0, 50);
    await commit(database, actor.orgId, (db) =>
      db.transaction(async (tx) => {
        await tx
          .update(organizations)
          .set({ settings: sql`${organizations.settings} || ${JSON.stringify({ bulkMaxPace: parsed.data.maxPace, optOutKeywords: keywords })}::jsonb` })
          .where(eq(organizations.id, actor.orgId));
        return recordEvent(tx, { orgId: actor.orgId, type: "organization_updated", actorId: actor.userId, data: { bulkSettings: true } });
      }),
    );
    flash(c, "ok", "bulk.settingsSaved");
    return redirect(c, "/bulk");
  });

  app.get("/:id{[0-9]+}", async (c) => {
    const db = c.get("deps").database.db;
    const actor = c.get("actor")!;
    const query = detailQuery.safeParse(c.req.query());
    if (!query.success) return c.notFound();
    const found = await getBulkSend(db, actor, idParam(c));
    if (!found) return c.notFound();
    const page = await recipientPage(db, found.send.id, query.data.filter, query.data.after);
    if (isHtmx(c) && query.data.after > 0) return render(c, <RecipientRows ui={ui(c)} send={found.send} rows={page.rows} next={page.next} filter={query.data.filter} />);
    const counts = await bulkCounts(db, found.send.id);
    return render(c, <BulkSendPage ui={ui(c)} detail={{ ...found, counts, rows: page.rows, next: page.next, filter: query.data.filter }} flash={takeFlash(c)} />);
  });

  app.get("/:id{[0-9]+}/recipients.csv", async (c) => {
    const db = c.get("deps").database.db;
    const query = detailQuery.safeParse(c.req.query());
    const found = await getBulkSend(db, c.get("actor")!, idParam(c));
    if (!found || !query.success) return c.notFound();
    return new Response(recipientsCsv(allRecipients(db, found.send.id, query.data.filter), c.get("t")), {
      headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="kanal-bulk-${found.send.id}.csv"`, "cache-control": "no-store" },
    });
  });

  app.post("/:id{[0-9]+}/:action{pause|resume|cancel}", async (c) => {
    const { database, clock } = c.get("deps");
    const actor = c.get("actor")!;
    const id = idParam(c);
    try {
      await commit(database, actor.orgId, (db) => steerBulkSend(db, actor, id, c.req.param("action") as "pause", clock.now()));
    } catch (e) {
      if (!(e instanceof BulkRefused)) throw e;
      if (e.reason === "not_found") return c.notFound();
      flash(c, "error", "bulk.error.not_now");
    }
    return redirect(c, `/bulk/${id}`);
  });
  return app;
}
