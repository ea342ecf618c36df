// Media routes: stored files for signed-in members of the owning organization, the composer's
// streamed uploads (raw request bodies, so nothing is buffered whole), the gallery's pages, and
// the contact's file box.
import { signedInRoutes } from "../auth/middleware";
import { commit } from "../realtime/changes";
import { idParam, idQuery } from "../forms";
import { flash, isHtmx, redirect, render, ui, type SignedInCtx } from "../web";
import { FileBoxWidget, GalleryItems } from "../../views/media/attachments";
import { refusalText } from "./refusals";
import { serveStored } from "./serve";
import { storageFor } from "./storage";
import { addToFileBox, fileBox, removeFromFileBox } from "./file-box";
import { conversationChannel, UploadRefused, uploadForConversation, type Incoming } from "./uploads";
import { findAttachment, gallery, mayOpenAttachment } from "./attachments";

const idOf = (c: SignedInCtx, name = "id") => idParam(c, name);

/** The request body as an upload; the name travels URI-encoded in X-Filename. */
function incomingOf(c: SignedInCtx): Incoming {
  const header = c.req.header("x-filename") ?? "";
  let filename = "";
  try {
    filename = decodeURIComponent(header);
  } catch {
    filename = header;
  }
  const length = Number(c.req.header("content-length"));
  return {
    body: c.req.raw.body ?? new Response("").body!,
    filename,
    declaredSize: Number.isFinite(length) && length > 0 ? length : null,
    voice: c.req.header("x-voice") === "1",
    durationMs: Number(c.req.header("x-duration-ms")) || null,
  };
}

/** A plain form post (no JavaScript) sends the file as multipart; the parser holds it, which is fine for that fallback. */
async function incomingFromForm(c: SignedInCtx): Promise<Incoming | null> {
  const form = await c.req.parseBody();
  const file = form.file;
  if (!(file instanceof File) || file.size === 0) return null;
  return { body: file.stream(), filename: file.name, declaredSize: file.size };
}

async function fileBoxWidget(c: SignedInCtx, conversationId: number, contactId: number, error: string | null = null, status: 200 | 422 = 200) {
  const files = await fileBox(c.get("deps").database.db, c.get("actor").orgId, contactId);
  return render(c, <FileBoxWidget ui={ui(c)} files={files} conversationId={conversationId} error={error} />, status);
}

/** /media/<id>: a stored file, for members who may see it. */
export function mediaRoutes() {
  const app = signedInRoutes();

  app.get("/:id{[0-9]+}", async (c) => {
    const { database, config } = c.get("deps");
    const file = await findAttachment(database.db, c.get("actor").orgId, idOf(c));
    if (!file || !(await mayOpenAttachment(database.db, c.get("actor"), file))) return c.notFound();
    const stored = await storageFor(config).read(file.storageKey);
    if (!stored) return c.notFound();
    const inline = /^(image|audio|video)\//.test(file.mime) && c.req.query("download") === undefined;
    return serveStored(c.req.raw, stored, { mime: file.mime, filename: file.filename, inline });
  });

  return app;
}

/** /inbox/<conversation>/…: the composer's uploads, the gallery and the contact's file box. */
export function conversationFileRoutes() {
  const app = signedInRoutes();

  // The composer's uploads: one file per request, its bytes as the body.
  app.post("/:id{[0-9]+}/uploads", async (c) => {
    const { database, config, clock } = c.get("deps");
    const incoming = incomingOf(c);
    try {
      const file = await uploadForConversation(database.db, storageFor(config), c.get("actor"), idOf(c), incoming, clock.now());
      return c.json(file, 201);
    } catch (e) {
      if (!(e instanceof UploadRefused)) throw e;
      if (e.problem.reason === "not_found") return c.json({ error: c.get("t")("media.error.notFound") }, 404);
      return c.json({ error: refusalText(c.get("t"), c.get("locale"), e.problem, e.filename, incoming.declaredSize), reason: e.problem.reason }, 422);
    }
  });

  app.get("/:id{[0-9]+}/gallery", async (c) => {
    const db = c.get("deps").database.db;
    const actor = c.get("actor");
    const conv = await conversationChannel(db, actor, idOf(c));
    if (!conv) return c.notFound();
    const before = idQuery(c, "before");
    const page = await gallery(db, actor.orgId, conv.contactId, before);
    return render(c, <GalleryItems ui={ui(c)} items={page.items} more={page.more} conversationId={conv.id} tz={actor.timezone} />);
  });

  app.post("/:id{[0-9]+}/files", async (c) => {
    const { database, config, clock } = c.get("deps");
    const actor = c.get("actor");
    const conv = await conversationChannel(database.db, actor, idOf(c));
    if (!conv) return c.notFound();
    const multipart = (c.req.header("content-type") ?? "").startsWith("multipart/form-data");
    const incoming = multipart ? await incomingFromForm(c) : incomingOf(c);
    try {
      if (!incoming) throw new UploadRefused({ reason: "empty" });
      await commit(database, actor.orgId, (db) => addToFileBox(db, storageFor(config), actor, conv.contactId, incoming, clock.now()));
    } catch (e) {
      if (!(e instanceof UploadRefused)) throw e;
      const text = refusalText(c.get("t"), c.get("locale"), e.problem, e.filename || incoming?.filename || "", incoming?.declaredSize);
      if (!isHtmx(c)) {
        flash(c, "error", "media.error.failed", { name: e.filename || incoming?.filename || "—" });
        return redirect(c, `/inbox/${conv.id}`);
      }
      return fileBoxWidget(c, conv.id, conv.contactId, text, 422);
    }
    if (!isHtmx(c)) return redirect(c, `/inbox/${conv.id}`);
    return fileBoxWidget(c, conv.id, conv.contactId);
  });

  app.post("/:id{[0-9]+}/files/:fileId{[0-9]+}/remove", async (c) => {
    const { database, config, clock } = c.get("deps");
    const actor = c.get("actor");
    const conv = await conversationChannel(database.db, actor, idOf(c));
    if (!conv) return c.notFound();
    try {
      await commit(database, actor.orgId, (db) => removeFromFileBox(db, storageFor(config), actor, conv.contactId, idOf(c, "fileId"), clock.now()));
    } catch (e) {
      if (!(e instanceof UploadRefused)) throw e;
      return c.notFound();
    }
    if (!isHtmx(c)) return redirect(c, `/inbox/${conv.id}`);
    return fileBoxWidget(c, conv.id, conv.contactId);
  });

  return app;
}
