// What the composer's helpers need (static/composer-aids.js): the colleagues "@" offers, what each
// variable stands for (the preview), and where typing is signalled. Without JavaScript the hint
// says how to write both by hand; the server reads "@Name" and fills variables when sending.
import type { MentionCandidate } from "../../src/inbox/mentions";
import { fillVariables, type VariableValues } from "../../src/inbox/reply-variables";
import type { Ui } from "../ui";

export interface ComposerAidsData {
  people: MentionCandidate[];
  variables: VariableValues;
}

export function composerAidsAttributes(ui: Ui, base: string, aids?: ComposerAidsData): Record<string, string> {
  if (!aids) return {};
  return {
    "data-mention-people": JSON.stringify(aids.people.map((p) => ({ id: p.id, name: p.name }))),
    "data-variables": JSON.stringify(aids.variables),
    "data-typing": `${base}/typing`,
    "data-aid-texts": JSON.stringify({ preview: ui.t("inbox.variables.preview"), missing: ui.t("inbox.variables.previewMissing", { names: "{names}" }), mentions: ui.t("mentions.pickerLabel") }),
  };
}

export function ComposerAids({ ui }: { ui: Ui }) {
  return (
    <>
      <ul class="mention-picker" id="mention-picker" role="listbox" aria-label={ui.t("mentions.pickerLabel")} hidden></ul>
      <div class="variable-preview" id="variable-preview" hidden>
        <strong>{ui.t("inbox.variables.preview")}</strong>
        <p class="preview-text"></p>
        <p class="preview-missing" role="status"></p>
      </div>
      <small class="muted composer-hint">{ui.t("inbox.composerHint")}</small>
    </>
  );
}

/** A quick reply as it would go out here: its tooltip (the preview without JavaScript). */
export function quickReplyPreview(ui: Ui, body: string, variables: VariableValues | undefined): string {
  if (!variables) return body;
  const { text, missing } = fillVariables(body, variables);
  return missing.length ? `${text}\n⚠ ${ui.t("inbox.variables.previewMissing", { names: missing.map((n) => `{{${n}}}`).join(", ") })}` : text;
}
