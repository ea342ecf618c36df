// A contact's satisfaction survey answers (its page): rating, comment, which conversation.
import type { contactRatings } from "../../src/bot/polls";
import { fullTime } from "../format";
import type { Ui } from "../ui";

export function ContactRatings({ ui, ratings }: { ui: Ui; ratings: Awaited<ReturnType<typeof contactRatings>> }) {
  if (ratings.length === 0) return null;
  return (
    <section class="card contact-ratings">
      <h2>{ui.t("bot.contact.ratings")}</h2>
      <ul class="plain">
        {ratings.map((r) => (
          <li>
            <a href={`/inbox/${r.conversationId}?tab=all`}>
              <strong aria-label={`${r.rating}/5`}>{"★".repeat(Number(r.rating))}{"☆".repeat(5 - Number(r.rating))}</strong> {r.rating}/5
            </a>
            {r.comment ? <p>{r.comment}</p> : null}
            {r.answeredAt ? <small class="muted">{fullTime(r.answeredAt, ui.locale, ui.actor!.timezone)}</small> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
