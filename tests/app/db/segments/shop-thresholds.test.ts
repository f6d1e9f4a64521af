import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  computeShopThresholds,
  customerRanks,
  rankOf,
  readShopThresholds,
  refreshShopThresholds,
  type CustomerRanks,
} from "../../../../app/db/segments/shop-thresholds.server.js";
import { providers } from "../../../helpers/databases.js";
import {
  clearShop,
  databasePool,
  insertMetrics,
  metricsRowsArb,
  OTHER_SHOP,
  SHOP,
  type MetricsRow,
} from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

/** The definitions, counted customer by customer. */
function expectedRanks(rows: readonly MetricsRow[]): CustomerRanks[] {
  const ranked = rows.filter((row) => row.orderCount > 0);
  const score = (row: MetricsRow, worse: (other: MetricsRow) => boolean) =>
    row.orderCount > 0 ? 1 + Math.floor((5 * ranked.filter(worse).length) / ranked.length) : null;
  return rows
    .map((row) => ({
      customerId: row.customerId,
      spendPercentile: Math.floor((100 * rows.filter((other) => other.netSpend < row.netSpend).length) / rows.length),
      recency: score(row, (other) => other.lastOrderAt! < row.lastOrderAt!),
      frequency: score(row, (other) => other.orderCount < row.orderCount),
      monetary: score(row, (other) => other.netSpend < row.netSpend),
    }))
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
        const expected = expectedRanks(rows);
        expect(await customerRanks(open.db, open.url, SHOP)).toEqual(expected);

        const now = new Date("2026-01-02T03:04:05.678Z");
        await refreshShopThresholds(open.db, open.url, SHOP, now);
        const thresholds = (await readShopThresholds(open.db, SHOP))!;
        expect(thresholds).toEqual(await computeShopThresholds(open.db, open.url, SHOP, now));
        expect(thresholds.customerCount).toBe(rows.length);
        const byId = new Map(rows.map((row) => [row.customerId, row]));
        const fromThresholds = expected.map(({ customerId }) => {
          const row = byId.get(customerId)!;
          const hasOrders = row.orderCount > 0;
          return {
            customerId,
            spendPercentile: rankOf(row.netSpend, thresholds.spendPercentiles, 0),
            recency: hasOrders ? rankOf(row.lastOrderAt!, thresholds.rfm.recency, 1) : null,
            frequency: hasOrders ? rankOf(row.orderCount, thresholds.rfm.frequency, 1) : null,
            monetary: hasOrders ? rankOf(row.netSpend, thresholds.rfm.monetary, 1) : null,
          };
        });
        expect(fromThresholds).toEqual(expected);
      }),
      { numRuns: provider === "sqlite" ? 40 : 20 },
    );
  });

  it("given a shop without metrics, when thresholds are computed, then none is set and every customer ranks lowest", async () => {
    const open = await pool.open(provider);
    const thresholds = await refreshShopThresholds(open.db, open.url, SHOP, new Date("2026-01-01T00:00:00Z"));
    expect(thresholds.customerCount).toBe(0);
    expect(thresholds.spendPercentiles).toEqual(Array(99).fill(null));
    expect(thresholds.rfm.recency).toEqual([null, null, null, null]);
    expect(rankOf(10n ** 12n, thresholds.spendPercentiles, 0)).toBe(0);
  });
});
