import { describe, expect, it } from "vitest";
import {
  newPartitionsState,
  numericId,
  parsePartitionsState,
  partitionsProgress,
  planIdRanges,
  rangeSearch,
} from "../../../../app/services/sync/order-partitions.js";

const OPTIONS = { threshold: 100_000, targetSize: 125_000, maxPartitions: 16 };

/** Whether the ranges cover every id exactly once: open at both ends, each starting where the last ended. */
function coversAll(ranges: { from: string | null; to: string | null }[]): boolean {
  return (
    ranges[0]!.from === null &&
    ranges.at(-1)!.to === null &&
    ranges.every((range, index) => index === 0 || range.from === ranges[index - 1]!.to)
  );
}

describe("planIdRanges", () => {
  it("given fewer orders than the threshold, when planned, then there is no split", () => {
    expect(planIdRanges(99_999, "1", "5000000", OPTIONS)).toBeNull();
  });

  it("given 1,000,000 orders, when planned, then there are ceil(1,000,000 / 125,000) = 8 equal-width ranges covering every id once", () => {
    const ranges = planIdRanges(1_000_000, "1000", "8999", OPTIONS)!;
    expect(ranges).toHaveLength(8);
    expect(coversAll(ranges)).toBe(true);
    expect(ranges.slice(1).map((range) => range.from)).toEqual([
      "2000",
      "3000",
      "4000",
      "5000",
      "6000",
      "7000",
      "8000",
    ]);
  });

  it("given a huge shop, when planned, then the number of ranges is capped", () => {
    expect(planIdRanges(10_000_000, "1", "99999999", OPTIONS)).toHaveLength(16);
  });

  it("given the threshold itself, when planned, then it splits in ranges of about targetSize", () => {
    expect(planIdRanges(100_000, "1", "1000000", OPTIONS)).toBeNull(); // one range of 125,000 would be all
    expect(planIdRanges(100_000, "1", "1000000", { ...OPTIONS, targetSize: 50_000 })).toHaveLength(2);
  });

  it("given Shopify-sized ids beyond 2^53, when planned, then bounds are exact integers", () => {
    const ranges = planIdRanges(300_000, "9007199254740993", "9007199254741992", OPTIONS)!;
    expect(ranges).toHaveLength(3);
    expect(ranges[1]!.from).toBe("9007199254741326");
    expect(coversAll(ranges)).toBe(true);
  });

  it("given fewer ids than ranges wanted, when planned, then there is at most one range per id", () => {
    expect(planIdRanges(1_000_000, "7", "9", OPTIONS)).toHaveLength(3);
    expect(planIdRanges(1_000_000, "7", "7", OPTIONS)).toBeNull();
  });
});

describe("rangeSearch", () => {
  it("given a base search and a range, when combined, then the terms are ANDed and open ends are left out", () => {
    expect(rangeSearch("", { from: null, to: "10" })).toBe("id:<10");
    expect(rangeSearch("", { from: "10", to: "20" })).toBe("id:>=10 AND id:<20");
    expect(rangeSearch("created_at:>=2026-01-01", { from: "20", to: null })).toBe(
      "created_at:>=2026-01-01 AND id:>=20",
    );
  });
});

describe("partition state", () => {
  it("given a new plan, when stored and read back, then it is the same", () => {
    const state = newPartitionsState("created_at:>=2026-01-01", planIdRanges(300_000, "1", "300", OPTIONS)!);
    expect(parsePartitionsState(JSON.stringify(state))).toEqual(state);
    expect(partitionsProgress(JSON.stringify(state))).toEqual({ ingested: 0, total: 3 });
  });

  it("given nothing or something else, when read, then there is no plan", () => {
    expect(parsePartitionsState(null)).toBeNull();
    expect(parsePartitionsState("not json")).toBeNull();
    expect(parsePartitionsState(JSON.stringify({ version: 2, search: "", parts: [] }))).toBeNull();
    expect(parsePartitionsState(JSON.stringify({ version: 1, search: "", parts: [{ from: "x" }] }))).toBeNull();
  });

  it("given order ids, when read, then their numeric part is taken", () => {
    expect(numericId("gid://shopify/Order/5200000000123")).toBe("5200000000123");
    expect(numericId(undefined)).toBeNull();
  });
});
