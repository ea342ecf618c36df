// Admin: brands (products inside an organization).
export const en = {
  "brands.title": "Brands",
  "brands.create": "New brand",
  "brands.edit": "Edit {name}",
  "brands.channels": "Channels",
  "brands.empty": "No brands yet. Brands group channels by product.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "brands.title": "Markalar",
  "brands.create": "Yeni marka",
  "brands.edit": "{name} düzenle",
  "brands.channels": "Kanallar",
  "brands.empty": "Henüz marka yok. Markalar kanalları ürüne göre gruplar.",
};
