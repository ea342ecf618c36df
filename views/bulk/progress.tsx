// A bulk send's figures: the bar (sent, failed, skipped shares of all recipients) and the counts.
// Drawn for the page and, from each bulk_progress event's figures, for its live update.
import type { BulkCounts } from "../../src/bulk/progress";
import type { Ui } from "../ui";

const pct = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 1000) / 10);

export function BulkProgress({ ui, counts, status, pace }: { ui: Ui; counts: BulkCounts; status: string; pace: number }) {
  const done = counts.sent + counts.failed + counts.skipped + counts.cancelled;
  const figures: [keyof BulkCounts, string][] = [
    ["queued", "bulk.count.queued"],
    ["sending", "bulk.count.sending"],
    ["sent", "bulk.count.sent"],
    ["delivered", "bulk.count.delivered"],
    ["read", "bulk.count.read"],
    ["failed", "bulk.count.failed"],
    ["skipped", "bulk.count.skipped"],
    ["cancelled", "bulk.count.cancelled"],
    ["replied", "bulk.count.replied"],
  ];
  return (
    <section id="bulk-progress" class="bulk-progress" aria-live="polite">
      <p class="bulk-status">
        <span class={`badge bulk-${status}`}>{ui.t(`bulk.status.${status}` as "bulk.status.done")}</span>{" "}
        {ui.t("bulk.progressText", { done, total: counts.total, percent: pct(done, counts.total) })}
        {status === "running" ? ` · ${ui.t("bulk.currentPace", { pace })}` : ""}
      </p>
      <div class="bulk-bar" role="progressbar" aria-valuemin={0} aria-valuemax={counts.total} aria-valuenow={done} aria-label={ui.t("bulk.progress")}>
        <span class="bulk-bar-sent" style={`width:${pct(counts.sent, counts.total)}%`}></span>
        <span class="bulk-bar-failed" style={`width:${pct(counts.failed, counts.total)}%`}></span>
        <span class="bulk-bar-skipped" style={`width:${pct(counts.skipped + counts.cancelled, counts.total)}%`}></span>
      </div>
      <dl class="bulk-figures">
        {figures.map(([key, label]) => (
          <div class={`bulk-figure bulk-figure-${key}`}>
            <dt>{ui.t(label as "bulk.count.sent")}</dt>
            <dd data-figure={key}>{counts[key]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
