import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeResult {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * axe-core's default rules (WCAG 2.x A and AA and best practices) on the page as it is now:
 * every violation, and every "needs review" item of serious or critical impact, as readable
 * lines. A test expects the list to be empty.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script tag: the app's CSP rightly refuses inline scripts.
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(axeSource);
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ["violations", "incomplete"] })`)) as {
    violations: AxeResult[];
    incomplete: AxeResult[];
  };
  const serious = results.incomplete.filter((r) => r.impact === "serious" || r.impact === "critical");
  // The first few nodes of each are enough to find the rest.
  const describe = (kind: string) => (r: AxeResult) =>
    `${kind} ${r.id} (${r.impact}): ${r.help} at ${r.nodes
      .slice(0, 3)
      .map((n) => `${n.target.join(" ")}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, " ")}` : ""}`)
      .join("; ")}${r.nodes.length > 3 ? ` and ${r.nodes.length - 3} more` : ""}`;
  return [...results.violations.map(describe("violation")), ...serious.map(describe("needs review"))];
}
