// Admin: quick replies.
export const en = {
  "quickReplies.title": "Quick replies",
  "quickReplies.create": "New quick reply",
  "quickReplies.edit": "Edit {name}",
  "quickReplies.replyTitle": "Title",
  "quickReplies.body": "Text",
  "quickReplies.scope": "Who sees it",
  "quickReplies.shared": "Everyone in the organization",
  "quickReplies.personal": "Only me",
  "quickReplies.all": "All",
  "quickReplies.sharedShort": "Shared",
  "quickReplies.personalShort": "Personal",
  "quickReplies.empty": "No quick replies yet.",
  "quickReplies.filter": "Show",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "quickReplies.title": "Hızlı yanıtlar",
  "quickReplies.create": "Yeni hızlı yanıt",
  "quickReplies.edit": "{name} düzenle",
  "quickReplies.replyTitle": "Başlık",
  "quickReplies.body": "Metin",
  "quickReplies.scope": "Kimler görür",
  "quickReplies.shared": "Organizasyondaki herkes",
  "quickReplies.personal": "Yalnızca ben",
  "quickReplies.all": "Tümü",
  "quickReplies.sharedShort": "Ortak",
  "quickReplies.personalShort": "Kişisel",
  "quickReplies.empty": "Henüz hızlı yanıt yok.",
  "quickReplies.filter": "Göster",
};
