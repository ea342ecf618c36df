// The inbox: tabs with counts, the conversation list, and the open thread beside it.
import type { ConversationRow, Tab } from "../../src/inbox/conversations";
import { tabs } from "../../src/inbox/conversations";
import type { ChannelKind } from "../../db/schema";
import type { MessageKey } from "../../src/i18n";
import { Layout } from "../layout";
import { canReactivate, capabilitiesOf } from "../../src/channels/capabilities";
import { clientRules } from "../../src/media/limits";
import type { ThreadOptions } from "../../src/inbox/composer";
import type { Draft, Earlier, ThreadData } from "../../src/inbox/thread";
import type { WidgetData } from "../../src/inbox/widgets";
import { Attachments, Icon, MediaViewer, PendingChip } from "../media/attachments";
import { Widgets } from "./widgets";
import { FilterPanel } from "./filters";
import { filterParams, isFiltered, noFilters, type FilterChoices, type InboxFilters } from "../../src/inbox/filters";
import { fullTime, shortTime } from "../format";
import type { Ui } from "../ui";
import { WindowNotice } from "./window";
import { html, type Html } from "../html";

export interface InboxProps {
  ui: Ui;
  tab: Tab;
  search: string;
  counts: Record<Tab, number>;
  /** Kanal's support line, pinned above the list. */
  pinned?: ConversationRow | null;
  rows: ConversationRow[];
  next: string | null;
  now: Date;
  thread: ThreadData | null;
  options: ThreadOptions | null;
  widgets: WidgetData | null;
  earlier: Earlier | null;
  draft?: Draft;
  filters?: InboxFilters;
  filterChoices?: FilterChoices;
}

/** The filters as a query string, kept in every link of the list. */
export function filterQuery(filters: InboxFilters | undefined): string {
  return filters ? new URLSearchParams(filterParams(filters)).toString() : "";
}

const channelGlyph: Record<ChannelKind, string> = { whatsapp: "WA", messenger: "M", instagram: "IG", webchat: "W", support: "K" };

/** Drawn once per language and kind: every row has one. */
const channelIcons = new Map<string, Html>();

export function ChannelIcon({ ui, kind }: { ui: Ui; kind: ChannelKind }): Html {
  const key = `${ui.locale}|${kind}`;
  let icon = channelIcons.get(key);
  if (!icon) {
    const name = ui.t(`inbox.channel.${kind}`);
    icon = html`<span class="channel channel-${kind}" title="${name}">
      <span aria-hidden="true">${channelGlyph[kind]}</span>
      <span class="visually-hidden">${name}</span>
    </span>`;
    channelIcons.set(key, icon);
  }
  return icon;
}

export function inboxHref(tab: Tab, search: string, extra: Record<string, string> = {}, base = "/inbox", filters = "") {
  const q = new URLSearchParams(filters);
  if (tab !== "open") q.set("tab", tab);
  if (search) q.set("q", search);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const qs = q.toString();
  return qs ? `${base}?${qs}` : base;
}

