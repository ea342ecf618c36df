// Admin: closing messages (built-in ones are translated here; custom ones are stored as typed).
export const en = {
  "closing.builtin.resolved": "Your request has been resolved. Thank you for contacting us!",
  "closing.builtin.noReply": "We have not heard back from you, so we are closing this conversation. Write to us any time.",
  "closing.builtin.transferred": "Thank you for your patience. We are closing this conversation; feel free to reach out again.",
  "closingMessages.title": "Closing messages",
  "closingMessages.create": "New closing message",
  "closingMessages.edit": "Edit closing message",
  "closingMessages.body": "Message",
  "closingMessages.intro": "When an agent ends a session, the chosen message is sent to the contact. Built-in messages read in the agent's language and cannot be changed; your own come after them, in the order you set.",
  "closingMessages.empty": "No closing messages.",
  "closingMessages.confirmDelete": "Delete this closing message? Conversations already closed with it keep their history.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "closing.builtin.resolved": "Talebiniz çözüldü. Bize ulaştığınız için teşekkür ederiz!",
  "closing.builtin.noReply": "Sizden yanıt alamadığımız için bu görüşmeyi kapatıyoruz. Bize dilediğiniz zaman yazabilirsiniz.",
  "closing.builtin.transferred": "Sabrınız için teşekkürler. Bu görüşmeyi kapatıyoruz; dilediğiniz zaman yeniden yazabilirsiniz.",
  "closingMessages.title": "Kapanış mesajları",
  "closingMessages.create": "Yeni kapanış mesajı",
  "closingMessages.edit": "Kapanış mesajını düzenle",
  "closingMessages.body": "Mesaj",
  "closingMessages.intro": "Bir temsilci oturumu sonlandırdığında seçilen mesaj kişiye gönderilir. Yerleşik mesajlar temsilcinin dilinde okunur ve değiştirilemez; sizin eklediğiniz mesajlar, belirlediğiniz sırayla onlardan sonra gelir.",
  "closingMessages.empty": "Kapanış mesajı yok.",
  "closingMessages.confirmDelete": "Bu kapanış mesajı silinsin mi? Bu mesajla kapatılmış görüşmelerin geçmişi korunur.",
};
