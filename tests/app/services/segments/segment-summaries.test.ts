import { describe, expect, it } from "vitest";
import type { SegmentRecord, SegmentSnapshotRow } from "../../../../app/services/segments/ports.js";
import { segmentTreeOf } from "../../../../app/services/segments/segment-catalog.js";
import { segmentSummaries } from "../../../../app/services/segments/segment-summaries.js";

const SHOP = "a.myshopify.com";

const segment = (id: string): SegmentRecord => ({
  id,
  name: `Segment ${id}`,
  query: "number_of_orders >= 1",
  tree: segmentTreeOf("number_of_orders >= 1"),
  buffer: null,
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
});

describe("the dashboard's segment summaries", () => {
  it("given a segment with members but no daily snapshot yet, and one whose snapshot is stale, when summarised, then revenue is the current members' and the snapshots only draw the trend", async () => {
    const askedFor: string[] = [];
    const snapshots: SegmentSnapshotRow[] = [{ segmentId: "s2", day: "2026-12-05", size: 3, revenue: 1_0000n }];
    const summaries = await segmentSummaries(
      {
        segments: {
          list: async () => [segment("s1"), segment("s2"), segment("s3")],
          sizes: async () =>
            new Map([
              ["s1", 2],
              ["s2", 4],
            ]),
        },
        snapshots: { snapshotsSince: async () => snapshots, shopRevenue: async () => 0n },
        revenue: {
          async revenueBySegment(shop) {
            askedFor.push(shop);
            return new Map([
              ["s1", 123_4500n],
              ["s2", 9_007_199_254_740_993n],
            ]);
          },
        },
      },
      SHOP,
      "2026-12-08",
    );

    expect(askedFor).toEqual([SHOP]);
    expect(
      summaries.map(({ id, size, trend, sizeHistory, revenue }) => ({ id, size, trend, sizeHistory, revenue })),
    ).toEqual([
      { id: "s1", size: 2, trend: null, sizeHistory: [], revenue: "123.45" },
      { id: "s2", size: 4, trend: 1, sizeHistory: [3], revenue: "900719925474.0993" },
      { id: "s3", size: 0, trend: null, sizeHistory: [], revenue: "0.00" },
    ]);
  });
});
