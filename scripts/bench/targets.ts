/**
 * The targets `npm run bench -- sync` judges its figures against, each at the load its source set and with where
 * it comes from. A target whose load this run did not measure (smaller `--sizes`, a database left out, `--no-ack`)
 * is "not measured", never met.
 */

/** The figures of one backfill measurement the targets read (scripts/bench/backfill.ts prints them). */
export interface BackfillFigures {
  size: number;
  provider: string;
  orderSeconds: number;
  peakRssMb: number;
  appRatioToCeiling: number;
}

/** The figures of one acknowledgement measurement (scripts/bench/webhook-ack.ts prints them). */
export interface AckFigures {
  phase: "burst" | "backfill";
  provider: string;
  /** SQLite's inbox commit mode in this run (FULL is the app's default); null on PostgreSQL, absent before 2026-12-07. */
  inboxSynchronous?: "FULL" | "NORMAL" | null;
  deliveries: number;
  concurrency: number;
  p50Ms?: number | null;
  p99Ms: number | null;
  non200: number;
  rejected: number;
  pending: number;
}

export interface Figures {
  backfills: readonly BackfillFigures[];
  acks: readonly AckFigures[];
}

export interface Target<F = Figures> {
  id: string;
  /** What is judged, at which load. */
  what: string;
  /** Where the number comes from. */
  source: string;
  comparison: "at most" | "at least" | "below";
  limit: number;
  unit: string;
  /** The measured figure, or undefined when this run did not measure the target's load. */
  measure(figures: F): number | null | undefined;
}

export type Verdict = "met" | "not met" | "not measured";

export interface Judgement {
  id: string;
  what: string;
  source: string;
  target: string;
  measured: number | null;
  verdict: Verdict;
}

const ISSUE_SYNC = 'issue "Sync every order and customer" (targets quoted in the report since 2026-11-28)';
const DECISION_0009 = "docs/decisions/0009-webhook-acknowledgement.md, Context (issue 3)";
const ISSUE_BOUNDED_WRITES = "the benchmark issue, item 6 (a delivery answered 500 is retried by Shopify)";

const backfill = (size: number, provider: string) => (figures: Figures) =>
  figures.backfills.find((run) => run.size === size && run.provider === provider);
const burst = (provider: string) => (figures: Figures) =>
  figures.acks.find(
    (run) =>
      run.phase === "burst" &&
      run.provider === provider &&
      run.inboxSynchronous !== "NORMAL" &&
      run.deliveries === 1000 &&
      run.concurrency === 1000,
  );
const duringBackfill = (provider: string) => (figures: Figures) =>
  figures.acks.find((run) => run.phase === "backfill" && run.provider === provider);

export const TARGETS: readonly Target[] = [
  {
    id: "backfill-1m-sqlite",
    what: "1,000,000 orders backfilled on SQLite, end to end (export, download, parse, write, recompute)",
    source: `${ISSUE_SYNC}; README: "1M orders: about 2 minutes"`,
    comparison: "at most",
    limit: 120,
    unit: "s",
    measure: (figures) => backfill(1_000_000, "sqlite")(figures)?.orderSeconds,
  },
  ...["sqlite", "postgresql"].flatMap((provider): Target[] => [
    {
      id: `ceiling-ratio-1m-${provider}`,
      what: `the app's whole part (download, parse, write, recompute) of 1,000,000 orders on ${provider}, as a share of the insert ceiling's speed`,
      source: `${ISSUE_SYNC}: "at least half the insert ceiling"`,
      comparison: "at least",
      limit: 0.5,
      unit: "× ceiling",
      measure: (figures) => backfill(1_000_000, provider)(figures)?.appRatioToCeiling,
    },
    {
      id: `peak-memory-1m-${provider}`,
      what: `peak resident memory of the backfill of 1,000,000 orders on ${provider}`,
      source: `${ISSUE_SYNC}: "peak memory under 300 MB"`,
      comparison: "at most",
      limit: 300,
      unit: "MB",
      measure: (figures) => backfill(1_000_000, provider)(figures)?.peakRssMb,
    },
    {
      id: `ack-burst-p99-${provider}`,
      what: `acknowledgement p99 under a burst of 1,000 deliveries all in flight on ${provider}`,
      source: DECISION_0009,
      comparison: "at most",
      limit: 50,
      unit: "ms",
      measure: (figures) => {
        const run = burst(provider)(figures);
        return run && run.p99Ms;
      },
    },
    {
      id: `ack-during-backfill-non200-${provider}`,
      what: `deliveries not answered 200 while a backfill and its metrics recompute run on ${provider}`,
      source: ISSUE_BOUNDED_WRITES,
      comparison: "at most",
      limit: 0,
      unit: "deliveries",
      measure: (figures) => duringBackfill(provider)(figures)?.non200,
    },
  ]),
];

/** Judges each target against this run's figures. */
export function judge(figures: Figures, targets: readonly Target[] = TARGETS): Judgement[] {
  return judgeTargets(figures, targets);
}

function meets(comparison: Target["comparison"], measured: number, limit: number): boolean {
  if (comparison === "below") return measured < limit;
  return comparison === "at most" ? measured <= limit : measured >= limit;
}

/** Judges each target against the figures of any benchmark (the segments benchmark has its own). */
export function judgeTargets<F>(figures: F, targets: readonly Target<F>[]): Judgement[] {
  return targets.map((target) => {
    const measured = target.measure(figures);
    const verdict: Verdict =
      measured === undefined || measured === null
        ? "not measured"
        : meets(target.comparison, measured, target.limit)
          ? "met"
          : "not met";
    return {
      id: target.id,
      what: target.what,
      source: target.source,
      target: `${target.comparison} ${target.limit} ${target.unit}`,
      measured: measured ?? null,
      verdict,
    };
  });
}
