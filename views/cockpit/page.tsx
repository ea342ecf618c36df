// Chat Cockpit: members in four tables by status with today's figures; supervisors move others
// between online, break and invisible. The brand/channel choice, search and sort live in the URL.
import { agentStatuses, type AgentStatus, type ChannelKind } from "../../db/schema";
import { boardSorts, type BoardRow, type BoardSort, type BoardView } from "../../src/cockpit/board";
import type { MessageKey } from "../../src/i18n";
import { Alert } from "../components/form";
import { Layout } from "../layout";
import type { Flash, Ui } from "../ui";
import { dateFormat } from "../format";

const changeable: AgentStatus[] = ["online", "break", "invisible"];

export interface ScopeChoices {
  brands: { id: number; name: string }[];
  channels: { id: number; name: string; kind: ChannelKind; brandId: number | null }[];
}

export function boardQueryString(view: BoardView, change: Partial<BoardView> = {}): string {
  const v = { ...view, ...change };
  const q = new URLSearchParams();
  if (v.brand) q.set("brand", String(v.brand));
  if (v.channel) q.set("channel", String(v.channel));
  if (v.q) q.set("q", v.q);
  if (v.sort !== "name") q.set("sort", v.sort);
  if (v.dir !== "asc") q.set("dir", v.dir);
  if (v.day) q.set("day", v.day);
  return q.toString();
}

/** Today's local day, and the past day shown instead of today (null: today, with live statuses). */
export interface CockpitDay {
  today: string;
  past: string | null;
}

