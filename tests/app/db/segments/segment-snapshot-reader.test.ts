import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentSnapshotReader } from "../../../../app/db/segments/segment-snapshot-reader.server.js";
import { providers } from "../../../helpers/databases.js";
import { databasePool, insertMetrics, OTHER_SHOP, SHOP, type MetricsRow } from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

const customer = (customerId: string, netSpend: bigint): MetricsRow => ({
  customerId,
  orderCount: 1,
  netOrderCount: 1,
  netSpend,
  refundedAmount: 0n,
  averageOrderValue: netSpend,
  firstOrderAt: null,
  lastOrderAt: null,
  refundCount: 0,
  discountCodeUseCount: 0,
  emailMarketing: null,
  smsMarketing: null,
  countryCode: null,
  provinceCode: null,
  city: null,
  tags: [],
});

describe.each(await providers())("segment snapshots for the segments list on %s", (provider) => {
  it("given snapshots and customers of two shops, when the list reads them, then it gets the shop's snapshots since the day asked and its own revenue", async () => {
    const open = await pool.open(provider);
    const row = (shop: string, segmentId: string, day: string, size: number, revenue: bigint) => ({
      shop,
      segmentId,
      day,
      size,
      revenue,
      aov: 0n,
    });
    await open.db.segmentSnapshot.createMany({
      data: [
        row(SHOP, "s1", "2026-11-01", 5, 10_0000n),
        row(SHOP, "s1", "2026-11-20", 7, 12_0000n),
        row(SHOP, "s2", "2026-11-25", 1, 9_007_199_254_740_993n),
        row(OTHER_SHOP, "s1", "2026-11-25", 99, 1n),
      ],
    });
    await insertMetrics(open, SHOP, [customer("1", 50_0000n), customer("2", 9_007_199_254_740_993n)]);
    await insertMetrics(open, OTHER_SHOP, [customer("1", 1n)]);
    const reader = prismaSegmentSnapshotReader(open.db);

    expect(await reader.snapshotsSince(SHOP, "2026-11-07")).toEqual([
      { segmentId: "s1", day: "2026-11-20", size: 7, revenue: 12_0000n },
      { segmentId: "s2", day: "2026-11-25", size: 1, revenue: 9_007_199_254_740_993n },
    ]);
    expect(await reader.shopRevenue(SHOP)).toBe(9_007_199_255_240_993n);
    expect(await reader.shopRevenue("none.myshopify.com")).toBe(0n);
  });
});
