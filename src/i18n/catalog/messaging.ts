// Inbox: reply windows, templates and what channels refuse.
export const en = {
  "window.open": "Reply window: {left} left.",
  "window.tagged": "Past the 24-hour window: replies go out with the HUMAN_AGENT tag until {until}.",
  "window.closedTemplates": "More than 24 hours since the customer's last message: WhatsApp only allows a template now.",
  "window.closed": "Too long since the customer's last message: this channel no longer accepts replies until they write again.",
  "window.sendTemplate": "Send a template",
  "window.sendThisTemplate": "Send this template",
  "window.noTemplates": "This channel has no approved templates yet.",
  "inbox.error.outsideWindow": "The reply window has closed; the message was not sent (your draft is kept).",
  "inbox.error.tooLong": "Too long for this channel; shorten the message (your draft is kept).",
  "inbox.error.noTemplate": "That template is not available on this channel.",
  "inbox.pinned": "Pinned",
  "support.welcome": "Welcome to Kanal! This is your line to Kanal's support team: write to us here whenever you need help with your inbox.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "window.open": "Yanıt süresi: {left} kaldı.",
  "window.tagged": "24 saatlik süre geçti: yanıtlar {until} tarihine kadar HUMAN_AGENT etiketiyle gider.",
  "window.closedTemplates": "Müşterinin son mesajının üzerinden 24 saatten fazla geçti: WhatsApp artık yalnızca şablon mesaja izin veriyor.",
  "window.closed": "Müşterinin son mesajının üzerinden çok zaman geçti: müşteri yeniden yazana kadar bu kanal yanıt kabul etmiyor.",
  "window.sendTemplate": "Şablon gönder",
  "window.sendThisTemplate": "Bu şablonu gönder",
  "window.noTemplates": "Bu kanalda henüz onaylı şablon yok.",
  "inbox.error.outsideWindow": "Yanıt süresi doldu; mesaj gönderilmedi (taslağınız duruyor).",
  "inbox.error.tooLong": "Bu kanal için çok uzun; mesajı kısaltın (taslağınız duruyor).",
  "inbox.error.noTemplate": "Bu şablon bu kanalda kullanılamıyor.",
  "inbox.pinned": "Sabitlenmiş",
  "support.welcome": "Kanal'a hoş geldiniz! Burası Kanal destek ekibine açılan hattınız: gelen kutunuzla ilgili yardıma ihtiyacınız olduğunda buradan bize yazın.",
};
