// Admin: workgroups.
export const en = {
  "workgroups.title": "Workgroups",
  "workgroups.intro": "Teams of agents. Conversations can be assigned to a workgroup, and its members see them.",
  "workgroups.create": "New workgroup",
  "workgroups.edit": "Edit “{name}”",
  "workgroups.members": "Members",
  "workgroups.memberCount": "Member count",
  "workgroups.andMore": "+{count} more",
  "workgroups.deactivated": "deactivated",
  "workgroups.noMembers": "No members yet.",
  "workgroups.noChoices": "No active members to add yet.",
  "workgroups.empty": "No workgroups yet. Group agents to assign conversations to a team.",
  "workgroups.confirmDelete": "Delete the workgroup “{name}”? Its conversations keep their agent.",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "workgroups.title": "Çalışma grupları",
  "workgroups.intro": "Temsilci ekipleri. Konuşmalar bir çalışma grubuna atanabilir ve grubun üyeleri bu konuşmaları görür.",
  "workgroups.create": "Yeni çalışma grubu",
  "workgroups.edit": "“{name}” çalışma grubunu düzenle",
  "workgroups.members": "Üyeler",
  "workgroups.memberCount": "Üye sayısı",
  "workgroups.andMore": "+{count} kişi daha",
  "workgroups.deactivated": "devre dışı",
  "workgroups.noMembers": "Henüz üye yok.",
  "workgroups.noChoices": "Eklenecek etkin üye henüz yok.",
  "workgroups.empty": "Henüz çalışma grubu yok. Konuşmaları bir ekibe atamak için temsilcileri gruplayın.",
  "workgroups.confirmDelete": "“{name}” çalışma grubu silinsin mi? Konuşmaları temsilcilerinde kalır.",
};
