// Browser: voice notes with Chromium's fake microphone, pasted and dropped files, the over-limit
// refusal, and the microphone disabled where the channel has no voice notes.
import { describe, expect, it } from "bun:test";
import type { Page } from "playwright-core";
import { e2eEnabled, useBrowser } from "./support";

const e2e = useBrowser({ args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"] });

const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAKklEQVR42mNkYPjPQApgHNUwqmFUw6iGUQ2jGkY1jGoY1TCqYVTDqAYAALo/AQ/0TZ+4AAAAAElFTkSuQmCC";

async function openJoined(page: Page, contact: string) {
  await page.goto(`${e2e.base}/inbox?tab=all`);
  await page.click(`.conversation a:has-text("${contact}")`);
  await page.waitForSelector("#thread");
  if (await page.locator("text=Join session").count()) {
    await page.click("text=Join session");
  }
  await page.waitForSelector("#composer-body");
  await page.waitForSelector(".composer-tools:not([hidden])");
}

const timer = (page: Page) => page.locator("#rec-timer").innerText();

describe.skipIf(!e2eEnabled)("media in the composer", () => {
  it("records, pauses, resumes, stops, previews, deletes, records again and sends a voice note on WhatsApp", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    await openJoined(page, "Özge");
    expect(await page.locator("#record-voice").isDisabled()).toBe(false);

    await page.click("#record-voice");
    await page.waitForSelector('#recorder[data-phase="recording"]');
    await page.waitForFunction(() => document.getElementById("rec-timer")!.textContent !== "0:00", null, { timeout: 5000 });
    await page.click('[data-rec="pause"]');
    await page.waitForSelector('#recorder[data-phase="paused"]');
    await e2e.shot(page, "40-voice-paused");
    const paused = await timer(page);
    await page.waitForTimeout(1200);
    expect(await timer(page)).toBe(paused);
    await page.click('[data-rec="resume"]');
    await page.waitForSelector('#recorder[data-phase="recording"]');
    await page.waitForTimeout(1200);
    await page.click('[data-rec="stop"]');
    await page.waitForSelector('#recorder[data-phase="stopped"] #rec-preview:not([hidden])');
    await page.waitForSelector('.file-chip.voice input[name="voiceIds"]', { state: "attached" });
    // The preview plays the recording.
    const playable = await page.evaluate(async () => {
      const audio = document.getElementById("rec-preview") as HTMLAudioElement;
      if (audio.readyState < 1) await new Promise((r) => audio.addEventListener("loadedmetadata", r, { once: true }));
      return audio.src.startsWith("blob:");
    });
    expect(playable).toBe(true);
    await e2e.shot(page, "41-voice-preview");

    // Delete it and record again.
    await page.click('[data-rec="delete"]');
    await page.waitForSelector("#recorder", { state: "hidden" });
    expect(await page.locator(".file-chip.voice").count()).toBe(0);
    await page.click("#record-voice");
    await page.waitForSelector('#recorder[data-phase="recording"]');
    await page.waitForTimeout(1500);
    await page.click('[data-rec="stop"]');
    await page.waitForSelector('.file-chip.voice input[name="voiceIds"]', { state: "attached" });
    await page.click('button[value="reply"]');
    await page.waitForSelector(".message.out .voice-note audio");
    expect(await page.locator(".file-chip").count()).toBe(0);
    // The stored recording is OGG/Opus and plays in the thread.
    const src = await page.locator(".message.out .voice-note audio").last().getAttribute("src");
    const served = await page.evaluate(async (url) => {
      const res = await fetch(url!);
      const bytes = new Uint8Array(await res.arrayBuffer());
      return { type: res.headers.get("content-type"), magic: String.fromCharCode(...bytes.subarray(0, 4)), head: String.fromCharCode(...bytes.subarray(28, 36)) };
    }, src);
    expect(served).toEqual({ type: "audio/ogg", magic: "OggS", head: "OpusHead" });
    const duration = await page.evaluate(async () => {
      const audio = Array.from(document.querySelectorAll(".message.out .voice-note audio")).at(-1) as HTMLAudioElement;
      if (audio.readyState < 1) await new Promise((r) => audio.addEventListener("loadedmetadata", r, { once: true }));
      return audio.duration;
    });
    expect(duration).toBeGreaterThan(0.5);
    await e2e.shot(page, "42-voice-sent");
    await page.context().close();
  });

  it("the microphone is disabled with the reason on a channel without voice notes, and the server refuses a recording there", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    await openJoined(page, "Kanal Support");
    expect(await page.locator("#record-voice").isDisabled()).toBe(true);
    expect(await page.locator("#no-voice-why").innerText()).toBe("This channel does not take voice notes.");
    const upload = await page.evaluate(async () => {
      const form = document.getElementById("composer-form") as HTMLFormElement;
      const res = await fetch(form.dataset.upload!, { method: "POST", body: new Blob([new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0])], { type: "audio/webm" }), headers: { "X-Voice": "1" } });
      return { status: res.status, body: await res.json() };
    });
    expect(upload.status).toBe(422);
    expect(upload.body.reason).toBe("no_voice");
    await e2e.shot(page, "43-no-voice-channel");
    await page.context().close();
  });

  it("a pasted screenshot and a dropped file go out with the caption; a file over the limit is refused and the draft stays", async () => {
    const page = await e2e.signedIn("agent1@demo.test");
    await openJoined(page, "Ana Ruiz");
    await page.fill("#composer-body", "Fotoğraf ve fatura ektedir.");

    // Paste a screenshot into the composer.
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], "image.png", { type: "image/png" }));
      document.getElementById("composer-body")!.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    }, PNG_B64);
    // Drop a PDF onto the composer.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File([new TextEncoder().encode("%PDF-1.7\n% a small invoice\n")], "Fatura.pdf", { type: "application/pdf" }));
      const form = document.getElementById("composer-form")!;
      form.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      form.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    // Over WhatsApp's 5 MB for images, through the upload button.
    const big = Buffer.alloc(6 * 1024 * 1024, 1);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    await page.setInputFiles("#composer-file-input", { name: "huge-photo.jpg", mimeType: "image/jpeg", buffer: big });
    await page.waitForSelector(".file-chip.refused .chip-error");
    expect(await page.locator(".file-chip.refused .chip-error").innerText()).toBe("huge-photo.jpg: too large for this channel (6 MB; image files up to 5 MB).");
    await page.waitForFunction(() => document.querySelectorAll('#composer-files input[name="attachmentIds"]').length === 2);
    expect(await page.locator(".file-chip .chip-preview").count()).toBeGreaterThanOrEqual(1);
    expect(await page.inputValue("#composer-body")).toBe("Fotoğraf ve fatura ektedir.");
    await e2e.shot(page, "44-paste-drop-over-limit");

    await page.click('button[value="reply"]');
    await page.waitForSelector(".message.out .media-image img");
    await page.waitForSelector('.message.out .file-download:has-text("Fatura.pdf")');
    expect(await page.locator(".message.out:has(.media-image)").last().innerText()).toContain("Fotoğraf ve fatura ektedir.");
    const loaded = await page.evaluate(() => {
      const img = Array.from(document.querySelectorAll(".message.out .media-image img")).at(-1) as HTMLImageElement;
      return img.complete && img.naturalWidth;
    });
    expect(loaded).toBe(16);
    // The gallery has the image (drawn with the page); the viewer opens it.
    await page.reload();
    await page.waitForSelector("#widget-gallery .gallery-item");
    await page.click("#widget-gallery .gallery-item >> nth=0");
    await page.waitForSelector("#media-viewer[open] #viewer-stage img");
    await e2e.shot(page, "45-sent-and-viewer");
    await page.context().close();
  });
});
