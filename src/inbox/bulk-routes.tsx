// Bulk actions on the list: POST /inbox/bulk with the picked rows (or "all on this page") and one
// choice of action. htmx gets the summary for #bulk-summary; a plain form post gets a summary page.
import { z } from "zod";
import { signedInRoutes } from "../auth/middleware";
import { field, validForm } from "../forms";
import type { MessageKey } from "../i18n";
import { isHtmx, render, ui, type SignedInCtx } from "../web";
import { BulkResultPage, BulkSummary, type SummaryProps } from "../../views/inbox/bulk-bar";
import { actOnMany, MOST_AT_ONCE, parseBulkChoice, type BulkOutcome, type BulkRefusal } from "./bulk-actions";
import { ruleMessages } from "./routes";

const bulkSchema = z.object({
  ids: field.idList().pipe(z.array(z.number()).max(MOST_AT_ONCE)),
  all: field.checkbox(),
  page_ids: field.idList().pipe(z.array(z.number()).max(MOST_AT_ONCE)),
  choice: z.string().max(100),
});

const tagRefusals: Record<"forbidden" | "invalid", MessageKey> = { forbidden: "bulkActions.refusal.forbidden", invalid: "bulkActions.refusal.invalid" };

function refusalText(c: SignedInCtx, reason: BulkRefusal): string {
  const key = reason in ruleMessages ? ruleMessages[reason as keyof typeof ruleMessages] : tagRefusals[reason as "forbidden" | "invalid"];
  return c.get("t")(reason === "not_found" ? "bulkActions.refusal.notFound" : key);
}

const titles: Record<BulkOutcome["action"], MessageKey> = { assign: "bulkActions.title.assign", close: "bulkActions.title.close", tag: "bulkActions.title.tag", spam: "bulkActions.title.spam" };

function answer(c: SignedInCtx, summary: Omit<SummaryProps, "ui">, status: 200 | 422) {
  if (isHtmx(c)) return render(c, <BulkSummary ui={ui(c)} {...summary} />, status);
  // The bar posts to /inbox/bulk with the list's own query (tab, search, filters): back to that list.
  return render(c, <BulkResultPage ui={ui(c)} {...summary} back={`/inbox${new URL(c.req.url).search}`} />, status);
}

const problem = (c: SignedInCtx, key: MessageKey) => answer(c, { title: "", done: [], refused: [], error: c.get("t")(key) }, 422);

export function bulkActionRoutes() {
  const app = signedInRoutes();
  app.post(
    "/bulk",
    validForm(bulkSchema, (c: SignedInCtx) => problem(c, "bulkActions.error.tooMany")),
    async (c) => {
      const { database, clock } = c.get("deps");
      const form = c.req.valid("form");
      const ids = form.all ? [...form.ids, ...form.page_ids] : form.ids;
      if (ids.length === 0) return problem(c, "bulkActions.error.noneSelected");
      const action = parseBulkChoice(form.choice);
      if (!action) return problem(c, "bulkActions.error.noAction");
      const outcome = await actOnMany(database, c.get("actor"), ids, action, c.get("locale"), clock.now());
      const t = c.get("t");
      return answer(
        c,
        {
          title: t(titles[outcome.action]),
          done: outcome.done.map((d) => ({ id: d.id, name: d.name, text: d.closing === "not_sent" ? t("bulkActions.closingNotSent") : undefined })),
          refused: outcome.refused.map((r) => ({ id: r.id, name: r.name, text: refusalText(c, r.reason) })),
        },
        200,
      );
    },
  );
  return app;
}
