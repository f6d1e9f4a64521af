import { describe, expect, it } from "vitest";
import { daysBefore, percentOf, segmentTrend } from "../../../../app/domain/segments/segment-trends.js";

describe("a segment's trend from its daily snapshots", () => {
  it("compares today's size with the snapshot on or before 7 and 30 days ago, and carries sizes over missing days", () => {
    const trend = segmentTrend(
      12,
      [
        { day: "2026-11-01", size: 4 },
        { day: "2026-11-30", size: 10 },
        { day: "2026-12-03", size: 11 },
      ],
      "2026-12-07",
    );
    expect(trend.change7).toBe(2); // 2026-11-30: 10
    expect(trend.change30).toBe(8); // 2026-11-07: carried from 2026-11-01
    expect(trend.sparkline).toHaveLength(31);
    expect(trend.sparkline.slice(0, 2)).toEqual([4, 4]);
    expect(trend.sparkline.slice(-5)).toEqual([11, 11, 11, 11, 12]);
  });

  it("has no change before the first snapshot, and only the current size to draw", () => {
    expect(segmentTrend(3, [], "2026-12-07")).toEqual({ change7: null, change30: null, sparkline: [3] });
  });

  it("counts calendar days across month ends and leap days", () => {
    expect(daysBefore("2028-03-01", 1)).toBe("2028-02-29");
    expect(daysBefore("2026-01-05", 30)).toBe("2025-12-06");
  });

  it("gives shares with two decimals, exact for amounts past 2^53", () => {
    expect(percentOf(1n, 3n)).toBe(33.33);
    expect(percentOf(9_007_199_254_740_993n, 9_007_199_254_740_993n * 2n)).toBe(50);
    expect(percentOf(5n, 0n)).toBeNull();
  });
});
