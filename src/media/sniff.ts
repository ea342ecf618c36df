// What a file really is, read from its first bytes, never from its name: uploads are typed by this.
const OOXML = [
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];
const OLE = ["application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"];

const ascii = (bytes: Uint8Array, at: number, text: string) => [...text].every((ch, i) => bytes[at + i] === ch.charCodeAt(0));
const starts = (bytes: Uint8Array, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);

/**
 * The content type the bytes prove. `claimed` (the browser's guess) only picks between types one
 * container holds (audio or video WebM, DOCX or a plain ZIP, CSV or plain text); it never makes a
 * file something its bytes are not. Null when the bytes match nothing known.
 */
export function sniffMime(bytes: Uint8Array, claimed = ""): string | null {
  const want = claimed.split(";")[0].trim().toLowerCase();
  if (starts(bytes, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(bytes, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) return "image/gif";
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) return "image/webp";
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE")) return "audio/wav";
  if (ascii(bytes, 0, "%PDF-")) return "application/pdf";
  if (ascii(bytes, 0, "OggS")) return want === "video/ogg" ? "video/ogg" : "audio/ogg";
  if (starts(bytes, 0x1a, 0x45, 0xdf, 0xa3)) return want.startsWith("audio/") ? "audio/webm" : "video/webm";
  if (ascii(bytes, 4, "ftyp")) {
    const brand = String.fromCharCode(...bytes.slice(8, 12));
    if (brand.startsWith("3g")) return "video/3gpp";
    if (brand === "qt  ") return "video/quicktime";
    if (brand.startsWith("M4A") || brand === "M4B ") return "audio/mp4";
    return want.startsWith("audio/") ? "audio/mp4" : "video/mp4";
  }
  if (ascii(bytes, 0, "ID3") || (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && bytes.length > 2)) return "audio/mpeg";
  if (starts(bytes, 0x50, 0x4b, 0x03, 0x04)) return OOXML.includes(want) ? want : "application/zip";
  if (starts(bytes, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return OLE.includes(want) ? want : "application/msword";
  if (looksLikeText(bytes)) return want === "text/csv" ? "text/csv" : "text/plain";
  return null;
}

/** UTF-8 without control bytes (tabs and line ends aside) in the first few kilobytes. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.slice(0, 4096);
  if (head.length === 0) return false;
  for (const b of head) if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  try {
    // A multi-byte character cut at the 4 KB edge is not an error: decode in streaming mode.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}
