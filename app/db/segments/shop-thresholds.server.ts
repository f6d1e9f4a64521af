import type { Database } from "../client.server.js";
import {
  bigintFromRow,
  instantFromRow,
  Parameters,
  segmentDialectFor,
  type SegmentDialect,
} from "./segment-dialect.server.js";

/**
 * A shop's cut-offs of the ranked fields, computed by window functions in the database.
 *
 * - Spend percentile of a customer = floor(100 × #(customers of the shop with metrics whose netSpend is strictly
 *   less) / N), N = customers with metrics: 0..99.
 * - RFM scores 1..5 over the M customers with orderCount > 0: 1 + floor(5 × #(strictly worse) / M), where worse is
 *   an older lastOrderAt (recency), fewer orders (frequency), less netSpend (monetary).
 *
 * Both are monotone in their column, so each is held as thresholds: `spendPercentiles[p - 1]` is the smallest
 * netSpend among customers of percentile ≥ p (p = 1..99), null when none reaches p; the RFM lists hold the same for
 * scores 2..5. A customer's value then maps back to its rank: the largest p whose threshold is ≤ the value. For the
 * customers they were computed from this gives exactly the ranked value; a customer evaluated alone later (a
 * webhook) is placed among the shop as it was at the last full evaluation.
 */
export interface ShopThresholds {
  computedAt: string;
  customerCount: number;
  /** Index p - 1 for percentile p = 1..99. */
  spendPercentiles: Array<bigint | null>;
  rfm: {
    rankedCount: number;
    /** Index s - 2 for score s = 2..5: the oldest lastOrderAt (ISO) of a score ≥ s. */
    recency: Array<string | null>;
    frequency: Array<number | null>;
    monetary: Array<bigint | null>;
  };
}

export const PERCENTILES = 99;
export const RFM_SCORES = 5;

/** Per rank (percentile or score) the smallest value holding it; thresholds are the minimum over ranks ≥ r. */
function thresholdsFrom<V>(rows: Array<{ rank: number; least: V }>, lowest: number, highest: number): Array<V | null> {
  const byRank = new Map(rows.map((row) => [row.rank, row.least]));
  const out: Array<V | null> = [];
  let least: V | null = null;
  for (let rank = highest; rank >= lowest; rank -= 1) {
    // Ranks grow with the value, so the least value of a rank ≥ r is the least of the lowest rank ≥ r present.
    least = byRank.get(rank) ?? least;
    out.push(least);
  }
  return out.reverse();
}

interface RankRow {
  rank: unknown;
  least: unknown;
}

async function spendPercentileRows(db: Database, dialect: SegmentDialect, shop: string) {
  const p = new Parameters(dialect);
  return db.$queryRawUnsafe<RankRow[]>(
    `SELECT ranked.p AS "rank", CAST(MIN(ranked."netSpend") AS TEXT) AS "least"
     FROM (
       SELECT m."netSpend", (RANK() OVER (ORDER BY m."netSpend") - 1) * 100 / COUNT(*) OVER () AS p
       FROM ${dialect.table("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}
     ) ranked GROUP BY ranked.p`,
    ...p.values,
  );
}

/** Score rows for one RFM column among customers with orders; the column's values ordered worst first. */
async function rfmRows(db: Database, dialect: SegmentDialect, shop: string, column: string, asText: boolean) {
  const p = new Parameters(dialect);
  const least = asText ? `CAST(MIN(ranked.v) AS TEXT)` : `MIN(ranked.v)`;
  return db.$queryRawUnsafe<RankRow[]>(
    `SELECT ranked.s AS "rank", ${least} AS "least"
     FROM (
       SELECT m."${column}" AS v, 1 + 5 * (RANK() OVER (ORDER BY m."${column}") - 1) / COUNT(*) OVER () AS s
       FROM ${dialect.table("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)} AND m."orderCount" > 0
     ) ranked GROUP BY ranked.s`,
    ...p.values,
  );
}

/** Computes the shop's thresholds from its current metrics (four grouped window queries, ≤ 100 rows each). */
export async function computeShopThresholds(
  db: Database,
  databaseUrl: string,
  shop: string,
  now: Date,
): Promise<ShopThresholds> {
  const dialect = segmentDialectFor(databaseUrl);
  const p = new Parameters(dialect);
  const counts = await db.$queryRawUnsafe<Array<{ n: unknown; ranked: unknown }>>(
    `SELECT COUNT(*) AS n, SUM(CASE WHEN m."orderCount" > 0 THEN 1 ELSE 0 END) AS ranked
     FROM ${dialect.table("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}`,
    ...p.values,
  );
  const rank = (row: RankRow) => Number(row.rank);
  const percentiles = (await spendPercentileRows(db, dialect, shop)).map((row) => ({
    rank: rank(row),
    least: bigintFromRow(row.least),
  }));
  const recency = (await rfmRows(db, dialect, shop, "lastOrderAt", dialect.provider === "sqlite")).map((row) => ({
    rank: rank(row),
    least: instantFromRow(row.least)!,
  }));
  const frequency = (await rfmRows(db, dialect, shop, "orderCount", false)).map((row) => ({
    rank: rank(row),
    least: Number(row.least),
  }));
  const monetary = (await rfmRows(db, dialect, shop, "netSpend", true)).map((row) => ({
    rank: rank(row),
    least: bigintFromRow(row.least),
  }));
  return {
    computedAt: now.toISOString(),
    customerCount: Number(counts[0]?.n ?? 0),
    spendPercentiles: thresholdsFrom(percentiles, 1, PERCENTILES),
    rfm: {
      rankedCount: Number(counts[0]?.ranked ?? 0),
      recency: thresholdsFrom(recency, 2, RFM_SCORES),
      frequency: thresholdsFrom(frequency, 2, RFM_SCORES),
      monetary: thresholdsFrom(monetary, 2, RFM_SCORES),
    },
  };
}

