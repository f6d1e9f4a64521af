/**
 * The tags benchmark's report, reports/bench-tags.{json,md}: where it ran, each measurement's figures and the
 * verdicts (tag-targets.ts). Every figure in it comes from the run.
 */
import { cell, table, type Provenance } from "./report.js";
import { judgeTags, type TagDirectFigures, type TagLatencyFigures } from "./tag-targets.js";
import type { Judgement } from "./targets.js";

export type TagDirectRun = TagDirectFigures & Record<string, unknown>;
export type TagLatencyRun = TagLatencyFigures & Record<string, unknown>;
export type TagBulkRun = { provider: string; customers: number } & Record<string, unknown>;

export interface TagOptions {
  quick: boolean;
  plans: string[];
  directSeconds: number;
  directCustomers: number;
  bulkCustomers: number;
  bulkProviders: string[];
  latencyProviders: string[];
  perSecond: number;
  latencySeconds: number;
}

export interface TagReport {
  suite: "tags";
  measuredAt: string;
  provenance: Provenance;
  loadAverageAtEnd: number;
  options: TagOptions;
  direct: TagDirectRun[];
  bulk: TagBulkRun[];
  latency: TagLatencyRun[];
  /** Measurements planned but not finished when this report was written. */
  unfinished: string[];
  /** Measurements that failed, with the first line of their error (absent in reports before 2026-12-07 17:40). */
  failed?: { measurement: string; error: string }[];
  verdicts: Judgement[];
}

export function buildTagReport(input: Omit<TagReport, "suite" | "verdicts">): TagReport {
  return {
    suite: "tags",
    ...input,
    verdicts: judgeTags({ direct: input.direct, latency: input.latency }),
  };
}

const flags = (options: TagOptions) =>
  options.quick
    ? "--quick"
    : [
        `--plans ${options.plans.join(",")}`,
        `--direct-seconds ${options.directSeconds}`,
        `--customers ${options.bulkCustomers}`,
        `--bulk-providers ${options.bulkProviders.join(",")}`,
        `--providers ${options.latencyProviders.join(",")}`,
        `--per-second ${options.perSecond}`,
        `--latency-seconds ${options.latencySeconds}`,
      ].join(" ");

