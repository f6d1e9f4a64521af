/**
 * The targets `npm run bench -- segments` judges its figures against, at the issue's load (1,000,000 customers):
 * a run of fewer customers, or without a database, leaves them "not measured" (targets.ts judges).
 */
import { judgeTargets, type Judgement, type Target } from "./targets.js";

/** The figures of one database's run the targets read (segments.ts measures them). */
export interface SegmentRunFigures {
  provider: string;
  customers: number;
  segments: number;
  firstEvaluationSeconds: number;
  unchangedEvaluationSeconds: number;
  oneCustomerP95Ms: number;
  previewMaxMs: number;
}

export interface SegmentFigures {
  runs: readonly SegmentRunFigures[];
}

export const ISSUE_LOAD = 1_000_000;
const ISSUE_SEGMENTS = 'issue "Segments evaluated in SQL" (its benchmark targets)';

const atIssueLoad = (provider: string) => (figures: SegmentFigures) =>
  figures.runs.find((run) => run.provider === provider && run.customers === ISSUE_LOAD && run.segments >= 20);

export const SEGMENT_TARGETS: readonly Target<SegmentFigures>[] = [
  {
    id: "evaluate-20-over-1m-sqlite",
    what: "first full evaluation of 20 segments over 1,000,000 customers on SQLite (every member enters)",
    source: `${ISSUE_SEGMENTS}: "20 segments over 1M customers in under 10 s on SQLite"`,
    comparison: "at most",
    limit: 10,
    unit: "s",
    measure: (figures) => atIssueLoad("sqlite")(figures)?.firstEvaluationSeconds,
  },
  {
    id: "reevaluate-20-over-1m-sqlite",
    what: "full re-evaluation of the same 20 segments over 1,000,000 unchanged customers on SQLite",
    source: `${ISSUE_SEGMENTS}: "20 segments over 1M customers in under 10 s on SQLite"`,
    comparison: "at most",
    limit: 10,
    unit: "s",
    measure: (figures) => atIssueLoad("sqlite")(figures)?.unchangedEvaluationSeconds,
  },
  ...["sqlite", "postgresql"].flatMap((provider): Target<SegmentFigures>[] => [
    {
      id: `one-customer-p95-1m-${provider}`,
      what: `one customer evaluated across all 20 segments, p95 over 200 customers, 1,000,000 customers on ${provider}`,
      source: `${ISSUE_SEGMENTS}: "one customer under 5 ms at p95"`,
      comparison: "at most",
      limit: 5,
      unit: "ms",
      measure: (figures) => atIssueLoad(provider)(figures)?.oneCustomerP95Ms,
    },
    {
      id: `preview-max-1m-${provider}`,
      what: `the slowest of 5 previews over 1,000,000 customers on ${provider}`,
      source: `${ISSUE_SEGMENTS}: "preview under 1 s"`,
      comparison: "at most",
      limit: 1000,
      unit: "ms",
      measure: (figures) => atIssueLoad(provider)(figures)?.previewMaxMs,
    },
  ]),
];

export function judgeSegments(figures: SegmentFigures): Judgement[] {
  return judgeTargets(figures, SEGMENT_TARGETS);
}
