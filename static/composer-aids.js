// The composer's helpers, all optional (without them "@Name" is still read by the server and
// variables are still filled when sent): the @ picker of colleagues, the variables preview, the
// "agent is typing" signal, and the alert when someone mentions you.
(() => {
  const fold = (text) => text.toLocaleLowerCase("tr").replace(/ı/g, "i");
  const composer = () => {
    const area = document.getElementById("composer-body");
    return area instanceof HTMLTextAreaElement && area.dataset.mentionPeople ? area : null;
  };
  const json = (text, fallback) => {
    try {
      return JSON.parse(text);
    } catch {
      return fallback;
    }
  };

  // ---- @ mentions -------------------------------------------------------------------------
  let choices = [];
  let active = 0;

  /** The "@partial name" just before the caret, or null. */
  function mentionQuery(area) {
    const before = area.value.slice(0, area.selectionStart);
    const match = before.match(/(?:^|\s)@([^\s@][^@\n]{0,40}|)$/u);
    return match ? { text: match[1], start: before.length - match[1].length - 1 } : null;
  }

  function closePicker(area) {
    const picker = document.getElementById("mention-picker");
    if (picker) {
      picker.hidden = true;
      picker.replaceChildren();
    }
    choices = [];
    area?.setAttribute("aria-expanded", "false");
    area?.removeAttribute("aria-activedescendant");
  }

  function drawPicker(area) {
    const picker = document.getElementById("mention-picker");
    const query = mentionQuery(area);
    if (!picker || !query) return closePicker(area);
    const needle = fold(query.text.trimEnd());
    const people = json(area.dataset.mentionPeople, []);
    choices = people.filter((p) => fold(p.name).startsWith(needle) || fold(p.name).split(/\s+/).some((w) => w.startsWith(needle))).slice(0, 8);
    if (!choices.length) return closePicker(area);
    active = Math.min(active, choices.length - 1);
    picker.replaceChildren(
      ...choices.map((p, i) => {
        const li = document.createElement("li");
        li.id = `mention-choice-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", String(i === active));
        li.textContent = p.name;
        li.addEventListener("mousedown", (e) => {
          e.preventDefault();
          choose(area, i);
        });
        return li;
      }),
    );
    picker.hidden = false;
    area.setAttribute("role", "combobox");
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", "mention-picker");
    area.setAttribute("aria-expanded", "true");
    area.setAttribute("aria-activedescendant", `mention-choice-${active}`);
  }

  function choose(area, index) {
    const person = choices[index];
    const query = mentionQuery(area);
    if (!person || !query) return closePicker(area);
    const caret = area.selectionStart;
    const insert = `@${person.name} `;
    area.value = area.value.slice(0, query.start) + insert + area.value.slice(caret);
    const at = query.start + insert.length;
    area.setSelectionRange(at, at);
    closePicker(area);
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  }

  // Captured before the composer's own Enter-sends, so Enter picks a colleague while the list is open.
  document.addEventListener(
    "keydown",
    (e) => {
      const area = composer();
      if (!area || e.target !== area || !choices.length) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        active = (active + (e.key === "ArrowDown" ? 1 : choices.length - 1)) % choices.length;
        drawPicker(area);
      } else if (e.key === "Enter" || e.key === "Tab") {
        choose(area, active);
      } else if (e.key === "Escape") {
        closePicker(area);
      } else return;
      e.preventDefault();
      e.stopImmediatePropagation();
    },
    true,
  );
  document.addEventListener("focusout", (e) => {
    if (e.target === composer()) setTimeout(() => closePicker(composer()), 150);
  });

  // ---- Variables preview --------------------------------------------------------------------
  const VARIABLE = /\{\{\s*([A-Za-z_]+(?:\.[A-Za-z0-9_]+)+)\s*\}\}/g;

  function drawPreview(area) {
    const box = document.getElementById("variable-preview");
    if (!box) return;
    if (!VARIABLE.test(area.value)) {
      VARIABLE.lastIndex = 0;
      box.hidden = true;
      return;
    }
    VARIABLE.lastIndex = 0;
    const values = json(area.dataset.variables, {});
    const texts = json(area.dataset.aidTexts, {});
    const missing = new Set();
    const filled = area.value.replace(VARIABLE, (whole, name) => {
      const value = values[name] ?? values[name.toLowerCase()];
      if (value === undefined) {
        missing.add(`{{${name}}}`);
        return whole;
      }
      return value;
    });
    box.querySelector(".preview-text").textContent = filled;
    const warn = box.querySelector(".preview-missing");
    warn.textContent = missing.size ? (texts.missing || "").replace("{names}", [...missing].join(", ")) : "";
    warn.hidden = !missing.size;
    box.classList.toggle("has-missing", missing.size > 0);
    box.hidden = false;
  }

  // ---- Typing signal ------------------------------------------------------------------------
  let typingSentAt = 0;
  let typingFor = "";

  function signalTyping(area) {
    const text = area.value.trim();
    // Searching quick replies, or writing a note to a colleague, is not typing to the customer.
    if (!text || text.startsWith("/") || choices.length) return;
    const people = json(area.dataset.mentionPeople, []);
    if (people.some((p) => fold(text).includes("@" + fold(p.name)))) return;
    const url = area.dataset.typing;
    if (!url) return;
    if (typingFor !== url) typingSentAt = 0;
    if (Date.now() - typingSentAt < 4000) return;
    typingSentAt = Date.now();
    typingFor = url;
    fetch(url, { method: "POST", credentials: "same-origin" }).catch(() => {});
  }

  document.addEventListener("input", (e) => {
    const area = composer();
    if (!area || e.target !== area) return;
    drawPicker(area);
    drawPreview(area);
    signalTyping(area);
  });
  const settle = () => {
    const area = composer();
    if (area) drawPreview(area);
  };
  document.addEventListener("DOMContentLoaded", settle);
  document.addEventListener("htmx:after:swap", settle);

  // ---- Mention alerts -----------------------------------------------------------------------
  function announce(badge) {
    const text = badge.dataset.alert;
    if (!text) return;
    const href = badge.dataset.href;
    let shelf = document.getElementById("mention-toasts");
    if (!shelf) {
      shelf = document.createElement("div");
      shelf.id = "mention-toasts";
      shelf.className = "toasts";
      shelf.setAttribute("role", "status");
      document.body.append(shelf);
    }
    const toast = document.createElement("a");
    toast.className = "toast";
    toast.href = href || "/mentions";
    toast.textContent = text;
    shelf.append(toast);
    setTimeout(() => toast.remove(), 8000);
    if (document.body.dataset.sound === "1") window.playAlertTone?.(660, 0.5);
    if (document.body.dataset.desktop === "1" && document.hidden && "Notification" in window && Notification.permission === "granted") {
      const note = new Notification(document.title, { body: text, tag: `kanal-mention-${href}` });
      note.onclick = () => {
        window.focus();
        if (href) location.href = href;
      };
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node instanceof HTMLElement && node.id === "mentions-badge") announce(node);
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
