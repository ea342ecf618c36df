// Accessibility checks in the browser: axe-core, injected into the page, judges what is drawn.
import { resolve } from "node:path";
import type { Page } from "playwright-core";

const axeScript = resolve(import.meta.dir, "../../node_modules/axe-core/axe.min.js");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is now (WCAG 2.x A and AA rules plus best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axeScript });
  return page.evaluate(async () => {
    // @ts-expect-error axe is the script just injected
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v: AxeViolation) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  });
}

/** The serious and critical violations, as readable lines (empty when the page passes). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const found = await axeViolations(page);
  return found
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.slice(0, 5).map((n) => `${v.impact} ${v.id} (${v.help}) at ${n.target.join(" ")}: ${n.failureSummary?.replace(/\s+/g, " ") ?? ""}`));
}
