// Admin: tags.
export const en = {
  "tags.title": "Tags",
  "tags.create": "New tag",
  "tags.edit": "Edit {name}",
  "tags.color": "Colour",
  "tags.usage": "Conversations",
  "tags.empty": "No tags yet.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "tags.title": "Etiketler",
  "tags.create": "Yeni etiket",
  "tags.edit": "{name} düzenle",
  "tags.color": "Renk",
  "tags.usage": "Konuşmalar",
  "tags.empty": "Henüz etiket yok.",
};
