// WebChat: the widget's demo page (the widget itself carries its own English and Turkish strings).
export const en = {
  "webchat.demo.title": "WebChat demo",
  "webchat.demo.store": "Demo Store",
  "webchat.demo.heading": "A shop page with the chat widget",
  "webchat.demo.lead": "This page stands in for your website. The chat button in the corner is the widget; what you write there arrives in the inbox of the channel “{name}”, live.",
  "webchat.demo.tryIt": "Open the chat, write a message, then sign in as an agent in another window and answer it.",
  "webchat.demo.embed": "To put the widget on your own site, add this line before </body>:",
  "webchat.demo.noChannel": "There is no WebChat channel to show here. Open this page as /widget/demo?channel=<channel key>.",
  "webchat.demo.product": "Linen shirt",
  "webchat.demo.productText": "Light, breathable, made to last. Questions about sizes or shipping? Ask in the chat.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "webchat.demo.title": "Web sohbet denemesi",
  "webchat.demo.store": "Demo Mağaza",
  "webchat.demo.heading": "Sohbet penceresi eklenmiş bir mağaza sayfası",
  "webchat.demo.lead": "Bu sayfa sizin web sitenizin yerine geçer. Köşedeki sohbet düğmesi pencerenin kendisidir; oraya yazdıklarınız “{name}” kanalının gelen kutusuna anında düşer.",
  "webchat.demo.tryIt": "Sohbeti açıp bir mesaj yazın, sonra başka bir pencerede temsilci olarak giriş yapıp yanıtlayın.",
  "webchat.demo.embed": "Pencereyi kendi sitenize eklemek için </body> etiketinden önce şu satırı koyun:",
  "webchat.demo.noChannel": "Burada gösterilecek bir web sohbet kanalı yok. Sayfayı /widget/demo?channel=<kanal anahtarı> olarak açın.",
  "webchat.demo.product": "Keten gömlek",
  "webchat.demo.productText": "Hafif, nefes alan, uzun ömürlü. Beden ya da kargo hakkında sorunuz mu var? Sohbetten sorun.",
};
