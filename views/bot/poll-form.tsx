// The composer's "Poll" panel: a question and up to ten choices; a plain form post (works without
// JavaScript), swapped as the whole thread by htmx.
import type { Ui } from "../ui";
import { threadForm } from "../inbox/thread-form";

export function PollForm({ ui, base }: { ui: Ui; base: string }) {
  return (
    <details class="add-poll">
      <summary>{ui.t("bot.poll.open")}</summary>
      <form {...threadForm(`${base}/poll`)} class="menu-panel stack compact poll-form">
        <strong>{ui.t("bot.poll.title")}</strong>
        <label>
          {ui.t("bot.poll.question")}
          <input name="question" maxlength={500} required />
        </label>
        <div class="poll-choices">
          {Array.from({ length: 10 }, (_, i) => (
            <input name="options" maxlength={24} required={i < 2} placeholder={ui.t("bot.poll.option", { n: String(i + 1) })} aria-label={ui.t("bot.poll.option", { n: String(i + 1) })} />
          ))}
        </div>
        <small class="hint">{ui.t("bot.poll.hint")}</small>
        <button type="submit" class="primary">
          {ui.t("bot.poll.send")}
        </button>
      </form>
    </details>
  );
}
