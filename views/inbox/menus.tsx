// The thread head's menus: assign to an agent or workgroup, close with a closing message, and spam.
import type { ClosingTemplate } from "@db/schema";
import { mayGoOut } from "../../src/channels/windows";
import type { MessageKey } from "../../src/i18n";
import type { ThreadOptions } from "../../src/inbox/composer";
import type { ThreadData } from "../../src/inbox/thread";
import type { Ui } from "../ui";
import { threadForm } from "./thread-form";

export function closingText(ui: Ui, closing: { builtinKey: string | null; body: string }) {
  return closing.builtinKey ? ui.t(closing.builtinKey as MessageKey) : closing.body;
}

export function AssignMenu({ ui, c, options, base }: { ui: Ui; c: ThreadData["conversation"]; options: ThreadOptions; base: string }) {
  const current = c.assigneeId ? `user:${c.assigneeId}` : "";
  return (
    <details class="menu-button assign-menu">
      <summary>
        {ui.t("inbox.assignee")}: <strong>{c.assigneeName ?? c.workgroupName ?? ui.t("inbox.unassigned")}</strong>
      </summary>
      <form {...threadForm(`${base}/assign`)} class="menu-panel stack">
        <label class="visually-hidden" for="assign-filter">
          {ui.t("inbox.assignSearch")}
        </label>
        <input id="assign-filter" type="search" placeholder={ui.t("inbox.assignSearch")} data-filter-list="#assign-target" autocomplete="off" />
        <AssignTargets ui={ui} options={options} current={current} />
        <button type="submit" class="primary">
          {ui.t("inbox.assign")}
        </button>
      </form>
    </details>
  );
}

/**
 * The closing messages, and "Close without a message". Once the reply window has passed, a message
 * goes out only as its WhatsApp template (when the channel has it): the others say they will not be sent.
 */
export function CloseMenu({ ui, c, options, base, now }: { ui: Ui; c: ThreadData["conversation"]; options: ThreadOptions; base: string; now: Date }) {
  const textAllowed = mayGoOut(c.channelKind, c.lastInboundAt, "text", now);
  const templateAllowed = mayGoOut(c.channelKind, c.lastInboundAt, "template", now);
  const hasTemplate = (t: ClosingTemplate | null) => !!t && (options.templates ?? []).some((x) => x.name === t.name && x.language === t.language && x.params === t.parameters.length);
  const goes = (t: ClosingTemplate | null) => textAllowed || (templateAllowed && hasTemplate(t));
  return (
    <details class="menu-button close-menu">
      <summary title={ui.t("inbox.endSession")}>
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round">
          <path d="M12 3v9" />
          <path d="M6.3 6.3a8 8 0 1 0 11.4 0" />
        </svg>
        <span class="visually-hidden">{ui.t("inbox.endSession")}</span>
      </summary>
      <div class="menu-panel">
        <p>
          <strong>{ui.t("inbox.chooseClosing")}</strong>
        </p>
        {textAllowed ? null : <p class="hint closing-window">{ui.t("closing.outsideWindow")}</p>}
        <ul class="plain">
          {options.closings.map((closing) => (
            <li>
              <form {...threadForm(`${base}/close`)}>
                <input type="hidden" name="closingMessageId" value={String(closing.id)} />
                <button type="submit" class="closing-choice">
                  {closingText(ui, closing)}
                  {textAllowed ? null : <small class="closing-how">{ui.t(goes(closing.template) ? "closing.asTemplate" : "closing.notSent")}</small>}
                </button>
              </form>
            </li>
          ))}
          <li>
            <form {...threadForm(`${base}/close`)}>
              <input type="hidden" name="closingMessageId" value="none" />
              <button type="submit" class="closing-choice closing-none">
                {ui.t("closing.withoutMessage")}
              </button>
            </form>
          </li>
        </ul>
      </div>
    </details>
  );
}

/** Mark as spam (closes silently and blocks the contact), or on a spam conversation, "Not spam". */
export function SpamButton({ ui, spam, base }: { ui: Ui; spam: boolean; base: string }) {
  return (
    <form {...threadForm(`${base}/${spam ? "not-spam" : "spam"}`)} class="spam-form">
      <button type="submit" class="spam-toggle" title={spam ? undefined : ui.t("inbox.markSpamHint")}>
        {ui.t(spam ? "inbox.notSpam" : "inbox.markSpam")}
      </button>
    </form>
  );
}

/** Who and which workgroup a conversation can go to, with each person's status (redrawn live when they change). */
export function AssignTargets({ ui, options, current }: { ui: Ui; options: Pick<ThreadOptions, "people" | "groups">; current: string }) {
  return (
    <select id="assign-target" name="target" size={8} required aria-label={ui.t("inbox.assignTo")}>
      <optgroup label={ui.t("users.title")}>
        {options.people.map((p) => (
          <option value={`user:${p.id}`} selected={current === `user:${p.id}`}>
            {p.name} · {ui.t(`status.${p.status as "online"}`)}
          </option>
        ))}
      </optgroup>
      <optgroup label={ui.t("admin.workgroups")}>
        {options.groups.map((g) => (
          <option value={`group:${g.id}`}>{g.name}</option>
        ))}
      </optgroup>
      <option value="none">{ui.t("inbox.unassign")}</option>
    </select>
  );
}
