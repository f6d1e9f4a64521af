/**
 * Spend percentile and RFM scores: the definitions the SQL must match, and their reference implementation over
 * in-memory metrics (docs/decisions/0011-segment-language.md).
 *
 * - *Population*: the shop's customers that have a CustomerMetrics row (deleted customers have none). N = its size.
 * - *Spend percentile* of customer c = floor(100 × #{d in population : d.netSpend < c.netSpend} / N), 0–99.
 * - *Ordered customers*: the population's customers with orderCount > 0; M = their number. Customers without orders
 *   have null RFM scores (and the RFM group PROSPECTS).
 * - *Recency score* of an ordered customer c = 1 + floor(5 × #{ordered d : d.lastOrderAt < c.lastOrderAt} / M);
 *   *frequency* the same over orderCount (strictly fewer orders), *monetary* over netSpend (strictly less), 1–5.
 *   Ties share a score; comparisons are exact (money as integer units, dates as instants).
 *
 * *Thresholds* keep these per shop so a query needs no ranking: for the percentile, T_p (p = 1..99) = the smallest
 * netSpend among customers whose percentile is ≥ p (null when none is); a customer's percentile from thresholds is
 * max{p : T_p ≤ netSpend}, 0 when no threshold is. For a score, T_s (s = 2..5) = the smallest value among ordered
 * customers whose score is ≥ s, and the score from thresholds is max{s : T_s ≤ value}, 1 when none is. T is
 * non-decreasing and its nulls come last, so max{p : T_p ≤ v} is also the number of non-null T_p ≤ v (which SQL can
 * count). For customers present when the thresholds were computed, both ways agree (tested on random shops);
 * customers whose metrics changed since are placed by the thresholds, as a stored segment would place them.
 */
import { formatMoney, parseMoney } from "../money.js";
import type { CustomerMetricsFacts } from "../sync/metrics.js";

export type RankedMetrics = Pick<CustomerMetricsFacts, "customerId" | "orderCount" | "netSpend" | "lastOrderAt">;

export interface RfmScores {
  recency: number;
  frequency: number;
  monetary: number;
}

export interface ShopThresholds {
  /** N: the population the thresholds were computed over. */
  populationSize: number;
  /** M: its customers with orders. */
  orderedCount: number;
  /** Index p − 1 holds T_p for p = 1..99: a money amount ("120.00") or null. */
  spendPercentile: (string | null)[];
  /** Index s − 2 holds T_s for s = 2..5: an ISO instant (lastOrderAt) or null. */
  recency: (string | null)[];
  /** Index s − 2 holds T_s for s = 2..5: an orderCount or null. */
  frequency: (number | null)[];
  /** Index s − 2 holds T_s for s = 2..5: a money amount (netSpend) or null. */
  monetary: (string | null)[];
}

export const PERCENTILE_LEVELS = 99;
export const RFM_SCORE_LEVELS = 5;

function instant(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`Not a timestamp: ${JSON.stringify(value)}`);
  return time;
}

/** How many of `values` are strictly below `value`. */
function countBelow<T>(values: readonly T[], value: T, compare: (a: T, b: T) => number): number {
  return values.filter((other) => compare(other, value) < 0).length;
}

const compareBigint = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const compareNumber = (a: number, b: number): number => a - b;

export function spendPercentilesByRank(population: readonly RankedMetrics[]): Map<string, number> {
  const spends = population.map((customer) => parseMoney(customer.netSpend));
  const size = population.length;
  return new Map(
    population.map((customer, index) => [
      customer.customerId,
      Math.floor((100 * countBelow(spends, spends[index]!, compareBigint)) / size),
    ]),
  );
}

function orderedCustomers(population: readonly RankedMetrics[]): RankedMetrics[] {
  return population.filter((customer) => customer.orderCount > 0);
}

function scoreByRank(below: number, orderedCount: number): number {
  return 1 + Math.floor((RFM_SCORE_LEVELS * below) / orderedCount);
}

