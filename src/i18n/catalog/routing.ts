// Routing: the thread's system lines and the queue's labels.
export const en = {
  "routing.method.manual": "manual",
  "routing.method.round_robin": "round-robin",
  "routing.method.least_busy": "least busy",
  "routing.method.owner": "contact's owner",
  "routing.assignedTo": "Assigned to {name} by routing ({how})",
  "routing.reroutedTo": "Re-routed to {name} by routing after no reply ({how})",
  "routing.assignedByRule": "Assigned to {name} by the rule “{rule}” ({how})",
  "routing.waiting": "{group} · waiting {duration}",
  "routing.minutes": "{count} min",
  "routing.hours": "{hours} h {minutes} min",
} as const;

export const tr: Record<keyof typeof en, string> = {
  "routing.method.manual": "elle",
  "routing.method.round_robin": "sırayla",
  "routing.method.least_busy": "en az meşgul",
  "routing.method.owner": "kişinin sahibi",
  "routing.assignedTo": "Yönlendirme ile {name} kişisine atandı ({how})",
  "routing.reroutedTo": "Yanıt gelmediği için yönlendirme ile {name} kişisine aktarıldı ({how})",
  "routing.assignedByRule": "“{rule}” kuralı ile {name} kişisine atandı ({how})",
  "routing.waiting": "{group} · {duration} bekliyor",
  "routing.minutes": "{count} dk",
  "routing.hours": "{hours} sa {minutes} dk",
};
