// Admin → Channels routes: list, add one of a kind, edit (secrets kept when left blank), activate or
// deactivate, delete an unused one.
import { z } from "zod";
import { field, idParam, validForm, type FormValues } from "../forms";
import { failedDeliveries, retryFailedDelivery } from "../channels/failed-webhooks";
import { unhandledSummary } from "../channels/unhandled";
import { secretsFor } from "../channels/secrets";
import { emptyForm, type FormState } from "../../views/components/form";
import { ChannelPage, ChannelRows, ChannelsPage, NewChannelPage } from "../../views/admin/channels";
import { flash, redirect, render, ui, type SignedInCtx } from "../web";
import {
  brandChoices,
  workgroupChoices,
  CHANNEL_NAME_MAX,
  ChannelRuleBroken,
  createChannel,
  deleteChannel,
  editableKinds,
  getChannel,
  isEditableKind,
  listChannels,
  parseOrigin,
  setChannelActive,
  UPLOAD_MB,
  updateChannel,
  webchatConfig,
  webchatDefaults,
  WIDGET_COLOR,
  type ChannelInput,
  type EditableKind,
} from "./channels";
import { optionLines } from "./custom-fields";
import { adminResource, ID, idOf } from "./resource";

const BASE = "/admin/channels";
const ORIGINS_MAX = 50;

const providerId = z.string().trim().min(1, "validation.required").max(30, "validation.tooLong").regex(/^\d+$/, "channels.badId");

/** A new channel needs every secret; on an edit a blank one keeps what is stored. */
function channelSchema(isNew: boolean) {
  const secret = (max: number) => {
    const typed = z.string().trim().max(max, "validation.tooLong").regex(/^\S*$/, "channels.badSecret");
    return isNew ? typed.min(1, "validation.required") : typed.optional().transform((v) => v || undefined);
  };
  const common = {
    name: field.text(CHANNEL_NAME_MAX),
    brandId: field.id(),
    workgroupId: z.preprocess((v) => (v === "" ? undefined : v), field.id().optional()).transform((v) => v ?? null),
  };
  const meta = { accessToken: secret(2048), appSecret: secret(256), verifyToken: secret(256) };
  const upload = "channels.maxUpload";
  return z
    .discriminatedUnion("kind", [
      z.object({
        kind: z.literal("whatsapp"),
        ...common,
        phoneNumberId: providerId,
        wabaId: providerId,
        displayPhoneNumber: z.string().trim().max(40, "validation.tooLong").regex(/^[+\d\s().-]*$/, "validation.phone").optional(),
        ...meta,
      }),
      z.object({ kind: z.literal("messenger"), ...common, pageId: providerId, ...meta }),
      z.object({ kind: z.literal("instagram"), ...common, accountId: providerId, ...meta }),
      z.object({
        kind: z.literal("webchat"),
        ...common,
        allowedOrigins: z
          .string()
          .max(4000, "validation.tooLong")
          .optional()
          .transform((v) => optionLines(v ?? ""))
          .refine((lines) => lines.length <= ORIGINS_MAX, { message: "channels.tooManyOrigins" })
          .refine((lines) => lines.every((l) => parseOrigin(l) !== null), { message: "channels.badOrigin" })
          .transform((lines) => [...new Set(lines.map((l) => parseOrigin(l)!))]),
        preChatForm: field.checkbox(),
        greeting: field.optionalText(500),
        maxUploadMb: z
          .string()
          .trim()
          .optional()
          .transform((v) => (v ? Number(v) : webchatDefaults.maxUploadMb))
          .pipe(z.number({ error: upload }).int(upload).min(UPLOAD_MB.min, upload).max(UPLOAD_MB.max, upload)),
        color: z
          .string()
          .trim()
          .optional()
          .transform((v) => (v || webchatDefaults.color).toLowerCase())
          .pipe(z.string().regex(WIDGET_COLOR, "validation.color")),
      }),
    ])
    .transform((v): ChannelInput => {
      const common = { name: v.name, brandId: v.brandId, workgroupId: v.workgroupId };
      switch (v.kind) {
        case "whatsapp": {
          const config = { phoneNumberId: v.phoneNumberId, wabaId: v.wabaId, ...(v.displayPhoneNumber ? { displayPhoneNumber: v.displayPhoneNumber } : {}) };
          return { kind: v.kind, ...common, config, secrets: secretsIn(v) };
        }
        case "messenger":
          return { kind: v.kind, ...common, config: { pageId: v.pageId }, secrets: secretsIn(v) };
        case "instagram":
          return { kind: v.kind, ...common, config: { accountId: v.accountId }, secrets: secretsIn(v) };
        case "webchat": {
          const config = { allowedOrigins: v.allowedOrigins, preChatForm: v.preChatForm, greeting: v.greeting ?? "", maxUploadMb: v.maxUploadMb, color: v.color };
          return { kind: v.kind, ...common, config, secrets: {} };
        }
      }
    });
}

