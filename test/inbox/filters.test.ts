import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { channels, contacts, conversations, customFields, messages, users, workgroups, type ChannelKind, type ConversationType } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { useTestApp } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

interface Spec {
  name: string;
  kind?: ChannelKind;
  assignee?: string;
  workgroupId?: number;
  type?: ConversationType;
  createdDaysAgo?: number;
  lastDaysAgo?: number;
  fields?: Record<string, unknown>;
  waitingMinutes?: number;
}

async function seed(w: World, specs: Spec[]) {
  const now = t.clock.now().getTime();
  const byKind = new Map<ChannelKind, number>();
  for (const kind of ["whatsapp", "instagram", "messenger", "webchat"] as const) {
    const [ch] = await t.db.insert(channels).values({ orgId: w.orgId, kind, name: kind, webhookKey: newWebhookKey() }).returning();
    byKind.set(kind, ch.id);
  }
  for (const s of specs) {
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: s.name, customFields: s.fields ?? {} }).returning();
    const last = new Date(now - (s.lastDaysAgo ?? 0) * 86_400_000 - specs.indexOf(s) * 1000);
    const [conv] = await t.db
      .insert(conversations)
      .values({
        orgId: w.orgId,
        contactId: contact.id,
        channelId: byKind.get(s.kind ?? "whatsapp")!,
        assigneeId: s.assignee ?? null,
        workgroupId: s.workgroupId ?? null,
        type: s.type ?? "chat",
        createdAt: new Date(now - (s.createdDaysAgo ?? 0) * 86_400_000),
        lastMessageAt: last,
        lastInboundAt: last,
        waitingSince: s.waitingMinutes ? new Date(now - s.waitingMinutes * 60_000) : null,
        lastMessagePreview: "hi",
      })
      .returning();
    await t.db.insert(messages).values({ orgId: w.orgId, conversationId: conv.id, channelId: conv.channelId, direction: "in", body: "hi", createdAt: last });
  }
}

const names = (html: string) => [...html.slice(html.indexOf('id="conversation-rows"')).matchAll(/<strong>(?:<span class="unread-dot"[^>]*>.*?<\/span><\/span>)?([^<]+)<\/strong>/g)].map((m) => m[1]);

