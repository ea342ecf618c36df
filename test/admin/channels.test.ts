import { describe, expect, it } from "bun:test";
import { and, eq } from "drizzle-orm";
import { brands, channels, contacts, conversations, events, organizations } from "@db/schema";
import { DEMO_PASSWORD, demoUsers, seedDemo } from "@db/seed";
import { secretsFor } from "../../src/channels/secrets";
import { ORIGIN, useTestApp, type Client } from "../support/app";
import type { World } from "../support/world";

const t = useTestApp();

const TOKEN = "EAAGm0PX4ZCpsBAKtokenvalue1234567890wxyz";
const APP_SECRET = "0123456789abcdef0123456789abcd42";
const VERIFY = "kanal-verify-phrase-9876";

async function adminOf(w: World): Promise<Client> {
  return t.signIn(w.admin.email, w.orgId);
}

async function brandOf(w: World, name = "Kanal Shoes") {
  const [brand] = await t.db.insert(brands).values({ orgId: w.orgId, name }).returning();
  return brand;
}

async function channelNamed(w: World, name: string) {
  const [row] = await t.db.select().from(channels).where(and(eq(channels.orgId, w.orgId), eq(channels.name, name)));
  return row;
}

const box = () => secretsFor(t.config);

function whatsappForm(brandId: number, extra: Record<string, string> = {}) {
  return {
    kind: "whatsapp",
    name: "Shoes WhatsApp",
    brandId: String(brandId),
    phoneNumberId: "420000000000002",
    wabaId: "310000000000001",
    displayPhoneNumber: "+90 555 000 11 11",
    accessToken: TOKEN,
    appSecret: APP_SECRET,
    verifyToken: VERIFY,
    ...extra,
  };
}

/** An admin-made channel, and its id. */
async function whatsappChannel(w: World, admin: Client, extra: Record<string, string> = {}) {
  const brand = await brandOf(w, `Brand ${crypto.randomUUID().slice(0, 8)}`);
  const res = await admin.post("/admin/channels", whatsappForm(brand.id, extra));
  expect(res.status).toBe(303);
  const channel = await channelNamed(w, extra.name ?? "Shoes WhatsApp");
  return { channel, brand };
}

