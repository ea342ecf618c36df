// Every redirect that takes a target from the request goes only to this app's own pages.
import { describe, expect, it } from "bun:test";
import { useTestApp, type Client } from "../support/app";

const t = useTestApp();

// Paths a browser reads as another host once tabs are dropped and `\` is read as `/`.
const hostile = ["//evil.example", "/\\evil.example", "/%09/evil.example", "/\t/evil.example", "/\\/evil.example", "https://evil.example/", "/\n/evil.example"];

function stays(location: string | null) {
  expect(location).not.toBeNull();
  const url = new URL(location!, "http://kanal.test");
  expect(url.origin).toBe("http://kanal.test");
}

async function follow(client: Client, form: Record<string, string>, path: string) {
  const res = await client.post(path, form);
  expect(res.status).toBe(303);
  return res.headers.get("location");
}

describe("redirect targets", () => {
  it("sign-in's next never leaves the app, decoded or not", async () => {
    const w = await t.world();
    for (const next of hostile) {
      const client = t.client();
      const login = await client.html(`/login?next=${encodeURIComponent(next)}`);
      const kept = login.text.match(/name="next" value="([^"]*)"/)?.[1];
      if (kept !== undefined) stays(kept.replaceAll("&amp;", "&"));
      const afterLogin = await follow(client, { email: w.agent.email, password: "correct-horse-battery", next }, "/login");
      stays(afterLogin);
      const picker = await client.html(`/organizations?next=${encodeURIComponent(next)}`);
      const offered = picker.text.match(/name="next" value="([^"]*)"/)?.[1];
      if (offered !== undefined) stays(offered.replaceAll("&amp;", "&"));
      stays(await follow(client, { orgId: String(w.orgId), next }, "/organizations"));
    }
    // As typed into a link, not encoded again: the query decodes %09 into a tab.
    const raw = await t.client().html("/login?next=/%09/evil.example");
    expect(raw.text).not.toContain('name="next"');
    // A path of this app is still followed.
    const client = t.client();
    // A member of one organization goes straight there.
    const back = await follow(client, { email: w.agent.email, password: "correct-horse-battery", next: "/inbox/3?tab=all" }, "/login");
    expect(back).toBe("/inbox/3?tab=all");
    expect(await follow(client, { orgId: String(w.orgId), next: "/inbox/3?tab=all" }, "/organizations")).toBe("/inbox/3?tab=all");
  });

  it("language, preferences and status changes go back only within the app, and never to the Referer", async () => {
    const w = await t.world();
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    for (const back of hostile) {
      stays(await follow(supervisor, { locale: "en", back }, "/me/locale"));
      stays(await follow(supervisor, { sound: "on", back }, "/me/preferences"));
      stays(await follow(supervisor, { status: "online", back }, "/me/status"));
      stays(await follow(supervisor, { userId: w.supervisor.id, status: "break", back }, "/cockpit/status"));
    }
    const fromReferer = await supervisor.post("/me/status", { status: "online" }, { headers: { referer: "http://evil.example/phish" } });
    expect(fromReferer.headers.get("location")).toBe("/inbox");
    const cockpit = await supervisor.post("/cockpit/status", { userId: w.supervisor.id, status: "online" }, { headers: { referer: "http://kanal.test/cockpit?q=//evil.example" } });
    expect(cockpit.headers.get("location")).toBe("/cockpit");
    expect(await follow(supervisor, { userId: w.supervisor.id, status: "break", back: "/cockpit?sort=status" }, "/cockpit/status")).toBe("/cockpit?sort=status");
    expect(await follow(supervisor, { locale: "tr", back: "/contacts" }, "/me/locale")).toBe("/contacts");
  });
});