function secretsIn(v: { accessToken?: string; appSecret?: string; verifyToken?: string }): ChannelInput["secrets"] {
  return { accessToken: v.accessToken, appSecret: v.appSecret, verifyToken: v.verifyToken };
}

const createSchema = channelSchema(true);
const updateSchema = channelSchema(false);

/** A channel's settings as form values (secrets are never put back into a form). */
function formOf(kind: EditableKind, name: string, brandId: number | null, config: Record<string, unknown>, workgroupId: number | null = null): FormValues {
  const text = (key: string) => (typeof config[key] === "string" ? (config[key] as string) : "");
  const values: FormValues = { kind, name, brandId: brandId ? String(brandId) : "", workgroupId: workgroupId ? String(workgroupId) : "" };
  switch (kind) {
    case "whatsapp":
      return { ...values, phoneNumberId: text("phoneNumberId"), wabaId: text("wabaId"), displayPhoneNumber: text("displayPhoneNumber") };
    case "messenger":
      return { ...values, pageId: text("pageId") };
    case "instagram":
      return { ...values, accountId: text("accountId") };
    case "webchat": {
      const w = webchatConfig(config);
      return { ...values, allowedOrigins: w.allowedOrigins.join("\n"), preChatForm: w.preChatForm ? "on" : "", greeting: w.greeting, maxUploadMb: String(w.maxUploadMb), color: w.color };
    }
  }
}

function ruleErrors(c: SignedInCtx, input: ChannelInput, e: ChannelRuleBroken): FormState {
  const t = c.get("t");
  const errors = Object.fromEntries(Object.entries(e.errors).map(([k, reason]) => [k, t(reason)]));
  return { values: formOf(input.kind, input.name, input.brandId, input.config, input.workgroupId), errors };
}

/** Where Meta and the widget reach this server: PUBLIC_URL, else the address this page was asked on. */
function publicBase(c: SignedInCtx): string {
  return (c.get("deps").config.PUBLIC_URL ?? new URL(c.req.url).origin).replace(/\/+$/, "");
}

const box = (c: SignedInCtx) => secretsFor(c.get("deps").config);

async function newPage(c: SignedInCtx, kind: EditableKind, opts: { form?: FormState; status?: 200 | 422 } = {}) {
  const { db } = c.get("deps").database;
  const [brands, workgroups] = await Promise.all([brandChoices(db, c.get("actor")), workgroupChoices(db, c.get("actor"))]);
  const config = kind === "webchat" ? { ...webchatDefaults } : {};
  const form = opts.form ?? emptyForm(formOf(kind, "", brands.length === 1 ? brands[0].id : null, config));
  return render(c, <NewChannelPage ui={ui(c)} kind={kind} brands={brands} workgroups={workgroups} form={form} />, opts.status ?? 200);
}

/** A rejected form is drawn again for the kind it was for; a form for no kind we know is a bad request. */
function kindOf(values: FormValues): EditableKind | null {
  const kind = values.kind;
  return typeof kind === "string" && (editableKinds as readonly string[]).includes(kind) ? (kind as EditableKind) : null;
}

