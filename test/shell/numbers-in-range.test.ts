// Every id or number a request carries (path, query, form, cursor, Referer) is parsed and bounded
// before use: out-of-range or malformed input is a 404 or 400/422, never a 500 from the database.
import { beforeAll, describe, expect, it } from "bun:test";
import { channels } from "@db/schema";
import { newWebhookKey } from "../../src/admin/organizations";
import { encodeCursor } from "../../src/admin/pagination";
import { ingestInbound } from "../../src/inbox/customer-messages";
import { useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();
const HUGE = "99999999999999999999";
const base64url = (text: string) => Buffer.from(text).toString("base64url");

describe("numbers from the request are bounded to their column", () => {
  let w: World;
  let admin: Client;
  let conversationId: number;
  beforeAll(async () => {
    w = await t.world();
    admin = await t.signIn(w.admin.email, w.orgId);
    const [channel] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "whatsapp", name: "WA", webhookKey: newWebhookKey() }).returning();
    ({ conversationId } = await ingestInbound(t.db, { orgId: w.orgId, channelId: channel.id, externalId: "905551110000", contactName: "Ayşe", body: "Merhaba", providerMessageId: "wamid.range", at: t.clock.now() }));
  });

  it("an id past the column's range, or zero, in any route's path is a 404", async () => {
    const c = `/inbox/${conversationId}`;
    const paths: [string, string][] = [
      ["GET", `/inbox/${HUGE}`],
      ["GET", "/inbox/0"],
      ["POST", `/inbox/${HUGE}/join`],
      ["POST", `/inbox/${HUGE}/reply`],
      ["POST", `/inbox/${HUGE}/notes`],
      ["POST", `/inbox/${HUGE}/tags`],
      ["POST", `${c}/tags/${HUGE}/remove`],
      ["POST", `${c}/messages/${HUGE}/retry`],
      ["POST", `${c}/files/${HUGE}/remove`],
      ["POST", `${c}/files/${HUGE}/share`],
      ["GET", `/inbox/${HUGE}/gallery`],
      ["GET", `/media/${HUGE}`],
      ["GET", `/contacts/${HUGE}`],
      ["POST", `/contacts/${HUGE}/conversations`],
      ["GET", `/admin/tags/${"9".repeat(15)}`],
    ];
    const answers: string[] = [];
    for (const [method, path] of paths) {
      const res = method === "GET" ? await admin.get(path) : await admin.post(path, { body: "x", channelId: "1", tagId: "1" });
      answers.push(`${method} ${path} → ${res.status}`);
    }
    expect(answers.filter((a) => !a.endsWith("→ 404"))).toEqual([]);
  });

  it("a number in the query or a form past its range is refused, not sent to the database", async () => {
    expect((await admin.get(`/inbox/${conversationId}/gallery?before=1e400`)).status).toBe(404);
    expect((await admin.get(`/inbox/${conversationId}/gallery?before=${HUGE}`)).status).toBe(404);
    expect((await admin.get(`/inbox/${conversationId}/gallery?before=12`)).status).toBe(200);
    expect((await admin.post(`/inbox/${conversationId}/close`, { closingMessageId: "1e400" })).status).toBe(422);
    expect((await admin.post(`/inbox/${conversationId}/close`, { closingMessageId: HUGE })).status).toBe(422);
    expect((await admin.post(`/inbox/${conversationId}/quick-reply`, { quickReplyId: HUGE })).status).toBe(422);
    expect((await admin.post(`/inbox/${conversationId}/tags`, { tagId: HUGE })).status).toBe(422);
    expect((await admin.post(`/contacts/1/conversations`, { channelId: HUGE })).status).toBe(400);
    expect((await admin.get(`/inbox?tab=all&wg=${HUGE}`)).status).toBe(400);
    expect((await admin.get(`/cockpit?brand=${HUGE}`)).status).toBe(200);
  });

  it("a cursor naming an impossible row or day is the first page", async () => {
    expect((await admin.get(`/inbox?tab=all&after=${base64url(`2026-01-01T00:00:00Z|${HUGE}`)}`)).status).toBe(200);
    expect((await admin.get(`/inbox?tab=all&after=${base64url(`-271821-04-20T00:00:00Z|5`)}`)).status).toBe(200);
    expect((await admin.get(`/admin/tags?after=${encodeCursor({ key: "a", id: 1e30 })}`)).status).toBe(200);
    expect((await admin.get(`/contacts?after=${encodeCursor({ key: "a", id: 1e30 })}`)).status).toBe(200);
  });

  it("a malformed Referer is ignored, not parsed into a 500", async () => {
    const status = await admin.post("/me/status", { status: "break" }, { headers: { referer: "::not a url::" } });
    expect(status.status).toBe(303);
    expect(status.headers.get("location")).toBe("/inbox");
    const cockpit = await admin.post("/cockpit/status", { userId: w.agent.id, status: "break" }, { headers: { referer: "http://[bad" } });
    expect(cockpit.status).toBe(303);
  });
});
