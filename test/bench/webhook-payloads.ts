// Signed WhatsApp text payloads the way Meta writes and signs them, for the webhook cases and their
// Workers (kept free of the app's imports so a Worker loads little).
import { newWamid, wa, whatsappPayload, type WhatsAppRef } from "../../fakes/meta/payloads";
import { metaJson, signatureOf } from "../../fakes/meta/sign";

/** What a Worker needs to write and sign payloads for the channel. */
export interface WebhookTarget {
  url: string;
  appSecret: string;
  channel: WhatsAppRef;
}

/** Customers' numbers: `count` of them from `base`, picked by request number so runs overlap. */
export function customerPhone(base: number, count: number, n: number): string {
  // A multiplicative hash spreads consecutive requests over the numbers (and so over new and known contacts).
  return String(base + ((n * 2_654_435_761) >>> 0) % count);
}

const names = ["Ayşe Yılmaz", "İpek Şahin", "Özge Çelik", "Gökhan Doğan", "Zeynep Öztürk", "Jürgen Müller", "Ana Ruiz", "Łukasz Nowak"];
const texts = [
  "Merhaba, siparişim ne zaman kargoya verilecek? 📦",
  "Ürün hasarlı geldi, iade etmek istiyorum 😕",
  "Kargo takip numaram nedir? Teşekkürler 🙏",
  "Größe tauschen möglich? Danke!",
  "¿Puedo cambiar la dirección de envío?",
];

/** One signed WhatsApp text message from `from`, with a fresh wamid; `marker` (ASCII) opens the text. */
export function signedWhatsappText(target: WebhookTarget, from: string, n: number, marker = ""): { body: string; signature: string } {
  const message = wa.text({ from, id: newWamid(from), text: `${marker}${marker ? " " : ""}${texts[n % texts.length]} #${n}` });
  const body = metaJson(whatsappPayload(target.channel, { contacts: [{ name: names[n % names.length], waId: from }], messages: [message] }));
  return { body, signature: signatureOf(body, target.appSecret) };
}

