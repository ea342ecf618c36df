// How a live fragment says where it goes: htmx partials, and the live sink's upserts and removals
// that static/app.js applies.

/** An htmx partial: swaps `html` into `target` with `swap`. */
export function partial(target: string, html: string, swap = "outerHTML") {
  return `<hx-partial hx-target="${target}" hx-swap="${swap}">${html}</hx-partial>`;
}

/**
 * A row or message the page may or may not already show: static/app.js replaces it in place
 * (moving it to the top when asked) or inserts it, so a live update never duplicates an element.
 */
export function upsert(id: string, into: string, at: "top" | "bottom" | "keep" | "only", html: string, notify?: string) {
  const note = notify ? ` data-notify="${escapeAttribute(notify)}"` : "";
  return partial("#live-sink", `<template data-upsert="${id}" data-into="${into}" data-at="${at}"${note}>${html}</template>`, "beforeend");
}

function escapeAttribute(text: string) {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function remove(id: string) {
  return partial("#live-sink", `<template data-remove="${id}"></template>`, "beforeend");
}
