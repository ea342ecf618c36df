// A conversation waiting in a workgroup's queue, as the list row and the thread head show it:
// "Sales · waiting 3 min".
import type { Ui } from "../ui";

export function queueLabel(ui: Ui, workgroupName: string, waitingSince: Date | null, now: Date): string {
  if (!waitingSince) return workgroupName;
  const minutes = Math.max(0, Math.floor((now.getTime() - waitingSince.getTime()) / 60_000));
  const duration = minutes < 60 ? ui.t("routing.minutes", { count: minutes }) : ui.t("routing.hours", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  return ui.t("routing.waiting", { group: workgroupName, duration });
}
