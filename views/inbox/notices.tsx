// WhatsApp's notices about a customer (a new number, a changed security code) as lines of the
// thread, and the marks a customer's edit or deletion leaves on their message.
import type { IdentityNotice } from "../../src/channels/identity-changes";
import type { Deleted, Edited } from "../../src/channels/revisions";
import { fullTime } from "../format";
import type { Ui } from "../ui";

type Meta = Record<string, unknown>;

export const isIdentityNotice = (meta: Meta | null | undefined) => meta?.system === "number_changed" || meta?.system === "identity_changed";

export function IdentityNoticeItem({ ui, id, meta, createdAt }: { ui: Ui; id: number; meta: Meta; createdAt: Date }) {
  const notice = meta as unknown as IdentityNotice;
  const text =
    notice.system === "identity_changed"
      ? ui.t("notice.identityChanged")
      : ui.t(notice.moved === false ? "notice.numberTaken" : "notice.numberChanged", { from: notice.from ?? "", to: notice.to ?? "" });
  return (
    <li class="message event system-line identity-notice" id={`m-${id}`} data-id={String(id)}>
      <span>{text}</span> <time datetime={createdAt.toISOString()}>{fullTime(createdAt, ui.locale, ui.actor!.timezone)}</time>
    </li>
  );
}

export const deletedOf = (meta: Meta | null | undefined) => (meta?.deleted as Deleted | undefined) ?? null;

/** A deleted message: said so, its text folded away (kept for audit). */
export function DeletedBody({ ui, body }: { ui: Ui; body: string }) {
  return (
    <span class="body deleted">
      <em class="muted">{ui.t("message.deleted")}</em>
      {body ? (
        <details class="deleted-text">
          <summary>{ui.t("message.deletedText")}</summary>
          <s>{body}</s>
        </details>
      ) : null}
    </span>
  );
}

/** "edited", with the texts before each edit behind it. */
export function EditedMark({ ui, meta }: { ui: Ui; meta: Meta | null | undefined }) {
  const edited = meta?.edited as Edited | undefined;
  if (!edited) return null;
  return (
    <details class="edited-mark">
      <summary class="muted">{ui.t("message.edited")}</summary>
      <ol class="plain">
        {edited.earlier.map((e) => (
          <li>
            <small class="muted">{ui.t("message.earlierText")}: </small>
            {e.body}
          </li>
        ))}
      </ol>
    </details>
  );
}
