// The reports' charts as server-drawn SVG: readable without JavaScript, each with a title and a
// sentence saying what it shows. Colours are the Okabe–Ito pair (blue, vermilion), told apart by
// colour-blind viewers, and lines differ by dash as well; the heat map is one hue from light to dark.
import type { DayRow, ReportRow } from "../../src/reports/figures";
import type { ChannelKind } from "../../db/schema";
import { duration } from "../cockpit/page";
import type { Ui } from "../ui";
import { numberFormat, dateFormat } from "../format";

const W = 640;
const H = 220;
const M = { top: 12, right: 12, bottom: 30, left: 84 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
export const BLUE = "#0072B2";
/** Coordinates to a tenth of a unit: finer is invisible, and 90 days of bars wrote 18 digits each. */
const r1 = (v: number) => Math.round(v * 10) / 10;
export const VERMILION = "#D55E00";

/** A round top for an axis (1, 2 or 5 times a power of ten) and its ticks. */
export function axisTicks(max: number, count = 4, whole = false): number[] {
  if (max <= 0) return [0, 1];
  const rough = whole ? Math.max(1, max / count) : max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= rough)!;
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

function dayLabel(ui: Ui, day: string): string {
  return dateFormat(ui.locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

/** Weekday names from Monday, in the viewer's language. */
export function weekdays(ui: Ui, width: "short" | "long" = "short"): string[] {
  const f = dateFormat(ui.locale, { weekday: width, timeZone: "UTC" });
  return Array.from({ length: 7 }, (_, i) => f.format(new Date(Date.UTC(2026, 0, 5 + i))));
}

function Chart({ id, title, text, children, height = H, legend }: { id: string; title: string; text: string; children: unknown; height?: number; legend?: { label: string; color: string; dash?: boolean }[] }) {
  return (
    <figure class="chart" id={id}>
      <figcaption>{title}</figcaption>
      <div class="chart-frame">
        <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-text`} xmlns="http://www.w3.org/2000/svg">
          <title id={`${id}-title`}>{title}</title>
          {children}
        </svg>
      </div>
      {legend ? <Legend items={legend} /> : null}
      <p class="chart-text" id={`${id}-text`}>
        {text}
      </p>
    </figure>
  );
}

function YAxis({ ticks, label }: { ticks: number[]; label: (v: number) => string }) {
  const top = ticks[ticks.length - 1];
  return (
    <g class="axis">
      {ticks.map((v) => {
        const y = M.top + PLOT_H - (v / top) * PLOT_H;
        return (
          <g>
            <line x1={M.left} x2={W - M.right} y1={y} y2={y} stroke="#e2e6ea" />
            <text x={M.left - 6} y={y + 4} text-anchor="end">
              {label(v)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function XAxis({ ui, days }: { ui: Ui; days: string[] }) {
  const band = PLOT_W / days.length;
  const every = Math.ceil(days.length / 8);
  return (
    <g class="axis">
      {days.map((d, i) =>
        i % every === 0 ? (
          <text x={r1(M.left + band * (i + 0.5))} y={H - 10} text-anchor="middle">
            {dayLabel(ui, d)}
          </text>
        ) : null,
      )}
    </g>
  );
}

function Legend({ items }: { items: { label: string; color: string; dash?: boolean }[] }) {
  return (
    <ul class="chart-legend">
      {items.map((i) => (
        <li>
          <svg width="22" height="10" aria-hidden="true">
            <line x1="1" x2="21" y1="5" y2="5" stroke={i.color} stroke-width="4" stroke-dasharray={i.dash ? "5 3" : undefined} />
          </svg>{" "}
          {i.label}
        </li>
      ))}
    </ul>
  );
}

export function OpenedClosedChart({ ui, days }: { ui: Ui; days: DayRow[] }) {
  const n = numberFormat(ui.locale);
  const ticks = axisTicks(Math.max(0, ...days.map((d) => Math.max(d.figures.opened, d.figures.closed))), 4, true);
  const top = ticks[ticks.length - 1];
  const band = PLOT_W / days.length;
  const bar = Math.max(1, band * 0.36);
  const busiest = days.reduce((a, b) => (b.figures.opened > a.figures.opened ? b : a), days[0]);
  const text = ui.t("reports.chart.openedClosedText", {
    opened: n.format(days.reduce((s, d) => s + d.figures.opened, 0)),
    closed: n.format(days.reduce((s, d) => s + d.figures.closed, 0)),
    day: dayLabel(ui, busiest.day),
    count: n.format(busiest.figures.opened),
  });
  const height = (v: number) => (v / top) * PLOT_H;
  const legend = [
    { label: ui.t("reports.figure.opened"), color: BLUE },
    { label: ui.t("reports.figure.closed"), color: VERMILION },
  ];
  return (
    <Chart id="chart-opened-closed" title={ui.t("reports.chart.openedClosed")} text={text} legend={legend}>
        <YAxis ticks={ticks} label={(v) => n.format(v)} />
        {/* One group per series carries its colour; each bar keeps its own figure as a tooltip. */}
        {(["opened", "closed"] as const).map((figure, k) => (
          <g fill={k === 0 ? BLUE : VERMILION}>
            {days.map((d, i) => {
              const h = height(d.figures[figure]);
              return (
                <rect x={r1(M.left + band * i + band * 0.14 + k * bar)} y={r1(M.top + PLOT_H - h)} width={r1(bar)} height={r1(h)}>
                  <title>{`${dayLabel(ui, d.day)}: ${ui.t(`reports.figure.${figure}`)} ${n.format(d.figures[figure])}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
        <XAxis ui={ui} days={days.map((d) => d.day)} />
    </Chart>
  );
}

export function FirstResponseChart({ ui, days, median, p90 }: { ui: Ui; days: DayRow[]; median: number | null; p90: number | null }) {
  const max = Math.max(0, ...days.map((d) => Math.max(d.medianFirstResponseMs ?? 0, d.figures.p90FirstResponseMs ?? 0)));
  const ticks = axisTicks(max / 60_000).map((m) => m * 60_000);
  const top = ticks[ticks.length - 1];
  const band = PLOT_W / days.length;
  const point = (i: number, ms: number) => `${(M.left + band * (i + 0.5)).toFixed(1)},${(M.top + PLOT_H - (ms / top) * PLOT_H).toFixed(1)}`;
  /** Unanswered days break the line rather than fall to zero. */
  const path = (value: (d: DayRow) => number | null) =>
    days
      .map((d, i) => {
        const v = value(d);
        if (v === null) return "";
        const previous = i > 0 ? value(days[i - 1]) : null;
        return `${previous === null ? "M" : "L"}${point(i, v)}`;
      })
      .filter(Boolean)
      .join(" ");
  const series = [
    { value: (d: DayRow) => d.medianFirstResponseMs, color: BLUE, dash: undefined, label: ui.t("reports.legend.median") },
    { value: (d: DayRow) => d.figures.p90FirstResponseMs, color: VERMILION, dash: "6 4", label: ui.t("reports.legend.p90") },
  ];
  return (
    <Chart
      id="chart-first-response"
      title={ui.t("reports.chart.firstResponse")}
      text={ui.t("reports.chart.firstResponseText", { median: duration(ui, median), p90: duration(ui, p90) })}
      legend={series.map((s) => ({ label: s.label, color: s.color, dash: !!s.dash }))}
    >
        <YAxis ticks={ticks} label={(v) => (v === 0 ? "0" : duration(ui, v))} />
        {series.map((s) => (
          <g fill={s.color}>
            <path d={path(s.value)} fill="none" stroke={s.color} stroke-width="2.5" stroke-dasharray={s.dash} />
            {days.map((d, i) => {
              const v = s.value(d);
              const [cx, cy] = v === null ? [] : point(i, v).split(",");
              return v === null ? null : (
                <circle cx={cx} cy={cy} r="3.5">
                  <title>{`${dayLabel(ui, d.day)}: ${s.label} ${duration(ui, v)}`}</title>
                </circle>
              );
            })}
          </g>
        ))}
        <XAxis ui={ui} days={days.map((d) => d.day)} />
    </Chart>
  );
}

/** Light to dark blue: lightness carries the value, readable whatever colours one sees. */
export function heatColor(share: number): string {
  const from = [239, 246, 251];
  const to = [8, 48, 107];
  const mix = from.map((c, i) => Math.round(c + (to[i] - c) * share));
  return `rgb(${mix.join(",")})`;
}

export function HeatmapChart({ ui, heatmap }: { ui: Ui; heatmap: number[][] }) {
  const n = numberFormat(ui.locale);
  const names = weekdays(ui);
  const long = weekdays(ui, "long");
  const max = Math.max(0, ...heatmap.flat());
  const total = heatmap.flat().reduce((a, b) => a + b, 0);
  let peak = { day: 0, hour: 0, count: 0 };
  heatmap.forEach((hours, day) => hours.forEach((count, hour) => count > peak.count && (peak = { day, hour, count })));
  const left = 48;
  const cell = (W - left - 8) / 24;
  const rowH = 22;
  const height = 7 * rowH + 26;
  return (
    <Chart
      id="chart-heatmap"
      title={ui.t("reports.chart.heatmap")}
      text={total ? ui.t("reports.chart.heatmapText", { total: n.format(total), weekday: long[peak.day], hour: String(peak.hour).padStart(2, "0"), count: n.format(peak.count) }) : ui.t("reports.chart.empty")}
      height={height}
    >
      {heatmap.map((hours, day) => (
        <g>
          <text class="axis" x={left - 6} y={day * rowH + rowH / 2 + 4} text-anchor="end">
            {names[day]}
          </text>
          {hours.map((count, hour) => (
            <rect x={r1(left + hour * cell)} y={day * rowH} width={r1(cell - 1)} height={rowH - 2} fill={heatColor(max ? count / max : 0)}>
              <title>{`${long[day]} ${String(hour).padStart(2, "0")}:00: ${n.format(count)}`}</title>
            </rect>
          ))}
        </g>
      ))}
      {[0, 3, 6, 9, 12, 15, 18, 21].map((hour) => (
        <text class="axis" x={r1(left + hour * cell + cell / 2)} y={7 * rowH + 16} text-anchor="middle">
          {String(hour).padStart(2, "0")}
        </text>
      ))}
    </Chart>
  );
}

export function ChannelShareChart({ ui, channels }: { ui: Ui; channels: (ReportRow & { kind: ChannelKind })[] }) {
  const n = numberFormat(ui.locale);
  const pct = numberFormat(ui.locale, { style: "percent", maximumFractionDigits: 0 });
  const shown = channels.filter((c) => c.current.opened > 0).sort((a, b) => b.current.opened - a.current.opened);
  const total = shown.reduce((s, c) => s + c.current.opened, 0);
  const rowH = 40;
  const height = Math.max(1, shown.length) * rowH + 4;
  const label = (c: ReportRow & { kind: ChannelKind }) => `${c.name || ui.t("reports.removed")} (${ui.t(`inbox.channel.${c.kind}`)})`;
  const text = total ? ui.t("reports.chart.channelsText", { list: shown.map((c) => `${label(c)} ${pct.format(c.current.opened / total)}`).join(", ") }) : ui.t("reports.chart.empty");
  return (
    <Chart id="chart-channels" title={ui.t("reports.chart.channels")} text={text} height={height}>
      {shown.map((c, i) => {
        const share = c.current.opened / total;
        const width = Math.max(2, share * (W - 130));
        return (
          <g>
            <text class="axis" x="0" y={i * rowH + 14}>
              {label(c)}
            </text>
            <rect x="0" y={i * rowH + 20} width={width} height={14} fill={BLUE} />
            <text class="axis" x={width + 6} y={i * rowH + 32}>
              {`${pct.format(share)} (${n.format(c.current.opened)})`}
            </text>
          </g>
        );
      })}
    </Chart>
  );
}
