// Files in the thread (images inline, video and audio players, voice notes, download chips), the
// composer's file chips, and the gallery and file box widgets beside the thread.
import type { AttachmentView, GalleryItem } from "../../src/media/attachments";
import type { FileBoxItem } from "../../src/media/file-box";
import type { UploadedFile } from "../../src/media/uploads";
import { humanSize } from "../../src/media/limits";
import { fullTime } from "../format";
import type { Ui } from "../ui";

/** Line icons (emoji need a colour font that lightweight systems lack). */
export function Icon({ name, size = 16 }: { name: "clip" | "mic" | "file"; size?: number }) {
  return (
    <svg class={`icon icon-${name}`} aria-hidden="true" width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      {name === "clip" ? <path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" /> : null}
      {name === "mic" ? (
        <>
          <path d="M12 1a3 3 0 0 0-3 3v8a3 3 0 0 0 6 0V4a3 3 0 0 0-3-3z" />
          <path d="M19 10v2a7 7 0 0 1-14 0v-2" />
          <path d="M12 19v4M8 23h8" />
        </>
      ) : null}
      {name === "file" ? (
        <>
          <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" />
          <path d="M14 2v6h6" />
        </>
      ) : null}
    </svg>
  );
}

export const mediaUrl = (id: number, download = false) => `/media/${id}${download ? "?download=1" : ""}`;

function duration(ms: number | null): string {
  if (ms === null) return "";
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** One attachment of a message, drawn by what it is. */
export function Attachment({ ui, a, voice }: { ui: Ui; a: AttachmentView; voice: boolean }) {
  const src = mediaUrl(a.id);
  if (voice) {
    return (
      <div class="voice-note">
        <span class="voice-icon">
          <Icon name="mic" />
        </span>
        <audio controls preload="metadata" src={src} aria-label={ui.t("media.voiceNote")}></audio>
        {a.durationMs !== null ? <span class="muted">{duration(a.durationMs)}</span> : null}
      </div>
    );
  }
  if (a.mime.startsWith("image/")) {
    return (
      <a href={src} class="media-image" data-viewer={String(a.id)} data-mime={a.mime} target="_blank" rel="noopener">
        <img src={src} alt={a.filename} loading="lazy" />
      </a>
    );
  }
  if (a.mime.startsWith("video/")) return <video class="media-video" controls preload="metadata" src={src} aria-label={a.filename}></video>;
  if (a.mime.startsWith("audio/")) return <audio class="media-audio" controls preload="metadata" src={src} aria-label={a.filename}></audio>;
  return (
    <a href={mediaUrl(a.id, true)} class="file-download" download={a.filename}>
      <span class="file-icon">
        <Icon name="file" size={20} />
      </span>
      <span class="file-name">{a.filename}</span>
      <span class="muted">{humanSize(a.size, ui.locale)}</span>
    </a>
  );
}

export function Attachments({ ui, items, kind }: { ui: Ui; items: AttachmentView[]; kind: string }) {
  return (
    <div class="attachments">
      {items.map((a) => (
        <Attachment ui={ui} a={a} voice={kind === "voice"} />
      ))}
    </div>
  );
}

/** A file waiting in the composer (after a refused send the draft shows it again). */
export function PendingChip({ ui, file, voice }: { ui: Ui; file: Pick<UploadedFile, "id" | "filename" | "mime" | "size" | "durationMs">; voice: boolean }) {
  return (
    <li class={`file-chip${voice ? " voice" : ""}`} data-id={String(file.id)}>
      <input type="hidden" name="attachmentIds" value={String(file.id)} />
      {voice ? <input type="hidden" name="voiceIds" value={String(file.id)} /> : null}
      {file.mime.startsWith("image/") ? <img class="chip-preview" src={mediaUrl(file.id)} alt="" /> : <span class="chip-icon"><Icon name={voice ? "mic" : "file"} size={20} /></span>}
      <span class="chip-name">{voice ? ui.t("media.voiceNote") : file.filename}</span>
      <span class="chip-size muted">{voice && file.durationMs !== null ? duration(file.durationMs) : humanSize(file.size, ui.locale)}</span>
      <button type="button" class="chip-remove link" data-remove-chip aria-label={ui.t("media.remove", { name: file.filename })}>
        ×
      </button>
    </li>
  );
}

export function GalleryWidget({ ui, items, more, conversationId }: { ui: Ui; items: GalleryItem[]; more: number | null; conversationId: number }) {
  const tz = ui.actor!.timezone;
  return (
    <section class="widget" id="widget-gallery">
      <h2>{ui.t("media.gallery")}</h2>
      {items.length === 0 ? <p class="muted">{ui.t("media.galleryEmpty")}</p> : null}
      <ul class="gallery" id="gallery-items">
        <GalleryItems ui={ui} items={items} more={more} conversationId={conversationId} tz={tz} />
      </ul>
    </section>
  );
}

export function GalleryItems({ ui, items, more, conversationId, tz }: { ui: Ui; items: GalleryItem[]; more: number | null; conversationId: number; tz: string }) {
  const next = more ? `/inbox/${conversationId}/gallery?before=${more}` : "";
  return (
    <>
      {items.map((a) => {
        const title = `${a.direction === "in" ? ui.t("media.received") : ui.t("media.sent")} · ${fullTime(a.createdAt, ui.locale, tz)}`;
        return (
          <li>
            <a href={mediaUrl(a.id)} data-viewer={String(a.id)} data-mime={a.mime} title={title} target="_blank" rel="noopener" class={`gallery-item ${a.mime.split("/")[0]}`}>
              {a.mime.startsWith("image/") ? <img src={mediaUrl(a.id)} alt={a.filename} loading="lazy" /> : <span aria-hidden="true">{a.mime.startsWith("video/") ? "▶" : "♪"}</span>}
              <span class="visually-hidden">{`${a.filename} · ${title}`}</span>
            </a>
          </li>
        );
      })}
      {next ? (
        <li class="load-more">
          <a href={next} hx-get={next} hx-target="closest li" hx-swap="outerHTML">
            {ui.t("common.loadMore")}
          </a>
        </li>
      ) : null}
    </>
  );
}

export function FileBoxWidget({ ui, files, conversationId, error }: { ui: Ui; files: FileBoxItem[]; conversationId: number; error?: string | null }) {
  const base = `/inbox/${conversationId}/files`;
  return (
    <section class="widget" id="widget-files">
      <h2>{ui.t("media.fileBox")}</h2>
      {error ? (
        <p class="alert error" role="alert">
          {error}
        </p>
      ) : null}
      <form method="post" action={base} enctype="multipart/form-data" class="inline-form file-box-upload" data-stream-upload="#widget-files">
        <label class="visually-hidden" for="file-box-input">
          {ui.t("media.fileBoxChoose")}
        </label>
        <input id="file-box-input" type="file" name="file" required />
        <button type="submit">{ui.t("media.fileBoxUpload")}</button>
      </form>
      {files.length === 0 ? <p class="muted">{ui.t("media.fileBoxEmpty")}</p> : null}
      <ul class="plain file-box">
        {files.map((f) => (
          <li class="file-box-item" id={`file-${f.id}`}>
            <a href={mediaUrl(f.id, true)} download={f.filename} class="file-name">
              {f.filename}
            </a>
            <small class="muted">{humanSize(f.size, ui.locale)}</small>
            <span class="file-actions">
              <form method="post" action={`${base}/${f.id}/share`} hx-post={`${base}/${f.id}/share`} hx-target="#thread" hx-swap="outerHTML">
                <button type="submit" class="link share-file">
                  {ui.t("media.share")}
                </button>
              </form>
              <form method="post" action={`${base}/${f.id}/remove`} hx-post={`${base}/${f.id}/remove`} hx-target="#widget-files" hx-swap="outerHTML" data-confirm={ui.t("media.confirmRemove", { name: f.filename })}>
                <button type="submit" class="link" aria-label={ui.t("media.removeFile", { name: f.filename })}>
                  ×
                </button>
              </form>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The viewer the gallery and inline images open (static/composer.js drives it). */
export function MediaViewer({ ui }: { ui: Ui }) {
  return (
    <dialog id="media-viewer" class="media-viewer" aria-label={ui.t("media.viewer")}>
      <div class="viewer-stage" id="viewer-stage"></div>
      <p class="viewer-caption muted" id="viewer-caption"></p>
      <div class="viewer-actions">
        <button type="button" data-viewer-step="-1">
          ← {ui.t("media.previous")}
        </button>
        <a id="viewer-download" href="#" class="button">
          {ui.t("media.download")}
        </a>
        <button type="button" data-viewer-step="1">
          {ui.t("media.next")} →
        </button>
        <form method="dialog">
          <button type="submit">{ui.t("media.close")}</button>
        </form>
      </div>
    </dialog>
  );
}
