// WhatsApp's notices about a customer (a new number, a changed security code) as lines of the
// thread. (A customer's edit or deletion is marked on their message by message-marks.tsx.)
import type { IdentityNotice } from "../../src/channels/identity-changes";
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
