import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Scenario ids that passed when the baseline was last recorded; any of them failing is a regression. */
export const BASELINE_PATH = join(import.meta.dirname, "baseline.json");

export function readBaseline(): string[] {
  const parsed = JSON.parse(readFileSync(BASELINE_PATH, "utf8")) as { passing?: unknown };
  return Array.isArray(parsed.passing) ? parsed.passing.filter((id): id is string => typeof id === "string") : [];
}

export function writeBaseline(passing: readonly string[]): void {
  writeFileSync(BASELINE_PATH, `${JSON.stringify({ passing: [...passing].sort() }, null, 2)}\n`);
}