/** The rank of a value among thresholds starting at rank `lowest + 1`: the largest rank whose threshold is ≤ it. */
export function rankOf<V extends bigint | number | string>(
  value: V,
  thresholds: ReadonlyArray<V | null>,
  lowest: number,
): number {
  let rank = lowest;
  thresholds.forEach((threshold, index) => {
    if (threshold !== null && threshold <= value) rank = lowest + 1 + index;
  });
  return rank;
}

interface StoredRfm {
  rankedCount: number;
  recency: Array<string | null>;
  frequency: Array<number | null>;
  monetary: Array<string | null>;
}

const bigintOrNull = (value: string | null) => (value === null ? null : BigInt(value));
const textOrNull = (value: bigint | null) => (value === null ? null : value.toString());

export async function saveShopThresholds(db: Database, shop: string, thresholds: ShopThresholds): Promise<void> {
  const rfm: StoredRfm = { ...thresholds.rfm, monetary: thresholds.rfm.monetary.map(textOrNull) };
  const data = {
    computedAt: new Date(thresholds.computedAt),
    customerCount: thresholds.customerCount,
    spendPercentiles: JSON.stringify(thresholds.spendPercentiles.map(textOrNull)),
    rfmScores: JSON.stringify(rfm),
  };
  await db.shopSegmentThresholds.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

/** The shop's thresholds as last computed, or null before its first full evaluation. */
export async function readShopThresholds(db: Database, shop: string): Promise<ShopThresholds | null> {
  const row = await db.shopSegmentThresholds.findUnique({ where: { shop } });
  if (!row) return null;
  const rfm = JSON.parse(row.rfmScores) as StoredRfm;
  return {
    computedAt: row.computedAt.toISOString(),
    customerCount: row.customerCount,
    spendPercentiles: (JSON.parse(row.spendPercentiles) as Array<string | null>).map(bigintOrNull),
    rfm: { ...rfm, monetary: rfm.monetary.map(bigintOrNull) },
  };
}

/** Computes and stores the shop's thresholds: every full evaluation starts with this. */
export async function refreshShopThresholds(
  db: Database,
  databaseUrl: string,
  shop: string,
  now: Date,
): Promise<ShopThresholds> {
  const thresholds = await computeShopThresholds(db, databaseUrl, shop, now);
  await saveShopThresholds(db, shop, thresholds);
  return thresholds;
}

export interface CustomerRanks {
  customerId: string;
  spendPercentile: number;
  /** Null without orders. */
  recency: number | null;
  frequency: number | null;
  monetary: number | null;
}

/** Every customer's ranks straight from the window functions (what the thresholds must reproduce). */
export async function customerRanks(db: Database, databaseUrl: string, shop: string): Promise<CustomerRanks[]> {
  const dialect = segmentDialectFor(databaseUrl);
  const p = new Parameters(dialect);
  const score = (column: string) =>
    `CASE WHEN m."orderCount" > 0 THEN 1 + 5 * (RANK() OVER (PARTITION BY m."orderCount" > 0 ORDER BY m."${column}") - 1)
       / COUNT(*) OVER (PARTITION BY m."orderCount" > 0) END`;
  const rows = await db.$queryRawUnsafe<Array<{ customerId: string; p: unknown; r: unknown; f: unknown; m: unknown }>>(
    `SELECT m."customerId", (RANK() OVER (ORDER BY m."netSpend") - 1) * 100 / COUNT(*) OVER () AS p,
       ${score("lastOrderAt")} AS r, ${score("orderCount")} AS f, ${score("netSpend")} AS m
     FROM ${dialect.table("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)} ORDER BY m."customerId"`,
    ...p.values,
  );
  const scoreOf = (value: unknown) => (value === null ? null : Number(value));
  return rows.map((row) => ({
    customerId: row.customerId,
    spendPercentile: Number(row.p),
    recency: scoreOf(row.r),
    frequency: scoreOf(row.f),
    monetary: scoreOf(row.m),
  }));
}
