// "Özge is typing…" under a thread's messages (#typing-indicator), drawn live; the stylesheet fades
// it out a few seconds after the latest signal, and the person's message replaces it.
import type { Ui } from "../ui";

export function TypingIndicator({ ui, name }: { ui: Ui; name?: string }) {
  return (
    <p id="typing-indicator" class="typing-indicator" role="status" hidden={!name}>
      {name ? ui.t("typing.someone", { name }) : ""}
    </p>
  );
}
