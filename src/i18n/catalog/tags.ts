// Admin: tags.
export const en = {
  "tags.title": "Tags",
  "tags.intro": "Labels agents put on conversations, to find and count them later.",
  "tags.create": "New tag",
  "tags.edit": "Edit “{name}”",
  "tags.color": "Colour",
  "tags.usage": "Conversations",
  "tags.usageCount": "Conversations with this tag: {count}.",
  "tags.empty": "No tags yet.",
  "tags.confirmDelete": "Delete the tag “{name}”? It is taken off every conversation that has it.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "tags.title": "Etiketler",
  "tags.intro": "Temsilcilerin konuşmalara koyduğu etiketler; konuşmaları sonradan bulmak ve saymak için.",
  "tags.create": "Yeni etiket",
  "tags.edit": "“{name}” etiketini düzenle",
  "tags.color": "Renk",
  "tags.usage": "Konuşmalar",
  "tags.usageCount": "Bu etiketi taşıyan konuşma sayısı: {count}.",
  "tags.empty": "Henüz etiket yok.",
  "tags.confirmDelete": "“{name}” etiketi silinsin mi? Bu etiket, taşıyan tüm konuşmalardan kaldırılır.",
};
