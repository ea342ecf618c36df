// A bot answer with a file: uploaded in Admin → Bot with the option, kept when the form is saved
// again, sent after the answer's text as the channel's media message (a document on WhatsApp through
// the fake Graph API), removed on request; another organization's file cannot be named.
import { describe, expect, it } from "bun:test";
import { and, eq, isNull } from "drizzle-orm";
import { attachments, botMenus, messages } from "@db/schema";
import { runBot } from "../../src/bot/engine";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";
import { latestConversation } from "./support";

const t = useTestApp();
const live = useLiveChannels(t);
let seq = 0;

const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

async function setup() {
  const w = await t.world();
  const phoneId = `4600000001${String(++seq).padStart(5, "0")}`;
  const channel = await live.channel(w.orgId, "whatsapp", phoneId);
  const admin = await t.signIn(w.admin.email, w.orgId);
  /** Admin → Bot's form for the channel, sent as the browser sends it (multipart, with a file or not). */
  const save = (fields: Record<string, string>, file?: { name: string; bytes: Uint8Array<ArrayBuffer>; type: string }) => {
    const form = new FormData();
    const all = { enabled: "on", greeting: "Welcome!", timeoutMinutes: "10", o0_title: "Price list", o0_action: "answer", o0_text: "Here is our price list.", o0_parent: "", o1_title: "Talk to us", o1_action: "handover", o1_parent: "", ...fields };
    for (const [k, v] of Object.entries(all)) form.append(k, v);
    if (file) form.append("o0_file", new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
    return admin.request(`/admin/bot/channel/${channel.id}`, { method: "POST", body: form });
  };
  const from = `90555400${String(seq).padStart(4, "0")}`;
  const flush = async () => {
    await live.settle();
    await runBot(t.database, () => t.clock.now());
    await t.app.runtime.outbox.runOnce();
    await live.settle();
  };
  const menu = async () => (await t.db.select().from(botMenus).where(eq(botMenus.channelId, channel.id)))[0];
  return { w, channel, phoneId, from, admin, save, flush, menu };
}

describe("a bot answer with a file", () => {
  it("is uploaded with the option, kept on the next save, and sent after the text as a WhatsApp document", async () => {
    const s = await setup();
    const saved = await s.save({}, { name: "prices.pdf", bytes: PDF, type: "application/pdf" });
    expect(saved.status).toBe(303);
    const file = (await s.menu()).options[0].file!;
    expect(file).toMatchObject({ filename: "prices.pdf", mime: "application/pdf", size: PDF.length });
    // The form shows the file; saving again without a new upload keeps it (its name and type come from storage).
    const page = await (await s.admin.get(`/admin/bot/channel/${s.channel.id}`)).text();
    expect(page).toContain('enctype="multipart/form-data"');
    expect(page).toContain("Remove prices.pdf");
    expect((await s.save({ o0_fileId: String(file.attachmentId), o0_fileName: "forged.exe" })).status).toBe(303);
    expect((await s.menu()).options[0].file).toEqual(file);

    await live.fake.pushWhatsAppText({ channel: s.phoneId, from: s.from, name: "Ece", text: "Merhaba" });
    await s.flush();
    await live.fake.pushWhatsAppButtonReply({ channel: s.phoneId, from: s.from, buttonId: "bot:o0", title: "Price list" });
    await s.flush();
    const conv = await latestConversation(t.db, s.channel.id);
    const out = await t.db.select().from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, "out"))).orderBy(messages.id);
    const text = out.findIndex((m) => m.body === "Here is our price list.");
    expect(text).toBeGreaterThan(-1);
    expect(out[text + 1]).toMatchObject({ kind: "file", sentAt: expect.any(Date) });
    const [sentFile] = await t.db.select().from(attachments).where(eq(attachments.messageId, out[text + 1].id));
    expect(sentFile).toMatchObject({ filename: "prices.pdf", mime: "application/pdf" });
    const wire = live.fake.sent.filter((m) => m.to === s.from).map((m) => m.body.type);
    expect(wire).toContain("document");
    // The thread shows the file to agents.
    expect(await (await s.admin.get(`/inbox/${conv.id}`)).text()).toContain("prices.pdf");
  });

  it("is removed on request (the stored copy goes when nothing else uses it); another organization's file cannot be named; an empty upload is none, one too large is refused with the form kept", async () => {
    const s = await setup();
    await s.save({}, { name: "prices.pdf", bytes: PDF, type: "application/pdf" });
    const file = (await s.menu()).options[0].file!;
    expect((await s.save({ o0_fileId: String(file.attachmentId), o0_fileName: file.filename, o0_fileRemove: "on" })).status).toBe(303);
    expect((await s.menu()).options[0].file).toBeUndefined();
    expect(await t.db.select().from(attachments).where(eq(attachments.id, file.attachmentId))).toEqual([]);

    const other = await setup();
    await other.save({}, { name: "theirs.pdf", bytes: PDF, type: "application/pdf" });
    const theirs = (await other.menu()).options[0].file!;
    const refused = await s.save({ o0_fileId: String(theirs.attachmentId), o0_fileName: "theirs.pdf" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("That file is no longer there");
    expect((await s.menu()).options[0].file).toBeUndefined();

    const empty = await s.save({ o0_text: "Kept text" }, { name: "empty.pdf", bytes: new Uint8Array(), type: "application/pdf" });
    // An empty upload is no upload: the option saves without a file.
    expect(empty.status).toBe(303);
    const tooBig = await s.save({ o0_text: "Kept text" }, { name: "big.pdf", bytes: new Uint8Array(17 * 1024 * 1024), type: "application/pdf" });
    expect(tooBig.status).toBe(422);
    const body = await tooBig.text();
    expect(body).toContain("The file is too large");
    expect(body).toContain("Kept text");
    expect(await t.db.select().from(attachments).where(and(eq(attachments.orgId, s.w.orgId), isNull(attachments.messageId)))).toEqual([]);
  });
});
