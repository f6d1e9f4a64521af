import { parseMoney } from "../../domain/money.js";
import {
  DEFAULT_RFM_GROUPS,
  type RfmGroupDefinitions,
  type ScoredRfmGroupName,
} from "../../domain/segments/rfm-groups.js";
import type { RfmGroupName } from "../../domain/segments/segment-enums.js";
import type { ThresholdScore } from "../../domain/segments/segment-fields.js";
import type { ShopThresholds } from "../../domain/segments/shop-thresholds.js";
import { and, or, SQL_FALSE, SQL_TRUE } from "./exact-comparison.js";
import type { Parameters } from "./segment-dialect.server.js";

/** A shop with no thresholds yet ranks everyone lowest: no threshold is reached. */
export const NO_THRESHOLDS: ShopThresholds = {
  populationSize: 0,
  orderedCount: 0,
  spendPercentile: Array<null>(99).fill(null),
  recency: [null, null, null, null],
  frequency: [null, null, null, null],
  monetary: [null, null, null, null],
};

/** The customer has RFM scores (they are null without orders). */
export const HAS_SCORES = `(m."orderCount" > 0 AND m."lastOrderAt" IS NOT NULL)`;

interface RankedColumn {
  /** The level a customer has when no threshold is reached. */
  floor: number;
  /** thresholds[i] is the smallest column value of level floor + 1 + i, or null. */
  thresholds: ReadonlyArray<string | number | null>;
  /** `column >= threshold`. */
  reaches(p: Parameters, threshold: string | number): string;
}

function rankedColumn(thresholds: ShopThresholds, score: ThresholdScore): RankedColumn {
  const money = (column: string) => (p: Parameters, threshold: string | number) =>
    `m."${column}" >= ${p.integer(parseMoney(String(threshold)))}`;
  switch (score) {
    case "spendPercentile":
      return { floor: 0, thresholds: thresholds.spendPercentile, reaches: money("netSpend") };
    case "recencyScore":
      return {
        floor: 1,
        thresholds: thresholds.recency,
        reaches: (p, threshold) => `m."lastOrderAt" >= ${p.instant(String(threshold))}`,
      };
    case "frequencyScore":
      return {
        floor: 1,
        thresholds: thresholds.frequency,
        reaches: (p, threshold) => `m."orderCount" >= ${p.integer(Number(threshold))}`,
      };
    case "monetaryScore":
      return { floor: 1, thresholds: thresholds.monetary, reaches: money("netSpend") };
  }
}

/** "score ≥ level" from the thresholds: T non-decreasing, so score ≥ s exactly when value ≥ T_s. */
export function scoreAtLeast(p: Parameters, thresholds: ShopThresholds, score: ThresholdScore, level: bigint): string {
  const column = rankedColumn(thresholds, score);
  if (level <= BigInt(column.floor)) return SQL_TRUE;
  const index = Number(level) - column.floor - 1;
  if (!Number.isFinite(index) || index >= column.thresholds.length) return SQL_FALSE;
  const threshold = column.thresholds[index];
  return threshold === null || threshold === undefined ? SQL_FALSE : column.reaches(p, threshold);
}

/** The score as an SQL integer: the floor plus the thresholds reached (nulls come last and count for nothing). */
function scoreExpression(p: Parameters, thresholds: ShopThresholds, score: ThresholdScore): string {
  const column = rankedColumn(thresholds, score);
  const reached = column.thresholds
    .filter((threshold): threshold is string | number => threshold !== null)
    .map((threshold) => `CASE WHEN ${column.reaches(p, threshold)} THEN 1 ELSE 0 END`);
  return `(${[String(column.floor), ...reached].join(" + ")})`;
}

/** The customer is in RFM group `name`: one of its rectangles over recency and frequency + monetary. */
export function rfmGroupSql(
  p: Parameters,
  thresholds: ShopThresholds,
  name: RfmGroupName,
  definitions: RfmGroupDefinitions = DEFAULT_RFM_GROUPS,
): string {
  if (name === "PROSPECTS") return `NOT ${HAS_SCORES}`;
  const rules = definitions[name as ScoredRfmGroupName];
  const within = (expression: string, min: number, max: number) =>
    `${expression} BETWEEN ${p.integer(min)} AND ${p.integer(max)}`;
  return and([
    HAS_SCORES,
    or(
      rules.map((rule) =>
        and([
          within(scoreExpression(p, thresholds, "recencyScore"), rule.recency.min, rule.recency.max),
          within(
            `(${scoreExpression(p, thresholds, "frequencyScore")} + ${scoreExpression(p, thresholds, "monetaryScore")})`,
            rule.frequencyMonetary.min,
            rule.frequencyMonetary.max,
          ),
        ]),
      ),
    ),
  ]);
}
