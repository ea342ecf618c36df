/** htmx posts swap the whole thread; plain form posts come back to the same page. */
export function threadForm(action: string) {
  return { method: "post", action, "hx-post": action, "hx-target": "#thread", "hx-swap": "outerHTML" } as const;
}
