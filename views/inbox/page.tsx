// The inbox: tabs with counts, the conversation list, and the open thread beside it.
import type { ConversationRow, Tab } from "../../src/inbox/conversations";
import { tabs } from "../../src/inbox/conversations";
import type { ChannelKind } from "../../db/schema";
import { Layout } from "../layout";
import { fullTime, shortTime } from "../format";
import type { Ui } from "../ui";

export interface InboxProps {
  ui: Ui;
  tab: Tab;
  search: string;
  counts: Record<Tab, number>;
  rows: ConversationRow[];
  next: string | null;
  now: Date;
  thread: ThreadData | null;
}

export interface ThreadData {
  conversation: {
    id: number;
    status: "open" | "closed";
    createdAt: Date;
    contactName: string;
    contactPhone: string | null;
    contactEmail: string | null;
    channelKind: ChannelKind;
    channelName: string;
    assigneeName: string | null;
  };
  messages: {
    id: number;
    direction: "in" | "out" | "note" | "event";
    body: string;
    delivery: string | null;
    errorText: string | null;
    createdAt: Date;
    authorName: string | null;
  }[];
}

const channelGlyph: Record<ChannelKind, string> = { whatsapp: "WA", messenger: "M", instagram: "IG", webchat: "W", support: "K" };

export function ChannelIcon({ ui, kind }: { ui: Ui; kind: ChannelKind }) {
  return (
    <span class={`channel channel-${kind}`} title={ui.t(`inbox.channel.${kind}`)}>
      <span aria-hidden="true">{channelGlyph[kind]}</span>
      <span class="visually-hidden">{ui.t(`inbox.channel.${kind}`)}</span>
    </span>
  );
}

export function inboxHref(tab: Tab, search: string, extra: Record<string, string> = {}, base = "/inbox") {
  const q = new URLSearchParams();
  if (tab !== "open") q.set("tab", tab);
  if (search) q.set("q", search);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const qs = q.toString();
  return qs ? `${base}?${qs}` : base;
}

export function InboxPage(props: InboxProps) {
  const { ui, tab, search, counts } = props;
  return (
    <Layout ui={ui} title={ui.t("inbox.title")}>
      <div class="inbox">
        <section class="inbox-list" aria-label={ui.t("inbox.conversations")}>
          <nav class="tabs" aria-label={ui.t("inbox.conversations")}>
            {tabs.map((name) => (
              <a href={inboxHref(name, search)} aria-current={name === tab ? "page" : undefined}>
                {ui.t(`inbox.tab.${name}`)} <span class="count">{counts[name]}</span>
              </a>
            ))}
          </nav>
          <form class="search" method="get" action="/inbox" role="search">
            {tab !== "open" ? <input type="hidden" name="tab" value={tab} /> : null}
            <label class="visually-hidden" for="inbox-q">
              {ui.t("common.search")}
            </label>
            <input id="inbox-q" type="search" name="q" value={search} placeholder={ui.t("inbox.searchPlaceholder")} />
            <button type="submit">{ui.t("common.search")}</button>
          </form>
          <ul class="conversations" id="conversation-rows">
            <ConversationRows {...props} />
          </ul>
          {props.rows.length === 0 ? <p class="empty">{ui.t("inbox.empty")}</p> : null}
        </section>
        <section class="thread" aria-live="polite">
          {props.thread ? <Thread ui={ui} thread={props.thread} /> : <p class="empty center">{ui.t("inbox.selectConversation")}</p>}
        </section>
      </div>
    </Layout>
  );
}

export function ConversationRows({ ui, rows, next, tab, search, now, thread }: InboxProps) {
  const tz = ui.actor!.timezone;
  return (
    <>
      {rows.map((r) => (
        <li class={thread?.conversation.id === r.id ? "conversation current" : "conversation"}>
          <a href={inboxHref(tab, search, {}, `/inbox/${r.id}`)}>
            <ChannelIcon ui={ui} kind={r.channelKind} />
            <span class="who">
              <strong>{r.contactName}</strong>
              <time datetime={r.lastMessageAt.toISOString()}>{shortTime(r.lastMessageAt, now, ui.locale, tz)}</time>
            </span>
            <span class="preview">{r.preview}</span>
            <span class="meta">
              <span class="assignee">{r.assigneeName ?? r.workgroupName ?? ui.t("inbox.unassigned")}</span>
              {r.tags.map((tag) => (
                <span class="tag" style={`background:${tag.color}`}>
                  {tag.name}
                </span>
              ))}
            </span>
          </a>
        </li>
      ))}
      {next ? (
        <li class="load-more">
          <a href={inboxHref(tab, search, { after: next })} hx-get={inboxHref(tab, search, { after: next })} hx-target="closest li" hx-swap="outerHTML">
            {ui.t("common.loadMore")}
          </a>
        </li>
      ) : null}
    </>
  );
}

export function Thread({ ui, thread }: { ui: Ui; thread: ThreadData }) {
  const c = thread.conversation;
  const tz = ui.actor!.timezone;
  return (
    <article class="thread-view">
      <header class="thread-head">
        <ChannelIcon ui={ui} kind={c.channelKind} />
        <div>
          <h1>{c.contactName}</h1>
          <p class="muted">
            {[c.contactPhone, c.contactEmail, c.channelName].filter(Boolean).join(" · ")}
          </p>
        </div>
        <p class="thread-state">
          <span class={`badge ${c.status === "open" ? "status-online" : "muted"}`}>{ui.t(`inbox.status.${c.status}`)}</span>{" "}
          <span>
            {ui.t("inbox.assignee")}: {c.assigneeName ?? ui.t("inbox.unassigned")}
          </span>
        </p>
      </header>
      <ol class="messages">
        {thread.messages.map((m) => (
          <li class={`message ${m.direction}`}>
            <div class="bubble">
              {m.direction === "note" ? <strong class="note-label">{ui.t("inbox.note")}: </strong> : null}
              {m.body}
            </div>
            <small class="muted">
              {m.authorName ? `${m.authorName} · ` : ""}
              <time datetime={m.createdAt.toISOString()}>{fullTime(m.createdAt, ui.locale, tz)}</time>
              {m.direction === "out" && m.delivery ? ` · ${ui.t(`inbox.delivery.${m.delivery as "sent"}`)}` : ""}
              {m.errorText ? ` · ${m.errorText}` : ""}
            </small>
          </li>
        ))}
      </ol>
    </article>
  );
}
