import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  jaccardReaches,
  overlapsOf,
  possiblyAlike,
  segmentOverlaps,
} from "../../../../app/domain/segments/segment-overlap.js";
import { NEAR_DUPLICATE, segmentWarnings } from "../../../../app/domain/segments/segment-warnings.js";

const codes = (input: Parameters<typeof segmentWarnings>[0], id: string) =>
  segmentWarnings(input)
    .bySegment.get(id)!
    .map((warning) => warning.code);

describe("segment warnings", () => {
  it("given sizes at the edges, then empty and tiny (< 100 members and < 1% of customers) are told apart", () => {
    const one = (size: number, population: number) =>
      codes({ segments: [{ id: "s", name: "S", size }], population, overlaps: [] }, "s");
    expect(one(0, 1000)).toEqual(["EMPTY"]);
    expect(one(99, 10_000)).toEqual(["TINY"]);
    expect(one(100, 1_000_000)).toEqual([]);
    expect(one(99, 9_900)).toEqual([]); // exactly 1%
    expect(one(99, 9_901)).toEqual(["TINY"]);
    expect(one(5, 100)).toEqual([]);
  });

  it("given two segments whose Jaccard index is exactly 0.9 or just under, then only the first pair is nearly a duplicate, each naming the other", () => {
    const segments = [
      { id: "a", name: "A", size: 10 },
      { id: "b", name: "B", size: 9 },
    ];
    const at = segmentOverlaps(segments, [{ first: "a", second: "b", shared: 9 }]);
    const warnings = segmentWarnings({ segments, population: 10, overlaps: at }).bySegment;
    expect(warnings.get("a")!.map((w) => w.code === "NEAR_DUPLICATE" && w.ofName)).toEqual(["B"]);
    expect(warnings.get("b")!.map((w) => w.code === "NEAR_DUPLICATE" && w.ofName)).toEqual(["A"]);
    const sameSize = [
      { id: "a", name: "A", size: 10 },
      { id: "b", name: "B", size: 10 },
    ];
    const under = segmentOverlaps(sameSize, [{ first: "a", second: "b", shared: 9 }]);
    expect(segmentWarnings({ segments: sameSize, population: 10, overlaps: under }).bySegment.get("a")).toEqual([]);
  });

  it("given more than 20 segments, then the shop is warned; 20 is fine", () => {
    const many = (n: number) =>
      segmentWarnings({
        segments: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, name: `S${i}`, size: 500 })),
        population: 1000,
        overlaps: [],
      }).shop.map((warning) => warning.code);
    expect(many(20)).toEqual([]);
    expect(many(21)).toEqual(["TOO_MANY_SEGMENTS"]);
  });

  it("given random memberships, then the pairs left out by size can never be nearly duplicates: warnings from the candidates' overlap equal warnings from every pair's", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.constantFrom("a", "b", "c", "d", "e"),
          fc.uniqueArray(fc.integer({ min: 0, max: 24 }).map(String), { maxLength: 25 }),
        ),
        (membership) => {
          const segments = Object.entries(membership).map(([id, members]) => ({ id, name: id, size: members.length }));
          const all = segmentOverlaps(segments, overlapsOf(new Map(Object.entries(membership))));
          const candidates = new Set(possiblyAlike(segments, NEAR_DUPLICATE).map((p) => `${p.first}|${p.second}`));
          for (const overlap of all) {
            if (jaccardReaches(overlap, NEAR_DUPLICATE))
              expect(candidates.has(`${overlap.first}|${overlap.second}`)).toBe(true);
          }
          const fromCandidates = all.filter((overlap) => candidates.has(`${overlap.first}|${overlap.second}`));
          expect(segmentWarnings({ segments, population: 25, overlaps: fromCandidates })).toEqual(
            segmentWarnings({ segments, population: 25, overlaps: all }),
          );
        },
      ),
    );
  });
});
