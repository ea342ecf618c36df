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
    const input = button.parentElement?.querySelector("input.copy-source");
    input?.select();
  }
});

// Composer: Enter sends, Shift+Enter starts a new line.
document.addEventListener("keydown", (e) => {
  const area = e.target;
  if (!(area instanceof HTMLTextAreaElement) || !area.hasAttribute("data-enter-submits")) return;
  if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
  e.preventDefault();
  if (area.value.trim()) area.form?.requestSubmit(area.form.querySelector('button[value="reply"]') ?? undefined);
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
    const gone = tpl.dataset.remove && document.getElementById(tpl.dataset.remove);
    if (gone) gone.remove();
    const id = tpl.dataset.upsert;
    const container = id && document.querySelector(tpl.dataset.into);
    if (id && container) {
      const fresh = tpl.content.firstElementChild;
      const existing = document.getElementById(id);
      const at = tpl.dataset.at;
      // "keep": redraw in place, or add at the top; "only": redraw in place or do nothing;
      // "top": move to the top; "bottom": append (messages).
      if (fresh && (existing || at !== "only")) {
        if (existing && (at === "keep" || at === "only")) existing.replaceWith(fresh);
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
