// The thread's line that tells two contacts became one (src/contacts/merging.ts).
import type { MergeLine } from "../../src/contacts/merging";
import { fullTime } from "../format";
import type { Ui } from "../ui";

export function MergeLineItem({ ui, id, line, createdAt }: { ui: Ui; id: number; line: Partial<MergeLine>; createdAt: Date }) {
  return (
    <li class="message event system-line merge-line" id={`m-${id}`} data-id={String(id)}>
      <span>{ui.t("contacts.merge.line", { merged: line.mergedName ?? "", kept: line.keptName ?? "", by: line.byName ?? "" })}</span>{" "}
      <time datetime={createdAt.toISOString()}>{fullTime(createdAt, ui.locale, ui.actor!.timezone)}</time>
    </li>
  );
}
