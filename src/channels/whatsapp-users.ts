// Who wrote a WhatsApp message: the phone number (wa_id, `from`) when Meta shows it, and the
// business-scoped user id (BSUID, `user_id` / `from_user_id`) and username it sends beside it, or
// instead of it for people who hide their number behind a username. A customer is keyed by the
// phone when it is visible (as before BSUIDs) and by the BSUID otherwise; when a webhook names both,
// the other one is an alias, and identities.ts joins them into one contact.
type Obj = Record<string, any>;

export interface WhatsAppPerson {
  waId: string | null;
  userId: string | null;
  name: string;
  username: string | null;
}

export type WhatsAppPeople = WhatsAppPerson[];

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" ? String(v) : null);

/** `value.contacts[]`: `{profile: {name, username?}, wa_id?, user_id?}`. */
export function whatsappPeople(contacts: unknown): WhatsAppPeople {
  if (!Array.isArray(contacts)) return [];
  return contacts.map((c: Obj) => ({
    waId: str(c?.wa_id),
    userId: str(c?.user_id),
    name: str(c?.profile?.name) ?? "",
    username: str(c?.profile?.username),
  }));
}

/** A business-scoped user id: a two-letter country code, a dot, then letters and digits (`US.1349…`, `US.ENT.1181…`). */
export function isBusinessScopedId(id: string): boolean {
  return /^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/.test(id);
}

/**
 * The sender of `messages[i]`: its key (the phone digits, else the BSUID), its other ids, a name
 * to show and the phone, if visible. Null when the message names nobody.
 */
export function senderOf(m: Obj, people: WhatsAppPeople): { externalId: string; aliases: string[]; name: string; phone: string | null } | null {
  const phone = str(m?.from);
  const fromUser = str(m?.from_user_id);
  const person =
    people.find((p) => (phone && p.waId === phone) || (fromUser && p.userId === fromUser)) ?? (people.length === 1 && !people[0].waId && !people[0].userId ? people[0] : undefined);
  const userId = fromUser ?? person?.userId ?? null;
  const externalId = phone ?? userId;
  if (!externalId) return null;
  const name = person?.name || (person?.username ? `@${person.username.replace(/^@/, "")}` : "") || (phone ? `+${phone}` : (person?.username ?? externalId));
  return { externalId, aliases: phone && userId ? [userId] : [], name, phone: phone ? `+${phone}` : null };
}
