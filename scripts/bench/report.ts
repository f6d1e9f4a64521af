/**
 * The sync benchmark's report: where it ran (the commit and whether the tree had changes, the machine), the
 * figures, the verdicts against the targets (targets.ts) and the comparison with the previous report's JSON. Every
 * figure in it comes from the run or from that JSON; nothing is written by hand.
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, release, totalmem, type } from "node:os";
import { judge, type AckFigures, type BackfillFigures, type Judgement } from "./targets.js";

export interface Provenance {
  commit: string;
  /** Uncommitted changes to tracked files when the run started: the figures are then not those of `commit`. */
  dirty: boolean;
  machine: Machine;
}

export interface Machine {
  os: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  /** The 1-minute load average when the run started: other work on the machine slows every figure. */
  loadAverage: number;
}

export type BackfillRow = BackfillFigures & Record<string, unknown>;
export type AckRow = AckFigures & Record<string, unknown>;

export interface SyncReport {
  suite: "sync";
  measuredAt: string;
  provenance: Provenance;
  /** The 1-minute load average when the run ended. */
  loadAverageAtEnd?: number;
  options: { sizes: number[]; providers: string[]; ack: boolean };
  seeding: Record<string, unknown>[];
  backfills: BackfillRow[];
  acks: AckRow[];
  verdicts: Judgement[];
  comparison: Comparison;
}

export interface Comparison {
  previous: { measuredAt: string; commit: string | null; dirty: boolean | null; sameMachine: boolean | null } | null;
  rows: { figure: string; previous: number; current: number; change: string }[];
}

export function provenance(root: string): Provenance {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  return {
    commit: git("rev-parse", "HEAD"),
    // Tracked files only: the report being rewritten and untracked caches do not make a run's code differ.
    dirty: git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!reports").length > 0,
    machine: machine(),
  };
}

