/**
 * The UI benchmark's report, reports/bench-ui.{json,md}: where it ran, each store's figures per page and the
 * verdicts (ui-targets.ts) with their ratio to the target. Every figure in it comes from the run.
 */
import { cell, table, type Provenance } from "./report.js";
import type { StoreCounts } from "./segment-store.js";
import { judgeUi, UI_PAGES, type UiJudgement, type UiStoreFigures } from "./ui-targets.js";

export interface UiLoad {
  /** The page's first heading, to show the page measured is the one meant (not an error page). */
  heading: string | null;
  lcpMs: number | null;
  cls: number;
  /** performance.now() in the frame when the page was seen hydrated. */
  hydratedMs: number;
}

export interface UiPageRun {
  page: string;
  path: string;
  loads: UiLoad[];
  lcpMs: number | null;
  cls: number | null;
  hydratedMs: number | null;
}

export interface UiStoreRun extends UiStoreFigures {
  pages: UiPageRun[];
  segmentId: string;
  customerId: string;
  fill: StoreCounts | null;
  setupSeconds: number;
  typingInteractions: number;
  previewInteractions: number;
  typingLongestEvent: string | null;
  previewLongestEvent: string | null;
  previewLatencyMs: number[];
}

export interface UiReport {
  suite: "ui";
  measuredAt: string;
  provenance: Provenance;
  loadAverageAtEnd: number;
  chromium: string;
  options: { stores: string[]; customers: number; loads: number };
  runs: UiStoreRun[];
  verdicts: UiJudgement[];
}

export function buildUiReport(input: Omit<UiReport, "suite" | "verdicts">): UiReport {
  return { suite: "ui", ...input, verdicts: judgeUi({ stores: input.runs }) };
}

/** Counts of the verdicts, and the targets not met: the report's first line. */
export function summarizeVerdicts(verdicts: readonly UiJudgement[]): string {
  const count = (verdict: string) => verdicts.filter((judgement) => judgement.verdict === verdict).length;
  const failed = verdicts.filter((judgement) => judgement.verdict === "not met").map((judgement) => judgement.id);
  return `${count("met")} met, ${count("not met")} not met, ${count("not measured")} not measured${failed.length ? ` — not met: ${failed.join(", ")}` : ""}`;
}

const TITLES = new Map(UI_PAGES.map((page) => [page.id, page.title]));

export function renderUiMarkdown(report: UiReport): string {
  const { provenance: where } = report;
  const unfinished = report.options.stores.filter((store) => !report.runs.some((run) => run.store === store));
  return `# UI benchmark

Written by \`npm run bench -- ui\` (\`--stores ${report.options.stores.join(",")} --customers ${report.options.customers} --loads ${report.options.loads}\`) on ${report.measuredAt}.
Code at ${where.commit}${where.dirty ? " **with uncommitted changes** (these figures are not that commit's)" : ""}.
Machine: ${where.machine.os}, ${where.machine.cpus} × ${where.machine.cpuModel}, ${where.machine.memoryGb} GB, Node ${where.machine.node}, ${report.chromium} (headless);
load average (1 min) ${where.machine.loadAverage} at the start, ${report.loadAverageAtEnd} at the end (above the CPU count, other work
on the machine slowed these figures).
Stores measured: ${report.runs.map((run) => run.store).join(", ") || "none"}${unfinished.length ? ` (not finished when this report was written: ${unfinished.join(", ")})` : ""}.

**Verdicts: ${summarizeVerdicts(report.verdicts)}.**

How: the production build (\`server.js\`) against the local Shopify, each page opened embedded in the local admin in
Chromium (1280 × 1000), a fresh browser context per load (cold cache). Once the app's page has hydrated
(\`html[data-hydrated]\`) and ${"1.5"} s more have passed, a buffered PerformanceObserver in the app's frame reads LCP (the
last \`largest-contentful-paint\` candidate, from the frame's own navigation start — the admin around it is not
counted) and CLS (the sum of \`layout-shift\` values without recent input). Each page's figure is the median of its
loads. INP, in the segment editor: the longest event-timing interaction (\`durationThreshold: 16\`, and the first
input whatever its duration) (a) while typing a query into the query box at 60 ms a key, (b) while the preview
updates: the rule's value changed 5 times, each change followed by 1.2 s of key presses while its preview is asked
for, answered and rendered. The demo store is what \`npm run dev\` makes (2,000 customers and 10,000 orders seeded
in the local Shopify and synced, one segment per template, tagging on for some); the large store's customers are
generated straight into the database (\`scripts/bench/segment-store.ts\`) with 5 of the segments benchmark's
segments evaluated. The segment page shows the store's largest segment, the customer page one of its members.

## Targets

Judged by the benchmark (\`scripts/bench/ui-targets.ts\`); ratio: measured ÷ limit (above 1 is over the target).

${table(report.verdicts as unknown as Record<string, unknown>[], [
  ["what", "target"],
  ["target", "limit"],
  ["measured", "measured"],
  ["ratio", "ratio"],
  ["verdict", "verdict"],
])}

${report.runs
  .map(
    (
      run,
    ) => `## ${run.store === "demo" ? "Demo store" : "Large store"}: ${run.customers.toLocaleString("en-US")} customers

Set up in ${run.setupSeconds} s${run.fill ? `; generated rows ${cell(run.fill)}` : ""}. Segment page: ${run.segmentId}; customer page: ${run.customerId}.

${table(
  run.pages.map((page) => ({
    ...page,
    title: TITLES.get(page.page) ?? page.page,
    lcpLoads: page.loads.map((load) => load.lcpMs ?? "—").join(" / "),
    clsLoads: page.loads.map((load) => load.cls).join(" / "),
    heading: page.loads[0]?.heading ?? null,
  })),
  [
    ["title", "page"],
    ["path", "path"],
    ["heading", "heading seen"],
    ["lcpMs", "LCP ms (median)"],
    ["lcpLoads", "LCP ms per load"],
    ["cls", "CLS (median)"],
    ["clsLoads", "CLS per load"],
    ["hydratedMs", "hydrated at ms (median)"],
  ],
)}

Editor INP: typing ${cell(run.typingInpMs)} ms (the longest a ${cell(run.typingLongestEvent)}; ${run.typingInteractions} interactions at or above 16 ms, or the first input);
preview updating ${cell(run.previewInpMs)} ms (the longest a ${cell(run.previewLongestEvent)}; ${run.previewInteractions}). Change → preview count shown, per change (ms, not a
target): ${run.previewLatencyMs.join(", ") || "—"}.`,
  )
  .join("\n\n")}
`;
}
