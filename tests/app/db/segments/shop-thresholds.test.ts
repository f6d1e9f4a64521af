import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  computeShopThresholds,
  customerRanks,
  readShopThresholds,
  refreshShopThresholds,
} from "../../../../app/db/segments/shop-thresholds.server.js";
import {
  computeShopThresholds as referenceThresholds,
  rfmScoresByRank,
  rfmScoresFromThresholds,
  spendPercentileFromThresholds,
  spendPercentilesByRank,
} from "../../../../app/domain/segments/shop-thresholds.js";
import { providers } from "../../../helpers/databases.js";
import {
  clearShop,
  databasePool,
  insertMetrics,
  metricsFacts,
  metricsRowsArb,
  OTHER_SHOP,
  SHOP,
  type MetricsRow,
} from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

/** The reference's ranks of every customer, as customerRanks returns them. */
function referenceRanks(rows: readonly MetricsRow[]) {
  const population = rows.map((row) => metricsFacts(row));
  const percentiles = spendPercentilesByRank(population);
  const scores = rfmScoresByRank(population);
  return population
    .map((customer) => {
      const rfm = scores.get(customer.customerId) ?? null;
      return {
        customerId: customer.customerId,
        spendPercentile: percentiles.get(customer.customerId)!,
        recency: rfm?.recency ?? null,
        frequency: rfm?.frequency ?? null,
        monetary: rfm?.monetary ?? null,
      };
    })
    .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
}

describe.each(await providers())("shop thresholds on %s", (provider) => {
  it("given random metrics, when ranked by window functions, then percentiles and RFM scores follow the definitions and the stored thresholds give every customer the same ranks back", async () => {
    const open = await pool.open(provider);
    await fc.assert(
      fc.asyncProperty(metricsRowsArb(40), metricsRowsArb(5), async (rows, others) => {
        await clearShop(open);
        await insertMetrics(open, SHOP, rows);
        await insertMetrics(open, OTHER_SHOP, others);
        const expected = referenceRanks(rows);
        expect(await customerRanks(open.db, open.url, SHOP)).toEqual(expected);

        const now = new Date("2026-01-02T03:04:05.678Z");
        const computed = await refreshShopThresholds(open.db, open.url, SHOP, now);
        expect(computed).toEqual(referenceThresholds(rows.map((row) => metricsFacts(row))));
        expect(await readShopThresholds(open.db, SHOP)).toEqual({
          computedAt: now.toISOString(),
          thresholds: computed,
        });
        const fromThresholds = rows
          .map((row) => {
            const facts = metricsFacts(row);
            const rfm = rfmScoresFromThresholds(computed, facts);
            return {
              customerId: row.customerId,
              spendPercentile: spendPercentileFromThresholds(computed, facts.netSpend),
              recency: rfm?.recency ?? null,
              frequency: rfm?.frequency ?? null,
              monetary: rfm?.monetary ?? null,
            };
          })
          .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
        expect(fromThresholds).toEqual(expected);
      }),
      { numRuns: provider === "sqlite" ? 40 : 20 },
    );
  });

  it("given a shop without metrics, when thresholds are computed, then none is set and every customer ranks lowest", async () => {
    const open = await pool.open(provider);
    const thresholds = await computeShopThresholds(open.db, open.url, SHOP);
    expect(thresholds).toEqual(referenceThresholds([]));
    expect(thresholds.spendPercentile).toEqual(Array(99).fill(null));
    expect(thresholds.recency).toEqual([null, null, null, null]);
    expect(spendPercentileFromThresholds(thresholds, "100000000.00")).toBe(0);
  });
});
