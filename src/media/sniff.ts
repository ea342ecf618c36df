// What a file really is, read from its first bytes: the name and the type a browser claims are
// only hints (a container format such as ZIP or OLE is narrowed by the name's extension).

/** Bytes to read before deciding. */
export const SNIFF_BYTES = 4096;

const ascii = (bytes: Uint8Array, at: number, text: string) => {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};
const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);

const extension = (filename: string) => /\.([a-z0-9]{1,8})$/i.exec(filename)?.[1]?.toLowerCase() ?? "";

const OOXML: Record<string, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};
const OLE: Record<string, string> = { doc: "application/msword", xls: "application/vnd.ms-excel", ppt: "application/vnd.ms-powerpoint" };

/** MP4 family by the `ftyp` major brand. */
function isoMedia(bytes: Uint8Array): string | null {
  if (!ascii(bytes, 4, "ftyp")) return null;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  if (brand.startsWith("3gp") || brand.startsWith("3g2")) return "video/3gpp";
  if (brand === "qt  ") return "video/quicktime";
  if (brand === "M4A " || brand === "M4B " || brand === "F4A ") return "audio/mp4";
  return "video/mp4";
}

/** Ogg by the first stream's codec header. */
function ogg(bytes: Uint8Array): string {
  const head = bytes.subarray(28, 36);
  if (ascii(head, 0, "OpusHead") || ascii(head, 1, "vorbis") || ascii(head, 0, "Speex") || ascii(head, 0, "fLaC") || ascii(head, 1, "FLAC")) return "audio/ogg";
  return "video/ogg";
}

/** Matroska/WebM: the DocType says which; an audio-only WebM (a recording) has no video track. */
function matroska(bytes: Uint8Array): string {
  const text = new TextDecoder("latin1").decode(bytes);
  if (!text.includes("webm")) return "video/x-matroska";
  return text.includes("V_VP") || text.includes("V_AV1") || text.includes("V_MPEG") ? "video/webm" : "audio/webm";
}

function isText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  if (bytes.includes(0)) return false;
  // A chunk may end inside a multi-byte character: allow up to three trailing bytes to be cut.
  for (let cut = 0; cut < 4 && cut < bytes.length; cut++) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return true;
    } catch {
      // try a shorter prefix
    }
  }
  return false;
}

/** The content type of a file from its first bytes (and, for containers, its name); null when unknown. */
export function sniffMime(head: Uint8Array, filename = ""): string | null {
  const b = head;
  const ext = extension(filename);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) return "image/gif";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return "image/webp";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) return "audio/wav";
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "AVI ")) return "video/x-msvideo";
  if (ascii(b, 0, "%PDF-")) return "application/pdf";
  if (ascii(b, 0, "OggS")) return ogg(b);
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return matroska(b);
  const iso = isoMedia(b);
  if (iso) return iso;
  if (ascii(b, 0, "#!AMR")) return "audio/amr";
  if (ascii(b, 0, "ID3") || (b.length > 1 && b[0] === 0xff && (b[1] & 0xe6) === 0xe2)) return "audio/mpeg";
  if (b.length > 1 && b[0] === 0xff && (b[1] & 0xf6) === 0xf0) return "audio/aac";
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return OOXML[ext] ?? "application/zip";
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return OLE[ext] ?? "application/x-ole-storage";
  if (startsWith(b, [0x4d, 0x5a])) return "application/x-msdownload";
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return "application/x-executable";
  if (isText(b)) {
    if (/^\s*<(?:!doctype|html|svg|\?xml|script)/i.test(new TextDecoder().decode(b.subarray(0, 256)))) return "text/html";
    return ext === "csv" ? "text/csv" : "text/plain";
  }
  return null;
}

/** The usual extension for a content type, for files that arrive without a name (pasted screenshots). */
export function extensionFor(mime: string): string {
  const known: Record<string, string> = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "audio/ogg": "ogg",
    "audio/webm": "webm",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/wav": "wav",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "application/pdf": "pdf",
    "text/plain": "txt",
  };
  return known[mime] ?? "bin";
}
