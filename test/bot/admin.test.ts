// Admin → Bot through the real app: a menu with a sub-menu saved from the form, refused input kept,
// the list showing what applies (a brand's bot for its channels), and other roles and organizations kept out.
import { describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { botMenus, brands, channels, customFields } from "@db/schema";
import { menuForChannel } from "../../src/bot/menus";
import { useTestApp } from "../support/app";
import { addChannel } from "../support/channels";

const t = useTestApp();

const form = (extra: Record<string, string> = {}) => ({
  enabled: "on",
  greeting: "Merhaba! Size nasıl yardımcı olabiliriz?",
  o0_title: "Sipariş durumu", o0_action: "question", o0_text: "Sipariş numaranız?", o0_field: "siparis", o0_parent: "", o0_group: "", o0_id: "",
  o1_title: "Diğer", o1_action: "submenu", o1_text: "Başka ne?", o1_field: "", o1_parent: "", o1_group: "", o1_id: "",
  o2_title: "İade", o2_action: "handover", o2_text: "", o2_field: "", o2_parent: "1", o2_group: "", o2_id: "",
  o3_title: "", o3_action: "", o3_text: "", o3_field: "", o3_parent: "", o3_group: "", o3_id: "",
  handoverKeyword: "temsilci",
  timeoutMinutes: "15",
  handoverWorkgroupId: "",
  unknownText: "",
  surveyEnabled: "on",
  surveyQuestion: "Bizi 1–5 arası puanlar mısınız?",
  surveyComment: "",
  ...extra,
});

describe("Admin → Bot", () => {
  it("saves a menu with a sub-menu from the form and shows it back; a brand's bot applies to its channels without their own", async () => {
    const w = await t.world();
    await t.db.insert(customFields).values({ orgId: w.orgId, key: "siparis", label: "Sipariş no", type: "number" });
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: "4500000000001" });
    const admin = await t.signIn(w.admin.email, w.orgId);
    const res = await admin.post(`/admin/bot/channel/${channel.id}`, form({ o2_group: String(w.workgroupId) }));
    expect(res.status).toBe(303);
    const menu = (await menuForChannel(t.db, channel.id))!;
    expect(menu).toMatchObject({ enabled: true, handoverKeyword: "temsilci", timeoutMinutes: 15, surveyEnabled: true });
    expect(menu.options).toEqual([
      { id: "o0", title: "Sipariş durumu", action: "question", text: "Sipariş numaranız?", fieldKey: "siparis" },
      { id: "o1", title: "Diğer", action: "submenu", text: "Başka ne?", options: [{ id: "o2", title: "İade", action: "handover", workgroupId: w.workgroupId }] },
    ]);
    const page = (await admin.html(`/admin/bot/channel/${channel.id}`)).text;
    expect(page).toContain('value="Sipariş durumu"');
    expect(page).toContain('<option value="1" selected="">2. Diğer</option>');
    const list = (await admin.html("/admin/bot")).text;
    expect(list).toContain(`/admin/bot/channel/${channel.id}`);

    const [brand] = await t.db.insert(brands).values({ orgId: w.orgId, name: "Mağaza" }).returning();
    const other = await addChannel(t.db, t.config, w.orgId, "messenger", { pageId: "5200000000001" });
    await t.db.update(channels).set({ brandId: brand.id }).where(eq(channels.id, other.id));
    expect(await menuForChannel(t.db, other.id)).toBeNull();
    expect((await admin.post(`/admin/bot/brand/${brand.id}`, form({ o0_action: "answer", o0_text: "Kargo 2 günde gelir.", o0_field: "" }))).status).toBe(303);
    expect((await menuForChannel(t.db, other.id))!.brandId).toBe(brand.id);
    expect((await admin.html("/admin/bot")).text).toContain("From brand Mağaza");
    expect((await admin.post(`/admin/bot/brand/${brand.id}/remove`)).status).toBe(303);
    expect(await menuForChannel(t.db, other.id)).toBeNull();
  });

  it("keeps what was typed and says what is wrong: a question without a CRM field, a sub-menu without options, another organization's workgroup", async () => {
    const w = await t.world();
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: "4500000000002" });
    const admin = await t.signIn(w.admin.email, w.orgId);
    const bad = await admin.post(`/admin/bot/channel/${channel.id}`, form({ o0_field: "", o2_parent: "" }));
    expect(bad.status).toBe(422);
    const text = await bad.text();
    expect(text).toContain("Choose one of your CRM fields.");
    expect(text).toContain("Merhaba! Size nasıl yardımcı olabiliriz?");
    const stranger = await t.world("Other");
    await t.db.insert(customFields).values({ orgId: w.orgId, key: "siparis", label: "Sipariş no", type: "number" });
    const foreign = await admin.post(`/admin/bot/channel/${channel.id}`, form({ o2_group: String(stranger.workgroupId) }));
    expect(foreign.status).toBe(422);
    expect(await foreign.text()).toContain("Choose one of your workgroups.");
    expect(await t.db.select().from(botMenus).where(eq(botMenus.channelId, channel.id))).toHaveLength(0);
  });

  it("is for admins of the channel's own organization only", async () => {
    const w = await t.world();
    const channel = await addChannel(t.db, t.config, w.orgId, "whatsapp", { phoneNumberId: "4500000000003" });
    const supervisor = await t.signIn(w.supervisor.email, w.orgId);
    expect((await supervisor.get("/admin/bot")).status).toBe(403);
    expect((await supervisor.post(`/admin/bot/channel/${channel.id}`, form())).status).toBe(403);
    const stranger = await t.world("Other");
    const outsider = await t.signIn(stranger.admin.email, stranger.orgId);
    expect((await outsider.get(`/admin/bot/channel/${channel.id}`)).status).toBe(404);
    expect((await outsider.post(`/admin/bot/channel/${channel.id}`, form())).status).toBe(404);
    expect((await outsider.post(`/admin/bot/channel/${w.supportChannelId}`, form())).status).toBe(404);
    expect(await t.db.select().from(botMenus).where(eq(botMenus.channelId, channel.id))).toHaveLength(0);
  });
});
