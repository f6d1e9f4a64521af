import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkRfmGroupOverrides,
  essentialOverrides,
  rfmGroupNamed,
  scoreRangeFromText,
} from "../../../../app/domain/segments/rfm-group-overrides.js";
import { DEFAULT_RFM_GROUPS, rfmGroupOf, type ScoredRfmGroupName } from "../../../../app/domain/segments/rfm-groups.js";
import { rfmPartitionArb } from "./rfm-partition-arbitrary.js";

const rule = (recency: [number, number], fm: [number, number]) => ({
  recency: { min: recency[0], max: recency[1] },
  frequencyMonetary: { min: fm[0], max: fm[1] },
});

describe("RFM group overrides", () => {
  it("given any partition of the grid as overrides, then they are accepted and every score lands in exactly the group the partition gives it", () => {
    fc.assert(
      fc.property(rfmPartitionArb, (partition) => {
        const checked = checkRfmGroupOverrides(JSON.parse(JSON.stringify(partition)));
        if (!checked.ok) throw new Error(checked.problems.join("; "));
        expect(checked.definitions).toEqual(partition);
        for (let recency = 1; recency <= 5; recency += 1) {
          for (let frequency = 1; frequency <= 5; frequency += 1) {
            for (let monetary = 1; monetary <= 5; monetary += 1) {
              const holding = (Object.keys(partition) as ScoredRfmGroupName[]).filter((name) =>
                partition[name].some(
                  (r) =>
                    r.recency.min <= recency &&
                    recency <= r.recency.max &&
                    r.frequencyMonetary.min <= frequency + monetary &&
                    frequency + monetary <= r.frequencyMonetary.max,
                ),
              );
              expect([rfmGroupOf({ recency, frequency, monetary }, checked.definitions)]).toEqual(holding);
            }
          }
        }
      }),
    );
  });

  it("given a partition with one rectangle taken away or added to a second group, then the cells left out or held twice are named and nothing is accepted", () => {
    fc.assert(
      fc.property(rfmPartitionArb, fc.nat(), (partition, pick) => {
        const withRules = (Object.keys(partition) as ScoredRfmGroupName[]).filter((name) => partition[name].length > 0);
        const name = withRules[pick % withRules.length]!;
        const removed = { ...partition, [name]: partition[name].slice(1) };
        const gap = checkRfmGroupOverrides(removed);
        expect(gap.ok).toBe(false);
        if (!gap.ok) expect(gap.problems.every((problem) => problem.endsWith("is in no group"))).toBe(true);
        const other = (Object.keys(partition) as ScoredRfmGroupName[]).find((candidate) => candidate !== name)!;
        const doubled = { ...partition, [other]: [...partition[other], partition[name][0]!] };
        const twice = checkRfmGroupOverrides(doubled);
        expect(twice.ok).toBe(false);
        if (!twice.ok) expect(twice.problems.some((problem) => problem.includes(" and "))).toBe(true);
      }),
    );
  });

  it("given malformed overrides, then each problem is named", () => {
    const problems = (input: unknown) => {
      const checked = checkRfmGroupOverrides(input);
      return checked.ok ? [] : checked.problems;
    };
    expect(problems({ CHAMPIONS: [rule([5, 4], [8, 10])] })).toEqual([
      "CHAMPIONS.0.recency: recency: min is above max",
    ]);
    expect(problems({ CHAMPIONS: [rule([5, 6], [8, 10])] })).toEqual([
      "CHAMPIONS.0.recency.max: recency runs from 1 to 5",
    ]);
    expect(problems({ CHAMPIONS: [rule([5, 5], [1, 10])] })).toEqual([
      "CHAMPIONS.0.frequencyMonetary.min: frequency+monetary runs from 2 to 10",
    ]);
    expect(problems({ CHAMPIONS: [rule([4.5, 5], [8, 10])] })).toEqual([
      "CHAMPIONS.0.recency.min: recency bounds are whole numbers",
    ]);
    expect(problems({ PROSPECTS: [] })[0]).toMatch(/^unknown RFM group PROSPECTS/);
    expect(problems({ CHAMPIONS: [{ ...rule([5, 5], [8, 10]), extra: 1 }] })[0]).toMatch(
      /unknown RFM group extra|Unrecognized/,
    );
    // Widening one group without narrowing its neighbour breaks the partition.
    expect(problems({ CHAMPIONS: [rule([4, 5], [8, 10])] })).toEqual([
      "recency 4, frequency+monetary 8 is in CHAMPIONS and LOYAL",
      "recency 4, frequency+monetary 9 is in CHAMPIONS and LOYAL",
      "recency 4, frequency+monetary 10 is in CHAMPIONS and LOYAL",
    ]);
    expect(
      checkRfmGroupOverrides({
        CHAMPIONS: [rule([4, 5], [9, 10])],
        LOYAL: [rule([3, 3], [8, 10]), rule([4, 5], [8, 8])],
      }).ok,
    ).toBe(true);
    expect(checkRfmGroupOverrides({}).ok).toBe(true);
  });

  it("given names as a merchant types them and ranges as text, then they are read", () => {
    expect(rfmGroupNamed("needs attention")).toBe("NEEDS_ATTENTION");
    expect(rfmGroupNamed(" At-risk ")).toBe("AT_RISK");
    expect(rfmGroupNamed("prospects")).toBeNull();
    expect(rfmGroupNamed("vip")).toBeNull();
    expect(scoreRangeFromText("4-5")).toEqual({ min: 4, max: 5 });
    expect(scoreRangeFromText("5")).toEqual({ min: 5, max: 5 });
    expect(scoreRangeFromText("a")).toBeNull();
    expect(essentialOverrides({ ...DEFAULT_RFM_GROUPS, LOYAL: [rule([3, 4], [9, 10])] })).toEqual({
      LOYAL: [rule([3, 4], [9, 10])],
    });
  });
});
