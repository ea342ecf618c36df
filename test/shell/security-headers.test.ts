// Security headers on every response, whichever route or middleware answered it.
import { describe, expect, it } from "bun:test";
import { useTestApp } from "../support/app";

const t = useTestApp();

function policy(res: Response): Map<string, string> {
  const header = res.headers.get("content-security-policy") ?? "";
  return new Map(header.split(";").map((d) => d.trim()).filter(Boolean).map((d) => [d.split(" ")[0], d.slice(d.indexOf(" ") + 1)] as [string, string]));
}

function expectCommon(res: Response) {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("same-origin");
  expect(res.headers.get("permissions-policy")).toContain("microphone=(self)");
  expect(res.headers.get("permissions-policy")).toContain("camera=()");
}

describe("security headers", () => {
  it("every page and fragment forbids inline script, framing and other origins", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const answers = [
      await t.client().get("/login"),
      await t.client().get("/no/such/page"),
      await t.client().get("/healthz"),
      await t.client().get("/static/app.css"),
      await agent.get("/inbox"),
      await agent.get("/inbox", { htmx: true }),
      await agent.get("/contacts"),
      await t.client().post("/login", { email: "x@y.test", password: "wrong" }),
      await t.client().get("/widget/demo"),
    ];
    for (const res of answers) {
      expectCommon(res);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const p = policy(res);
      expect(p.get("script-src")).toBe("'self'");
      expect(p.get("frame-ancestors")).toBe("'none'");
      expect(p.get("connect-src")).toBe("'self'");
      expect(p.get("object-src")).toBe("'none'");
      expect(p.get("base-uri")).toBe("'none'");
      expect(p.get("img-src")).toBe("'self' data: blob:");
      expect(p.get("style-src")).toBe("'self'");
      expect(res.headers.get("content-security-policy")).not.toContain("unsafe-eval");
    }
  });

  it("pages carry no inline script or event handler for the policy to block", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    for (const path of ["/inbox", "/contacts", "/cockpit", "/admin/users", "/admin/tags", "/admin/channels", "/organizations"]) {
      const html = await (await admin.get(path)).text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/);
      expect(html).not.toMatch(/<style/);
      expect(html).not.toMatch(/\shx-on/);
    }
  });

  it("media and the widget's answers are sandboxed data, never documents of this origin", async () => {
    const w = await t.world();
    const agent = await t.signIn(w.agent.email, w.orgId);
    const media = await agent.get("/media/999999");
    expectCommon(media);
    expect(policy(media).get("default-src")).toBe("'none'");
    expect(policy(media).has("sandbox")).toBe(true);
    for (const res of [await t.client().get("/widget.js"), await t.client().post("/widget/api/no-such-key/session", {}, { headers: { origin: "https://shop.example" } })]) {
      expectCommon(res);
      expect(policy(res).get("default-src")).toBe("'none'");
      expect(policy(res).has("sandbox")).toBe(true);
    }
  });
});
