// Small progressive enhancements; every page works without this file.
document.addEventListener("submit", (e) => {
  const form = e.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}, true);

document.addEventListener("click", async (e) => {
  const button = e.target instanceof Element ? e.target.closest("button.copy[data-copy]") : null;
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.classList.add("copied");
  } catch {
    const input = button.parentElement?.querySelector(".copy-source");
    input?.select();
  }
});

// Composer: Enter sends, Shift+Enter starts a new line.
document.addEventListener("keydown", (e) => {
  const area = e.target;
  if (!(area instanceof HTMLTextAreaElement) || !area.hasAttribute("data-enter-submits")) return;
  if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
  e.preventDefault();
  if (area.value.startsWith("/")) {
    const first = visibleQuickReplies()[0];
    if (first) insertIntoComposer(first.dataset.body);
    return;
  }
  const hasFiles = !!area.form?.querySelector('input[name="attachmentIds"]');
  if (area.value.trim() || hasFiles) area.form?.requestSubmit(area.form.querySelector('button[value="reply"]') ?? undefined);
});

// Quick replies: a click sends one (a form post); Shift+click puts its text into the draft.
document.addEventListener("click", (e) => {
  const chip = e.target instanceof Element ? e.target.closest(".quick-replies .chip[data-body]") : null;
  if (!chip || !e.shiftKey) return;
  e.preventDefault();
  insertIntoComposer(chip.dataset.body);
}, true);

function visibleQuickReplies() {
  return [...document.querySelectorAll(".quick-replies .chip[data-body]")].filter((chip) => !chip.hidden);
}

function insertIntoComposer(text) {
  const area = document.getElementById("composer-body");
  if (!area) return;
  const draft = area.value.startsWith("/") ? "" : area.value;
  area.value = draft ? `${draft}${/\s$/.test(draft) ? "" : " "}${text}` : text;
  area.focus();
  filterQuickReplies(null);
}

// Typing "/" at the start of the draft searches quick replies by title and text.
function filterQuickReplies(term) {
  const lang = document.documentElement.lang;
  const needle = term === null ? null : term.trim().toLocaleLowerCase(lang);
  for (const chip of document.querySelectorAll(".quick-replies .chip[data-body]")) {
    chip.hidden = !!needle && !`${chip.textContent} ${chip.dataset.body}`.toLocaleLowerCase(lang).includes(needle);
  }
  document.querySelector(".quick-replies")?.classList.toggle("searching", term !== null);
}
document.addEventListener("input", (e) => {
  if (!(e.target instanceof HTMLTextAreaElement) || e.target.id !== "composer-body") return;
  const match = e.target.value.match(/^\/(.*)$/s);
  filterQuickReplies(match ? match[1] : null);
});

// Search boxes that narrow a <select> (the assignment dropdown).
document.addEventListener("input", (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.filterList) return;
  const list = document.querySelector(input.dataset.filterList);
  const needle = input.value.toLocaleLowerCase(document.documentElement.lang);
  for (const option of list?.querySelectorAll("option") ?? []) {
    option.hidden = !!needle && !option.textContent.toLocaleLowerCase(document.documentElement.lang).includes(needle);
  }
});

// Keep the newest message in view and the composer ready after the thread is drawn or redrawn.
function settleThread() {
  const messages = document.getElementById("messages");
  if (messages) messages.lastElementChild?.scrollIntoView({ block: "end" });
}
document.addEventListener("DOMContentLoaded", settleThread);
document.addEventListener("htmx:after:swap", () => {
  settleThread();
  const composer = document.getElementById("composer-body");
  if (composer && document.activeElement === document.body) composer.focus();
});

// Live rows and messages arrive as <template data-upsert> in #live-sink: replace the element with
// that id where the page has it (moving it to the top when asked), insert it otherwise.
function applyLive(sink) {
  for (const tpl of sink.querySelectorAll("template")) {
    if (tpl.dataset.notify) alertNewMessage(tpl.dataset.notify);
    const gone = tpl.dataset.remove && document.getElementById(tpl.dataset.remove);
    if (gone) gone.remove();
    const id = tpl.dataset.upsert;
    const container = id && document.querySelector(tpl.dataset.into);
    if (id && container) {
      const fresh = tpl.content.firstElementChild;
      const existing = document.getElementById(id);
      const at = tpl.dataset.at;
      // "keep": redraw in place, or add at the top; "only": redraw in place or do nothing;
      // "top": move to the top; "bottom": append (messages), or redraw in place a message the
      // page already shows (a resumed stream may send it again after newer ones).
      if (fresh && (existing || at !== "only")) {
        if (existing && (at === "keep" || at === "only" || at === "bottom")) existing.replaceWith(fresh);
        else {
          existing?.remove();
          if (at === "bottom") container.append(fresh);
          else container.prepend(fresh);
        }
        if (window.htmx) htmx.process(fresh);
        if (container.id === "messages") fresh.scrollIntoView({ block: "end" });
      }
    }
    tpl.remove();
  }
}
document.addEventListener("DOMContentLoaded", () => {
  const sink = document.getElementById("live-sink");
  if (sink) new MutationObserver(() => applyLive(sink)).observe(sink, { childList: true });
});