describe("admin channels", () => {
  // First in the file: seedDemo only seeds an empty database.
  it("shows the WhatsApp and WebChat channels of the demo seed, with their settings and defaults", async () => {
    expect(await seedDemo(t.db, t.clock.now())).not.toBeNull();
    const [org] = await t.db.select().from(organizations);
    const admin = await t.signIn(demoUsers[0].email, org.id, DEMO_PASSWORD);
    const list = await admin.html("/admin/channels");
    expect(list.status).toBe(200);
    const seeded = await t.db.select().from(channels).where(eq(channels.orgId, org.id));
    const whatsapp = seeded.find((c) => c.kind === "whatsapp")!;
    const webchat = seeded.find((c) => c.kind === "webchat")!;
    expect(list.text).toContain(`>WhatsApp (demo)</a>`);
    expect(list.text).toContain(`>Website chat</a>`);
    expect(list.text).toContain(`${ORIGIN}/webhooks/${whatsapp.webhookKey}`);
    expect(list.text).toContain("Demo Store");
    expect(list.text).toMatch(/Kanal Support <span class="badge">Built-in<\/span>/);

    const waPage = await admin.html(`/admin/channels/${whatsapp.id}`);
    expect(waPage.status).toBe(200);
    for (const v of ['value="420000000000002"', 'value="310000000000001"', 'value="+90 555 000 11 11"', 'value="WhatsApp (demo)"']) expect(waPage.text).toContain(v);
    expect(waPage.text).toContain("No verify token is saved yet");
    expect(waPage.text).toContain("Not set yet.");

    const chatPage = await admin.html(`/admin/channels/${webchat.id}`);
    expect(chatPage.status).toBe(200);
    expect(chatPage.text).toContain(`&lt;script src=&quot;${ORIGIN}/widget.js&quot; data-channel=&quot;${webchat.webhookKey}&quot; async&gt;&lt;/script&gt;`);
    expect(chatPage.text).toContain('name="maxUploadMb" type="number" value="25"');
    expect(chatPage.text).toContain('name="color" type="color" value="#0f766e"');
    expect(chatPage.text).not.toContain("Connect to Meta");
  });

  it("an admin adds a WhatsApp channel under a brand: exact config keys, secrets sealed, webhook URL and masked secrets shown", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const brand = await brandOf(w);
    const res = await admin.post("/admin/channels", whatsappForm(brand.id));
    expect(res.status).toBe(303);
    const channel = await channelNamed(w, "Shoes WhatsApp");
    expect(res.headers.get("location")).toBe(`/admin/channels/${channel.id}`);
    expect(channel).toMatchObject({ kind: "whatsapp", brandId: brand.id, active: true });
    expect(channel.config).toEqual({ phoneNumberId: "420000000000002", wabaId: "310000000000001", displayPhoneNumber: "+90 555 000 11 11" });
    expect(channel.webhookKey).toMatch(/^[A-Za-z0-9_-]{24}$/);
    // Sealed: the raw column holds none of the secrets, and opening it gives them back.
    for (const secret of [TOKEN, APP_SECRET, VERIFY]) expect(channel.secrets).not.toContain(secret);
    expect(box().open(channel.secrets)).toEqual({ accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY });

    const page = await admin.html(`/admin/channels/${channel.id}`);
    expect(page.text).toContain("Channel created.");
    expect(page.text).toContain(`value="${ORIGIN}/webhooks/${channel.webhookKey}"`);
    expect(page.text).toContain(`data-copy="${ORIGIN}/webhooks/${channel.webhookKey}"`);
    expect(page.text).toContain('placeholder="••••wxyz"');
    expect(page.text).toContain('placeholder="••••cd42"');
    expect(page.text).toContain("Verify token: the one saved below (••••9876).");
    for (const secret of [TOKEN, APP_SECRET, VERIFY]) expect(page.text).not.toContain(secret);

    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "channel_changed"))).orderBy(events.id);
    expect(log.map((e) => e.data)).toEqual([{ channelId: channel.id, change: "created", kind: "whatsapp", name: "Shoes WhatsApp" }]);
    expect(JSON.stringify(log)).not.toContain(TOKEN);
  });

  it("adds Messenger and Instagram channels with their own config keys, and a WebChat channel with no secrets", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const brand = await brandOf(w);
    const secrets = { accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY };
    expect((await admin.post("/admin/channels", { kind: "messenger", name: "Shoes Messenger", brandId: String(brand.id), pageId: "1122334455", ...secrets })).status).toBe(303);
    expect((await admin.post("/admin/channels", { kind: "instagram", name: "Shoes Instagram", brandId: String(brand.id), accountId: "17841400000000001", ...secrets })).status).toBe(303);
    const messenger = await channelNamed(w, "Shoes Messenger");
    const instagram = await channelNamed(w, "Shoes Instagram");
    expect(messenger.config).toEqual({ pageId: "1122334455" });
    expect(instagram.config).toEqual({ accountId: "17841400000000001" });
    expect(box().open(messenger.secrets)).toEqual(secrets);
    expect(box().open(instagram.secrets)).toEqual(secrets);
    expect((await admin.html(`/admin/channels/${messenger.id}`)).text).toContain("Page access token");

    const chat = await admin.post("/admin/channels", {
      kind: "webchat",
      name: "Shop chat",
      brandId: String(brand.id),
      allowedOrigins: "https://Shop.Example.com/\r\n\r\nhttp://localhost:3000\nhttps://shop.example.com",
      preChatForm: "on",
      greeting: "Merhaba! How can we help?",
      maxUploadMb: "",
      color: "#1E88E5",
    });
    expect(chat.status).toBe(303);
    const webchat = await channelNamed(w, "Shop chat");
    expect(webchat.config).toEqual({
      allowedOrigins: ["https://shop.example.com", "http://localhost:3000"],
      preChatForm: true,
      greeting: "Merhaba! How can we help?",
      maxUploadMb: 25,
      color: "#1e88e5",
    });
    expect(webchat.secrets).toBeNull();
    const page = await admin.html(`/admin/channels/${webchat.id}`);
    expect(page.text).toContain(`data-channel=&quot;${webchat.webhookKey}&quot;`);
    expect(page.text).toContain("https://shop.example.com\nhttp://localhost:3000</textarea>");
    expect(page.text).toMatch(/name="preChatForm" checked/);

    const list = (await admin.html("/admin/channels")).text;
    expect(list).toContain(`${ORIGIN}/webhooks/${messenger.webhookKey}`);
    expect(list).toContain(`${ORIGIN}/webhooks/${instagram.webhookKey}`);
    expect(list).toContain(`href="/admin/channels/${webchat.id}#embed"`);
  });

  it("on edit, a blank secret keeps the stored one and a typed one replaces it; secrets never come back in a page", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const { channel, brand } = await whatsappChannel(w, admin);
    const res = await admin.post(`/admin/channels/${channel.id}`, whatsappForm(brand.id, { name: "Renamed", accessToken: "", appSecret: "", verifyToken: "new-verify-phrase-0042" }));
    expect(res.status).toBe(303);
    const after = await channelNamed(w, "Renamed");
    expect(box().open(after.secrets)).toEqual({ accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: "new-verify-phrase-0042" });
    expect(after.webhookKey).toBe(channel.webhookKey);

    // A rejected edit draws the form again, with masks and never the typed or stored secrets.
    const bad = await admin.post(`/admin/channels/${channel.id}`, whatsappForm(brand.id, { name: "", accessToken: "EAAtypedButRejected9999" }));
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Required.");
    expect(html).toContain('placeholder="••••wxyz"');
    expect(html).not.toContain("EAAtypedButRejected9999");
    expect(html).not.toContain(TOKEN);
    expect(box().open((await channelNamed(w, "Renamed")).secrets).accessToken).toBe(TOKEN);

    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "channel_changed"))).orderBy(events.id);
    expect(log.at(-1)!.data).toEqual({ channelId: channel.id, change: "updated", kind: "whatsapp", name: "Renamed", secretsReplaced: ["verifyToken"] });
  });

  it("answers an htmx save with the channel panel and a saved notice", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const { channel, brand } = await whatsappChannel(w, admin);
    const res = await admin.post(`/admin/channels/${channel.id}`, whatsappForm(brand.id, { accessToken: "", appSecret: "", verifyToken: "" }), { htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="channel-panel"');
    expect(html).toContain("Saved.");
  });

  it("refuses bad fields with messages in the admin's language, keeping what was typed", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const brand = await brandOf(w);
    const empty = await admin.post("/admin/channels", { kind: "whatsapp", name: "", brandId: "", phoneNumberId: "", wabaId: "", accessToken: "", appSecret: "", verifyToken: "" });
    expect(empty.status).toBe(422);
    const emptyHtml = await empty.text();
    expect((emptyHtml.match(/<small class="error"[^>]*>Required\.<\/small>/g) ?? []).length).toBe(7);

    const bad = await admin.post("/admin/channels", whatsappForm(brand.id, { phoneNumberId: "42-00", displayPhoneNumber: "call me", appSecret: "has space" }));
    expect(bad.status).toBe(422);
    const badHtml = await bad.text();
    expect(badHtml).toContain("Digits only, as shown in Meta&#39;s dashboard.");
    expect(badHtml).toContain("Use digits, spaces and + ( ) - only.");
    expect(badHtml).toContain("Paste it exactly, without spaces.");
    expect(badHtml).toContain('value="42-00"');
    expect(badHtml).not.toContain(TOKEN);

    const chat = { kind: "webchat", name: "Chat", brandId: String(brand.id) };
    for (const [fields, message] of [
      [{ allowedOrigins: "https://shop.example.com/path" }, "like https://shop.example.com (no path)"],
      [{ allowedOrigins: "shop.example.com" }, "like https://shop.example.com (no path)"],
      [{ allowedOrigins: "ftp://shop.example.com" }, "like https://shop.example.com (no path)"],
      [{ maxUploadMb: "0" }, "A whole number from 1 to 100."],
      [{ maxUploadMb: "101" }, "A whole number from 1 to 100."],
      [{ maxUploadMb: "2.5" }, "A whole number from 1 to 100."],
      [{ maxUploadMb: "lots" }, "A whole number from 1 to 100."],
      [{ color: "red" }, "Pick a colour like #1e88e5."],
    ] as const) {
      const res = await admin.post("/admin/channels", { ...chat, ...fields });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(message);
    }

    admin.cookies.set("kanal_lang", "tr");
    const tr = await admin.post("/admin/channels", whatsappForm(brand.id, { wabaId: "abc", verifyToken: "" }));
    expect(tr.status).toBe(422);
    const trHtml = await tr.text();
    expect(trHtml).toContain("Meta panelinde gösterildiği gibi yalnızca rakam.");
    expect(trHtml).toContain("Zorunlu.");
    expect(await t.db.select().from(channels).where(and(eq(channels.orgId, w.orgId), eq(channels.kind, "whatsapp")))).toHaveLength(0);
  });

  it("refuses another organization's brand, a phone number id already used here, and an unknown kind", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const theirs = await brandOf(rival, "Rival Brand");
    const admin = await adminOf(w);
    const foreign = await admin.post("/admin/channels", whatsappForm(theirs.id));
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toContain("Required.");

    const { brand } = await whatsappChannel(w, admin);
    const dup = await admin.post("/admin/channels", whatsappForm(brand.id, { name: "Second number" }));
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain("Another channel of this organization already uses it.");
    // Another organization may connect the same number id without learning ours is used.
    const rivalAdmin = await adminOf(rival);
    expect((await rivalAdmin.post("/admin/channels", whatsappForm(theirs.id))).status).toBe(303);

    expect((await admin.post("/admin/channels", { kind: "support", name: "Mine", brandId: String(brand.id) })).status).toBe(400);
    expect((await admin.get("/admin/channels/new/support")).status).toBe(404);
  });

  it("an existing channel without secrets asks for them before it can be saved", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const brand = await brandOf(w);
    const [bare] = await t.db
      .insert(channels)
      .values({ orgId: w.orgId, brandId: brand.id, kind: "whatsapp", name: "Bare", config: { phoneNumberId: "1", wabaId: "2" }, webhookKey: "bare-key" })
      .returning();
    const res = await admin.post(`/admin/channels/${bare.id}`, whatsappForm(brand.id, { name: "Bare", accessToken: TOKEN, appSecret: "", verifyToken: "" }));
    expect(res.status).toBe(422);
    expect(((await res.text()).match(/>Required\.<\/small>/g) ?? []).length).toBe(2);
    expect((await channelNamed(w, "Bare")).secrets).toBeNull();
  });

  it("deactivates and activates a channel; each is an event", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const { channel } = await whatsappChannel(w, admin);
    const off = await admin.post(`/admin/channels/${channel.id}/deactivate`);
    expect(off.status).toBe(303);
    expect((await channelNamed(w, "Shoes WhatsApp")).active).toBe(false);
    const page = (await admin.html(`/admin/channels/${channel.id}`)).text;
    expect(page).toContain("This channel is deactivated");
    expect(page).toContain(`action="/admin/channels/${channel.id}/activate"`);
    expect((await admin.html("/admin/channels")).text).toContain('<tr class="inactive">');

    expect((await admin.post(`/admin/channels/${channel.id}/activate`)).status).toBe(303);
    expect((await channelNamed(w, "Shoes WhatsApp")).active).toBe(true);
    const log = await t.db.select().from(events).where(and(eq(events.orgId, w.orgId), eq(events.type, "channel_changed"))).orderBy(events.id);
    expect(log.slice(1).map((e) => (e.data as { change: string }).change)).toEqual(["deactivated", "activated"]);
  });

  it("deletes an unused channel; one with conversations is kept and offered deactivation instead", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const { channel } = await whatsappChannel(w, admin);
    const [used] = await t.db.insert(channels).values({ orgId: w.orgId, kind: "webchat", name: "Used chat", config: {}, webhookKey: "used-chat" }).returning();
    const [contact] = await t.db.insert(contacts).values({ orgId: w.orgId, name: "Özge" }).returning();
    await t.db.insert(conversations).values({ orgId: w.orgId, contactId: contact.id, channelId: used.id });

    const usedPage = (await admin.html(`/admin/channels/${used.id}`)).text;
    expect(usedPage).not.toContain(`/admin/channels/${used.id}/delete`);
    expect(usedPage).toContain("Conversations on this channel: 1.");
    const refused = await admin.post(`/admin/channels/${used.id}/delete`);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("cannot be deleted. Deactivate it instead.");
    expect(await channelNamed(w, "Used chat")).toBeDefined();

    expect((await admin.html(`/admin/channels/${channel.id}`)).text).toContain(`/admin/channels/${channel.id}/delete`);
    const gone = await admin.post(`/admin/channels/${channel.id}/delete`);
    expect(gone.status).toBe(303);
    expect(gone.headers.get("location")).toBe("/admin/channels");
    expect(await channelNamed(w, "Shoes WhatsApp")).toBeUndefined();
  });

  it("shows the built-in support channel read-only: no edit, activation or deletion", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const list = (await admin.html("/admin/channels")).text;
    expect(list).toContain("Kanal Support");
    expect(list).not.toContain(`href="/admin/channels/${w.supportChannelId}"`);
    expect((await admin.get(`/admin/channels/${w.supportChannelId}`)).status).toBe(404);
    expect((await admin.post(`/admin/channels/${w.supportChannelId}`, { kind: "webchat", name: "X", brandId: "1" })).status).toBe(404);
    for (const action of ["deactivate", "activate", "delete"]) expect((await admin.post(`/admin/channels/${w.supportChannelId}/${action}`)).status).toBe(404);
    const [support] = await t.db.select().from(channels).where(eq(channels.id, w.supportChannelId));
    expect(support).toMatchObject({ name: "Kanal Support", active: true });
  });

  it("is for admins only", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const { channel, brand } = await whatsappChannel(w, admin);
    for (const person of [w.supervisor, w.agent]) {
      const client = await t.signIn(person.email, w.orgId);
      expect((await client.get("/admin/channels")).status).toBe(403);
      expect((await client.get("/admin/channels/new/whatsapp")).status).toBe(403);
      expect((await client.post("/admin/channels", whatsappForm(brand.id, { name: "Mine" }))).status).toBe(403);
      expect((await client.get(`/admin/channels/${channel.id}`)).status).toBe(403);
      expect((await client.post(`/admin/channels/${channel.id}`, whatsappForm(brand.id, { name: "Mine" }))).status).toBe(403);
      for (const action of ["deactivate", "activate", "delete"]) expect((await client.post(`/admin/channels/${channel.id}/${action}`)).status).toBe(403);
    }
    expect(await channelNamed(w, "Shoes WhatsApp")).toMatchObject({ id: channel.id, active: true });
  });

  it("never shows or changes another organization's channels", async () => {
    const w = await t.world();
    const rival = await t.world("Rival");
    const { channel: theirs, brand: theirBrand } = await whatsappChannel(rival, await adminOf(rival), { name: "Rival WhatsApp" });
    const admin = await adminOf(w);
    const mine = await brandOf(w);
    const list = (await admin.html("/admin/channels")).text;
    expect(list).not.toContain("Rival WhatsApp");
    expect(list).not.toContain(theirs.webhookKey);
    expect((await admin.get(`/admin/channels/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`/admin/channels/${theirs.id}`, whatsappForm(mine.id, { name: "Taken" }))).status).toBe(404);
    expect((await admin.post(`/admin/channels/${theirs.id}`, whatsappForm(theirBrand.id, { name: "Taken" }))).status).toBe(404);
    for (const action of ["deactivate", "activate", "delete"]) expect((await admin.post(`/admin/channels/${theirs.id}/${action}`)).status).toBe(404);
    expect(await channelNamed(rival, "Rival WhatsApp")).toMatchObject({ id: theirs.id, active: true, secrets: theirs.secrets });
  });

  it("will not turn a channel into another kind through its form", async () => {
    const w = await t.world();
    const admin = await adminOf(w);
    const { channel, brand } = await whatsappChannel(w, admin);
    const res = await admin.post(`/admin/channels/${channel.id}`, { kind: "webchat", name: "Sneaky", brandId: String(brand.id) });
    expect(res.status).toBe(404);
    expect(await channelNamed(w, "Shoes WhatsApp")).toMatchObject({ kind: "whatsapp", config: channel.config });
  });

  it("pages with Load more when there are more than 25", async () => {
    const w = await t.world();
    await t.db.insert(channels).values(Array.from({ length: 30 }, (_, i) => ({ orgId: w.orgId, kind: "webchat" as const, name: `Chat ${String(i).padStart(2, "0")}`, webhookKey: `page-${w.orgId}-${i}` })));
    const admin = await adminOf(w);
    const first = (await admin.html("/admin/channels")).text;
    expect(first).toContain(">Chat 24</a>");
    expect(first).not.toContain(">Chat 25</a>");
    const next = first.match(/hx-get="(\/admin\/channels\?after=[^"]+)"/)![1].replaceAll("&amp;", "&");
    const more = await (await admin.get(next, { htmx: true })).text();
    expect(more.startsWith("<tr")).toBe(true);
    expect(more).toContain(">Chat 29</a>");
    expect(more).toContain("Kanal Support");
    expect(more).not.toContain("Load more");
  });
});
