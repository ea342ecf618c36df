// What a customer did to a message after sending it, and how it arrived, drawn on its bubble: an
// edit (with its earlier text), an unsend (text hidden; kept for audit, shown to supervisors and
// admins on request), a shared link, a standby mark, and a file that could not be fetched.
import type { Ui } from "../ui";

type Meta = Record<string, unknown>;

export const metaOf = (m: object): Meta => (("metadata" in m ? (m as { metadata: unknown }).metadata : null) ?? {}) as Meta;

export const isDeleted = (m: object) => !!metaOf(m).deleted;

/**
 * A message the customer unsent: its text is hidden (kept in metadata.deleted.body, the message's
 * own body emptied; older rows kept it in the body); supervisors and admins may open it for audit.
 */
export function DeletedBody({ ui, m }: { ui: Ui; m: { body: string } }) {
  const audit = ui.actor?.role === "admin" || ui.actor?.role === "supervisor";
  const kept = (metaOf(m).deleted as { body?: unknown } | undefined)?.body;
  const body = typeof kept === "string" ? kept : m.body;
  return (
    <span class="body muted deleted">
      {ui.t("message.deleted")}
      {audit && body ? (
        <details class="deleted-audit">
          <summary>{ui.t("message.deletedAudit")}</summary>
          <s>{body}</s>
        </details>
      ) : null}
    </span>
  );
}

/** "Edited", its title naming the text before the latest edit; nothing on an unsent message (its texts are for audit). */
export function EditedMark({ ui, m }: { ui: Ui; m: object }) {
  const meta = metaOf(m);
  if (!meta.editedAt || meta.deleted) return null;
  const edits = Array.isArray(meta.edits) ? (meta.edits as { body?: string }[]) : [];
  const before = edits[edits.length - 1]?.body ?? "";
  return (
    <span class="edited-mark" title={ui.t("message.editedTitle", { text: before })}>
      {" · "}
      {ui.t("message.edited")}
    </span>
  );
}

/** A shared link as a link, with its title when the provider gave one. */
export function LinkShare({ ui, m }: { ui: Ui; m: object }) {
  const link = metaOf(m).link as { url?: string; title?: string } | undefined;
  if (!link?.url || !/^https?:\/\//i.test(link.url)) return null;
  return (
    <span class="link-share">
      <span class="muted">{ui.t("message.link")}: </span>
      <a href={link.url} target="_blank" rel="noopener noreferrer nofollow">
        {link.title || link.url}
      </a>
    </span>
  );
}

export function StandbyMark({ ui, m }: { ui: Ui; m: object }) {
  return metaOf(m).standby ? <span class="standby-mark"> · {ui.t("message.standby")}</span> : null;
}

/** A file still being fetched, or not fetched after its tries: the notice, and a way to try again. */
export function MediaState({ ui, m, conversationId }: { ui: Ui; m: { id: number }; conversationId?: number }) {
  const state = metaOf(m).media;
  if (state === "pending") return <span class="body muted media-state">{ui.t("message.mediaPending")}</span>;
  if (state !== "unavailable") return null;
  const action = conversationId ? `/inbox/${conversationId}/messages/${m.id}/media-retry` : null;
  return (
    <span class="body muted media-state">
      {ui.t("message.mediaUnavailable")}
      {action ? (
        <form method="post" action={action} hx-post={action} hx-target={`#m-${m.id}`} hx-swap="outerHTML" class="retry inline">
          <button type="submit" class="link">
            {ui.t("message.mediaRetry")}
          </button>
        </form>
      ) : null}
    </span>
  );
}
