// Admin: brands (products inside an organization).
export const en = {
  "brands.title": "Brands",
  "brands.intro": "The products of your organization. Each channel can belong to a brand.",
  "brands.create": "New brand",
  "brands.edit": "Edit “{name}”",
  "brands.channels": "Channels",
  "brands.channelCount": "Channels under this brand: {count}.",
  "brands.empty": "No brands yet. Brands group channels by product.",
  "brands.confirmDelete": "Delete the brand “{name}”? Its channels keep working, without a brand.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "brands.title": "Markalar",
  "brands.intro": "Organizasyonunuzun ürünleri. Her kanal bir markaya bağlanabilir.",
  "brands.create": "Yeni marka",
  "brands.edit": "“{name}” markasını düzenle",
  "brands.channels": "Kanallar",
  "brands.channelCount": "Bu markaya bağlı kanal sayısı: {count}.",
  "brands.empty": "Henüz marka yok. Markalar kanalları ürüne göre gruplar.",
  "brands.confirmDelete": "“{name}” markası silinsin mi? Kanalları markasız olarak çalışmaya devam eder.",
};