describe("inbox filters", () => {
  it("combine channels, users, workgroups, session types and date ranges, all from the URL", async () => {
    const w = await t.world();
    await seed(w, [
      { name: "WA Okan", kind: "whatsapp", assignee: w.agent.id },
      { name: "IG Okan", kind: "instagram", assignee: w.agent.id, type: "comment" },
      { name: "IG İpek", kind: "instagram", assignee: w.agent2.id, workgroupId: w.workgroupId },
      { name: "Web old", kind: "webchat", createdDaysAgo: 40, lastDaysAgo: 35 },
      { name: "Bot spam", kind: "messenger", type: "spam" },
    ]);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const get = async (q: string) => names((await admin.html(`/inbox?tab=all&${q}`)).text);
    expect((await get("ch=instagram")).sort()).toEqual(["IG Okan", "IG İpek"]);
    expect(await get(`ch=instagram&u=${w.agent.id}`)).toEqual(["IG Okan"]);
    expect((await get(`ch=instagram&ch=whatsapp&u=${w.agent.id}`)).sort()).toEqual(["IG Okan", "WA Okan"]);
    expect(await get(`wg=${w.workgroupId}`)).toEqual(["IG İpek"]);
    expect((await get("type=comment&type=spam")).sort()).toEqual(["Bot spam", "IG Okan"]);
    expect(await get("created_to=2025-12-01")).toEqual(["Web old"]);
    // Spam stays out of every list unless the type filter asks for it.
    expect((await get("last_from=2026-01-01")).sort()).toEqual(["IG Okan", "IG İpek", "WA Okan"]);
    expect((await get("last_from=2026-01-01&type=spam"))).toEqual(["Bot spam"]);
    // Filters stay in the tab links and in "Load more", so the view is shareable.
    const page = (await admin.html(`/inbox?tab=all&ch=instagram`)).text;
    expect(page).toContain('href="/inbox?ch=instagram&amp;tab=assigned"');
    expect((await admin.get("/inbox?ch=telegram")).status).toBe(400);
    expect((await admin.get("/inbox?created_from=yesterday")).status).toBe(400);
  });

  it("the panel offers members, workgroups and fields as they are now, however they changed", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    const panel = async () => {
      const html = (await admin.html("/inbox")).text;
      const start = html.indexOf('class="filter-panel"');
      return html.slice(start, html.indexOf("</details>", start));
    };
    expect(await panel()).not.toContain("Night shift");
    // Written straight to the tables, as no event announces them: the panel must not be kept.
    await t.db.insert(workgroups).values({ orgId: w.orgId, name: "Night shift" });
    await t.db.update(users).set({ name: "Okan Renamed" }).where(eq(users.id, w.agent.id));
    await t.db.insert(customFields).values({ orgId: w.orgId, key: "tier", label: "Tier", type: "text", position: 9 });
    const after = await panel();
    expect(after).toContain("Night shift");
    expect(after).toContain("Okan Renamed");
    expect(after).toContain("Tier");
  });

  it("filters by CRM fields with operators that fit each type", async () => {
    const w = await t.world();
    await t.db.insert(customFields).values([
      { orgId: w.orgId, key: "tier", label: "Tier", type: "select", options: ["Gold", "Silver"] },
      { orgId: w.orgId, key: "orders", label: "Orders", type: "number" },
      { orgId: w.orgId, key: "vip", label: "VIP", type: "boolean" },
      { orgId: w.orgId, key: "city", label: "City", type: "text" },
      { orgId: w.orgId, key: "since", label: "Since", type: "date" },
    ]);
    await seed(w, [
      { name: "Gold big", fields: { tier: "Gold", orders: 12, vip: true, city: "İzmir", since: "2024-05-01" } },
      { name: "Gold small", fields: { tier: "Gold", orders: 2, city: "Ankara" } },
      { name: "Silver", fields: { tier: "Silver", orders: 30, vip: false, since: "2025-02-01" } },
      { name: "Nothing" },
    ]);
    const admin = await t.signIn(w.admin.email, w.orgId);
    const get = async (q: string) => names((await admin.html(`/inbox?${q}`)).text).sort();
    expect(await get("cf_tier_op=is&cf_tier=Gold")).toEqual(["Gold big", "Gold small"]);
    expect(await get("cf_tier_op=is_not&cf_tier=Gold")).toEqual(["Nothing", "Silver"]);
    expect(await get("cf_orders_op=gt&cf_orders=10")).toEqual(["Gold big", "Silver"]);
    expect(await get("cf_tier_op=is&cf_tier=Gold&cf_orders_op=gt&cf_orders=10")).toEqual(["Gold big"]);
    expect(await get("cf_vip_op=yes")).toEqual(["Gold big"]);
    expect(await get("cf_vip_op=empty")).toEqual(["Gold small", "Nothing"]);
    expect(await get("cf_city_op=contains&cf_city=izm")).toEqual(["Gold big"]);
    expect(await get("cf_since_op=before&cf_since=2025-01-01")).toEqual(["Gold big"]);
    expect(await get("cf_orders_op=filled")).toEqual(["Gold big", "Gold small", "Silver"]);
    // An operator that does not fit the type is ignored; a bad number is refused.
    expect((await get("cf_vip_op=contains&cf_vip=x")).length).toBe(4);
    expect((await admin.get("/inbox?cf_orders_op=gt&cf_orders=ten")).status).toBe(400);
  });

  it("shows unread conversations, and opening one marks it read", async () => {
    const w = await t.world();
    await seed(w, [{ name: "Unread one" }, { name: "Unread two" }]);
    const agent = await t.signIn(w.agent.email, w.orgId);
    const first = (await agent.html("/inbox?unread=1")).text;
    expect(names(first).sort()).toEqual(["Unread one", "Unread two"]);
    expect(first).toContain('class="conversation unread"');
    const rows = first.slice(first.indexOf('id="conversation-rows"'));
    const id = rows.split('<li id="conv-').find((part) => part.includes("Unread one"))!.match(/^(\d+)/)![1];
    await agent.get(`/inbox/${id}`);
    const after = names((await agent.html("/inbox?unread=1")).text);
    expect(after.length).toBe(1);
    // Unread is per agent: a colleague still sees both.
    const colleague = await t.signIn(w.agent2.email, w.orgId);
    expect(names((await colleague.html("/inbox?unread=1")).text).length).toBe(2);
  });

  it("sorts by last activity, by creation, or by longest waiting for a reply", async () => {
    const w = await t.world();
    await seed(w, [
      { name: "Recent", createdDaysAgo: 5, lastDaysAgo: 0, waitingMinutes: 5 },
      { name: "Newest", createdDaysAgo: 1, lastDaysAgo: 1, waitingMinutes: 90 },
      { name: "Answered", createdDaysAgo: 3, lastDaysAgo: 2 },
    ]);
    const admin = await t.signIn(w.admin.email, w.orgId);
    expect(names((await admin.html("/inbox")).text)).toEqual(["Recent", "Newest", "Answered"]);
    expect(names((await admin.html("/inbox?sort=created")).text)).toEqual(["Newest", "Answered", "Recent"]);
    expect(names((await admin.html("/inbox?sort=waiting")).text)).toEqual(["Newest", "Recent"]);
  });
});
