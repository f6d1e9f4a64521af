import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

export interface AxeViolationSummary {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Scans the page (or, with `include`, one frame's selector — pass "iframe" for the embedded app) with axe-core and
 * returns the serious and critical violations; a test expects this to equal []. AxeBuilder is typed for
 * @playwright/test's Page; playwright-core's is the same object.
 */
export async function seriousAccessibilityViolations(
  page: Page,
  options: { include?: string; disableRules?: string[] } = {},
): Promise<AxeViolationSummary[]> {
  let builder = new AxeBuilder({ page: page as unknown as ConstructorParameters<typeof AxeBuilder>[0]["page"] });
  if (options.include) builder = builder.include(options.include);
  if (options.disableRules) builder = builder.disableRules(options.disableRules);
  const results = await builder.analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
}