/** RFM scores by rank; customers without orders map to null. */
export function rfmScoresByRank(population: readonly RankedMetrics[]): Map<string, RfmScores | null> {
  const ordered = orderedCustomers(population);
  const recencies = ordered.map((customer) => instant(customer.lastOrderAt!));
  const frequencies = ordered.map((customer) => customer.orderCount);
  const spends = ordered.map((customer) => parseMoney(customer.netSpend));
  const scores = new Map<string, RfmScores | null>(population.map((customer) => [customer.customerId, null]));
  ordered.forEach((customer, index) => {
    scores.set(customer.customerId, {
      recency: scoreByRank(countBelow(recencies, recencies[index]!, compareNumber), ordered.length),
      frequency: scoreByRank(countBelow(frequencies, frequencies[index]!, compareNumber), ordered.length),
      monetary: scoreByRank(countBelow(spends, spends[index]!, compareBigint), ordered.length),
    });
  });
  return scores;
}

/** T_level for level = first..last: the smallest value among those whose level is ≥ it, or null. */
function thresholdsOf<T>(
  entries: readonly { level: number; value: T }[],
  first: number,
  last: number,
  compare: (a: T, b: T) => number,
): (T | null)[] {
  const thresholds: (T | null)[] = [];
  for (let level = first; level <= last; level += 1) {
    const reaching = entries.filter((entry) => entry.level >= level).map((entry) => entry.value);
    thresholds.push(
      reaching.length === 0 ? null : reaching.reduce((min, value) => (compare(value, min) < 0 ? value : min)),
    );
  }
  return thresholds;
}

export function computeShopThresholds(population: readonly RankedMetrics[]): ShopThresholds {
  const percentiles = spendPercentilesByRank(population);
  const scores = rfmScoresByRank(population);
  const ordered = orderedCustomers(population);
  const scored = ordered.map((customer) => ({ customer, scores: scores.get(customer.customerId)! }));
  return {
    populationSize: population.length,
    orderedCount: ordered.length,
    spendPercentile: thresholdsOf(
      population.map((customer) => ({
        level: percentiles.get(customer.customerId)!,
        value: parseMoney(customer.netSpend),
      })),
      1,
      PERCENTILE_LEVELS,
      compareBigint,
    ).map((units) => (units === null ? null : formatMoney(units))),
    recency: thresholdsOf(
      scored.map(({ customer, scores }) => ({ level: scores.recency, value: instant(customer.lastOrderAt!) })),
      2,
      RFM_SCORE_LEVELS,
      compareNumber,
    ).map((time) => (time === null ? null : new Date(time).toISOString())),
    frequency: thresholdsOf(
      scored.map(({ customer, scores }) => ({ level: scores.frequency, value: customer.orderCount })),
      2,
      RFM_SCORE_LEVELS,
      compareNumber,
    ),
    monetary: thresholdsOf(
      scored.map(({ customer, scores }) => ({ level: scores.monetary, value: parseMoney(customer.netSpend) })),
      2,
      RFM_SCORE_LEVELS,
      compareBigint,
    ).map((units) => (units === null ? null : formatMoney(units))),
  };
}

/** max{level : T_level ≤ value}, or `floor` when no threshold is ≤ value; thresholds[i] is T_(first + i). */
function levelFromThresholds<T>(
  thresholds: readonly (T | null)[],
  first: number,
  floor: number,
  value: T,
  compare: (a: T, b: T) => number,
): number {
  let level = floor;
  thresholds.forEach((threshold, index) => {
    if (threshold !== null && compare(threshold, value) <= 0) level = Math.max(level, first + index);
  });
  return level;
}

export function spendPercentileFromThresholds(thresholds: ShopThresholds, netSpend: string): number {
  const units = thresholds.spendPercentile.map((threshold) => (threshold === null ? null : parseMoney(threshold)));
  return levelFromThresholds(units, 1, 0, parseMoney(netSpend), compareBigint);
}

/** The customer's RFM scores from the shop's thresholds; null without orders. */
export function rfmScoresFromThresholds(
  thresholds: ShopThresholds,
  customer: Pick<RankedMetrics, "orderCount" | "netSpend" | "lastOrderAt">,
): RfmScores | null {
  if (customer.orderCount <= 0 || customer.lastOrderAt === null) return null;
  const recencies = thresholds.recency.map((threshold) => (threshold === null ? null : instant(threshold)));
  const spends = thresholds.monetary.map((threshold) => (threshold === null ? null : parseMoney(threshold)));
  return {
    recency: levelFromThresholds(recencies, 2, 1, instant(customer.lastOrderAt), compareNumber),
    frequency: levelFromThresholds(thresholds.frequency, 2, 1, customer.orderCount, compareNumber),
    monetary: levelFromThresholds(spends, 2, 1, parseMoney(customer.netSpend), compareBigint),
  };
}
