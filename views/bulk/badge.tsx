// The thread header's mark of a bulk conversation: the bulk send it answers (a link for those who may open it).
import type { Ui } from "../ui";

export function BulkBadge({ ui, send }: { ui: Ui; send: { id: number; name: string } }) {
  const label = ui.t("bulk.badge", { name: send.name });
  const role = ui.actor?.role;
  return role === "admin" || role === "supervisor" ? (
    <a class="badge bulk" href={`/bulk/${send.id}`}>
      {label}
    </a>
  ) : (
    <span class="badge bulk">{label}</span>
  );
}
