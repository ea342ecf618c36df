import { describe, expect, it } from "bun:test";
import type { ConversationRow as Row } from "../../src/inbox/list";
import { translator } from "../../src/i18n";
import { html } from "../../views/html";
import { ConversationRow } from "../../views/inbox/row";
import type { Ui } from "../../views/ui";

const ui: Ui = {
  t: translator("en"),
  locale: "en",
  path: "/inbox",
  user: null,
  actor: { userId: "u1", name: "Agent", orgId: 1, orgName: "Org", timezone: "Europe/Istanbul", rosterVersion: 0, readsVersion: 0, agentsSeeOnlyOwn: false, role: "agent", status: "online", preferences: {} },
};
const now = new Date("2026-03-09T12:00:00Z");
const row: Row = {
  id: 7,
  unread: true,
  createdAt: now,
  waitingSince: null,
  lastInboundAt: now,
  status: "open",
  type: "chat",
  assigneeId: null,
  workgroupId: null,
  contactName: `<script>alert("x")</script> & 'co'`,
  channelKind: "whatsapp",
  channelName: "WA",
  preview: `<img src=x onerror="alert(1)">`,
  lastMessageAt: new Date("2026-03-09T11:58:00Z"),
  assigneeName: `"><svg onload=alert(1)>`,
  workgroupName: null,
  tags: [{ name: "<b>VIP</b>", color: `red" onmouseover="alert(1)` }],
  snoozedUntil: null,
};

describe("a conversation row", () => {
  it("escapes what contacts, agents and admins typed, in text and in attributes", () => {
    const out = String(<ConversationRow ui={ui} row={row} tab="all" search="" now={now} current={false} />);
    expect(out).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;");
    expect(out).toContain('<span class="preview">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</span>');
    expect(out).toContain('<span class="assignee">&quot;&gt;&lt;svg onload=alert(1)&gt;</span>');
    expect(out).toContain('style="background:red&quot; onmouseover=&quot;alert(1);color:#ffffff">&lt;b&gt;VIP&lt;/b&gt;</span>');
    for (const tag of ["<script", "<img", "<svg", "<b>"]) expect(out).not.toContain(tag);
  });

  it("links to the conversation keeping the tab, search and filters", () => {
    const link = (tab: "open" | "all", search: string, filters = "") => /href="([^"]*)"/.exec(String(<ConversationRow ui={ui} row={row} tab={tab} search={search} now={now} current={false} filters={filters} />))![1];
    expect(link("open", "")).toBe("/inbox/7");
    expect(link("all", "")).toBe("/inbox/7?tab=all");
    expect(link("all", "a&b")).toBe("/inbox/7?tab=all&amp;q=a%26b");
    expect(link("open", "", "ch=whatsapp")).toBe("/inbox/7?ch=whatsapp");
  });

  it("marks unread rows unless they are the one open", () => {
    const draw = (current: boolean) => String(<ConversationRow ui={ui} row={row} tab="open" search="" now={now} current={current} />);
    expect(draw(false)).toContain('<li id="conv-7" class="conversation unread">');
    expect(draw(false)).toContain('<span class="unread-dot" title="Unread">');
    expect(draw(true)).toContain('<li id="conv-7" class="conversation current">');
    expect(draw(true)).not.toContain("unread-dot");
  });
});

describe("the html template", () => {
  it("escapes strings, writes numbers, skips null and booleans, joins arrays and keeps its own results", () => {
    const inner = html`<i>${"<"}</i>`;
    expect(String(html`<p title="${`"'&`}">${1}${null}${undefined}${false}${["a", "<", inner]}</p>`)).toBe('<p title="&quot;&#39;&amp;">1a&lt;<i>&lt;</i></p>');
  });

  it("drops line breaks and the indentation after them, as JSX does, and keeps spaces on a line", () => {
    const out = html`<p>
      <b>${"x"}</b> and
      <i>y</i>
    </p>`;
    expect(String(out)).toBe("<p><b>x</b> and<i>y</i></p>");
  });
});
