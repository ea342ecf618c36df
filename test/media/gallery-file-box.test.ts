import { describe, expect, it } from "bun:test";
import { and, asc, eq } from "drizzle-orm";
import { attachments, messages } from "@db/schema";
import { useTestApp } from "../support/app";
import { fileOf, joinedConversation, TINY_PNG, upload } from "./support";

const t = useTestApp({ STORAGE_DIR: `/tmp/kanal-test-filebox-${process.pid}` });

function uploadToBox(client: Awaited<ReturnType<typeof t.signIn>>, conversationId: number, bytes: Uint8Array<ArrayBuffer>, filename: string) {
  return client.request(`/inbox/${conversationId}/files`, {
    method: "POST",
    body: bytes,
    headers: { "content-type": "application/octet-stream", "x-filename": encodeURIComponent(filename), "content-length": String(bytes.length) },
    htmx: true,
  });
}

describe("the gallery", () => {
  it("shows images and media sent and received with the contact, newest first, and never documents", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const first = await (await upload(agent, conversationId, TINY_PNG, { filename: "first.png" })).json();
    await agent.post(`/inbox/${conversationId}/reply`, { body: "", as: "reply", attachmentIds: String(first.id) });
    const doc = await (await upload(agent, conversationId, fileOf("pdf", 1000), { filename: "terms.pdf" })).json();
    await agent.post(`/inbox/${conversationId}/reply`, { body: "", as: "reply", attachmentIds: String(doc.id) });
    // The customer's photo arrives later (stored by the inbound side with contact and message).
    const [{ channelId, contactId }] = await t.db.select({ channelId: messages.channelId, contactId: attachments.contactId }).from(messages).innerJoin(attachments, eq(attachments.messageId, messages.id)).where(eq(messages.conversationId, conversationId)).limit(1);
    const [m] = await t.db.insert(messages).values({ orgId: w.orgId, conversationId, channelId, direction: "in", kind: "image", createdAt: t.clock.now() }).returning();
    const [inbound] = await t.db.insert(attachments).values({ orgId: w.orgId, messageId: m.id, contactId, storageKey: "x", filename: "damaged.jpg", mime: "image/jpeg", size: 10, sha256: "x", createdAt: t.clock.now() }).returning();
    const html = (await agent.html(`/inbox/${conversationId}`)).text;
    const gallery = html.slice(html.indexOf('id="widget-gallery"'), html.indexOf('id="widget-files"'));
    const order = [...gallery.matchAll(/data-viewer="(\d+)"/g)].map((x) => Number(x[1]));
    expect(order).toEqual([inbound.id, first.id]);
    expect(gallery).toContain("Received");
    expect(gallery).not.toContain("terms.pdf");
    expect(html).toContain(`id="media-viewer"`);
  });
});

describe("the file box", () => {
  it("keeps documents of any type on the contact's profile, shares one into the conversation, and removes one", async () => {
    const { w, conversationId, agent } = await joinedConversation(t, "whatsapp");
    const added = await uploadToBox(agent, conversationId, fileOf("pdf", 4000), "Contract.pdf");
    expect(added.status).toBe(200);
    expect(await added.text()).toContain("Contract.pdf");
    // Any type: even one no channel carries.
    const odd = await uploadToBox(agent, conversationId, fileOf("exe", 3000), "tool.exe");
    expect(await odd.text()).toContain("tool.exe");
    const box = await t.db.select().from(attachments).where(and(eq(attachments.orgId, w.orgId))).orderBy(asc(attachments.id));
    expect(box.map((f) => [f.filename, f.mime, f.messageId])).toEqual([
      ["Contract.pdf", "application/pdf", null],
      ["tool.exe", "application/x-msdownload", null],
    ]);

    const shared = await agent.post(`/inbox/${conversationId}/files/${box[0].id}/share`, {}, { htmx: true });
    expect(shared.status).toBe(200);
    const [message] = await t.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out")));
    expect(message.kind).toBe("file");
    const [sentFile] = await t.db.select().from(attachments).where(eq(attachments.messageId, message.id));
    expect(sentFile.storageKey).toBe(box[0].storageKey);
    // The box keeps its copy.
    const page = (await agent.html(`/inbox/${conversationId}`)).text;
    expect(page.slice(page.indexOf('id="widget-files"'))).toContain("Contract.pdf");

    const refused = await agent.post(`/inbox/${conversationId}/files/${box[1].id}/share`, {}, { htmx: true });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("tool.exe: this channel cannot carry this type of file");

    // Removing the shared one keeps the bytes the sent message still uses.
    const removed = await agent.post(`/inbox/${conversationId}/files/${box[0].id}/remove`, {}, { htmx: true });
    expect(await removed.text()).not.toContain("Contract.pdf");
    expect((await agent.get(`/media/${sentFile.id}`)).status).toBe(200);
  });

  it("works without JavaScript (a multipart form) and stays inside the organization", async () => {
    const { conversationId, agent } = await joinedConversation(t, "whatsapp");
    const form = new FormData();
    form.append("file", new File([fileOf("pdf", 2000)], "Plain.pdf", { type: "application/pdf" }));
    const res = await agent.request(`/inbox/${conversationId}/files`, { method: "POST", body: form });
    expect(res.status).toBe(303);
    expect((await agent.html(`/inbox/${conversationId}`)).text).toContain("Plain.pdf");
    const other = await joinedConversation(t, "whatsapp");
    expect((await uploadToBox(other.agent, conversationId, fileOf("pdf", 100), "x.pdf")).status).toBe(404);
  });
});
