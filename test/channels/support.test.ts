// The built-in support line: every organization starts with its conversation with Kanal's operators,
// pinned first in the inbox and outside the tab counts; operators write and read answers through
// the support API.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { messages } from "@db/schema";
import { useTestApp } from "../support/app";

const TOKEN = "operator-token-0123456789";
const t = useTestApp({ SUPPORT_API_TOKEN: TOKEN });

const api = (path: string, init: RequestInit = {}, token = TOKEN) =>
  t.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) } });

describe("support line", () => {
  it("is pinned first in every tab with Kanal's welcome, and is not counted in the tabs", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    for (const tab of ["open", "assigned", "closed", "all"]) {
      const html = (await agent.html(`/inbox?tab=${tab}`)).text;
      const pinned = html.slice(html.indexOf('id="pinned-rows"'), html.indexOf('id="conversation-rows"'));
      expect(pinned).toContain("Kanal Support");
      expect(pinned).toContain("Welcome to Kanal");
    }
    const html = (await agent.html("/inbox?tab=all")).text;
    expect(html.slice(html.indexOf('id="conversation-rows"'))).not.toContain("Kanal Support");
    expect(html).toMatch(/All\s*<span[^>]*>\s*0\s*</);
  });

  it("carries operators' messages in and the organization's answers out", async () => {
    const w = await t.world();
    const posted = await api("/support/api/messages", { method: "POST", body: JSON.stringify({ orgId: w.orgId, text: "Planned maintenance tonight at 02:00 🛠" }) });
    expect(posted.status).toBe(201);
    const { conversationId } = (await posted.json()) as { conversationId: number };
    const agent = await t.signIn(w.agent.email, w.orgId);
    const page = (await agent.html(`/inbox/${conversationId}`)).text;
    expect(page).toContain("Planned maintenance tonight at 02:00 🛠");
    await agent.post(`/inbox/${conversationId}/join`, {});
    expect((await agent.post(`/inbox/${conversationId}/reply`, { body: "Thanks, noted!", as: "reply" })).status).toBeLessThan(400);
    await t.app.runtime.outbox.runOnce();
    const [answer] = await t.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(messages.id).offset(2);
    expect(answer.delivery).toBe("sent");
    const replies = (await (await api("/support/api/replies?after=0")).json()) as { replies: { orgId: number; body: string; author: string }[] };
    expect(replies.replies.filter((r) => r.orgId === w.orgId)).toEqual([expect.objectContaining({ body: "Thanks, noted!", author: w.agent.name })]);
  });

  it("refuses a wrong token, bad input and unknown organizations", async () => {
    expect((await api("/support/api/replies", {}, "wrong-token-0123456789xx")).status).toBe(401);
    expect((await t.app.request("/support/api/replies")).status).toBe(401);
    expect((await api("/support/api/messages", { method: "POST", body: JSON.stringify({ orgId: 1 }) })).status).toBe(400);
    expect((await api("/support/api/messages", { method: "POST", body: JSON.stringify({ orgId: 999999, text: "hi" }) })).status).toBe(404);
  });
});
