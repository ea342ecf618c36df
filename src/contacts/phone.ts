// Phone numbers as Kanal keeps them: E.164 (`+905551112233`), the form WhatsApp addresses people by.

/** A phone number in E.164 (`+905551112233`), or null; spaces, dashes, dots, brackets and a leading 00 are forgiven. */
export function e164(text: string): string | null {
  let s = text.replace(/[\s\-().]/g, "");
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  return /^\+[1-9]\d{7,14}$/.test(s) ? s : null;
}

/** The digits WhatsApp names a person by (its identity's external id): the number without its `+`. */
export const whatsappId = (phone: string) => phone.replace(/\D/g, "");
