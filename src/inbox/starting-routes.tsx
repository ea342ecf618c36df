// The inbox's "New conversation": a form whose steps are plain GETs of the same page (recipient,
// channel, template), so it works without JavaScript, and one POST that starts the conversation.
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import { field, formValues, type FieldErrors, type FormValues } from "../forms";
import { flash, redirect, render, ui, type SignedInCtx } from "../web";
import { commit } from "../realtime/changes";
import { e164 } from "../contacts/phone";
import type { MessageKey } from "../i18n";
import { NewConversationPage } from "../../views/inbox/new-conversation";
import { ConversationRuleBroken } from "./changes";
import { maySeeConversation } from "./visibility";
import { startChoices } from "./starting-choices";
import { startNewConversation, StartRefused, type FirstMessage, type Recipient } from "./starting";

const text = (max: number) => z.string().max(max).optional().default("");
const picked = z.object({
  q: text(200),
  contactId: z.union([field.id(), z.literal("")]).optional(),
  phone: text(40),
  name: text(200),
  channelId: z.union([field.id(), z.literal("")]).optional(),
  template: text(600),
  body: text(4096),
  param: z.union([z.string().max(1024), z.array(z.string().max(1024)).max(20)]).optional(),
});
type Picked = z.output<typeof picked>;

const refusals: Record<string, MessageKey> = {
  phone_needs_whatsapp: "newConversation.error.phoneNeedsWhatsapp",
  hidden_contact: "newConversation.error.hiddenContact",
  unreachable: "newConversation.error.unreachable",
  outside_window: "newConversation.error.outsideWindow",
  no_template: "newConversation.error.noTemplate",
  empty: "inbox.error.empty",
  too_long: "newConversation.error.tooLong",
  not_found: "inbox.error.badTarget",
};

/** The number typed, in E.164, or a field error; empty when none was typed. */
function phoneOf(p: Picked): { phone?: string; error?: MessageKey } {
  if (!p.phone.trim()) return {};
  const phone = e164(p.phone);
  return phone ? { phone } : { error: "newConversation.error.phone" };
}

async function draw(c: SignedInCtx, p: Picked, values: FormValues, errors: FieldErrors, status: 200 | 422 = 200) {
  const { database, clock } = c.get("deps");
  const actor = c.get("actor");
  const { phone, error } = phoneOf(p);
  if (error) errors = { ...errors, phone: c.get("t")(error) };
  const choices = await startChoices(database.db, actor, { search: p.q.trim(), contactId: p.contactId || undefined, phone, channelId: p.channelId || undefined }, clock.now());
  // A typed number the agent's contacts already have is that contact.
  if (choices.known && !choices.contact) return redirect(c, `/inbox/new?contactId=${choices.known.id}${p.channelId ? `&channelId=${p.channelId}` : ""}`);
  return render(c, <NewConversationPage ui={ui(c)} choices={choices} form={{ values, errors }} phone={phone ?? null} />, status);
}

export function startingRoutes() {
  const app = signedInRoutes();
  app.get("/new", async (c) => {
    const query = Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, k === "param" ? v : v[v.length - 1]]));
    const parsed = picked.safeParse(query);
    const p = parsed.success ? parsed.data : picked.parse({});
    return draw(c, p, parsed.success ? formValues(query) : {}, {});
  });

  app.post("/new", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const parsed = picked.safeParse(body);
    const values = formValues(body as Record<string, unknown>);
    const t = c.get("t");
    if (!parsed.success) return draw(c, picked.parse({}), values, { _form: t("validation.invalid") }, 422);
    const p = parsed.data;
    const { phone, error } = phoneOf(p);
    if (error || (!p.contactId && !phone)) return draw(c, p, values, { phone: t(error ?? "newConversation.error.recipient") }, 422);
    if (!p.channelId) return draw(c, p, values, { channelId: t("validation.required") }, 422);
    const to: Recipient = p.contactId ? { contactId: p.contactId } : { phone: phone!, name: p.name };
    const [name, language] = p.template.split("|");
    const params = p.param === undefined ? [] : Array.isArray(p.param) ? p.param : [p.param];
    const first: FirstMessage = p.template ? { kind: "template", name, language: language ?? "", parameters: params.map((v) => v.trim()) } : { kind: "text", body: p.body };
    const { database, clock } = c.get("deps");
    const actor = c.get("actor");
    try {
      const started = await commit(database, actor.orgId, (db) => startNewConversation(db, actor, { to, channelId: p.channelId as number, first }, clock.now()));
      return redirect(c, `/inbox/${started.conversationId}?tab=assigned`);
    } catch (e) {
      if (e instanceof ConversationRuleBroken && e.reason === "already_open" && e.conversationId) {
        if (!(await maySeeConversation(database.db, actor, e.conversationId))) return draw(c, p, values, { _form: t("newConversation.openWithOther") }, 422);
        flash(c, "error", "newConversation.openedInstead");
        return redirect(c, `/inbox/${e.conversationId}?tab=all`);
      }
      if (!(e instanceof ConversationRuleBroken || e instanceof StartRefused)) throw e;
      const key = refusals[e.reason] ?? "inbox.error.badTarget";
      const at = e.reason === "empty" || e.reason === "too_long" || e.reason === "outside_window" ? "body" : e.reason === "no_template" ? "template" : "_form";
      return draw(c, p, values, { [at]: t(key) }, 422);
    }
  });
  return app;
}
