// Files and voice notes in the composer, the file box's streamed upload, and the media viewer.
// Files come from the button, from paste and from drop; each is checked against the channel's
// rules (the form's data-rules), uploaded at once with a progress bar, and sent with the reply
// as hidden attachmentIds. Without this file the composer still sends text.
(() => {
  const fmt = (template, params) => template.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  const baseMime = (type) => (type || "").split(";")[0].trim().toLowerCase();
  const messagesOf = (form) => JSON.parse(form.dataset.messages || "{}");
  const rulesOf = (form) => JSON.parse(form.dataset.rules || '{"media":{}}');

  function humanSize(bytes, locale) {
    const units = ["B", "KB", "MB", "GB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    const digits = unit === 0 || value >= 10 ? 0 : 1;
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
  }
  // The same line icons the server draws (views/media/attachments.tsx).
  const svg = (paths) => `<svg class="icon" aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;
  const ICONS = {
    mic: svg('<path d="M12 1a3 3 0 0 0-3 3v8a3 3 0 0 0 6 0V4a3 3 0 0 0-3-3z"/><path d="M19 10v2a7 7 0 0 1-14 0v-2"/><path d="M12 19v4M8 23h8"/>'),
    file: svg('<path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z"/><path d="M14 2v6h6"/>'),
  };
  const clock = (ms) => {
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  };

  // Controls that need this script stay hidden without it.
  function reveal() {
    for (const el of document.querySelectorAll("[data-needs-js][hidden]")) el.hidden = false;
  }
  document.addEventListener("DOMContentLoaded", () => {
    reveal();
    new MutationObserver(reveal).observe(document.body, { childList: true, subtree: true });
  });

  // The same rules as the server's (src/media/limits.ts); the server checks again, by content.
  function candidates(mime) {
    if (mime === "image/webp") return ["image", "sticker"];
    if (mime.startsWith("image/")) return ["image"];
    if (mime.startsWith("video/")) return ["video", "document"];
    if (mime.startsWith("audio/")) return ["audio", "document"];
    return ["document"];
  }
  function problemWith(form, file) {
    const rules = rulesOf(form);
    const m = messagesOf(form);
    const locale = form.dataset.locale;
    const mime = baseMime(file.type);
    const name = file.name || m.voiceNote;
    const tooLarge = (kind, max) => fmt(m.tooLarge, { name, size: humanSize(file.size, locale), kind: m.kinds[kind] ?? kind, max: humanSize(max, locale) });
    if (!mime) {
      // The browser could not tell the type: only the size is checked here.
      const limits = Object.entries(rules.media).sort((a, b) => b[1].maxBytes - a[1].maxBytes);
      return limits.length && file.size > limits[0][1].maxBytes ? tooLarge(limits[0][0], limits[0][1].maxBytes) : null;
    }
    const fitting = candidates(mime).filter((kind) => rules.media[kind]?.mimes.includes(mime));
    if (!fitting.length) return fmt(m.type, { name, mime });
    if (!fitting.some((kind) => file.size <= rules.media[kind].maxBytes)) return tooLarge(fitting[0], rules.media[fitting[0]].maxBytes);
    return null;
  }

  function chipFor(form, { name, size, preview, voice, durationMs }) {
    const m = messagesOf(form);
    const chip = document.createElement("li");
    chip.className = `file-chip${voice ? " voice" : ""}`;
    if (preview) {
      const img = document.createElement("img");
      img.className = "chip-preview";
      img.src = preview;
      img.alt = "";
      chip.append(img);
    } else {
      const icon = document.createElement("span");
      icon.className = "chip-icon";
      icon.innerHTML = voice ? ICONS.mic : ICONS.file;
      chip.append(icon);
    }
    const label = document.createElement("span");
    label.className = "chip-name";
    label.textContent = voice ? m.voiceNote : name;
    const meta = document.createElement("span");
    meta.className = "chip-size muted";
    meta.textContent = voice && durationMs ? clock(durationMs) : humanSize(size, form.dataset.locale);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "chip-remove link";
    remove.dataset.removeChip = "";
    remove.setAttribute("aria-label", fmt(m.remove, { name }));
    remove.textContent = "×";
    chip.append(label, meta, remove);
    form.querySelector("#composer-files").append(chip);
    return chip;
  }

  function refuse(chip, text) {
    chip.classList.add("refused");
    chip.querySelector("progress")?.remove();
    const why = document.createElement("span");
    why.className = "chip-error";
    why.setAttribute("role", "alert");
    why.textContent = text;
    chip.append(why);
  }

  function setBusy(form) {
    const busy = form.querySelectorAll(".file-chip.uploading").length > 0;
    form.classList.toggle("busy", busy);
    const note = form.querySelector("[data-caption-note]");
    if (note) note.hidden = !form.querySelector('input[name="attachmentIds"]') || !form.querySelector("#composer-body").value.trim();
  }

  /** Uploads one file or recording as the request body, with progress; the chip gets its id. */
  function upload(form, chip, blob, { filename, voice = false, durationMs = null }) {
    const m = messagesOf(form);
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    chip.append(bar);
    chip.classList.add("uploading");
    const xhr = new XMLHttpRequest();
    chip._xhr = xhr;
    xhr.open("POST", form.dataset.upload);
    xhr.setRequestHeader("X-Filename", encodeURIComponent(filename || ""));
    if (voice) xhr.setRequestHeader("X-Voice", "1");
    if (durationMs) xhr.setRequestHeader("X-Duration-Ms", String(Math.round(durationMs)));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) bar.value = e.loaded / e.total;
    };
    const done = () => {
      chip.classList.remove("uploading");
      chip._xhr = null;
      setBusy(form);
    };
    xhr.onload = () => {
      let answer = {};
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status === 201 && answer.id) {
        bar.remove();
        chip.dataset.id = String(answer.id);
        // The server's name: a pasted screenshot gets one from its date.
        if (!voice && answer.filename) chip.querySelector(".chip-name").textContent = answer.filename;
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "attachmentIds";
        input.value = String(answer.id);
        chip.prepend(input);
        if (voice) {
          const v = input.cloneNode();
          v.name = "voiceIds";
          chip.prepend(v);
        }
      } else {
        refuse(chip, answer.error || fmt(m.failed, { name: filename }));
      }
      done();
    };
    xhr.onerror = () => {
      refuse(chip, fmt(m.failed, { name: filename }));
      done();
    };
    setBusy(form);
    xhr.send(blob);
  }

  function addFiles(form, files) {
    for (const file of files) {
      const preview = baseMime(file.type).startsWith("image/") ? URL.createObjectURL(file) : null;
      const chip = chipFor(form, { name: file.name, size: file.size, preview });
      if (preview) chip.dataset.preview = preview;
      const problem = problemWith(form, file);
      if (problem) refuse(chip, problem);
      else upload(form, chip, file, { filename: file.name });
    }
    setBusy(form);
  }

  const composerOf = (target) => (target instanceof Element ? target.closest("#composer-form") : null);

  document.addEventListener("change", (e) => {
    const input = e.target;
    if (!(input instanceof HTMLInputElement) || input.id !== "composer-file-input") return;
    addFiles(input.form, [...input.files]);
    input.value = "";
  });

  // Pasted files and screenshots become attachments; pasted text is left to the textarea.
  document.addEventListener("paste", (e) => {
    const form = composerOf(e.target);
    const files = [...(e.clipboardData?.files ?? [])];
    if (!form || files.length === 0) return;
    e.preventDefault();
    addFiles(form, files);
  });

  const carriesFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes("Files");
  document.addEventListener("dragover", (e) => {
    const form = composerOf(e.target);
    if (!form || !carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    form.classList.add("dragging");
  });
  document.addEventListener("dragleave", (e) => {
    const form = composerOf(e.target);
    if (form && !form.contains(e.relatedTarget)) form.classList.remove("dragging");
  });
  document.addEventListener("drop", (e) => {
    const form = composerOf(e.target);
    if (!form || !carriesFiles(e)) return;
    e.preventDefault();
    form.classList.remove("dragging");
    addFiles(form, [...e.dataTransfer.files]);
  });

  document.addEventListener("click", (e) => {
    const button = e.target instanceof Element ? e.target.closest("[data-remove-chip]") : null;
    if (!button) return;
    const chip = button.closest(".file-chip");
    const form = composerOf(chip);
    chip._xhr?.abort();
    if (chip.dataset.preview) URL.revokeObjectURL(chip.dataset.preview);
    if (chip.classList.contains("voice") && form) resetRecorder(form);
    chip.remove();
    if (form) setBusy(form);
  });

  document.addEventListener("input", (e) => {
    const form = composerOf(e.target);
    if (form) setBusy(form);
  });

  // No sending while a file is still on its way.
  document.addEventListener(
    "submit",
    (e) => {
      const form = e.target;
      if (!(form instanceof HTMLFormElement) || form.id !== "composer-form") return;
      if (!form.querySelector(".file-chip.uploading")) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      const chips = form.querySelector("#composer-files");
      chips.dataset.wait = messagesOf(form).wait;
      chips.classList.add("waiting");
    },
    true,
  );

  // ——— Voice notes ———
  let rec = null;

  function panelOf(form) {
    const panel = form.querySelector("#recorder");
    const q = (name) => panel.querySelector(`[data-rec="${name}"]`);
    return { panel, pause: q("pause"), resume: q("resume"), stop: q("stop"), del: q("delete"), preview: panel.querySelector("#rec-preview"), ready: panel.querySelector(".rec-ready"), timer: panel.querySelector("#rec-timer"), state: panel.querySelector("[data-rec-state]") };
  }

  function elapsed() {
    return rec ? rec.accumulated + (rec.running ? performance.now() - rec.resumedAt : 0) : 0;
  }

  function showState(form, phase) {
    const p = panelOf(form);
    p.panel.hidden = phase === "idle";
    p.panel.dataset.phase = phase;
    p.pause.hidden = phase !== "recording";
    p.resume.hidden = phase !== "paused";
    p.stop.hidden = phase !== "recording" && phase !== "paused";
    p.del.hidden = phase !== "stopped";
    p.preview.hidden = phase !== "stopped";
    p.ready.hidden = phase !== "stopped";
    p.state.textContent = phase === "paused" ? p.state.dataset.paused : p.state.dataset.recording;
    p.state.hidden = phase === "stopped";
    const mic = form.querySelector("[data-record]");
    if (mic && rulesOf(form).voice) mic.disabled = phase !== "idle";
  }

  async function startRecording(form) {
    const m = messagesOf(form);
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (err) {
      const chip = chipFor(form, { name: m.voiceNote, size: 0, voice: true });
      refuse(chip, fmt(m.noMicrophone, { reason: err?.message || String(err) }));
      return;
    }
    // OGG/Opus where the browser records it; otherwise WebM/Opus, which the server moves into Ogg.
    const type = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/webm"].find((t) => MediaRecorder.isTypeSupported(t));
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    rec = { form, recorder, stream, chunks: [], accumulated: 0, resumedAt: performance.now(), running: true, ticker: 0 };
    const current = rec;
    recorder.ondataavailable = (e) => {
      if (e.data.size) current.chunks.push(e.data);
    };
    recorder.onstop = () => finishRecording(current);
    recorder.start(250);
    current.ticker = setInterval(() => {
      panelOf(form).timer.textContent = clock(elapsed());
    }, 200);
    panelOf(form).timer.textContent = "0:00";
    showState(form, "recording");
  }

  function finishRecording(current) {
    clearInterval(current.ticker);
    current.stream.getTracks().forEach((t) => t.stop());
    if (rec !== current || current.discarded) return;
    const { form } = current;
    const durationMs = current.accumulated;
    const blob = new Blob(current.chunks, { type: current.recorder.mimeType || "audio/webm" });
    const p = panelOf(form);
    current.url = URL.createObjectURL(blob);
    p.preview.src = current.url;
    p.timer.textContent = clock(durationMs);
    showState(form, "stopped");
    const chip = chipFor(form, { name: "voice", size: blob.size, voice: true, durationMs });
    current.chip = chip;
    upload(form, chip, blob, { filename: blob.type.includes("ogg") ? "voice.ogg" : "voice.webm", voice: true, durationMs });
  }

  function resetRecorder(form) {
    if (rec) {
      rec.discarded = true;
      clearInterval(rec.ticker);
      if (rec.recorder.state !== "inactive") rec.recorder.stop();
      rec.stream.getTracks().forEach((t) => t.stop());
      if (rec.url) URL.revokeObjectURL(rec.url);
      rec.chip?._xhr?.abort();
      rec.chip?.remove();
      rec = null;
    }
    const p = panelOf(form);
    p.preview.removeAttribute("src");
    p.timer.textContent = "0:00";
    showState(form, "idle");
    setBusy(form);
  }

  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    const mic = target?.closest("[data-record]");
    const form = composerOf(target);
    if (!form) return;
    if (mic) {
      if (!mic.disabled) startRecording(form);
      return;
    }
    const action = target.closest("[data-rec]")?.dataset.rec;
    if (!action) return;
    if (action === "delete") return resetRecorder(form);
    if (!rec || rec.form !== form) return;
    if (action === "pause" && rec.recorder.state === "recording") {
      rec.recorder.pause();
      rec.accumulated += performance.now() - rec.resumedAt;
      rec.running = false;
      // The ticker shows time up to its last tick; a pause shows exactly what was recorded.
      panelOf(form).timer.textContent = clock(rec.accumulated);
      showState(form, "paused");
    } else if (action === "resume" && rec.recorder.state === "paused") {
      rec.recorder.resume();
      rec.resumedAt = performance.now();
      rec.running = true;
      showState(form, "recording");
    } else if (action === "stop" && rec.recorder.state !== "inactive") {
      if (rec.running) rec.accumulated += performance.now() - rec.resumedAt;
      rec.running = false;
      rec.recorder.stop();
    }
  });

  // ——— The file box: the chosen file streamed as the request body ———
  document.addEventListener(
    "submit",
    (e) => {
      const form = e.target;
      if (!(form instanceof HTMLFormElement) || !form.dataset.streamUpload) return;
      const file = form.querySelector('input[type="file"]')?.files?.[0];
      if (!file) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      const bar = document.createElement("progress");
      bar.max = 1;
      bar.value = 0;
      form.append(bar);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Filename", encodeURIComponent(file.name));
      xhr.setRequestHeader("HX-Request", "true");
      xhr.upload.onprogress = (ev) => {
        if (ev.lengthComputable) bar.value = ev.loaded / ev.total;
      };
      xhr.onloadend = () => {
        const target = document.querySelector(form.dataset.streamUpload);
        if (!target || !xhr.responseText) return bar.remove();
        const holder = document.createElement("div");
        holder.innerHTML = xhr.responseText;
        const fresh = holder.firstElementChild;
        if (!fresh) return bar.remove();
        target.replaceWith(fresh);
        if (window.htmx) htmx.process(fresh);
      };
      xhr.send(file);
    },
    true,
  );

  // ——— The media viewer: gallery items and images in the thread ———
  let viewing = { items: [], at: 0 };
  function showItem(i) {
    const dialog = document.getElementById("media-viewer");
    const { items } = viewing;
    if (!dialog || items.length === 0) return;
    viewing.at = (i + items.length) % items.length;
    const link = items[viewing.at];
    const mime = link.dataset.mime || "";
    const stage = dialog.querySelector("#viewer-stage");
    stage.replaceChildren();
    const el = document.createElement(mime.startsWith("video/") ? "video" : mime.startsWith("audio/") ? "audio" : "img");
    el.src = link.href;
    if (el instanceof HTMLImageElement) el.alt = link.querySelector("img")?.alt || "";
    else el.controls = true;
    stage.append(el);
    dialog.querySelector("#viewer-caption").textContent = link.title || link.querySelector("img")?.alt || "";
    dialog.querySelector("#viewer-download").href = `${link.getAttribute("href")}?download=1`;
  }
  document.addEventListener("click", (e) => {
    const target = e.target instanceof Element ? e.target : null;
    const link = target?.closest("a[data-viewer]");
    const dialog = document.getElementById("media-viewer");
    if (link && dialog) {
      e.preventDefault();
      const scope = link.closest("#gallery-items, #messages") ?? document;
      viewing = { items: [...scope.querySelectorAll("a[data-viewer]")], at: 0 };
      showItem(viewing.items.indexOf(link));
      if (!dialog.open) dialog.showModal();
      return;
    }
    const step = target?.closest("[data-viewer-step]");
    if (step) showItem(viewing.at + Number(step.dataset.viewerStep));
  });
  document.addEventListener("keydown", (e) => {
    const dialog = document.getElementById("media-viewer");
    if (!dialog?.open) return;
    if (e.key === "ArrowRight") showItem(viewing.at + 1);
    if (e.key === "ArrowLeft") showItem(viewing.at - 1);
  });
})();
