// The reports page: a period and filters (all in the URL), the totals beside the previous period,
// the charts, and the tables per agent, channel, workgroup and day, each downloadable as CSV.
import { AGENTS_PER_PAGE, dayRows, figureKeys, rangePresets, timeFigures, type FigureKey, type Figures, type Report, type ReportChoices, type ReportQuery, type ReportRow, type ReportTable } from "../../src/reports/figures";
import { duration } from "../cockpit/page";
import { Layout } from "../layout";
import type { Ui } from "../ui";
import { ChannelShareChart, FirstResponseChart, HeatmapChart, OpenedClosedChart } from "./charts";
import { numberFormat, dateFormat } from "../format";

export function reportQueryString(query: ReportQuery): string {
  const q = new URLSearchParams();
  q.set("range", query.range);
  if (query.range === "custom" && query.from && query.to) {
    q.set("from", query.from);
    q.set("to", query.to);
  }
  for (const key of ["brand", "channel", "workgroup", "agent"] as const) if (query[key]) q.set(key, String(query[key]));
  if (query.page && query.page > 1) q.set("page", String(query.page));
  return q.toString();
}

export function figureText(ui: Ui, key: FigureKey, value: number | null): string {
  if (key === "avgSatisfaction") return value === null ? "—" : numberFormat(ui.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
  return timeFigures.has(key) ? duration(ui, value) : numberFormat(ui.locale).format(value ?? 0);
}

/** What a table cell shows in a few characters, the whole sentence left for screen readers. */
function Brief({ shown, said }: { shown: string; said: string }) {
  return (
    <>
      <span aria-hidden="true">{shown}</span>
      <span class="visually-hidden">{said}</span>
    </>
  );
}

/** "▲ 5" beside a figure, and in words for screen readers; `brief` (in tables): "=" and "—" for the sentences. */
function Change({ ui, figure, current, previous, brief = false }: { ui: Ui; figure: FigureKey; current: Figures; previous: Figures; brief?: boolean }) {
  const now = current[figure];
  const before = previous[figure];
  if (now === before || (now === null && before === null)) {
    const said = ui.t("reports.change.same");
    return <span class="change same">{brief ? <Brief shown="=" said={said} /> : said}</span>;
  }
  if (before === null || now === null) {
    const said = before === null ? ui.t("reports.change.new") : ui.t("reports.change.was", { previous: figureText(ui, figure, before) });
    return <span class="change">{brief ? <Brief shown={before === null ? "—" : `(${figureText(ui, figure, before)})`} said={said} /> : said}</span>;
  }
  const up = now > before;
  const change = figureText(ui, figure, Math.abs(now - before));
  return (
    <span class={`change ${up ? "up" : "down"}`}>
      <span aria-hidden="true">
        {up ? "▲" : "▼"} {change}
      </span>
      <span class="visually-hidden">{ui.t(up ? "reports.change.up" : "reports.change.down", { change, previous: figureText(ui, figure, before) })}</span>
    </span>
  );
}

function Filters({ ui, query, choices, range }: { ui: Ui; query: ReportQuery; choices: ReportChoices; range: Report["range"] }) {
  return (
    <form method="get" action="/reports" class="report-filters" aria-label={ui.t("reports.filters")}>
      <label>
        {ui.t("reports.range")}{" "}
        <select name="range">
          {rangePresets.map((r) => (
            <option value={r} selected={query.range === r}>
              {ui.t(`reports.range.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {ui.t("reports.from")} <input type="date" name="from" value={range.from} />
      </label>
      <label>
        {ui.t("reports.to")} <input type="date" name="to" value={range.to} />
      </label>
      <label>
        {ui.t("reports.brand")}{" "}
        <select name="brand">
          <option value="">{ui.t("reports.allBrands")}</option>
          {choices.brands.map((b) => (
            <option value={String(b.id)} selected={query.brand === b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {ui.t("reports.channel")}{" "}
        <select name="channel">
          <option value="">{ui.t("reports.allChannels")}</option>
          {choices.channels
            .filter((ch) => ch.kind !== "support" && (!query.brand || ch.brandId === query.brand))
            .map((ch) => (
              <option value={String(ch.id)} selected={query.channel === ch.id}>
                {ch.name} ({ui.t(`inbox.channel.${ch.kind}`)})
              </option>
            ))}
        </select>
      </label>
      <label>
        {ui.t("reports.workgroup")}{" "}
        <select name="workgroup">
          <option value="">{ui.t("reports.allWorkgroups")}</option>
          {choices.workgroups.map((w) => (
            <option value={String(w.id)} selected={query.workgroup === w.id}>
              {w.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {ui.t("reports.agent")}{" "}
        <select name="agent">
          <option value="">{ui.t("reports.allAgents")}</option>
          {choices.agents.map((a) => (
            <option value={a.id} selected={query.agent === a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="primary">
        {ui.t("common.apply")}
      </button>
    </form>
  );
}

function longDay(ui: Ui, day: string): string {
  return dateFormat(ui.locale, { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

/** What a row is called: its name, or what an empty key means in that table. */
export function rowName(ui: Ui, table: ReportTable, row: ReportRow): string {
  if (table === "days") return row.key;
  if (row.key === "") return ui.t(table === "agents" ? "reports.unassigned" : "reports.noWorkgroup");
  return row.name || ui.t("reports.removed");
}

/** Which of a long table's rows a page shows, and the links to the others (the table's own anchor kept). */
function paged(rows: ReportRow[], asked: number | undefined) {
  const pages = Math.max(1, Math.ceil(rows.length / AGENTS_PER_PAGE));
  const page = Math.min(asked ?? 1, pages);
  return { page, pages, from: (page - 1) * AGENTS_PER_PAGE, shown: rows.slice((page - 1) * AGENTS_PER_PAGE, page * AGENTS_PER_PAGE), total: rows.length };
}

function Pager({ ui, table, query, pages }: { ui: Ui; table: ReportTable; query: ReportQuery; pages: ReturnType<typeof paged> }) {
  const n = numberFormat(ui.locale);
  const href = (page: number) => `/reports?${reportQueryString({ ...query, page })}#table-${table}`;
  return (
    <nav class="report-pager" aria-label={ui.t("reports.pages")}>
      <span>{ui.t("reports.showing", { from: n.format(pages.from + 1), to: n.format(pages.from + pages.shown.length), total: n.format(pages.total) })}</span>
      {pages.page > 1 ? (
        <a class="button" href={href(pages.page - 1)} rel="prev">
          {ui.t("reports.previousPage")}
        </a>
      ) : null}
      {pages.page < pages.pages ? (
        <a class="button" href={href(pages.page + 1)} rel="next">
          {ui.t("reports.nextPage")}
        </a>
      ) : null}
    </nav>
  );
}

function Table({ ui, table, title, rows: all, totals, query, paginate = false }: { ui: Ui; table: ReportTable; title: string; rows: ReportRow[]; totals: Report["totals"]; query: ReportQuery; paginate?: boolean }) {
  const pages = paginate ? paged(all, query.page) : null;
  const rows = pages ? pages.shown : all;
  return (
    <section class="report-table" id={`table-${table}`}>
      <div class="section-head">
        <h2>{title}</h2>
        <a class="button" href={`/reports/export/${table}.csv?${reportQueryString({ ...query, page: undefined })}`} download>
          {ui.t("reports.download")}
        </a>
      </div>
      <div class="table-scroll" tabindex={0} role="region" aria-label={title}>
        <table class="list report">
          <thead>
            <tr>
              <th scope="col">{table === "days" ? ui.t("reports.day") : ui.t("common.name")}</th>
              {figureKeys.map((f) => (
                <th scope="col" class="num">
                  {ui.t(`reports.figure.${f}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <th scope="row">{table === "days" ? longDay(ui, r.key) : rowName(ui, table, r)}</th>
                {figureKeys.map((f) => (
                  <td class="num">
                    {figureText(ui, f, r.current[f])}
                    {table === "days" ? null : (
                      <>
                        <br />
                        <Change ui={ui} figure={f} current={r.current} previous={r.previous} brief />
                      </>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{ui.t("reports.total")}</th>
              {figureKeys.map((f) => (
                <td class="num">{figureText(ui, f, totals.current[f])}</td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
      {pages && pages.pages > 1 ? <Pager ui={ui} table={table} query={query} pages={pages} /> : null}
    </section>
  );
}

export function ReportsPage({ ui, report, query, choices }: { ui: Ui; report: Report; query: ReportQuery; choices: ReportChoices }) {
  const { current, previous } = report.totals;
  const anything = figureKeys.some((f) => current[f] || previous[f]);
  return (
    <Layout ui={ui} title={ui.t("reports.title")}>
      <div class="page reports" id="reports">
        <h1>{ui.t("reports.title")}</h1>
        <Filters ui={ui} query={query} choices={choices} range={report.range} />
        <p class="muted">
          {ui.t("reports.period", { from: longDay(ui, report.range.from), to: longDay(ui, report.range.to), previousFrom: longDay(ui, report.previous.from), previousTo: longDay(ui, report.previous.to) })}
        </p>
        <ul class="report-totals">
          {figureKeys.map((f) => (
            <li class="card">
              <span class="label">{ui.t(`reports.figure.${f}`)}</span>
              <strong class="value">{figureText(ui, f, current[f])}</strong>
              <Change ui={ui} figure={f} current={current} previous={previous} />
            </li>
          ))}
        </ul>
        {anything ? null : <p class="empty">{ui.t("reports.noData")}</p>}
        <div class="report-charts">
          <OpenedClosedChart ui={ui} days={report.days} />
          <FirstResponseChart ui={ui} days={report.days} median={report.medianFirstResponseMs} p90={current.p90FirstResponseMs} />
          <HeatmapChart ui={ui} heatmap={report.heatmap} />
          <ChannelShareChart ui={ui} channels={report.channels} />
        </div>
        <p class="hint">{ui.t("reports.p90Note")}</p>
        <p>
          <a class="button" href={`/reports/export/conversations.csv?${reportQueryString({ ...query, page: undefined })}`} download>
            {ui.t("reports.downloadConversations")}
          </a>
        </p>
        <Table ui={ui} table="agents" title={ui.t("reports.byAgent")} rows={report.agents} totals={report.totals} query={query} paginate />
        <Table ui={ui} table="channels" title={ui.t("reports.byChannel")} rows={report.channels} totals={report.totals} query={query} />
        <Table ui={ui} table="workgroups" title={ui.t("reports.byWorkgroup")} rows={report.workgroups} totals={report.totals} query={query} />
        <Table ui={ui} table="days" title={ui.t("reports.byDay")} rows={dayRows(report)} totals={report.totals} query={query} />
      </div>
    </Layout>
  );
}