export function channelsRoutes() {
  // Listing and editing are the shared shape; adding (a page per kind), switching on and off, and
  // deleting (refused while conversations use the channel) are the channels' own.
  const { routes: app, editPage } = adminResource({
    base: BASE,
    list: (db, actor, cursor) => listChannels(db, actor, cursor),
    rows: (c, list) => <ChannelRows ui={ui(c)} rows={list.items} next={list.next} base={publicBase(c)} />,
    listPage: (c, list, _form, flash) => <ChannelsPage ui={ui(c)} rows={list.items} next={list.next} base={publicBase(c)} flash={flash} />,
    find: async (db, actor, id, c) => {
      const channel = await getChannel(db, box(c), actor, id);
      return channel && isEditableKind(channel.kind) ? { ...channel, kind: channel.kind } : null;
    },
    formOf: (channel) => formOf(channel.kind, channel.name, channel.brandId, channel.config, channel.workgroupId),
    editPage: async (c, channel, form, flash) => {
      const db = c.get("deps").database.db;
      const actor = c.get("actor");
      const meta = channel.kind === "whatsapp" || channel.kind === "messenger" || channel.kind === "instagram";
      const [brands, workgroups, failed, unhandled] = await Promise.all([brandChoices(db, actor), workgroupChoices(db, actor), failedDeliveries(db, actor, channel.id), meta ? unhandledSummary(db, actor.orgId, channel.id) : null]);
      return <ChannelPage ui={ui(c)} channel={channel} kind={channel.kind} brands={brands} workgroups={workgroups} base={publicBase(c)} form={form} flash={flash} failed={failed} unhandled={unhandled} />;
    },
    update: {
      schema: updateSchema,
      save: (db, actor, id, input, now, c) => updateChannel(db, box(c), actor, id, input, now),
      refused: (c, e, input) => (e instanceof ChannelRuleBroken ? ruleErrors(c, input, e) : null),
    },
  });

  // A parked webhook, tried again now with a fresh set of attempts; the page says how it went.
  app.post(`${ID}/webhooks/:deliveryId{[0-9]+}/retry`, async (c) => {
    const outcome = await retryFailedDelivery(c.get("deps"), c.get("actor"), idOf(c), idParam(c, "deliveryId"));
    if (!outcome) return c.notFound();
    flash(c, outcome === "processed" ? "ok" : "error", outcome === "processed" ? "channels.failedRetried" : "channels.failedStillFailing");
    return redirect(c, `${BASE}/${idOf(c)}`);
  });

  app.get(`/new/:kind{${editableKinds.join("|")}}`, (c) => newPage(c, c.req.param("kind") as EditableKind));

  app.post(
    "/",
    validForm(createSchema, (c: SignedInCtx, errors, values) => {
      const kind = kindOf(values);
      return kind ? newPage(c, kind, { form: { errors, values }, status: 422 }) : c.text(c.get("t")("error.badRequest"), 400);
    }),
    async (c) => {
      const input = c.req.valid("form");
      const { database, clock } = c.get("deps");
      try {
        const channel = await createChannel(database.db, box(c), c.get("actor"), input, clock.now());
        flash(c, "ok", "channels.created");
        return redirect(c, `${BASE}/${channel.id}`);
      } catch (e) {
        if (!(e instanceof ChannelRuleBroken)) throw e;
        return newPage(c, input.kind, { form: ruleErrors(c, input, e), status: 422 });
      }
    },
  );

  for (const [action, active] of [["deactivate", false], ["activate", true]] as const) {
    app.post(`${ID}/${action}`, async (c) => {
      const { database, clock } = c.get("deps");
      if (!(await setChannelActive(database.db, c.get("actor"), idOf(c), active, clock.now()))) return c.notFound();
      flash(c, "ok", active ? "channels.activated" : "channels.deactivated");
      return redirect(c, `${BASE}/${idOf(c)}`);
    });
  }

  app.post(`${ID}/delete`, async (c) => {
    const { database, clock } = c.get("deps");
    const result = await deleteChannel(database.db, c.get("actor"), idOf(c), clock.now());
    if (result === "missing") return c.notFound();
    if (result === "in_use") return editPage(c, idOf(c), { flash: { kind: "error", text: c.get("t")("channels.inUse") }, status: 422 });
    flash(c, "ok", "common.deleted");
    return redirect(c, BASE);
  });

  return app;
}
