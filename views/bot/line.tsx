// The bot's (and a survey's or poll's) system lines in a thread, drawn from what they stored in the
// reader's language: "Customer chose “Order status”", "Bot handed over to Returns".
import type { BotLine } from "../../src/bot/lines";
import { fullTime } from "../format";
import type { Ui } from "../ui";

export const botLineOf = (metadata: unknown): BotLine | null => {
  const line = (metadata as Record<string, unknown> | null)?.bot as BotLine | { line: "says" } | undefined;
  return line && line.line !== "says" ? line : null;
};

export function botLineText(ui: Ui, line: BotLine): string {
  switch (line.line) {
    case "handover":
      return ui.t(`bot.line.handover.${line.reason}`, { group: line.workgroupName ?? ui.t("bot.line.noGroup") });
    case "chose":
      return ui.t("bot.line.chose", { title: line.title });
    case "saved":
      return ui.t("bot.line.saved", { field: line.field, value: line.value });
    case "invalid":
      return ui.t("bot.line.invalid", { field: line.field });
    case "joined":
      return ui.t("bot.line.joined", { name: line.name });
    case "rated":
      return ui.t("bot.line.rated", { rating: String(line.rating) });
    case "poll_answer":
      return ui.t("bot.line.poll_answer", { question: line.question, answer: line.answer });
    default:
      return ui.t(`bot.line.${line.line}`);
  }
}

export function BotLineItem({ ui, id, line, createdAt }: { ui: Ui; id: number; line: BotLine; createdAt: Date }) {
  return (
    <li class={`message event system-line bot-line bot-${line.line}`} id={`m-${id}`} data-id={String(id)}>
      <span>{botLineText(ui, line)}</span> <time datetime={createdAt.toISOString()}>{fullTime(createdAt, ui.locale, ui.actor!.timezone)}</time>
    </li>
  );
}

/** Whether an outbound message no person wrote is the bot's (its menus and answers, surveys). */
export function isBotMessage(m: { direction: string; authorName?: string | null; metadata?: unknown }): boolean {
  if (m.direction !== "out" || m.authorName) return false;
  const meta = m.metadata as Record<string, unknown> | null;
  return meta?.bot !== undefined || meta?.survey !== undefined;
}
