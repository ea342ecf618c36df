// The composer of a comment thread: a note, a public reply under the comment, or a private reply
// (one direct message to the commenter, into their chat). Text only: comments carry no files here.
import type { ThreadData } from "../../src/inbox/thread";
import { capabilitiesOf } from "../../src/channels/capabilities";
import type { Draft } from "../../src/inbox/thread";
import type { Ui } from "../ui";
import { threadForm } from "../inbox/thread-form";

export function CommentComposer({ ui, base, draft, c }: { ui: Ui; base: string; draft?: Draft; c: ThreadData["conversation"] }) {
  const max = capabilitiesOf(c.channelKind, c.channelConfig ?? {}).textMaxLength;
  return (
    <form {...threadForm(`${base}/comments/reply`)} class="composer comment-composer" id="composer-form">
      <label class="visually-hidden" for="composer-body">
        {ui.t("inbox.message")}
      </label>
      <textarea id="composer-body" name="body" rows={3} maxlength={max} placeholder={ui.t("comments.placeholder")} aria-describedby="private-hint">
        {draft?.body ?? ""}
      </textarea>
      <small class="muted" id="private-hint">
        {ui.t("comments.privateHint")}
      </small>
      <div class="composer-actions">
        <button type="submit" name="as" value="note" class="note-button">
          {ui.t("inbox.addNote")}
        </button>
        <button type="submit" name="as" value="private">
          {ui.t("comments.replyPrivately")}
        </button>
        <button type="submit" name="as" value="public" class="primary">
          {ui.t("comments.replyPublicly")}
        </button>
      </div>
    </form>
  );
}
