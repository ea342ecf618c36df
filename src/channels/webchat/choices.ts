// What a widget shows of a question with choices (a bot menu, a poll, a satisfaction survey): the
// question alone, with its choices as buttons (a survey's as 1–5 stars), instead of the numbered
// text other channels without buttons read; and the choice id a visitor's tap sends back.
import { z } from "zod";
import type { Interactive } from "../../bot/prompts";
import { numberedText } from "../../bot/prompts";

export interface WidgetChoices {
  body: string;
  /** The buttons under the message, when it asks something. */
  choices?: { id: string; title: string }[];
  /** A satisfaction survey: the choices are ratings 1–5, drawn as stars. */
  rating?: true;
}

/** A tap on a choice: its id, as Kanal gave it (bot option, poll answer, survey rating). */
export const replyIdSchema = z.string().regex(/^(bot|poll|survey):[a-z0-9:]{1,40}$/);

export function widgetChoices(body: string, metadata: Record<string, unknown> | null): WidgetChoices {
  const interactive = metadata?.interactive as Interactive | undefined;
  if (!interactive?.choices?.length) return { body };
  const choices = interactive.choices.map((c) => ({ id: c.id, title: c.title }));
  // The stored body is the question and its numbered choices: the buttons say the choices.
  const numbered = numberedText("", choices);
  const question = body === numbered ? "" : body.endsWith(`\n\n${numbered}`) ? body.slice(0, -numbered.length - 2) : body;
  const survey = metadata?.survey as { comment?: boolean } | undefined;
  return { body: question, choices, ...(survey && !survey.comment ? { rating: true as const } : {}) };
}
