// Admin: closing messages (built-in ones are translated here; custom ones are stored as typed).
export const en = {
  "closing.builtin.resolved": "Your request has been resolved. Thank you for contacting us!",
  "closing.builtin.noReply": "We have not heard back from you, so we are closing this conversation. Write to us any time.",
  "closing.builtin.transferred": "Thank you for your patience. We are closing this conversation; feel free to reach out again.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "closing.builtin.resolved": "Talebiniz çözüldü. Bize ulaştığınız için teşekkür ederiz!",
  "closing.builtin.noReply": "Sizden yanıt alamadığımız için bu görüşmeyi kapatıyoruz. Bize dilediğiniz zaman yazabilirsiniz.",
  "closing.builtin.transferred": "Sabrınız için teşekkürler. Bu görüşmeyi kapatıyoruz; dilediğiniz zaman yeniden yazabilirsiniz.",
};
