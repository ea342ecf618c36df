// Admin → Blocked contacts: the contacts marked as spam, each with Unblock.
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";
import { ListPanel } from "./resource";

export const BLOCKED_BASE = "/admin/blocked-contacts";

export interface BlockedContactRow {
  id: number;
  name: string;
  phone: string | null;
  email: string | null;
  blockedAt: Date | null;
}

export function BlockedContactsPage({ ui, rows, flash }: { ui: Ui; rows: BlockedContactRow[]; flash: Flash }) {
  const timeZone = ui.actor?.timezone ?? "UTC";
  return (
    <ListPanel
      ui={ui}
      section="blockedContacts"
      base={BLOCKED_BASE}
      flash={flash}
      columns={[ui.t("common.name"), ui.t("inbox.contact"), ui.t("blockedContacts.since")]}
      count={rows.length}
      rows={rows.map((r) => (
        <tr>
          <td>
            <a href={`/contacts/${r.id}`}>{r.name}</a>
          </td>
          <td>{[r.phone, r.email].filter(Boolean).join(" · ")}</td>
          <td>{r.blockedAt ? fullTime(r.blockedAt, ui.locale, timeZone) : ""}</td>
          <td>
            <form method="post" action={`${BLOCKED_BASE}/${r.id}/unblock`} data-confirm={ui.t("blockedContacts.confirmUnblock")}>
              <button type="submit">{ui.t("blockedContacts.unblock")}</button>
            </form>
          </td>
        </tr>
      ))}
    />
  );
}
