// The thread's header: who and where, status, the assign and close menus and spam; live updates swap
// it on its own (#thread-head).
import type { ThreadOptions } from "../../src/inbox/composer";
import type { ThreadData } from "../../src/inbox/thread";
import type { Ui } from "../ui";
import { ChannelIcon } from "./channel-icon";
import { AssignMenu, CloseMenu, SpamButton } from "./menus";
import { queueLabel } from "./queue-label";
import { BulkBadge } from "../bulk/badge";
import { SnoozeControl } from "./snooze";

export function ThreadHead({ ui, c, options, back, now }: { ui: Ui; c: ThreadData["conversation"]; options: ThreadOptions; back: string; now: Date }) {
  const base = `/inbox/${c.id}`;
  return (
    <header class="thread-head" id="thread-head">
      <a class="back" href={back} aria-label={ui.t("common.back")}>
        ←
      </a>
      <ChannelIcon ui={ui} kind={c.channelKind} />
      <div class="thread-title">
        <h2>
          <a href={`/contacts/${c.contactId}`}>{c.contactName}</a>
        </h2>
        <p class="muted">{[c.contactPhone, c.contactEmail, c.channelName].filter(Boolean).join(" · ")}</p>
      </div>
      <span class={`badge ${c.status === "open" ? "status-online" : "muted"}`}>{ui.t(`inbox.status.${c.status}`)}</span>
      {c.status === "open" && !c.assigneeId && c.workgroupName ? <span class="badge queue">{queueLabel(ui, c.workgroupName, c.waitingSince, now)}</span> : null}
      {c.status === "open" ? <AssignMenu ui={ui} c={c} options={options} base={base} /> : <span class="muted">{c.assigneeName ?? ui.t("inbox.unassigned")}</span>}
      {c.type === "spam" ? <span class="badge spam">{ui.t("filters.type.spam")}</span> : null}
      {c.bulkSend ? <BulkBadge ui={ui} send={c.bulkSend} /> : null}
      <SnoozeControl ui={ui} c={c} base={base} now={now} />
      {c.status === "open" ? <CloseMenu ui={ui} c={c} options={options} base={base} now={now} /> : null}
      <a class="widgets-link button" href="#widgets">
        {ui.t("widgets.show")}
      </a>
      <SpamButton ui={ui} spam={c.type === "spam"} base={base} />
    </header>
  );
}