// Inbox keyboard shortcuts (never while typing): j/k next/previous, r reply, / quick replies,
// a assign, e end the session, s spam / not spam, ? the list, Esc closes menus.
document.addEventListener("keydown", (e) => {
  if (!document.querySelector(".inbox") || e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = e.target instanceof HTMLElement && e.target.closest("input, textarea, select, [contenteditable]");
  if (e.key === "Escape") {
    document.querySelectorAll("details[open].menu-button, details[open].add-quick-reply").forEach((d) => d.removeAttribute("open"));
    return;
  }
  if (typing) return;
  const go = (step) => {
    const rows = [...document.querySelectorAll("#conversation-rows .conversation a")];
    const at = rows.findIndex((a) => a.parentElement.classList.contains("current"));
    const next = rows[at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + step))];
    if (next) location.href = next.href;
  };
  const open = (selector, focus) => {
    const menu = document.querySelector(selector);
    if (!menu) return;
    menu.setAttribute("open", "");
    menu.querySelector(focus)?.focus();
  };
  const composer = document.getElementById("composer-body");
  const actions = {
    j: () => go(1),
    k: () => go(-1),
    r: () => composer?.focus(),
    "/": () => {
      if (!composer) return;
      composer.focus();
      if (!composer.value.startsWith("/")) composer.value = "/" + composer.value;
      composer.dispatchEvent(new Event("input", { bubbles: true }));
    },
    a: () => open(".assign-menu", "#assign-filter"),
    e: () => open(".close-menu", ".closing-choice"),
    s: () => document.querySelector("#thread-head .spam-toggle")?.click(),
    "?": () => document.getElementById("shortcuts")?.showModal(),
  };
  const action = actions[e.key];
  if (!action) return;
  e.preventDefault();
  action();
});

// New-message alerts while the tab is in the background: a short tone and, if allowed, a
// browser notification. Each person chooses in the user menu.
function alertNewMessage(text) {
  if (!document.hidden) return;
  if (document.body.dataset.sound === "1") playAlertTone(880, 0.4);
  if (document.body.dataset.desktop === "1" && "Notification" in window && Notification.permission === "granted") {
    new Notification(document.title, { body: text, tag: "kanal-message" });
  }
}
// A short tone (also the mention alert's, static/composer-aids.js).
function playAlertTone(frequency, seconds) {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + seconds);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + seconds);
  } catch {}
}
document.addEventListener("change", (e) => {
  const box = e.target;
  if (box instanceof HTMLInputElement && box.hasAttribute("data-asks-permission") && box.checked && "Notification" in window) {
    Notification.requestPermission();
  }
});

// Cockpit "Search users": narrows the tables from the first letter typed, ignoring case the
// Turkish way too (I, ı, İ and i all match).
const foldName = (text) => text.toLocaleLowerCase("tr").replace(/ı/g, "i");
document.addEventListener("input", (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.filterNames) return;
  const needle = foldName(input.value.trim());
  for (const row of document.querySelectorAll(`${input.dataset.filterNames} tr[data-name]`)) {
    row.hidden = !!needle && !foldName(row.dataset.name).includes(needle);
  }
});
document.addEventListener("htmx:after:swap", () => {
  const search = document.querySelector("input[data-filter-names]");
  if (search?.value) search.dispatchEvent(new Event("input", { bubbles: true }));
});

// Billing widget: "Copy" puts a payment link's URL on the clipboard (without JavaScript the URL
// stays in a read-only field to select by hand).
document.addEventListener("click", async (e) => {
  const button = e.target instanceof Element ? e.target.closest("button[data-copy]:not(.copy)") : null;
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();
    document.execCommand("copy");
  }
  const label = button.textContent;
  button.textContent = button.dataset.copied;
  setTimeout(() => (button.textContent = label), 1500);
});
