// The channels `bun run fake-meta` registers with no flags; Kanal's demo seed can use the same values.
import type { FakeChannel } from "./server";

export const DEMO_FAKE_PORT = 4010;
export const DEMO_KANAL_URL = "http://localhost:3000";
export const DEMO_ACCESS_TOKEN = "demo-access-token";
export const DEMO_APP_SECRET = "demo-app-secret";
export const DEMO_VERIFY_TOKEN = "demo-verify-token";

export const demoIds = {
  whatsapp: { id: "420000000000002", wabaId: "310000000000001", displayPhoneNumber: "15550001111", webhookKey: "demo-whatsapp" },
  messenger: { id: "510000000000003", webhookKey: "demo-messenger" },
  instagram: { id: "17841400000000004", webhookKey: "demo-instagram" },
} as const;

export function demoChannels(kanalUrl = DEMO_KANAL_URL): FakeChannel[] {
  const common = { accessToken: DEMO_ACCESS_TOKEN, appSecret: DEMO_APP_SECRET, verifyToken: DEMO_VERIFY_TOKEN };
  const hook = (key: string) => `${kanalUrl.replace(/\/$/, "")}/webhooks/${key}`;
  const { whatsapp, messenger, instagram } = demoIds;
  return [
    { kind: "whatsapp", ...common, id: whatsapp.id, wabaId: whatsapp.wabaId, displayPhoneNumber: whatsapp.displayPhoneNumber, name: whatsapp.webhookKey, webhookUrl: hook(whatsapp.webhookKey) },
    { kind: "messenger", ...common, id: messenger.id, name: messenger.webhookKey, webhookUrl: hook(messenger.webhookKey) },
    { kind: "instagram", ...common, id: instagram.id, name: instagram.webhookKey, webhookUrl: hook(instagram.webhookKey) },
  ];
}

/** The demo's Facebook post and the comment on it (the seed's comment thread; the fake knows them too). */
export const demoComment = {
  postId: `${demoIds.messenger.id}_1029384756102938`,
  postText: "Yeni sezon sneaker koleksiyonumuz mağazalarda! 👟 Hangi rengi beğendiniz?",
  permalink: `https://www.facebook.com/${demoIds.messenger.id}/posts/1029384756102938`,
  commentId: "1029384756102938_4455667788990011",
  from: "7100000000000042",
  name: "Zeynep Arslan",
  text: "Beyaz olanın 38 numarası var mı? Fiyatı nedir?",
} as const;