export function renderTagMarkdown(report: TagReport): string {
  const { provenance: where, options } = report;
  const rows = (items: readonly object[]) => items as unknown as Record<string, unknown>[];
  return `# Tags benchmark

Written by \`npm run bench -- tags\` (\`${flags(options)}\`) on ${report.measuredAt}.
Code at ${where.commit}${where.dirty ? " **with uncommitted changes** (these figures are not that commit's)" : ""}.
Machine: ${where.machine.os}, ${where.machine.cpus} × ${where.machine.cpuModel}, ${where.machine.memoryGb} GB, Node ${where.machine.node};
load average (1 min) ${where.machine.loadAverage} at the start, ${report.loadAverageAtEnd} at the end (above the CPU count, other work
on the machine slowed these figures).
${report.unfinished.length ? `\n**Not finished when this report was written:** ${report.unfinished.join("; ")}.\n` : ""}${report.failed?.length ? `\n**Failed:** ${report.failed.map((f) => `${f.measurement} (${f.error})`).join("; ")}.\n` : ""}
Everything runs against the local Shopify (\`tests/shopify-emulator/\`) through the app's own code; the local
Shopify's cost bucket is a leaky bucket per shop and app on the **real clock**, refilling by the shop's plan
(Standard 100 points/s, Plus 1,000 points/s; 20 seconds of refill when full: \`graphql/throttle.ts\`).

## Targets

Judged by the benchmark (\`scripts/bench/tag-targets.ts\`) at the issue's load (a steady state of at least 20 s
per plan; 50 webhooks/s for 2 minutes per database); "not measured" when this run did not include that load.
A p95 shown as Infinity: more than 5 % of the webhooks never got their tag within the wait.

${table(rows(report.verdicts), [
  ["what", "target"],
  ["target", "limit"],
  ["measured", "measured"],
  ["verdict", "verdict"],
  ["source", "source"],
])}

## 1. Direct path against the plan's rate

\`scripts/bench/tag-direct.ts\`: the app's \`DirectTagWriter\` (aliased tagsAdd, up to 25 a request, paced by the
bucket its \`AdminClient\` last saw) adds a new tag to every customer of a seeded shop, in batches of the push's
size (500), round after round for the run's seconds, on the real clock. A tagsAdd's cost is what the local
Shopify metered for a request holding one. The plan allows restore rate ÷ that cost tagsAdd a second. Steady
state: from the first answer showing the bucket drained (the full bucket a shop starts with is a one-off burst)
to the last answer, the writes less what the bucket held at either end, per second.

${table(rows(report.direct), [
  ["plan", "plan"],
  ["restoreRate", "restore points/s"],
  ["tagsAddCost", "points per tagsAdd"],
  ["allowedTagsPerSecond", "plan allows tagsAdd/s"],
  ["tagsPerSecond", "steady tagsAdd/s"],
  ["shareOfPlan", "share of plan"],
  ["steadySeconds", "steady s"],
  ["steadyPointsPerSecond", "steady points/s"],
  ["wallSeconds", "run s"],
  ["writes", "writes"],
  ["requests", "requests"],
  ["writesPerRequest", "writes/request"],
  ["throttled", "THROTTLED"],
  ["notApplied", "not applied"],
])}

## 2. Re-tagging a segment through the bulk path

\`scripts/bench/tag-bulk.ts\`: the built app and \`npm run worker\` against a Standard shop of
${options.bulkCustomers.toLocaleString("en-US")} customers (and as many orders) backfilled into a fresh database; the merchant creates
\`amount_spent >= 0\` (everyone) and switches its tagging on with \`npm run cohort -- tagging\`. The worker drains
the outbox as in production, one push batch (500 customers, the bulk threshold) per round, each through the bulk
writer: the JSONL of tagsAdd, the staged upload, \`bulkOperationRunMutation\`, the poll (or the finish webhook),
the result file read back, the confirmed tags and audit recorded. Seconds: from the command's return until the
outbox is empty and every member's tag is confirmed in the database. Shopify's part: each bulk operation from
created to completed as the local Shopify recorded it (one at a time per shop; its own queueing delays are scaled
to nothing, the execution of every line is real); the app's part is the rest (building and uploading the file,
polling, reading the results, recording, waiting for the worker's next round).

${table(rows(report.bulk), [
  ["provider", "database"],
  ["customers", "customers"],
  ["members", "members"],
  ["seconds", "re-tag s"],
  ["appSeconds", "app s"],
  ["shopifySeconds", "Shopify s"],
  ["customersPerSecond", "customers/s"],
  ["bulkOperations", "bulk operations"],
  ["firstOperationAfterSeconds", "first operation after s"],
  ["confirmed", "confirmed in the database"],
  ["taggedInShopify", "tagged in Shopify"],
  ["backfillSeconds", "backfill s (setup)"],
])}

## 3. Order webhook → tag in Shopify

\`scripts/bench/tag-latency.ts\`: the built app and \`npm run worker\` against a Plus shop (50 tagsAdd a second cost
500 points/s; Standard's 100 points/s allow 10) whose customers never ordered, backfilled; the segment
\`amount_spent > 100\` with tagging on. Each customer places one order of 150.00 in the local Shopify with its
webhooks held back; the benchmark then delivers each order's \`orders/create\` (rendered by the local Shopify,
signed with the app's secret) once, at the rate below, from its own process (\`webhook-burst.ts paced\`). The worker
reads the order back, updates the metrics, re-evaluates the customer (who crosses 100), and pushes the tag.
Latency: from the webhook's send to the local Shopify storing the customer with the tag. Inbox: what the app made of
each delivery.

${table(rows(report.latency), [
  ["provider", "database"],
  ["perSecond", "webhooks/s"],
  ["seconds", "s"],
  ["deliveries", "webhooks"],
  ["sentPerSecond", "sent/s"],
  ["p50Ms", "p50 ms"],
  ["p95Ms", "p95 ms"],
  ["p99Ms", "p99 ms"],
  ["maxMs", "max ms"],
  ["confirmed", "tags confirmed"],
  ["notConfirmed", "not confirmed"],
  ["ackP50Ms", "ack p50 ms"],
  ["ackP99Ms", "ack p99 ms"],
  ["non200", "not 200"],
  ["inbox", "inbox"],
])}

Members of the segment before / after: ${report.latency.map((run) => `${run.provider} ${cell(run.membersBefore)} / ${cell(run.membersAfter)}`).join("; ") || "—"}
`;
}