export function InboxPage(props: InboxProps) {
  const { ui, tab, search } = props;
  const live = new URLSearchParams({ view: "inbox", tab });
  if (props.thread) live.set("conversation", String(props.thread.conversation.id));
  if (search) live.set("q", search);
  const filters = props.filters ?? noFilters;
  const fq = filterQuery(filters);
  // A filtered or re-sorted list is redrawn in place by live updates, never reordered.
  if (fq) live.set("f", "1");
  return (
    <Layout ui={ui} title={props.thread ? props.thread.conversation.contactName : ui.t("inbox.title")} live={live.toString()}>
      <div class="inbox">
        <section class="inbox-list" aria-label={ui.t("inbox.conversations")}>
          <TabCounts ui={ui} tab={tab} search={search} counts={props.counts} filters={fq} />
          {props.filterChoices ? <FilterPanel ui={ui} tab={tab} search={search} filters={filters} choices={props.filterChoices} count={isFiltered(filters) ? filterParams({ ...filters, sort: "activity" }).length : 0} /> : null}
          <form class="search" method="get" action="/inbox" role="search">
            {tab !== "open" ? <input type="hidden" name="tab" value={tab} /> : null}
            {filterParams(filters).map(([k, v]) => (
              <input type="hidden" name={k} value={v} />
            ))}
            <label class="visually-hidden" for="inbox-q">
              {ui.t("common.search")}
            </label>
            <input id="inbox-q" type="search" name="q" value={search} placeholder={ui.t("inbox.searchPlaceholder")} />
            <button type="submit">{ui.t("common.search")}</button>
          </form>
          <ul class="conversations pinned" id="pinned-rows" aria-label={ui.t("inbox.pinned")}>
            {props.pinned ? <ConversationRow ui={ui} row={props.pinned} tab={tab} search={search} now={props.now} current={props.thread?.conversation.id === props.pinned.id} filters={fq} /> : null}
          </ul>
          <ul class="conversations" id="conversation-rows">
            <ConversationRows {...props} />
          </ul>
          {props.rows.length === 0 ? <p class="empty">{search ? ui.t("inbox.noMatches", { term: search }) : ui.t("inbox.empty")}</p> : null}
        </section>
        {props.thread && props.options ? (
          <Thread ui={ui} thread={props.thread} options={props.options} draft={props.draft} back={inboxHref(tab, search)} earlier={props.earlier} now={props.now} />
        ) : (
          <section class="thread" id="thread">
            <p class="empty center">{ui.t("inbox.selectConversation")}</p>
          </section>
        )}
        {props.widgets ? <Widgets ui={ui} data={props.widgets} /> : null}
      </div>
      <Shortcuts ui={ui} />
      <MediaViewer ui={ui} />
    </Layout>
  );
}

