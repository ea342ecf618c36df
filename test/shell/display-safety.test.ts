// Invisible controls in names and file names, from every way one arrives, are dropped before anyone
// reads them: "\u202Egpj.exe" must never read as "exe.jpg".
import { describe, expect, it } from "bun:test";
import { and, eq, like } from "drizzle-orm";
import { attachments, contacts, users } from "@db/schema";
import { neutralise, plainFilename } from "../../src/names";
import { useTestApp } from "../support/app";
import { useLiveChannels } from "../channels/support/live-channels";
import { fileOf, joinedConversation, upload } from "../media/support";

const t = useTestApp({ STORAGE_DIR: `/tmp/kanal-test-display-${process.pid}` });
const live = useLiveChannels(t);

const RLO = "\u202E";
const hidden = /[\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/;

describe("names and file names are shown neutralised", () => {
  it("drops overrides, isolates and zero-width characters, and keeps what writing needs", () => {
    expect(neutralise(`${RLO}gpj.exe`)).toBe("gpj.exe");
    expect(neutralise("Ay\u200Bşe\u2066 Yılmaz\u2069\uFEFF")).toBe("Ayşe Yılmaz");
    expect(neutralise("👨‍👩‍👧 می‌خواهم")).toBe("👨‍👩‍👧 می‌خواهم");
    expect(plainFilename("../\u202Eevil/\u0000x.pdf")).toBe(".._evil_x.pdf");
    expect(plainFilename(`${RLO}`)).toBe("file");
  });

  it("a name an admin types for a new user", async () => {
    const w = await t.world();
    const admin = await t.signIn(w.admin.email, w.orgId);
    await admin.post("/admin/users", { name: `Mal${RLO}lory`, email: "mallory@display.test", role: "agent" });
    const [user] = await t.db.select().from(users).where(eq(users.email, "mallory@display.test"));
    expect(user.name).toBe("Mallory");
    expect((await admin.html("/admin/users")).text).not.toMatch(hidden);
  });

  it("a file an agent uploads keeps a neutral name and the type its bytes have", async () => {
    const { conversationId, agent } = await joinedConversation(t, "whatsapp");
    const res = await upload(agent, conversationId, fileOf("pdf", 1000), { filename: `invoice${RLO}fdp.exe` });
    const body = await res.json();
    const [file] = await t.db.select().from(attachments).where(eq(attachments.id, body.id));
    expect(file.filename).toBe("invoicefdp.exe");
    expect(file.mime).toBe("application/pdf");
  });

  it("a customer's name and an inbound file's name and type from the provider", async () => {
    const w = await t.world();
    const channel = await live.channel(w.orgId, "whatsapp", "420000000009911");
    // A page of HTML that claims to be a JPEG photo, under a name that reverses its extension.
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    await live.fake.pushWhatsAppMedia({ channel: channel.webhookKey, from: "905550009911", name: `Ayşe${RLO}gpj.exe`, kind: "document", bytes: html, mimeType: "image/jpeg", filename: `photo${RLO}gpj.exe` });
    await live.settle();
    const [contact] = await t.db.select().from(contacts).where(and(eq(contacts.orgId, w.orgId), like(contacts.name, "Ayşe%")));
    expect(contact.name).toBe("Ayşegpj.exe");
    const [file] = await t.db.select().from(attachments).where(and(eq(attachments.orgId, w.orgId), eq(attachments.contactId, contact.id)));
    expect(file.filename).toBe("photogpj.exe");
    expect(file.mime).not.toStartWith("image/");
    expect(file.mime).toStartWith("text/");
  });
});
