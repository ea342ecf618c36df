// A question with choices (a bot menu, a poll, a survey) in each channel's native form: WhatsApp
// reply buttons (up to 3) or a list (up to 10), Messenger and Instagram quick replies, WebChat
// buttons; a numbered text menu where a channel has none. The stored body is always the numbered
// text, so the thread, the preview and a customer who types "2" all read the same.
import type { ChannelKind } from "@db/schema";

export interface Choice {
  /** What the provider echoes back when the customer picks it (button id, list row id, payload). */
  id: string;
  title: string;
}

export interface Interactive {
  type: "buttons" | "list" | "quick_replies";
  text: string;
  choices: Choice[];
  /** WhatsApp list: the label of the button that opens the list. */
  button?: string;
}

/** Meta's limits: reply button titles 20 characters, list rows 24, quick replies 20, body 1024. */
const clip = (text: string, max: number) => (Array.from(text).length <= max ? text : `${Array.from(text).slice(0, max - 1).join("")}…`);

export function numberedText(text: string, choices: Choice[]): string {
  return [text, "", ...choices.map((c, i) => `${i + 1}. ${c.title}`)].join("\n").trim();
}

/** The message body and (where the channel has one) its interactive form. */
export function promptFor(kind: ChannelKind, text: string, choices: Choice[], listButton: string): { body: string; interactive: Interactive | null } {
  const body = numberedText(text, choices);
  if (choices.length === 0) return { body: text, interactive: null };
  switch (kind) {
    case "whatsapp":
      if (choices.length > 10) return { body, interactive: null };
      return choices.length <= 3
        ? { body, interactive: { type: "buttons", text: clip(text || body, 1024), choices: choices.map((c) => ({ id: c.id, title: clip(c.title, 20) })) } }
        : { body, interactive: { type: "list", text: clip(text || body, 1024), button: clip(listButton, 20), choices: choices.map((c) => ({ id: c.id, title: clip(c.title, 24) })) } };
    case "messenger":
    case "instagram":
      // The question and its numbered choices travel as the text; the quick replies under it.
      return choices.length > 13 ? { body, interactive: null } : { body, interactive: { type: "quick_replies", text: body, choices: choices.map((c) => ({ id: c.id, title: clip(c.title, 20) })) } };
    case "webchat":
      return { body, interactive: { type: "buttons", text: body, choices } };
    case "support":
      return { body, interactive: null };
  }
}

/** What the customer's message says they picked: the choice whose id the provider echoed, its number, or its title. */
export function pickedChoice(choices: Choice[], message: { body: string; metadata: Record<string, unknown> }): Choice | null {
  const echoed = echoedId(message.metadata);
  // Kanal's own choice ids decide; a template's buttons echo payloads of their own, read by their text.
  if (echoed && ownChoiceId(echoed)) return choices.find((c) => c.id === echoed) ?? null;
  const text = message.body.trim();
  const number = /^\d{1,2}$/.test(text) ? Number(text) : NaN;
  if (number >= 1 && number <= choices.length) return choices[number - 1];
  const lower = text.toLocaleLowerCase();
  return choices.find((c) => c.title.trim().toLocaleLowerCase() === lower) ?? null;
}

/** Whether an echoed id is one Kanal gave a choice (a bot option, a poll's or a survey's answer). */
export const ownChoiceId = (id: string) => /^(bot|poll|survey):/.test(id);

/** The id the provider echoed, if the message is a tap on an interactive choice. */
export function echoedId(metadata: Record<string, unknown>): string | null {
  const echoed = [metadata.replyId, metadata.quickReply, metadata.postback, metadata.buttonPayload].find((v) => typeof v === "string");
  return (echoed as string | undefined) ?? null;
}
