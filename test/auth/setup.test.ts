import { describe, expect, it } from "bun:test";
import { channels, closingMessages, organizations } from "@db/schema";
import { eq } from "drizzle-orm";
import { useTestApp } from "../support/app";

const t = useTestApp();

describe("first-run setup (no demo data)", () => {
  it("sends the first visitor to setup, creates the organization and its admin once", async () => {
    const visitor = t.client();
    expect((await visitor.get("/login")).headers.get("location")).toBe("/setup");
    const bad = await visitor.post("/setup", { organizationName: "Kuzey Ltd", timezone: "Mars/Olympus", name: "Kaan", email: "kaan@kuzey.test", password: "short" });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('value="Kuzey Ltd"');
    expect(html).toContain("At least 8 characters.");

    const ok = await visitor.post("/setup", { organizationName: "Kuzey Ltd", timezone: "Europe/Istanbul", name: "Kaan", email: "kaan@kuzey.test", password: "long-enough-pw", locale: "tr" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/inbox");
    expect((await visitor.get("/admin/users")).status).toBe(200);

    const [org] = await t.db.select().from(organizations);
    expect(org.timezone).toBe("Europe/Istanbul");
    const kinds = await t.db.select({ kind: channels.kind }).from(channels).where(eq(channels.orgId, org.id));
    expect(kinds).toEqual([{ kind: "support" }]);
    expect((await t.db.select().from(closingMessages).where(eq(closingMessages.orgId, org.id))).length).toBe(3);

    const second = t.client();
    expect((await second.get("/setup")).headers.get("location")).toBe("/login");
    const again = await second.post("/setup", { organizationName: "Evil", timezone: "UTC", name: "E", email: "e@e.test", password: "long-enough-pw" });
    expect(again.headers.get("location")).toBe("/login");
    expect((await t.db.select().from(organizations)).length).toBe(1);
  });
});
