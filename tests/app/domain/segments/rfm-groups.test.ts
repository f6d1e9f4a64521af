import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RFM_GROUPS,
  rfmGroupDefinitions,
  rfmGroupOf,
  rfmGroupProblems,
  type ScoredRfmGroupName,
} from "../../../../app/domain/segments/rfm-groups.js";
import { RFM_GROUP_NAMES } from "../../../../app/domain/segments/segment-enums.js";
import { rfmScoresByRank, type RankedMetrics } from "../../../../app/domain/segments/shop-thresholds.js";

const score = fc.integer({ min: 1, max: 5 });

describe("RFM groups", () => {
  it("given the defaults, then they partition every recency and frequency+monetary score", () => {
    expect(rfmGroupProblems(DEFAULT_RFM_GROUPS)).toEqual([]);
    expect(Object.keys(DEFAULT_RFM_GROUPS).sort()).toEqual(
      RFM_GROUP_NAMES.filter((name) => name !== "PROSPECTS").sort(),
    );
  });

  it("given random scores, then exactly one group holds them", () => {
    fc.assert(
      fc.property(score, score, score, (recency, frequency, monetary) => {
        const fm = frequency + monetary;
        const holding = (Object.keys(DEFAULT_RFM_GROUPS) as ScoredRfmGroupName[]).filter((name) =>
          DEFAULT_RFM_GROUPS[name].some(
            (rule) =>
              rule.recency.min <= recency &&
              recency <= rule.recency.max &&
              rule.frequencyMonetary.min <= fm &&
              fm <= rule.frequencyMonetary.max,
          ),
        );
        expect(holding).toEqual([rfmGroupOf({ recency, frequency, monetary })]);
      }),
    );
  });

  it("given random populations, then every customer with orders is in one scored group and the rest are prospects", () => {
    const population = fc.array(
      fc.record({ orderCount: fc.integer({ min: 0, max: 5 }), spend: fc.integer({ min: 0, max: 9 }), day: score }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(population, (rows) => {
        const customers: RankedMetrics[] = rows.map((row, index) => ({
          customerId: `c${index}`,
          orderCount: row.orderCount,
          netSpend: `${row.spend}.00`,
          lastOrderAt: row.orderCount === 0 ? null : new Date(Date.UTC(2026, 0, row.day)).toISOString(),
        }));
        const scores = rfmScoresByRank(customers);
        for (const customer of customers) {
          const group = rfmGroupOf(scores.get(customer.customerId) ?? null);
          expect(group === "PROSPECTS").toBe(customer.orderCount === 0);
        }
      }),
    );
  });

  it("given a shop's override, then it replaces that group and must still partition", () => {
    const widerChampions = rfmGroupDefinitions({
      CHAMPIONS: [{ recency: { min: 4, max: 5 }, frequencyMonetary: { min: 8, max: 10 } }],
      LOYAL: [{ recency: { min: 3, max: 3 }, frequencyMonetary: { min: 8, max: 10 } }],
    });
    expect(rfmGroupOf({ recency: 4, frequency: 4, monetary: 4 }, widerChampions)).toBe("CHAMPIONS");
    expect(rfmGroupOf({ recency: 4, frequency: 4, monetary: 4 })).toBe("LOYAL");
    expect(() =>
      rfmGroupDefinitions({ CHAMPIONS: [{ recency: { min: 4, max: 5 }, frequencyMonetary: { min: 8, max: 10 } }] }),
    ).toThrow(/recency 4, frequency\+monetary 8 is in CHAMPIONS and LOYAL/);
    expect(() => rfmGroupDefinitions({ DORMANT: [] })).toThrow(/recency 1, frequency\+monetary 2 is in no group/);
  });
});
