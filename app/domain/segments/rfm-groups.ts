/**
 * RFM groups with Shopify's names (CustomerRfmGroup), defined as data: each group is a list of rectangles over the
 * recency score (1–5) and the combined frequency + monetary score (2–10). Shopify documents what each group means
 * ("very recent purchases, many orders, the most spend") but not its score ranges, so these ranges are Cohort's
 * reading of those descriptions (docs/decisions/0011-segment-language.md). A shop may override any group's
 * rectangles; the result must still partition the 5 × 9 grid, so every customer with orders is in exactly one group.
 * Customers without orders are PROSPECTS.
 *
 *   recency \ F+M   2  3  4 | 5  6  7 | 8  9  10
 *   5               NEW     | ACTIVE  | CHAMPIONS
 *   4               PROMIS. | ACTIVE  | LOYAL
 *   3               NEEDS_ATTENTION   | LOYAL
 *   2               ALMOST_LOST (2–5) | AT_RISK (6–8) | PREVIOUSLY_LOYAL (9–10)
 *   1               DORMANT (2–5)     | AT_RISK (6–8) | PREVIOUSLY_LOYAL (9–10)
 */
import type { RfmGroupName } from "./segment-enums.js";
import type { RfmScores } from "./shop-thresholds.js";

export interface ScoreRange {
  min: number;
  max: number;
}

export interface RfmGroupRule {
  recency: ScoreRange;
  /** frequency score + monetary score, 2–10. */
  frequencyMonetary: ScoreRange;
}

export type ScoredRfmGroupName = Exclude<RfmGroupName, "PROSPECTS">;
export type RfmGroupDefinitions = Record<ScoredRfmGroupName, RfmGroupRule[]>;
/** A shop's adjustments: the groups it names get exactly these rectangles instead of the defaults. */
export type RfmGroupOverrides = Partial<RfmGroupDefinitions>;

const rule = (recency: [number, number], frequencyMonetary: [number, number]): RfmGroupRule => ({
  recency: { min: recency[0], max: recency[1] },
  frequencyMonetary: { min: frequencyMonetary[0], max: frequencyMonetary[1] },
});

export const DEFAULT_RFM_GROUPS: RfmGroupDefinitions = {
  CHAMPIONS: [rule([5, 5], [8, 10])],
  LOYAL: [rule([3, 4], [8, 10])],
  ACTIVE: [rule([4, 5], [5, 7])],
  NEW: [rule([5, 5], [2, 4])],
  PROMISING: [rule([4, 4], [2, 4])],
  NEEDS_ATTENTION: [rule([3, 3], [2, 7])],
  AT_RISK: [rule([1, 2], [6, 8])],
  ALMOST_LOST: [rule([2, 2], [2, 5])],
  DORMANT: [rule([1, 1], [2, 5])],
  PREVIOUSLY_LOYAL: [rule([1, 2], [9, 10])],
};

export const RECENCY_SCORES = { min: 1, max: 5 } as const;
export const FREQUENCY_MONETARY_SCORES = { min: 2, max: 10 } as const;

function covers(rules: readonly RfmGroupRule[], recency: number, frequencyMonetary: number): boolean {
  return rules.some(
    (candidate) =>
      candidate.recency.min <= recency &&
      recency <= candidate.recency.max &&
      candidate.frequencyMonetary.min <= frequencyMonetary &&
      frequencyMonetary <= candidate.frequencyMonetary.max,
  );
}

/** Problems that keep the definitions from partitioning the grid: cells in no group or in several. */
export function rfmGroupProblems(definitions: RfmGroupDefinitions): string[] {
  const problems: string[] = [];
  for (let recency = RECENCY_SCORES.min; recency <= RECENCY_SCORES.max; recency += 1) {
    for (let fm = FREQUENCY_MONETARY_SCORES.min; fm <= FREQUENCY_MONETARY_SCORES.max; fm += 1) {
      const groups = (Object.keys(definitions) as ScoredRfmGroupName[]).filter((name) =>
        covers(definitions[name], recency, fm),
      );
      if (groups.length === 0) problems.push(`recency ${recency}, frequency+monetary ${fm} is in no group`);
      if (groups.length > 1)
        problems.push(`recency ${recency}, frequency+monetary ${fm} is in ${groups.join(" and ")}`);
    }
  }
  return problems;
}

/** The defaults with the shop's overrides applied; throws when the result does not partition the grid. */
export function rfmGroupDefinitions(overrides: RfmGroupOverrides = {}): RfmGroupDefinitions {
  const definitions = { ...DEFAULT_RFM_GROUPS, ...overrides };
  const problems = rfmGroupProblems(definitions);
  if (problems.length > 0) throw new Error(`RFM groups do not partition the scores: ${problems.join("; ")}`);
  return definitions;
}

export function rfmGroupOf(
  scores: RfmScores | null,
  definitions: RfmGroupDefinitions = DEFAULT_RFM_GROUPS,
): RfmGroupName {
  if (scores === null) return "PROSPECTS";
  const frequencyMonetary = scores.frequency + scores.monetary;
  const name = (Object.keys(definitions) as ScoredRfmGroupName[]).find((candidate) =>
    covers(definitions[candidate], scores.recency, frequencyMonetary),
  );
  if (name === undefined) throw new Error(`No RFM group for ${JSON.stringify(scores)}`);
  return name;
}