/** The list `?` opens; static/app.js implements the keys. */
function Shortcuts({ ui }: { ui: Ui }) {
  const keys: [string, MessageKey][] = [
    ["j", "shortcuts.next"],
    ["k", "shortcuts.previous"],
    ["r", "shortcuts.reply"],
    ["/", "shortcuts.quickReplies"],
    ["a", "shortcuts.assign"],
    ["e", "shortcuts.close"],
    ["?", "shortcuts.help"],
    ["Esc", "shortcuts.escape"],
  ];
  return (
    <dialog id="shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">{ui.t("shortcuts.title")}</h2>
      <dl>
        {keys.map(([key, label]) => (
          <>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{ui.t(label)}</dd>
          </>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit">{ui.t("common.cancel")}</button>
      </form>
    </dialog>
  );
}

export function TabCounts({ ui, tab, search, counts, filters = "" }: { ui: Ui; tab: Tab; search: string; counts: Record<Tab, number>; filters?: string }) {
  return (
    <nav class="tabs" id="tab-counts" aria-label={ui.t("inbox.conversations")}>
      {tabs.map((name) => (
        <a href={inboxHref(name, search, {}, "/inbox", filters)} aria-current={name === tab ? "page" : undefined}>
          {ui.t(`inbox.tab.${name}`)} <span class="count">{counts[name]}</span>
        </a>
      ))}
    </nav>
  );
}

/**
 * Each row's markup as last drawn, and what else it was drawn for. Kept pages (src/inbox/kept-pages.ts)
 * hand out the same row objects until the organization changes, so a page between changes draws
 * none of its fifty rows again.
 */
const drawnRows = new WeakMap<ConversationRow, { key: string; html: Html }>();

/** A list row. Drawn fifty times a page, so with the `html` template rather than JSX (views/html.ts). */
export function ConversationRow({ ui, row, tab, search, now, current, filters = "" }: { ui: Ui; row: ConversationRow; tab: Tab; search: string; now: Date; current: boolean; filters?: string }): Html {
  const time = shortTime(row.lastMessageAt, now, ui.locale, ui.actor!.timezone);
  const key = `${ui.locale}|${tab}|${search}|${filters}|${current}|${time}`;
  const drawn = drawnRows.get(row);
  if (drawn?.key === key) return drawn.html;
  const markup = drawRow(ui, row, tab, search, current, filters, time);
  drawnRows.set(row, { key, html: markup });
  return markup;
}

function drawRow(ui: Ui, row: ConversationRow, tab: Tab, search: string, current: boolean, filters: string, time: string): Html {
  const unread = row.unread && !current;
  const classes = `conversation${current ? " current" : ""}${unread ? " unread" : ""}`;
  const dot = unread ? html`<span class="unread-dot" title="${ui.t("inbox.unread")}"><span class="visually-hidden">${ui.t("inbox.unread")}: </span></span>` : null;
  return html`<li id="conv-${row.id}" class="${classes}">
    <a href="/inbox/${row.id}${listQuery(tab, search, filters)}">
      ${ChannelIcon({ ui, kind: row.channelKind })}
      <span class="who">
        <strong>${dot}${row.contactName}</strong>
        <time datetime="${row.lastMessageAt.toISOString()}">${time}</time>
      </span>
      <span class="preview">${row.preview}</span>
      <span class="meta">
        <span class="assignee">${row.assigneeName ?? row.workgroupName ?? ui.t("inbox.unassigned")}</span>
        ${row.tags.map((tag) => html`<span class="tag" style="background:${tag.color}">${tag.name}</span>`)}
      </span>
    </a>
  </li>`;
}

/** What a row's link keeps of the list (`inboxHref` without a base), without URLSearchParams in the common case. */
function listQuery(tab: Tab, search: string, filters: string): string {
  if (!search && !filters) return tab === "open" ? "" : `?tab=${tab}`;
  return inboxHref(tab, search, {}, "", filters);
}

export function ConversationRows({ ui, rows, next, tab, search, now, thread, filters }: InboxProps) {
  const fq = filterQuery(filters);
  const more = next ? inboxHref(tab, search, { after: next }, "/inbox", fq) : "";
  return (
    <>
      {/* Called, not wrapped in elements: fifty JSX nodes around the rows' HTML cost as much as the rows. */}
      {rows.map((r) => ConversationRow({ ui, row: r, tab, search, now, current: thread?.conversation.id === r.id, filters: fq }))}
      {next ? (
        <li class="load-more">
          <a href={more} hx-get={more} hx-target="closest li" hx-swap="outerHTML">
            {ui.t("common.loadMore")}
          </a>
        </li>
      ) : null}
    </>
  );
}

/** htmx posts swap the whole thread; plain form posts come back to the same page. */
function threadForm(action: string) {
  return { method: "post", action, "hx-post": action, "hx-target": "#thread", "hx-swap": "outerHTML" } as const;
}

export function closingText(ui: Ui, closing: { builtinKey: string | null; body: string }) {
  return closing.builtinKey ? ui.t(closing.builtinKey as MessageKey) : closing.body;
}

export function Thread({ ui, thread, options, draft, back, earlier, now }: { ui: Ui; thread: ThreadData; options: ThreadOptions; draft?: Draft; back: string; earlier?: Earlier | null; now: Date }) {
  const c = thread.conversation;
  return (
    <section class="thread" id="thread" data-conversation={String(c.id)}>
      <ThreadHead ui={ui} c={c} options={options} back={back} />
      {earlier && earlier.total > 0 ? <EarlierConversations ui={ui} earlier={earlier} contactId={c.contactId} /> : null}
      <ol class="messages" id="messages">
        {thread.messages.map((m) => (
          <MessageItem ui={ui} m={m} conversationId={c.id} />
        ))}
      </ol>
      <ThreadFooter ui={ui} c={c} draft={draft} options={options} now={now} />
    </section>
  );
}

function EarlierConversations({ ui, earlier, contactId }: { ui: Ui; earlier: Earlier; contactId: number }) {
  const tz = ui.actor!.timezone;
  return (
    <details class="earlier">
      <summary>{ui.t("widgets.earlier", { count: earlier.total })}</summary>
      {earlier.items.map((conv) => (
        <section class="earlier-conversation">
          <h3>
            <ChannelIcon ui={ui} kind={conv.channelKind} /> <a href={`/inbox/${conv.id}?tab=all`}>{fullTime(conv.createdAt, ui.locale, tz)}</a>
          </h3>
          <ol class="messages">
            {conv.messages.map((m) => (
              <MessageItem ui={ui} m={m} />
            ))}
          </ol>
        </section>
      ))}
      {earlier.total > earlier.items.length ? (
        <p>
          <a href={`/contacts/${contactId}`}>{ui.t("contacts.title")} →</a>
        </p>
      ) : null}
    </details>
  );
}

export function ThreadHead({ ui, c, options, back }: { ui: Ui; c: ThreadData["conversation"]; options: ThreadOptions; back: string }) {
  const base = `/inbox/${c.id}`;
  return (
    <header class="thread-head" id="thread-head">
      <a class="back" href={back} aria-label={ui.t("common.back")}>
        ←
      </a>
      <ChannelIcon ui={ui} kind={c.channelKind} />
      <div class="thread-title">
        <h1>
          <a href={`/contacts/${c.contactId}`}>{c.contactName}</a>
        </h1>
        <p class="muted">{[c.contactPhone, c.contactEmail, c.channelName].filter(Boolean).join(" · ")}</p>
      </div>
      <span class={`badge ${c.status === "open" ? "status-online" : "muted"}`}>{ui.t(`inbox.status.${c.status}`)}</span>
      {c.status === "open" ? <AssignMenu ui={ui} c={c} options={options} base={base} /> : <span class="muted">{c.assigneeName ?? ui.t("inbox.unassigned")}</span>}
      {c.status === "open" ? <CloseMenu ui={ui} options={options} base={base} /> : null}
    </header>
  );
}

function LocationBody({ ui, body, meta }: { ui: Ui; body: string; meta: Record<string, unknown> }) {
  const lat = Number(meta.latitude);
  const lon = Number(meta.longitude);
  const href = Number.isFinite(lat) && Number.isFinite(lon) ? `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}` : null;
  return (
    <span class="body location">
      {ui.t("message.location")}: {href ? (
        <a href={href} target="_blank" rel="noopener noreferrer">
          {body}
        </a>
      ) : (
        body
      )}
    </span>
  );
}

export function MessageItem({ ui, m, conversationId }: { ui: Ui; m: ThreadData["messages"][number]; conversationId?: number }) {
  const tz = ui.actor!.timezone;
  const retry = `/inbox/${conversationId}/messages/${m.id}/retry`;
  return (
    <li class={`message ${m.direction}`} id={`m-${m.id}`} data-id={String(m.id)}>
      <div class="bubble">
        {m.direction === "note" ? <strong class="note-label">{ui.t("inbox.note")}: </strong> : null}
        {"replyToBody" in m && m.replyToBody && m.kind !== "reaction" ? <blockquote class="reply-to">{m.replyToBody}</blockquote> : null}
        {m.attachments?.length ? <Attachments ui={ui} items={m.attachments} kind={m.kind ?? "file"} /> : null}
        {"metadata" in m && (m.metadata as Record<string, unknown>)?.mediaError ? <span class="body muted">{ui.t("message.mediaMissing")}</span> : null}
        {m.kind === "reaction" ? (
          <span class="body reaction">
            {m.body ? ui.t("message.reacted", { emoji: m.body }) : ui.t("message.reactionRemoved")}
            {"replyToBody" in m && m.replyToBody ? <q>{m.replyToBody}</q> : null}
          </span>
        ) : m.kind === "location" ? (
          <LocationBody ui={ui} body={m.body} meta={("metadata" in m ? m.metadata : {}) as Record<string, unknown>} />
        ) : m.kind === "unsupported" ? (
          <span class="body muted">
            {ui.t("message.unsupported", { type: String((("metadata" in m ? m.metadata : {}) as Record<string, unknown>).providerType ?? "?") })}
            {m.body ? ` ${m.body}` : ""}
          </span>
        ) : m.body ? (
          <span class="body">{m.body}</span>
        ) : null}
      </div>
      <small class="muted">
        {m.authorName ? `${m.authorName} · ` : ""}
        <time datetime={m.createdAt.toISOString()}>{fullTime(m.createdAt, ui.locale, tz)}</time>
        {m.direction === "out" && m.delivery ? <span class={`delivery ${m.delivery}`}> · {ui.t(`inbox.delivery.${m.delivery as "sent"}`)}</span> : null}
        {m.errorText ? (
          <span class="delivery failed">
            {" "}
            · {"errorCode" in m && m.errorCode && m.errorCode !== "interrupted" ? `(${m.errorCode}) ` : ""}
            {m.errorText}
          </span>
        ) : null}
      </small>
      {m.direction === "out" && m.delivery === "failed" && conversationId ? (
        <form method="post" action={retry} hx-post={retry} hx-target={`#m-${m.id}`} hx-swap="outerHTML" class="retry">
          <button type="submit" class="link">
            {ui.t("inbox.retry")}
          </button>
        </form>
      ) : null}
    </li>
  );
}

export function ThreadFooter({ ui, c, draft, options, now }: { ui: Ui; c: ThreadData["conversation"]; draft?: Draft; options: ThreadOptions; now: Date }) {
  const base = `/inbox/${c.id}`;
  return (
    <footer class="composer-area" id="thread-footer">
      {draft?.error ? (
        <p class="alert error" role="alert">
          {draft.error}
        </p>
      ) : null}
      {c.status === "closed" ? (
        <div class="closed-notice">
          <p class="muted center">{ui.t("inbox.closedNotice")}</p>
          {canReactivate(c.channelKind, c.lastInboundAt, now) ? (
            <form method="post" action={`${base}/reactivate`} hx-post={`${base}/reactivate`} class="center">
              <button type="submit" class="primary">
                {ui.t("inbox.reactivate")}
              </button>
            </form>
          ) : null}
        </div>
      ) : c.joined ? (
        <>
          <WindowNotice ui={ui} channelKind={c.channelKind} lastInboundAt={c.lastInboundAt} templates={options.templates ?? []} base={base} now={now} />
          <QuickReplies ui={ui} base={base} options={options} />
          <Composer ui={ui} base={base} draft={draft} c={c} />
        </>
      ) : (
        <form {...threadForm(`${base}/join`)} class="join">
          <button type="submit" class="primary">
            {ui.t("inbox.join")}
          </button>
        </form>
      )}
    </footer>
  );
}

function AssignMenu({ ui, c, options, base }: { ui: Ui; c: ThreadData["conversation"]; options: ThreadOptions; base: string }) {
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
        <button type="submit" class="primary">
          {ui.t("inbox.assign")}
        </button>
      </form>
    </details>
  );
}

function CloseMenu({ ui, options, base }: { ui: Ui; options: ThreadOptions; base: string }) {
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
        <ul class="plain">
          {options.closings.map((closing) => (
            <li>
              <form {...threadForm(`${base}/close`)}>
                <input type="hidden" name="closingMessageId" value={String(closing.id)} />
                <button type="submit" class="closing-choice">
                  {closingText(ui, closing)}
                </button>
              </form>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

/**
 * Quick replies above the composer: a click sends one (a plain form post, so it works without
 * JavaScript); Shift+click puts it into the draft instead; typing "/" in the composer searches them.
 */
export function QuickReplies({ ui, base, options, error }: { ui: Ui; base: string; options: ThreadOptions; error?: string | null }) {
  return (
    <div class="quick-replies" id="quick-replies">
      {error ? (
        <p class="alert error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="chips" role="list" aria-label={ui.t("quickReplies.title")}>
        {options.quickReplies.map((q) => (
          <button type="submit" form="composer-form" formaction={`${base}/quick-reply`} name="quickReplyId" value={String(q.id)} class={`chip ${q.scope}`} data-body={q.body} title={q.body} role="listitem">
            {q.title}
          </button>
        ))}
      </div>
      <details class="add-quick-reply">
        <summary>{ui.t("inbox.addQuickReply")}</summary>
        <form method="post" action={`${base}/quick-replies`} hx-post={`${base}/quick-replies`} hx-target="#quick-replies" hx-swap="outerHTML" class="menu-panel stack compact">
          <input name="title" maxlength={60} required placeholder={ui.t("quickReplies.replyTitle")} aria-label={ui.t("quickReplies.replyTitle")} />
          <textarea name="body" maxlength={4096} rows={3} required placeholder={ui.t("quickReplies.body")} aria-label={ui.t("quickReplies.body")}></textarea>
          {options.mayShareQuickReplies ? (
            <label>
              <input type="checkbox" name="shared" value="1" /> {ui.t("inbox.quickReplyShared")}
            </label>
          ) : null}
          <button type="submit" class="primary">
            {ui.t("common.save")}
          </button>
        </form>
      </details>
    </div>
  );
}

function Composer({ ui, base, draft, c }: { ui: Ui; base: string; draft?: Draft; c: ThreadData["conversation"] }) {
  const rules = clientRules(capabilitiesOf(c.channelKind, c.channelConfig ?? {}));
  const captions = Object.values(rules.media).some((r) => r.caption);
  const messages = {
    tooLarge: ui.t("media.error.tooLarge", { name: "{name}", size: "{size}", kind: "{kind}", max: "{max}" }),
    type: ui.t("media.error.type", { name: "{name}", mime: "{mime}" }),
    failed: ui.t("media.error.failed", { name: "{name}" }),
    wait: ui.t("media.waitUploads"),
    remove: ui.t("media.remove", { name: "{name}" }),
    voiceNote: ui.t("media.voiceNote"),
    noMicrophone: ui.t("media.noMicrophone", { reason: "{reason}" }),
    kinds: { image: ui.t("media.kind.image"), video: ui.t("media.kind.video"), audio: ui.t("media.kind.audio"), voice: ui.t("media.kind.voice"), document: ui.t("media.kind.document"), sticker: ui.t("media.kind.sticker") },
  };
  return (
    <form {...threadForm(`${base}/reply`)} class="composer" id="composer-form" data-composer data-upload={`${base}/uploads`} data-rules={JSON.stringify(rules)} data-messages={JSON.stringify(messages)} data-locale={ui.locale}>
      <p class="drop-hint" aria-hidden="true">
        {ui.t("media.dropHere")}
      </p>
      <ul class="file-chips" id="composer-files" aria-live="polite">
        {(draft?.files ?? []).map(({ file, voice }) => (
          <PendingChip ui={ui} file={file} voice={voice} />
        ))}
      </ul>
      <div class="recorder" id="recorder" hidden>
        <span class="rec-dot" aria-hidden="true"></span>
        <span class="rec-state" data-rec-state data-recording={ui.t("media.recording")} data-paused={ui.t("media.paused")}>
          {ui.t("media.recording")}
        </span>
        <time class="rec-timer" id="rec-timer">
          0:00
        </time>
        <button type="button" data-rec="pause">
          {ui.t("media.pause")}
        </button>
        <button type="button" data-rec="resume" hidden>
          {ui.t("media.resume")}
        </button>
        <button type="button" data-rec="stop">
          {ui.t("media.stop")}
        </button>
        <audio id="rec-preview" controls hidden></audio>
        <button type="button" data-rec="delete" hidden>
          {ui.t("media.deleteRecording")}
        </button>
        <small class="muted rec-ready" hidden>
          {ui.t("media.recordingReady")}
        </small>
      </div>
      <label class="visually-hidden" for="composer-body">
        {ui.t("inbox.message")}
      </label>
      <textarea id="composer-body" name="body" rows={3} maxlength={4096} placeholder={ui.t("inbox.composerPlaceholder")} data-enter-submits>
        {draft?.body ?? ""}
      </textarea>
      <div class="composer-actions">
        <span class="composer-tools" data-needs-js hidden>
          <label class="tool-button" title={ui.t("media.attachHint")}>
            <input type="file" multiple id="composer-file-input" class="visually-hidden" aria-label={ui.t("media.attach")} />
            <Icon name="clip" />
            <span class="tool-label">{ui.t("media.attach")}</span>
          </label>
          <button type="button" class="tool-button mic" id="record-voice" data-record disabled={!rules.voice} title={rules.voice ? ui.t("media.record") : ui.t("media.noVoice")} aria-describedby={rules.voice ? undefined : "no-voice-why"}>
            <Icon name="mic" />
            <span class="visually-hidden">{ui.t("media.record")}</span>
          </button>
          {rules.voice ? null : (
            <small class="muted no-voice" id="no-voice-why">
              {ui.t("media.noVoice")}
            </small>
          )}
          {captions ? null : <small class="muted caption-note" hidden data-caption-note>{ui.t("media.captionNotCarried")}</small>}
        </span>
        <button type="submit" name="as" value="note" class="note-button">
          {ui.t("inbox.addNote")}
        </button>
        <button type="submit" name="as" value="reply" class="primary">
          {ui.t("inbox.send")}
        </button>
      </div>
    </form>
  );
}
