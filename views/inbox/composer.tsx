// The reply box: text, file chips, the voice recorder, and the note and send buttons.
import { capabilitiesOf } from "../../src/channels/capabilities";
import { clientRules } from "../../src/media/limits";
import type { Draft, ThreadData } from "../../src/inbox/thread";
import { Icon, PendingChip } from "../media/attachments";
import type { Ui } from "../ui";
import { threadForm } from "./thread-form";
import { ComposerAids, composerAidsAttributes, type ComposerAidsData } from "./composer-aids";

export function Composer({ ui, base, draft, c, aids }: { ui: Ui; base: string; draft?: Draft; c: ThreadData["conversation"]; aids?: ComposerAidsData }) {
  const rules = clientRules(capabilitiesOf(c.channelKind, c.channelConfig ?? {}));
  const captions = Object.values(rules.media).some((r) => r.caption);
  const messages = {
    tooLarge: ui.t("media.error.tooLarge", { name: "{name}", size: "{size}", kind: "{kind}", max: "{max}" }),
    type: ui.t("media.error.type", { name: "{name}", mime: "{mime}" }),
    failed: ui.t("media.error.failed", { name: "{name}" }),
    wait: ui.t("media.waitUploads"),
    remove: ui.t("media.remove", { name: "{name}" }),
    voiceNote: ui.t("media.voiceNote"),
    noMicrophone: ui.t("media.noMicrophone", { reason: "{reason}" }),
    kinds: { image: ui.t("media.kind.image"), video: ui.t("media.kind.video"), audio: ui.t("media.kind.audio"), voice: ui.t("media.kind.voice"), document: ui.t("media.kind.document"), sticker: ui.t("media.kind.sticker") },
  };
  return (
    <form {...threadForm(`${base}/reply`)} class="composer" id="composer-form" data-composer data-upload={`${base}/uploads`} data-rules={JSON.stringify(rules)} data-messages={JSON.stringify(messages)} data-locale={ui.locale}>
      <p class="drop-hint" aria-hidden="true">
        {ui.t("media.dropHere")}
      </p>
      <ul class="file-chips" id="composer-files" aria-live="polite">
        {(draft?.files ?? []).map(({ file, voice }) => (
          <PendingChip ui={ui} file={file} voice={voice} />
        ))}
      </ul>
      <div class="recorder" id="recorder" hidden>
        <span class="rec-dot" aria-hidden="true"></span>
        <span class="rec-state" data-rec-state data-recording={ui.t("media.recording")} data-paused={ui.t("media.paused")}>
          {ui.t("media.recording")}
        </span>
        <time class="rec-timer" id="rec-timer">
          0:00
        </time>
        <button type="button" data-rec="pause">
          {ui.t("media.pause")}
        </button>
        <button type="button" data-rec="resume" hidden>
          {ui.t("media.resume")}
        </button>
        <button type="button" data-rec="stop">
          {ui.t("media.stop")}
        </button>
        <audio id="rec-preview" controls hidden></audio>
        <button type="button" data-rec="delete" hidden>
          {ui.t("media.deleteRecording")}
        </button>
        <small class="muted rec-ready" hidden>
          {ui.t("media.recordingReady")}
        </small>
      </div>
      <label class="visually-hidden" for="composer-body">
        {ui.t("inbox.message")}
      </label>
      <textarea id="composer-body" name="body" rows={3} maxlength={4096} placeholder={ui.t("inbox.composerPlaceholder")} data-enter-submits {...composerAidsAttributes(ui, base, aids)}>
        {draft?.body ?? ""}
      </textarea>
      <ComposerAids ui={ui} />
      <div class="composer-actions">
        <span class="composer-tools" data-needs-js hidden>
          <label class="tool-button" title={ui.t("media.attachHint")}>
            <input type="file" multiple id="composer-file-input" class="visually-hidden" aria-label={ui.t("media.attach")} />
            <Icon name="clip" />
            <span class="tool-label">{ui.t("media.attach")}</span>
          </label>
          <button type="button" class="tool-button mic" id="record-voice" data-record disabled={!rules.voice} title={rules.voice ? ui.t("media.record") : ui.t("media.noVoice")} aria-describedby={rules.voice ? undefined : "no-voice-why"}>
            <Icon name="mic" />
            <span class="visually-hidden">{ui.t("media.record")}</span>
          </button>
          {rules.voice ? null : (
            <small class="muted no-voice" id="no-voice-why">
              {ui.t("media.noVoice")}
            </small>
          )}
          {captions ? null : <small class="muted caption-note" hidden data-caption-note>{ui.t("media.captionNotCarried")}</small>}
        </span>
        <button type="submit" name="as" value="note" class="note-button">
          {ui.t("inbox.addNote")}
        </button>
        <button type="submit" name="as" value="reply" class="primary">
          {ui.t("inbox.send")}
        </button>
      </div>
    </form>
  );
}
