/**
 * `npm run parity`: replays every parity spec of the real Shopify captures against the local Shopify, prints a
 * table per domain, rewrites docs/parity-report.md, and exits non-zero only when a scenario in the committed
 * baseline (tests/parity/baseline.json) no longer passes. `--update-baseline` records today's passing set.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CAPTURES_DIR, capturesAvailable } from "../helpers/captures.js";
import { readBaseline, writeBaseline } from "./baseline.js";
import { FAILURE_NOTES } from "./failure-notes.js";
import { replayAll } from "./replay.js";
import { consoleTable, describeFailure, markdownReport } from "./report.js";
import { UNIMPLEMENTED_NOTES } from "./unimplemented-notes.js";

const REPORT_PATH = join(import.meta.dirname, "..", "..", "docs", "parity-report.md");

async function main(): Promise<number> {
  if (!capturesAvailable()) {
    console.log(`[parity] Shopify captures not found at ${CAPTURES_DIR}; nothing to replay.`);
    return 0;
  }
  const started = Date.now();
  const results = await replayAll(CAPTURES_DIR);
  const duration = Date.now() - started;

  console.log(consoleTable(results));
  console.log("");
  for (const result of results.filter((r) => r.outcome === "failed")) {
    const note = FAILURE_NOTES[result.id];
    console.log(`FAILED ${result.id}: ${describeFailure(result)}${note ? ` [${note.kind}]` : ""}`);
  }
  writeFileSync(REPORT_PATH, markdownReport(results, FAILURE_NOTES, duration, UNIMPLEMENTED_NOTES));
  console.log(`\nReport: docs/parity-report.md (${(duration / 1000).toFixed(1)} s)`);

  const passing = results.filter((r) => r.outcome === "passed").map((r) => r.id);
  if (process.argv.includes("--update-baseline")) {
    writeBaseline(passing);
    console.log(`Baseline updated: ${passing.length} passing scenarios.`);
    return 0;
  }
  const baseline = readBaseline();
  const regressions = baseline.filter((id) => !passing.includes(id));
  const newlyPassing = passing.filter((id) => !baseline.includes(id));
  if (newlyPassing.length)
    console.log(`Newly passing (run with --update-baseline to record): ${newlyPassing.join(", ")}`);
  if (regressions.length) {
    console.error(`REGRESSIONS: scenarios in the baseline no longer pass: ${regressions.join(", ")}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
