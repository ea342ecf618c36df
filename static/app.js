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
