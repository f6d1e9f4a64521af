import { formatMoney } from "../../domain/money.js";
import { PERCENTILE_LEVELS, RFM_SCORE_LEVELS, type ShopThresholds } from "../../domain/segments/shop-thresholds.js";
import type { Database } from "../client.server.js";
import {
  bigintFromRow,
  instantFromRow,
  Parameters,
  segmentDialectFor,
  type SegmentDialect,
} from "./segment-dialect.server.js";

/**
 * A shop's cut-offs of the ranked fields (app/domain/segments/shop-thresholds.ts has the definitions and the
 * reference), computed by window functions in the database: RANK() over the shop's CustomerMetrics, grouped by the
 * rank so at most 100 rows come back, never one per customer.
 */
export const PERCENTILES = PERCENTILE_LEVELS;
export const RFM_SCORES = RFM_SCORE_LEVELS;

export interface StoredShopThresholds {
  computedAt: string;
  thresholds: ShopThresholds;
}

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

/**
 * Rank rows of one column: RANK() − 1 of a value is the number of customers below it, the running count over the
 * column's distinct values less the value's own. The window runs over the grouped values (read in order from the
 * column's index), not over every customer; `rank(below, total)` is the SQL of the rank from those counts.
 */
function rankRowsSql(
  dialect: SegmentDialect,
  p: Parameters,
  shop: string,
  column: string,
  filter: string,
  asText: boolean,
  rank: (below: string, total: string) => string,
): string {
  const below = `(CAST(SUM(g.n) OVER (ORDER BY g.v) AS BIGINT) - g.n)`;
  const total = `CAST(SUM(g.n) OVER () AS BIGINT)`;
  const least = asText ? `CAST(MIN(ranked.v) AS TEXT)` : `MIN(ranked.v)`;
  return `SELECT ranked.r AS "rank", ${least} AS "least"
    FROM (
      SELECT g.v, ${rank(below, total)} AS r
      FROM (SELECT m."${column}" AS v, COUNT(*) AS n FROM ${dialect.table("CustomerMetrics")} m
        WHERE m."shop" = ${p.text(shop)}${filter} GROUP BY m."${column}") g
    ) ranked GROUP BY ranked.r`;
}

async function spendPercentileRows(db: Database, dialect: SegmentDialect, shop: string) {
  const p = new Parameters(dialect);
  const sql = rankRowsSql(dialect, p, shop, "netSpend", "", true, (below, total) => `${below} * 100 / ${total}`);
  return db.$queryRawUnsafe<RankRow[]>(sql, ...p.values);
}

/** Score rows for one RFM column among customers with orders; the column's values ordered worst first. */
async function rfmRows(db: Database, dialect: SegmentDialect, shop: string, column: string, asText: boolean) {
  const p = new Parameters(dialect);
  const sql = rankRowsSql(
    dialect,
    p,
    shop,
    column,
    ` AND m."orderCount" > 0`,
    asText,
    (below, total) => `1 + 5 * ${below} / ${total}`,
  );
  return db.$queryRawUnsafe<RankRow[]>(sql, ...p.values);
}

/** Computes the shop's thresholds from its current metrics (grouped window queries, ≤ 100 rows each). */
export async function computeShopThresholds(db: Database, databaseUrl: string, shop: string): Promise<ShopThresholds> {
  const dialect = segmentDialectFor(databaseUrl);
  const p = new Parameters(dialect);
  const counts = await db.$queryRawUnsafe<Array<{ n: unknown; ranked: unknown }>>(
    `SELECT COUNT(*) AS n, SUM(CASE WHEN m."orderCount" > 0 THEN 1 ELSE 0 END) AS ranked
     FROM ${dialect.table("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}`,
    ...p.values,
  );
  const rank = (row: RankRow) => Number(row.rank);
  const money = (row: RankRow) => ({ rank: rank(row), least: formatMoney(bigintFromRow(row.least)) });
  const percentiles = (await spendPercentileRows(db, dialect, shop)).map(money);
  const recency = (await rfmRows(db, dialect, shop, "lastOrderAt", dialect.provider === "sqlite")).map((row) => ({
    rank: rank(row),
    least: instantFromRow(row.least)!,
  }));
  const frequency = (await rfmRows(db, dialect, shop, "orderCount", false)).map((row) => ({
    rank: rank(row),
    least: Number(row.least),
  }));
  const monetary = (await rfmRows(db, dialect, shop, "netSpend", true)).map(money);
  return {
    populationSize: Number(counts[0]?.n ?? 0),
    orderedCount: Number(counts[0]?.ranked ?? 0),
    spendPercentile: thresholdsFrom(percentiles, 1, PERCENTILES),
    recency: thresholdsFrom(recency, 2, RFM_SCORES),
    frequency: thresholdsFrom(frequency, 2, RFM_SCORES),
    monetary: thresholdsFrom(monetary, 2, RFM_SCORES),
  };
}

type StoredRfm = Pick<ShopThresholds, "orderedCount" | "recency" | "frequency" | "monetary">;

export async function saveShopThresholds(
  db: Database,
  shop: string,
  thresholds: ShopThresholds,
  computedAt: Date,
): Promise<void> {
  const rfm: StoredRfm = {
    orderedCount: thresholds.orderedCount,
    recency: thresholds.recency,
    frequency: thresholds.frequency,
    monetary: thresholds.monetary,
  };
  const data = {
    computedAt,
    customerCount: thresholds.populationSize,
    spendPercentiles: JSON.stringify(thresholds.spendPercentile),
    rfmScores: JSON.stringify(rfm),
  };
  await db.shopSegmentThresholds.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

/** The shop's thresholds as last computed, or null before its first full evaluation. */
export async function readShopThresholds(db: Database, shop: string): Promise<StoredShopThresholds | null> {
  const row = await db.shopSegmentThresholds.findUnique({ where: { shop } });
  if (!row) return null;
  const rfm = JSON.parse(row.rfmScores) as StoredRfm;
  return {
    computedAt: row.computedAt.toISOString(),
    thresholds: {
      populationSize: row.customerCount,
      spendPercentile: JSON.parse(row.spendPercentiles) as Array<string | null>,
      ...rfm,
    },
  };
}

/** Computes and stores the shop's thresholds: every full evaluation starts with this. */
export async function refreshShopThresholds(
  db: Database,
  databaseUrl: string,
  shop: string,
  now: Date,
): Promise<ShopThresholds> {
  const thresholds = await computeShopThresholds(db, databaseUrl, shop);
  await saveShopThresholds(db, shop, thresholds, now);
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
