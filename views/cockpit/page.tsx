// Chat Cockpit: members grouped by status; supervisors move others between online, break, invisible.
import { agentStatuses, type AgentStatus } from "../../db/schema";
import type { BoardRow } from "../../src/cockpit/board";
import { Alert } from "../components/form";
import { Layout } from "../layout";
import { fullTime } from "../format";
import type { Flash, Ui } from "../ui";

const changeable: AgentStatus[] = ["online", "break", "invisible"];

export function CockpitPage({ ui, rows, flash }: { ui: Ui; rows: BoardRow[]; flash: Flash }) {
  return (
    <Layout ui={ui} title={ui.t("cockpit.title")} live="view=cockpit">
      <div class="page" id="cockpit">
        <h1>{ui.t("cockpit.title")}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <CockpitBoard ui={ui} rows={rows} />
      </div>
    </Layout>
  );
}

/** The part of the cockpit that live updates replace as a whole. */
export function CockpitBoard({ ui, rows }: { ui: Ui; rows: BoardRow[] }) {
  return (
    <div id="cockpit-board">
      {agentStatuses.map((status) => (
        <StatusTable ui={ui} status={status} rows={rows.filter((r) => r.status === status)} />
      ))}
    </div>
  );
}

function StatusTable({ ui, status, rows }: { ui: Ui; status: AgentStatus; rows: BoardRow[] }) {
  const tz = ui.actor!.timezone;
  return (
    <section class="cockpit-group">
      <h2>
        <span class={`badge status-${status}`}>{ui.t(`cockpit.group.${status}`)}</span> <span class="muted">{rows.length}</span>
      </h2>
      {rows.length === 0 ? (
        <p class="empty">{ui.t("cockpit.nobody")}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th>{ui.t("common.name")}</th>
              <th>{ui.t("users.role")}</th>
              <th>{ui.t("cockpit.since")}</th>
              <th>{ui.t("cockpit.active")}</th>
              <th>{ui.t("status.label")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-user={r.userId}>
                <td>{r.name}</td>
                <td>{ui.t(`role.${r.role}`)}</td>
                <td>{fullTime(r.statusChangedAt, ui.locale, tz)}</td>
                <td>{r.active}</td>
                <td>
                  {status === "offline" && r.userId !== ui.actor!.userId ? (
                    ui.t(`status.${status}`)
                  ) : (
                    <form method="post" action="/cockpit/status" class="inline-form">
                      <input type="hidden" name="userId" value={r.userId} />
                      <select name="status" aria-label={`${ui.t("status.label")}: ${r.name}`}>
                        {(r.userId === ui.actor!.userId ? agentStatuses : changeable).map((s) => (
                          <option value={s} selected={s === r.status}>
                            {ui.t(`status.${s}`)}
                          </option>
                        ))}
                      </select>
                      <button type="submit">{ui.t("cockpit.change")}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
