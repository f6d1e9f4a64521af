/**
 * The segments benchmark's report, reports/bench-segments.{json,md}: where it ran, each database's figures and
 * the verdicts (segment-targets.ts). Every figure in it comes from the run.
 */
import { cell, table, type Provenance } from "./report.js";
import { judgeSegments, type SegmentRunFigures } from "./segment-targets.js";
import type { Judgement } from "./targets.js";
import type { StoreCounts } from "./segment-store.js";

export interface SegmentRun extends SegmentRunFigures {
  store: StoreCounts;
  firstEvaluation: { entered: number; exited: number };
  unchangedEvaluation: { entered: number; exited: number };
  oneCustomerP50Ms: number;
  oneCustomerMaxMs: number;
  oneCustomerSamples: number;
  previewP50Ms: number;
  previews: { query: string; ms: number; size: number }[];
  ceilingSeconds: number;
  ceilingRows: number;
  firstToCeiling: number;
  unchangedToCeiling: number;
  members: { name: string; query: string; members: number }[];
}

export interface SegmentReport {
  suite: "segments";
  measuredAt: string;
  provenance: Provenance;
  loadAverageAtEnd: number;
  options: { customers: number; providers: string[] };
  runs: SegmentRun[];
  verdicts: Judgement[];
}

export function buildSegmentReport(input: Omit<SegmentReport, "suite" | "verdicts">): SegmentReport {
  return { suite: "segments", ...input, verdicts: judgeSegments({ runs: input.runs }) };
}

export function renderSegmentMarkdown(report: SegmentReport): string {
  const { provenance: where } = report;
  const rows = report.runs as unknown as Record<string, unknown>[];
  const unfinished = report.options.providers.filter(
    (provider) => !report.runs.some((run) => run.provider === provider),
  );
  return `# Segments benchmark

Written by \`npm run bench -- segments\` (\`--customers ${report.options.customers} --providers ${report.options.providers.join(",")}\`) on ${report.measuredAt}.
Code at ${where.commit}${where.dirty ? " **with uncommitted changes** (these figures are not that commit's)" : ""}.
Machine: ${where.machine.os}, ${where.machine.cpus} × ${where.machine.cpuModel}, ${where.machine.memoryGb} GB, Node ${where.machine.node};
load average (1 min) ${where.machine.loadAverage} at the start, ${report.loadAverageAtEnd} at the end (above the CPU count, other work
on the machine slowed these figures).
Databases measured: ${report.runs.map((run) => run.provider).join(", ") || "none"}${unfinished.length ? ` (not finished when this report was written: ${unfinished.join(", ")})` : ""}.

The customers' facts are **generated, not synced**: \`scripts/bench/segment-store.ts\` fills a fresh database
(SQLite under \`.cache/bench-segments/\`, a fresh PostgreSQL schema) with set-based SQL — customers, their metrics,
tags and purchases, with skewed spend and many one-time buyers — then runs ANALYZE. The sync has its own
benchmark (\`npm run bench -- sync\`).

## Targets

Judged by the benchmark (\`scripts/bench/segment-targets.ts\`) at the issue's load, 1,000,000 customers; "not
measured" when this run did not include that load.

${table(report.verdicts as unknown as Record<string, unknown>[], [
  ["what", "target"],
  ["target", "limit"],
  ["measured", "measured"],
  ["verdict", "verdict"],
  ["source", "source"],
])}

## Figures

First evaluation: \`evaluateShop\` over every customer with the 20 segments just created (everybody who matches
enters). Unchanged: the same again, nothing having changed. One customer: \`evaluateCustomers\` with one id
across the 20 segments (the webhook path), for 200 random customers. Preview: \`previewQuery\` of 5 different
queries, each once. Ceiling: a plain \`SELECT\` of the customer id and the metric columns the rules read, over all
the shop's rows, read to the end by the client; the ratios are the evaluation's seconds over the ceiling's.

${table(rows, [
  ["provider", "database"],
  ["customers", "customers"],
  ["segments", "segments"],
  ["firstEvaluationSeconds", "first evaluation s"],
  ["unchangedEvaluationSeconds", "unchanged s"],
  ["ceilingSeconds", "ceiling s"],
  ["firstToCeiling", "first ÷ ceiling"],
  ["unchangedToCeiling", "unchanged ÷ ceiling"],
  ["oneCustomerP50Ms", "one customer p50 ms"],
  ["oneCustomerP95Ms", "one customer p95 ms"],
  ["oneCustomerMaxMs", "one customer max ms"],
  ["previewP50Ms", "preview p50 ms"],
  ["previewMaxMs", "preview max ms"],
])}

Generated store (rows; seconds to fill, ANALYZE included): ${report.runs.map((run) => `${run.provider} ${cell(run.store)}`).join("; ") || "—"}

Changes recorded (first / unchanged): ${report.runs.map((run) => `${run.provider} ${cell(run.firstEvaluation)} / ${cell(run.unchangedEvaluation)}`).join("; ") || "—"}

## Segments and their members

${report.runs
  .map(
    (run) => `### ${run.provider}

${table(run.members as unknown as Record<string, unknown>[], [
  ["name", "segment"],
  ["query", "query"],
  ["members", "members"],
])}

Previews:

${table(run.previews as unknown as Record<string, unknown>[], [
  ["query", "query"],
  ["ms", "ms"],
  ["size", "members"],
])}`,
  )
  .join("\n\n")}
`;
}
