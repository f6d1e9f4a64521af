import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeShopThresholds,
  rfmScoresByRank,
  rfmScoresFromThresholds,
  spendPercentileFromThresholds,
  spendPercentilesByRank,
  type RankedMetrics,
} from "../../../../app/domain/segments/shop-thresholds.js";
import { STORE } from "./hand-made-store.js";

/** Small value ranges so ties are common: they are where rank and threshold definitions could disagree. */
const populationArbitrary: fc.Arbitrary<RankedMetrics[]> = fc
  .array(
    fc.record({
      orderCount: fc.integer({ min: 0, max: 6 }),
      cents: fc.integer({ min: 0, max: 40 }).map((units) => units * 2500),
      day: fc.integer({ min: 0, max: 20 }),
    }),
    { maxLength: 120 },
  )
  .map((rows) =>
    rows.map((row, index) => ({
      customerId: `c${index}`,
      orderCount: row.orderCount,
      netSpend:
        row.orderCount === 0 ? "0.00" : `${Math.floor(row.cents / 100)}.${String(row.cents % 100).padStart(2, "0")}`,
      lastOrderAt: row.orderCount === 0 ? null : new Date(Date.UTC(2026, 0, 1 + row.day, 12)).toISOString(),
    })),
  );

describe("shop thresholds", () => {
  it("given the hand-made store, then percentiles and scores are the ones worked out by hand", () => {
    expect(Object.fromEntries(spendPercentilesByRank(STORE))).toEqual({
      dev: 0,
      finn: 12,
      ben: 25,
      hal: 37,
      eve: 50,
      cleo: 62,
      ada: 75,
      gia: 87,
    });
    const scores = rfmScoresByRank(STORE);
    expect(scores.get("dev")).toBeNull();
    expect(scores.get("gia")).toEqual({ recency: 2, frequency: 5, monetary: 5 });
    expect(scores.get("hal")).toEqual({ recency: 3, frequency: 1, monetary: 2 });
    const thresholds = computeShopThresholds(STORE);
    expect(thresholds.spendPercentile[0]).toBe("25.00");
    expect(thresholds.spendPercentile[75 - 1]).toBe("1200.00");
    expect(thresholds.spendPercentile[88 - 1]).toBeNull();
    expect(thresholds.frequency).toEqual([2, 2, 5, 8]);
  });

  it("given random populations, then the percentile from thresholds equals the percentile by rank", () => {
    fc.assert(
      fc.property(populationArbitrary, (population) => {
        const byRank = spendPercentilesByRank(population);
        const thresholds = computeShopThresholds(population);
        for (const customer of population) {
          expect(spendPercentileFromThresholds(thresholds, customer.netSpend)).toBe(byRank.get(customer.customerId));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("given random populations, then RFM scores from thresholds equal the scores by rank", () => {
    fc.assert(
      fc.property(populationArbitrary, (population) => {
        const byRank = rfmScoresByRank(population);
        const thresholds = computeShopThresholds(population);
        for (const customer of population) {
          expect(rfmScoresFromThresholds(thresholds, customer)).toEqual(byRank.get(customer.customerId));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("given random populations, then thresholds never decrease and their nulls come last", () => {
    fc.assert(
      fc.property(populationArbitrary, (population) => {
        const thresholds = computeShopThresholds(population);
        const present = thresholds.spendPercentile.filter((value) => value !== null).map(Number);
        expect(thresholds.spendPercentile.slice(present.length).every((value) => value === null)).toBe(true);
        expect([...present].sort((a, b) => a - b)).toEqual(present);
      }),
    );
  });
});