export function machine(): Machine {
  return {
    os: `${type()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

export function buildReport(
  input: Omit<SyncReport, "suite" | "verdicts" | "comparison">,
  previous: unknown,
): SyncReport {
  const report: SyncReport = {
    suite: "sync",
    ...input,
    verdicts: judge({ backfills: input.backfills, acks: input.acks }),
    comparison: { previous: null, rows: [] },
  };
  report.comparison = compare(report, previous);
  return report;
}

/** The same figures of the previous report (its JSON, read before it is overwritten), where both measured them. */
export function compare(current: SyncReport, previous: unknown): Comparison {
  if (!isRecord(previous) || previous.suite !== "sync") return { previous: null, rows: [] };
  const earlier = previous as Partial<SyncReport> & { machine?: { cpus?: number; node?: string } };
  const before = earlier.provenance;
  const rows: Comparison["rows"] = [];
  const add = (figure: string, was: unknown, now: unknown) => {
    if (typeof was !== "number" || typeof now !== "number") return;
    const change = was === 0 ? "" : `${now >= was ? "+" : ""}${Math.round(((now - was) / was) * 100)} %`;
    rows.push({ figure, previous: was, current: now, change });
  };
  for (const run of current.backfills) {
    const old = (earlier.backfills ?? []).find((b) => b.size === run.size && b.provider === run.provider);
    if (!old) continue;
    const label = `backfill ${run.size.toLocaleString("en-US")} orders, ${run.provider}`;
    add(`${label}: seconds end to end`, old.orderSeconds, run.orderSeconds);
    add(`${label}: app seconds`, old.appSeconds, run.appSeconds);
    add(`${label}: peak RSS MB`, old.peakRssMb, run.peakRssMb);
  }
  for (const run of current.acks) {
    // Reports before 2026-12-07 measured bursts only (and without a phase).
    const old = (earlier.acks ?? []).find(
      (a) =>
        (a.phase ?? "burst") === run.phase &&
        a.provider === run.provider &&
        (a.inboxSynchronous ?? null) === (run.inboxSynchronous ?? null) &&
        (run.phase === "backfill" || a.concurrency === run.concurrency),
    );
    if (!old) continue;
    const label =
      run.phase === "burst"
        ? `acknowledgement, burst, ${run.provider}${run.inboxSynchronous ? ` (inbox ${run.inboxSynchronous})` : ""}, ${run.concurrency} in flight`
        : `acknowledgement during a backfill, ${run.provider}`;
    add(`${label}: p99 ms`, old.p99Ms, run.p99Ms);
  }
  const oldMachine = before?.machine;
  return {
    previous: {
      measuredAt: String(earlier.measuredAt ?? "unknown"),
      commit: before?.commit ?? null,
      dirty: before?.dirty ?? null,
      sameMachine: oldMachine
        ? oldMachine.cpus === current.provenance.machine.cpus &&
          oldMachine.cpuModel === current.provenance.machine.cpuModel &&
          oldMachine.memoryGb === current.provenance.machine.memoryGb
        : null,
    },
    rows,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const cell = (value: unknown) =>
  value === null || value === undefined ? "—" : typeof value === "object" ? JSON.stringify(value) : String(value);
export const table = (items: readonly Record<string, unknown>[], columns: [string, string][]) =>
  [
    `| ${columns.map(([, title]) => title).join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...items.map((item) => `| ${columns.map(([key]) => cell(item[key])).join(" | ")} |`),
  ].join("\n");

/**
 * What the SQLite inbox's durable commits (FULL) cost an acknowledgement against NORMAL, per burst size measured
 * both ways in this run.
 */
export function durabilityCost(acks: readonly AckRow[]): Record<string, unknown>[] {
  const bursts = acks.filter((run) => run.phase === "burst" && run.provider === "sqlite");
  return bursts
    .filter((full) => full.inboxSynchronous === "FULL")
    .flatMap((full) => {
      const normal = bursts.find((run) => run.inboxSynchronous === "NORMAL" && run.concurrency === full.concurrency);
      if (!normal) return [];
      const difference = (a: unknown, b: unknown) =>
        typeof a === "number" && typeof b === "number" ? Number((a - b).toFixed(1)) : null;
      return [
        {
          concurrency: full.concurrency,
          fullP50: full.p50Ms,
          normalP50: normal.p50Ms,
          p50Cost: difference(full.p50Ms, normal.p50Ms),
          fullP99: full.p99Ms,
          normalP99: normal.p99Ms,
          p99Cost: difference(full.p99Ms, normal.p99Ms),
          fullPerSecond: full.perSecond,
          normalPerSecond: normal.perSecond,
        },
      ];
    });
}

export function renderMarkdown(report: SyncReport): string {
  const { provenance: where } = report;
  const bursts = report.acks.filter((run) => run.phase === "burst");
  const duringBackfill = report.acks.filter((run) => run.phase === "backfill");
  const previous = report.comparison.previous;
  const durability = durabilityCost(report.acks);
  return `# Sync benchmark

Written by \`npm run bench -- sync\` (\`--sizes ${report.options.sizes.join(",")} --providers ${report.options.providers.join(",")}${report.options.ack ? "" : " --no-ack"}\`) on ${report.measuredAt}.
Code at ${where.commit}${where.dirty ? " **with uncommitted changes** (these figures are not that commit's)" : ""}.
Machine: ${where.machine.os}, ${where.machine.cpus} × ${where.machine.cpuModel}, ${where.machine.memoryGb} GB, Node ${where.machine.node};
load average (1 min) ${where.machine.loadAverage} at the start, ${report.loadAverageAtEnd ?? "—"} at the end (above the CPU count, other work
on the machine slowed these figures).

## Targets

Judged by the benchmark (\`scripts/bench/targets.ts\`) at the load each source set; "not measured" when this run
did not include that load.

${table(report.verdicts as unknown as Record<string, unknown>[], [
  ["what", "target"],
  ["target", "limit"],
  ["measured", "measured"],
  ["verdict", "verdict"],
  ["source", "source"],
])}

## Backfill

Customers, then orders, from the local Shopify into a fresh database, in a process of its own
(\`scripts/bench/backfill.ts\`). End to end: the orders backfill's wall time. Export: Shopify's part, until the
first result can be downloaded (a large store is exported in id ranges, each applied while the next ones export).
App: the rest — download, parse, write and the metrics recompute. Ingest: the app's part without the recompute.
Ceiling: the fastest plain load of the same rows into a fresh database — on SQLite one prepared INSERT per table in
a single transaction with journal and sync off, on PostgreSQL \`COPY … FROM STDIN\` per table from files written
beforehand — parsing untimed (row counts compared with the backfill's). The ratios are the app's (or the ingest's) orders per second
against the ceiling's.

${table(report.backfills, [
  ["size", "orders"],
  ["provider", "database"],
  ["orderSeconds", "s end to end"],
  ["ordersPerSecond", "orders/s end to end"],
  ["exportSeconds", "export s"],
  ["appSeconds", "app s"],
  ["ingestSeconds", "ingest s"],
  ["recomputeSeconds", "recompute s"],
  ["ceilingSeconds", "ceiling s"],
  ["appRatioToCeiling", "app ÷ ceiling"],
  ["ingestRatioToCeiling", "ingest ÷ ceiling"],
  ["peakRssMb", "peak RSS MB"],
  ["customerSeconds", "customers s"],
])}

Phase starts within the orders backfill (s): ${report.backfills.map((b) => `${b.size}/${b.provider} ${cell(b.orderPhases)}`).join("; ") || "—"}

Peak RSS per phase (MB): ${report.backfills.map((b) => `${b.size}/${b.provider} ${cell(b.peakRssByPhase)}`).join("; ") || "—"}

Seeding of the local Shopify (s; "reused" when \`.cache/bench\` had it): ${report.seeding.map((s) => `${cell(s.orders)} orders ${cell(s.seededSeconds)}`).join("; ") || "—"}

## Webhook acknowledgement under a burst

\`scripts/bench/webhook-ack.ts --phase burst\`: the built app (\`server.js\`) with \`npm run worker\` beside it, a
local Shopify store of 1,200 orders backfilled first; then 200 untimed warm-up deliveries and the timed ones, sent
from a separate process, \`in flight\` at a time. Each is the \`orders/updated\` body the local Shopify renders for
one of its orders, just changed, so the worker reads the order back and writes it. App CPU: milliseconds of the app
process per delivery during the burst. Applied, rejected (processed with an error) and pending (unprocessed) are
the inbox table's state of the timed deliveries, 30 s after the last was answered (missing: never stored).

${table(bursts, [
  ["provider", "database"],
  ["inboxSynchronous", "inbox commit"],
  ["deliveries", "deliveries"],
  ["concurrency", "in flight"],
  ["payloadBytes", "body bytes"],
  ["p50Ms", "p50 ms"],
  ["p99Ms", "p99 ms"],
  ["maxMs", "max ms"],
  ["non200", "not 200"],
  ["perSecond", "deliveries/s"],
  ["appCpuMsPerDelivery", "app CPU ms"],
  ["applied", "applied"],
  ["rejected", "rejected"],
  ["pending", "pending"],
  ["missing", "missing"],
])}

### What a durable acknowledgement costs on SQLite

The same bursts with the inbox committing \`synchronous = FULL\` (the app's default: an acknowledged delivery
survives a power loss) and \`NORMAL\` (it survives a crash of the process only), \`COHORT_SQLITE_INBOX_SYNCHRONOUS\`.
Cost: FULL's milliseconds minus NORMAL's, from two runs in a row on the same machine.

${
  durability.length
    ? table(durability, [
        ["concurrency", "in flight"],
        ["fullP50", "FULL p50 ms"],
        ["normalP50", "NORMAL p50 ms"],
        ["p50Cost", "p50 cost ms"],
        ["fullP99", "FULL p99 ms"],
        ["normalP99", "NORMAL p99 ms"],
        ["p99Cost", "p99 cost ms"],
        ["fullPerSecond", "FULL deliveries/s"],
        ["normalPerSecond", "NORMAL deliveries/s"],
      ])
    : "Not measured in this run (SQLite bursts were not run both ways)."
}

## Webhook acknowledgement during a backfill

\`scripts/bench/webhook-ack.ts --phase backfill\`: the same stack; deliveries (bodies of 2,000 changed orders in turn)
arrive at a steady rate from before the merchant opens the app until the orders backfill of the store, its metrics
recompute included, is complete. Stages: seconds from the first delivery until the orders backfill was seen
ingesting, recomputing and done. "During the recompute": the deliveries sent in that stage alone.

${table(duringBackfill, [
  ["provider", "database"],
  ["orders", "store orders"],
  ["perSecond", "sent/s"],
  ["concurrency", "in flight at most"],
  ["count", "deliveries"],
  ["stages", "stages s"],
  ["p50Ms", "p50 ms"],
  ["p99Ms", "p99 ms"],
  ["maxMs", "max ms"],
  ["non200", "not 200"],
  ["statuses", "statuses"],
  ["duringRecompute", "during the recompute"],
  ["applied", "applied"],
  ["rejected", "rejected"],
  ["pending", "pending"],
  ["missing", "missing"],
])}

## Against the previous report

${
  previous
    ? `The previous reports/bench-sync.json: ${previous.measuredAt}, code at ${previous.commit ?? "(not recorded)"}${previous.dirty ? " with uncommitted changes" : ""}; machine ${previous.sameMachine === null ? "not recorded" : previous.sameMachine ? "the same (CPUs, model, memory)" : "**different** (figures not comparable)"}.

${
  report.comparison.rows.length
    ? table(report.comparison.rows, [
        ["figure", "figure"],
        ["previous", "previous"],
        ["current", "this run"],
        ["change", "change"],
      ])
    : "No figure measured by both runs."
}`
    : "No previous report to compare with."
}
`;
}
