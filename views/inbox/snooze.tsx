// Snooze in the thread head: the menu of times (each preset one click, or a chosen date and time in
// the organization's time zone), the "Snoozed until" badge with "Wake now", and the thread's lines.
import { localInputValue, presetChoices, type SnoozePreset } from "../../src/inbox/snooze-times";
import type { SnoozeLine } from "../../src/inbox/snoozing";
import type { ThreadData } from "../../src/inbox/thread";
import { dateFormat, fullTime } from "../format";
import type { Ui } from "../ui";
import { threadForm } from "./thread-form";

const presetLabel: Record<SnoozePreset, "snooze.preset.hour" | "snooze.preset.tonight" | "snooze.preset.tomorrow" | "snooze.preset.nextWeek"> = {
  hour: "snooze.preset.hour",
  tonight: "snooze.preset.tonight",
  tomorrow: "snooze.preset.tomorrow",
  next_week: "snooze.preset.nextWeek",
};

/** A snooze's end as the menu and badge say it: weekday, day, month and time in the organization's zone. */
export function snoozeTime(ui: Ui, at: Date): string {
  return dateFormat(ui.locale, { timeZone: ui.actor!.timezone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
}

export function SnoozeMenu({ ui, c, base, now }: { ui: Ui; c: ThreadData["conversation"]; base: string; now: Date }) {
  const tz = ui.actor!.timezone;
  const inputId = `snooze-at-${c.id}`;
  return (
    <details class="menu-button snooze-menu">
      <summary>{ui.t("snooze.action")}</summary>
      <div class="menu-panel">
        <p>
          <strong>{ui.t("snooze.until")}</strong>
        </p>
        <ul class="plain">
          {presetChoices(now, tz).map(({ preset, at }) => (
            <li>
              <form {...threadForm(`${base}/snooze`)}>
                <input type="hidden" name="preset" value={preset} />
                <button type="submit" class="snooze-choice" data-preset={preset}>
                  {ui.t(presetLabel[preset])} <small class="muted">{snoozeTime(ui, at)}</small>
                </button>
              </form>
            </li>
          ))}
        </ul>
        <form {...threadForm(`${base}/snooze`)} class="stack snooze-custom">
          <input type="hidden" name="preset" value="custom" />
          <label for={inputId}>{ui.t("snooze.chosen", { zone: tz })}</label>
          <input id={inputId} type="datetime-local" name="at" required min={localInputValue(now, tz)} value={localInputValue(new Date(now.getTime() + 3 * 3_600_000), tz)} />
          <button type="submit" class="primary">
            {ui.t("snooze.action")}
          </button>
        </form>
      </div>
    </details>
  );
}

/** "Snoozed until Mon 7 Dec 09:00" and a button to bring it back now. */
export function SnoozedBadge({ ui, until, base }: { ui: Ui; until: Date; base: string }) {
  return (
    <form {...threadForm(`${base}/unsnooze`)} class="snoozed-form">
      <span class="badge snoozed">{ui.t("snooze.badge", { time: snoozeTime(ui, until) })}</span>
      <button type="submit" class="wake-now">
        {ui.t("snooze.wakeNow")}
      </button>
    </form>
  );
}

/** The snooze's place in the thread head: the badge while snoozed, the menu while open. */
export function SnoozeControl({ ui, c, base, now }: { ui: Ui; c: ThreadData["conversation"]; base: string; now: Date }) {
  if (c.status !== "open") return null;
  return c.snoozedUntil ? <SnoozedBadge ui={ui} until={c.snoozedUntil} base={base} /> : <SnoozeMenu ui={ui} c={c} base={base} now={now} />;
}

/** The thread's line: "Snoozed by Okan until …" or "Back from snooze: the customer wrote". */
export function SnoozeLineItem({ ui, m }: { ui: Ui; m: ThreadData["messages"][number] }) {
  const line = ("metadata" in m ? m.metadata : {}) as SnoozeLine;
  const text =
    line.system === "snoozed"
      ? ui.t("snooze.line.snoozed", { name: line.byName, time: snoozeTime(ui, new Date(line.until)) })
      : line.reason === "agent"
        ? ui.t("snooze.line.wokeBy", { name: line.byName ?? "" })
        : ui.t(line.reason === "customer" ? "snooze.line.wokeCustomer" : "snooze.line.wokeTime");
  return (
    <li class="message event system-line snooze-line" id={`m-${m.id}`} data-id={String(m.id)}>
      <span>{text}</span> <time datetime={m.createdAt.toISOString()}>{fullTime(m.createdAt, ui.locale, ui.actor!.timezone)}</time>
    </li>
  );
}

/** Whether a thread message is a snooze's or a wake's line. */
export function isSnoozeLine(m: ThreadData["messages"][number]): boolean {
  const system = m.direction === "event" && "metadata" in m ? (m.metadata as Record<string, unknown> | null)?.system : undefined;
  return system === "snoozed" || system === "woke";
}
