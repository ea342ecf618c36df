// Bulk picks on the inbox list: Shift+click picks a range, "Select all on this page" picks every row
// shown, the count says how many, and picks survive live redraws of their rows (a row that leaves
// the list leaves the picks). Marking as spam asks first. The form works without this file.
(() => {
  const form = document.getElementById("bulk-form");
  const rows = document.getElementById("conversation-rows");
  if (!form || !rows || form.dataset.ready) return;
  form.dataset.ready = "1";
  const all = form.querySelector("[data-bulk-all]");
  const count = form.querySelector("[data-bulk-count]");
  const summary = document.getElementById("bulk-summary");
  let picked = new Set();
  let last = null;
  // With this file, exactly the ticked rows are sent: not the page as first drawn, which live updates change.
  for (const input of form.querySelectorAll('input[name="page_ids"]')) input.disabled = true;

  const boxes = () => [...rows.querySelectorAll("input.bulk-pick")];
  const show = () => {
    const list = boxes();
    count.textContent = picked.size ? count.dataset.template.replace("#", String(picked.size)) : "";
    all.checked = list.length > 0 && list.every((b) => b.checked);
  };
  const read = () => {
    picked = new Set(boxes().filter((b) => b.checked).map((b) => b.value));
    show();
  };

  rows.addEventListener("click", (e) => {
    const box = e.target instanceof Element ? e.target.closest("input.bulk-pick") : null;
    if (!box) return;
    const list = boxes();
    if (e.shiftKey && last && last !== box && list.includes(last)) {
      const [from, to] = [list.indexOf(last), list.indexOf(box)].sort((a, b) => a - b);
      for (const b of list.slice(from, to + 1)) b.checked = box.checked;
    }
    last = box;
    read();
  });

  all.addEventListener("change", () => {
    for (const b of boxes()) b.checked = all.checked;
    read();
  });

  // Live updates and "Load more" redraw rows: tick again the ones picked, forget the ones gone.
  new MutationObserver(() => {
    for (const b of boxes()) b.checked = picked.has(b.value);
    read();
  }).observe(rows, { childList: true, subtree: true });

  // A summary that is not an error means the action ran: start afresh.
  if (summary) {
    new MutationObserver(() => {
      if (!summary.querySelector(".bulk-summary:not(.error)")) return;
      for (const b of boxes()) b.checked = false;
      read();
    }).observe(summary, { childList: true });
  }

  form.addEventListener("submit", (e) => {
    const chosen = form.querySelector("#bulk-choice")?.selectedOptions[0];
    if (chosen?.dataset.confirm && !window.confirm(chosen.dataset.confirm)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  read();
})();
