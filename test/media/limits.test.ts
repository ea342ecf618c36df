import { describe, expect, it } from "bun:test";
import { capabilitiesOf } from "../../src/channels/capabilities";
import { checkMedia } from "../../src/media/limits";
import { sniffMime } from "../../src/media/sniff";
import { fileOf, MB, TINY_PNG } from "./support";

const wa = capabilitiesOf("whatsapp");
const messenger = capabilitiesOf("messenger");
const instagram = capabilitiesOf("instagram");

describe("limits per channel: just under, at and over", () => {
  const cases: [string, ReturnType<typeof capabilitiesOf>, string, number, string][] = [
    ["WhatsApp image", wa, "image/jpeg", 5 * MB, "image"],
    ["WhatsApp audio", wa, "audio/mpeg", 16 * MB, "audio"],
    ["WhatsApp video", wa, "video/mp4", 16 * MB, "video"],
    ["WhatsApp document", wa, "application/pdf", 100 * MB, "document"],
    ["Messenger image", messenger, "image/png", 25 * MB, "image"],
    ["Messenger document", messenger, "application/pdf", 25 * MB, "document"],
    ["Instagram image", instagram, "image/jpeg", 8 * MB, "image"],
    ["Instagram audio", instagram, "audio/mp4", 25 * MB, "audio"],
    ["Instagram video", instagram, "video/mp4", 25 * MB, "video"],
  ];
  for (const [name, caps, mime, limit, kind] of cases) {
    it(`${name}: ${limit / MB} MB goes, one byte more does not`, () => {
      expect(checkMedia(caps, { mime, size: limit - 1 })).toMatchObject({ ok: true, kind });
      expect(checkMedia(caps, { mime, size: limit })).toMatchObject({ ok: true, kind });
      expect(checkMedia(caps, { mime, size: limit + 1 })).toMatchObject({ ok: false, reason: "too_large", maxBytes: limit });
    });
  }

  it("WebChat's limit is the channel's own setting", () => {
    const webchat = capabilitiesOf("webchat", { maxUploadMb: 2 });
    expect(checkMedia(webchat, { mime: "image/png", size: 2 * MB })).toMatchObject({ ok: true });
    expect(checkMedia(webchat, { mime: "image/png", size: 2 * MB + 1 })).toMatchObject({ ok: false, reason: "too_large", maxBytes: 2 * MB });
    expect(checkMedia(capabilitiesOf("webchat"), { mime: "image/png", size: 20 * MB })).toMatchObject({ ok: true });
  });
});

describe("types a channel cannot carry", () => {
  it("refuses what the channel has no kind for", () => {
    expect(checkMedia(wa, { mime: "image/gif", size: 1000 })).toMatchObject({ ok: false, reason: "type", mime: "image/gif" });
    expect(checkMedia(instagram, { mime: "application/zip", size: 1000 })).toMatchObject({ ok: false, reason: "type" });
    expect(checkMedia(wa, { mime: "application/x-msdownload", size: 1000 })).toMatchObject({ ok: false, reason: "type" });
    expect(checkMedia(capabilitiesOf("support"), { mime: "video/mp4", size: 1000 })).toMatchObject({ ok: false, reason: "type" });
  });

  it("a WebP goes to WhatsApp as a sticker, within the sticker's limit", () => {
    expect(checkMedia(wa, { mime: "image/webp", size: 100 * 1024 })).toMatchObject({ ok: true, kind: "sticker" });
    expect(checkMedia(wa, { mime: "image/webp", size: 600 * 1024 })).toMatchObject({ ok: false, reason: "too_large", kind: "sticker" });
  });

  it("voice notes only where the channel has them, and only as OGG/Opus on WhatsApp", () => {
    expect(checkMedia(wa, { mime: "audio/ogg", size: 10_000, voice: true })).toMatchObject({ ok: true, kind: "voice" });
    expect(checkMedia(wa, { mime: "audio/webm", size: 10_000, voice: true })).toMatchObject({ ok: false, reason: "type" });
    expect(checkMedia(messenger, { mime: "audio/ogg", size: 10_000, voice: true })).toMatchObject({ ok: false, reason: "no_voice" });
    expect(checkMedia(instagram, { mime: "audio/ogg", size: 10_000, voice: true })).toMatchObject({ ok: false, reason: "no_voice" });
  });

  it("an empty file is refused", () => {
    expect(checkMedia(wa, { mime: "image/png", size: 0 })).toMatchObject({ ok: false, reason: "empty" });
  });
});

describe("type by content, not by name", () => {
  it("reads the first bytes", () => {
    expect(sniffMime(TINY_PNG, "holiday.jpg")).toBe("image/png");
    expect(sniffMime(fileOf("jpeg", 64), "")).toBe("image/jpeg");
    expect(sniffMime(fileOf("pdf", 64), "photo.jpg")).toBe("application/pdf");
    expect(sniffMime(fileOf("exe", 64), "photo.jpg")).toBe("application/x-msdownload");
    expect(sniffMime(fileOf("mp4", 64), "clip")).toBe("video/mp4");
    expect(sniffMime(fileOf("mp3", 64), "song")).toBe("audio/mpeg");
    expect(sniffMime(new TextEncoder().encode("a,b\n1,2\n"), "list.csv")).toBe("text/csv");
    expect(sniffMime(new TextEncoder().encode("<html><script>alert(1)</script>"), "notes.txt")).toBe("text/html");
  });

  it("narrows ZIP and OLE containers by the name only within their family", () => {
    expect(sniffMime(fileOf("zip", 64), "offer.docx")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(sniffMime(fileOf("zip", 64), "offer.pdf")).toBe("application/zip");
  });
});
