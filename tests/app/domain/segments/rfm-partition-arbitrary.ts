import fc from "fast-check";
import { SCORED_RFM_GROUPS } from "../../../../app/domain/segments/rfm-group-overrides.js";
import type { RfmGroupDefinitions, RfmGroupRule } from "../../../../app/domain/segments/rfm-groups.js";

/**
 * Random partitions of the RFM grid: each (recency, frequency+monetary) cell goes to a random group (few groups
 * often, so ranges are wide), and each group's rectangles are its runs of cells along frequency+monetary.
 */
export const rfmPartitionArb: fc.Arbitrary<RfmGroupDefinitions> = fc
  .tuple(fc.shuffledSubarray(SCORED_RFM_GROUPS, { minLength: 1 }), fc.array(fc.nat(), { minLength: 45, maxLength: 45 }))
  .map(([groups, picks]) => {
    const definitions = Object.fromEntries(SCORED_RFM_GROUPS.map((name) => [name, [] as RfmGroupRule[]]));
    for (let recency = 1; recency <= 5; recency += 1) {
      let run: { group: string; from: number } | null = null;
      for (let fm = 2; fm <= 11; fm += 1) {
        const group = fm <= 10 ? groups[picks[(recency - 1) * 9 + fm - 2]! % groups.length]! : null;
        if (run && run.group !== group) {
          definitions[run.group]!.push({
            recency: { min: recency, max: recency },
            frequencyMonetary: { min: run.from, max: fm - 1 },
          });
          run = null;
        }
        if (group !== null && run === null) run = { group, from: fm };
      }
    }
    return definitions as RfmGroupDefinitions;
  });
