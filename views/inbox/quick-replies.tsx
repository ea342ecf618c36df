// Quick replies above the composer, and the form to add one (htmx swaps #quick-replies).
import type { ThreadOptions } from "../../src/inbox/composer";
import type { Ui } from "../ui";
import { quickReplyPreview } from "./composer-aids";

/**
 * Quick replies above the composer: a click sends one (a plain form post, so it works without
 * JavaScript); Shift+click puts it into the draft instead; typing "/" in the composer searches them.
 */
export function QuickReplies({ ui, base, options, error }: { ui: Ui; base: string; options: ThreadOptions; error?: string | null }) {
  return (
    <div class="quick-replies" id="quick-replies">
      {error ? (
        <p class="alert error" role="alert">
          {error}
        </p>
      ) : null}
      <QuickReplyChips ui={ui} base={base} options={options} />
      <details class="add-quick-reply">
        <summary>{ui.t("inbox.addQuickReply")}</summary>
        <form method="post" action={`${base}/quick-replies`} hx-post={`${base}/quick-replies`} hx-target="#quick-replies" hx-swap="outerHTML" class="menu-panel stack compact">
          <input name="title" maxlength={60} required placeholder={ui.t("quickReplies.replyTitle")} aria-label={ui.t("quickReplies.replyTitle")} />
          <textarea name="body" maxlength={4096} rows={3} required placeholder={ui.t("quickReplies.body")} aria-label={ui.t("quickReplies.body")}></textarea>
          {options.mayShareQuickReplies ? (
            <label>
              <input type="checkbox" name="shared" value="1" /> {ui.t("inbox.quickReplyShared")}
            </label>
          ) : null}
          <button type="submit" class="primary">
            {ui.t("common.save")}
          </button>
        </form>
      </details>
    </div>
  );
}

/** The quick replies themselves (redrawn live when an admin or their owner changes them). */
/** The quick replies as chips; with the conversation's variable values, each one's title previews its filled text. */
export function QuickReplyChips({ ui, base, options }: { ui: Ui; base: string; options: Pick<ThreadOptions, "quickReplies"> & Partial<Pick<ThreadOptions, "variables">> }) {
  return (
    <div class="chips" id="quick-reply-chips" role="list" aria-label={ui.t("quickReplies.title")}>
      {options.quickReplies.map((q) => (
        <button type="submit" form="composer-form" formaction={`${base}/quick-reply`} name="quickReplyId" value={String(q.id)} class={`chip ${q.scope}`} data-body={q.body} title={quickReplyPreview(ui, q.body, options.variables)} role="listitem">
          {q.title}
        </button>
      ))}
    </div>
  );
}
