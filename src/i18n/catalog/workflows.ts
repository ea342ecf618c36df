// Automation: workflows, business hours, out-of-office and welcome replies, and the thread's system lines.
export const en = {
  "workflows.line.assign_workgroup": "Assigned to a workgroup by rule “{rule}”",
  "workflows.line.assign_user": "Assigned to an agent by rule “{rule}”",
  "workflows.line.add_tag": "Tag added by rule “{rule}”",
  "workflows.line.remove_tag": "Tag removed by rule “{rule}”",
  "workflows.line.set_field": "Contact field “{key}” set by rule “{rule}”",
  "workflows.line.close": "Closed by rule “{rule}”",
  "workflows.line.start_conversation": "Conversation started by rule “{rule}”",
  "workflows.line.automated_reply.out_of_office": "Out-of-office reply sent",
  "workflows.line.automated_reply.welcome": "Welcome message sent",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "workflows.line.assign_workgroup": "“{rule}” kuralı bir iş grubuna atadı",
  "workflows.line.assign_user": "“{rule}” kuralı bir temsilciye atadı",
  "workflows.line.add_tag": "“{rule}” kuralı etiket ekledi",
  "workflows.line.remove_tag": "“{rule}” kuralı etiket kaldırdı",
  "workflows.line.set_field": "“{rule}” kuralı “{key}” kişi alanını ayarladı",
  "workflows.line.close": "“{rule}” kuralı konuşmayı kapattı",
  "workflows.line.start_conversation": "“{rule}” kuralı konuşma başlattı",
  "workflows.line.automated_reply.out_of_office": "Mesai dışı yanıtı gönderildi",
  "workflows.line.automated_reply.welcome": "Karşılama mesajı gönderildi",
};
