// Admin: workgroups.
export const en = {
  "workgroups.title": "Workgroups",
  "workgroups.create": "New workgroup",
  "workgroups.edit": "Edit {name}",
  "workgroups.members": "Members",
  "workgroups.memberCount": "Members",
  "workgroups.empty": "No workgroups yet. Group agents to assign conversations to a team.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "workgroups.title": "Çalışma grupları",
  "workgroups.create": "Yeni çalışma grubu",
  "workgroups.edit": "{name} düzenle",
  "workgroups.members": "Üyeler",
  "workgroups.memberCount": "Üye sayısı",
  "workgroups.empty": "Henüz çalışma grubu yok. Konuşmaları bir ekibe atamak için temsilcileri gruplayın.",
};