export function CockpitPage({ ui, rows, flash, view, choices, day }: { ui: Ui; rows: BoardRow[]; flash: Flash; view: BoardView; choices: ScopeChoices; day: CockpitDay }) {
  const live = new URLSearchParams(boardQueryString(view));
  live.set("view", "cockpit");
  return (
    <Layout ui={ui} title={ui.t("cockpit.title")} live={day.past ? undefined : live.toString()}>
      <div class="page" id="cockpit">
        <h1>{ui.t("cockpit.title")}</h1>
        {flash ? <Alert kind={flash.kind}>{flash.text}</Alert> : null}
        <form method="get" action="/cockpit" class="cockpit-controls">
          <label>
            {ui.t("cockpit.brand")}{" "}
            <select name="brand">
              <option value="">{ui.t("cockpit.allBrands")}</option>
              {choices.brands.map((b) => (
                <option value={String(b.id)} selected={view.brand === b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {ui.t("cockpit.channel")}{" "}
            <select name="channel">
              <option value="">{ui.t("cockpit.allChannels")}</option>
              {choices.channels
                .filter((ch) => !view.brand || ch.brandId === view.brand)
                .map((ch) => (
                  <option value={String(ch.id)} selected={view.channel === ch.id}>
                    {ch.name} ({ui.t(`inbox.channel.${ch.kind}`)})
                  </option>
                ))}
            </select>
          </label>
          <label class="grow">
            <span class="visually-hidden">{ui.t("cockpit.searchUsers")}</span>
            <input type="search" name="q" value={view.q} placeholder={ui.t("cockpit.searchUsers")} data-filter-names="#cockpit-board" autocomplete="off" />
          </label>
          <label>
            {ui.t("cockpit.day")} <input type="date" name="day" value={day.past ?? day.today} max={day.today} />
          </label>
          {view.sort !== "name" ? <input type="hidden" name="sort" value={view.sort} /> : null}
          {view.dir !== "asc" ? <input type="hidden" name="dir" value={view.dir} /> : null}
          <button type="submit">{ui.t("common.apply")}</button>
        </form>
        {day.past ? (
          <>
            <p class="cockpit-past">
              <span>{ui.t("cockpit.pastDay", { day: dateFormat(ui.locale, { dateStyle: "full", timeZone: "UTC" }).format(new Date(`${day.past}T00:00:00Z`)) })}</span>
              <a href={`/cockpit?${boardQueryString(view, { day: undefined })}`}>{ui.t("cockpit.backToToday")}</a>
            </p>
            <PastDayTable ui={ui} rows={rows} view={view} />
          </>
        ) : (
          <CockpitBoard ui={ui} rows={rows} view={view} />
        )}
      </div>
    </Layout>
  );
}

/** "3 min", "1 h 5 min", "40 s"; a dash when there is nothing to average yet. */
export function duration(ui: Ui, ms: number | null): string {
  if (ms === null) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return ui.t("duration.seconds", { s: seconds });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return ui.t("duration.minutes", { m: minutes });
  return ui.t("duration.hours", { h: Math.floor(minutes / 60), m: minutes % 60 });
}

const columnLabels: Record<BoardSort, MessageKey> = {
  name: "common.name",
  firstResponse: "cockpit.firstResponse",
  resolution: "cockpit.resolution",
  active: "cockpit.active",
  resolved: "cockpit.resolved",
  reactivated: "cockpit.reactivated",
  forwarded: "cockpit.forwarded",
  satisfaction: "bot.cockpit.satisfaction",
};

/** The part of the cockpit that live updates replace as a whole. */
export function CockpitBoard({ ui, rows, view }: { ui: Ui; rows: BoardRow[]; view: BoardView }) {
  return (
    <div id="cockpit-board">
      {agentStatuses.map((status) => (
        <StatusTable ui={ui} status={status} rows={rows.filter((r) => r.status === status)} view={view} />
      ))}
    </div>
  );
}

/** On a past day the counts are that day's, not today's. */
const pastDayLabels: Partial<Record<BoardSort, MessageKey>> = { resolved: "cockpit.pastResolved", reactivated: "cockpit.pastReactivated", forwarded: "cockpit.pastForwarded" };

function SortHeader({ ui, column, view, past = false }: { ui: Ui; column: BoardSort; view: BoardView; past?: boolean }) {
  const current = view.sort === column;
  const dir = current && view.dir === "asc" ? "desc" : "asc";
  return (
    <th aria-sort={current ? (view.dir === "asc" ? "ascending" : "descending") : undefined}>
      <a href={`/cockpit?${boardQueryString(view, { sort: column, dir })}`}>
        {ui.t((past && pastDayLabels[column]) || columnLabels[column])}
        {current ? (view.dir === "asc" ? " ▲" : " ▼") : ""}
      </a>
    </th>
  );
}

function StatusTable({ ui, status, rows, view }: { ui: Ui; status: AgentStatus; rows: BoardRow[]; view: BoardView }) {
  return (
    <section class="cockpit-group" data-status={status}>
      <h2>
        <span class={`badge status-${status}`}>{ui.t(`cockpit.group.${status}`)}</span> <span class="muted">{rows.length}</span>
      </h2>
      {rows.length === 0 ? (
        <p class="empty">{ui.t("cockpit.nobody")}</p>
      ) : (
        <table class="list">
          <thead>
            <tr>
              <SortHeader ui={ui} column="name" view={view} />
              <th>{ui.t("status.label")}</th>
              {boardSorts
                .filter((c) => c !== "name")
                .map((c) => (
                  <SortHeader ui={ui} column={c} view={view} />
                ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-user={r.userId} data-name={r.name}>
                <MemberCell ui={ui} row={r} />
                <td>
                  {status === "offline" && r.userId !== ui.actor!.userId ? (
                    ui.t(`status.${status}`)
                  ) : (
                    <form method="post" action="/cockpit/status" class="inline-form">
                      <input type="hidden" name="userId" value={r.userId} />
                      <input type="hidden" name="back" value={`/cockpit?${boardQueryString(view)}`} />
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
                <FigureCells ui={ui} row={r} live />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A past day: everyone in one table with that day's figures; statuses and active counts are live only. */
function PastDayTable({ ui, rows, view }: { ui: Ui; rows: BoardRow[]; view: BoardView }) {
  return (
    <table class="list" id="cockpit-past-day">
      <thead>
        <tr>
          {boardSorts
            .filter((c) => c !== "active")
            .map((c) => (
              <SortHeader ui={ui} column={c} view={view} past />
            ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr data-user={r.userId} data-name={r.name}>
            <MemberCell ui={ui} row={r} />
            <FigureCells ui={ui} row={r} live={false} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MemberCell({ ui, row }: { ui: Ui; row: BoardRow }) {
  return (
    <td>
      {row.name} <small class="muted">{ui.t(`role.${row.role}`)}</small>
    </td>
  );
}

/** A member's figures in the board's column order; the live active count only on today's board. */
function FigureCells({ ui, row, live }: { ui: Ui; row: BoardRow; live: boolean }) {
  return (
    <>
      <td>{duration(ui, row.avgFirstResponseMs)}</td>
      <td>{duration(ui, row.avgResolutionMs)}</td>
      {live ? <td class="num">{row.active}</td> : null}
      <td class="num">{row.resolved}</td>
      <td class="num">{row.reactivated}</td>
      <td class="num">{row.forwarded}</td>
      <td class="num satisfaction">
        {row.satisfaction === null ? "—" : row.satisfaction.toLocaleString(ui.locale, { maximumFractionDigits: 1 })}
        {row.satisfactionAnswers ? <small class="muted"> {ui.t("bot.cockpit.answers", { count: String(row.satisfactionAnswers) })}</small> : null}
      </td>
    </>
  );
}
