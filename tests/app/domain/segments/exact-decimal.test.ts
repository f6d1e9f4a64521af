import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDecimals, compareFractionWithDecimal } from "../../../../app/domain/segments/exact-decimal.js";
import { daysSince, discountCodeOrderShare, refundRate } from "../../../../app/domain/segments/derived-metrics.js";

const cents = fc.integer({ min: -10_000_000, max: 10_000_000 });
const text = (units: number): string =>
  `${units < 0 ? "-" : ""}${Math.floor(Math.abs(units) / 100)}.${String(Math.abs(units) % 100).padStart(2, "0")}`;

describe("exact decimals", () => {
  it("given decimals of different scales, then they compare by value", () => {
    expect(compareDecimals("100.50", "100.5")).toBe(0);
    expect(compareDecimals("0.1", "0.09999999999999999999")).toBe(1);
    expect(compareDecimals("-3", "-2.5")).toBe(-1);
    expect(compareDecimals("90071992547409931", "90071992547409930")).toBe(1);
  });

  it("given random cent amounts, then the comparison agrees with integer cents", () => {
    fc.assert(
      fc.property(cents, cents, (a, b) => {
        expect(compareDecimals(text(a), text(b))).toBe(Math.sign(a - b));
      }),
    );
  });

  it("given fractions, then they compare with a decimal exactly, where floats would not", () => {
    expect(compareFractionWithDecimal(1n, 3n, "0.3333")).toBe(1);
    expect(compareFractionWithDecimal(1n, 10n, "0.1")).toBe(0);
    expect(compareFractionWithDecimal(3n, 10n, "0.3")).toBe(0);
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(() => compareFractionWithDecimal(1n, 0n, "1")).toThrow(/positive/);
  });
});

describe("derived metrics", () => {
  it("given no net orders or no gross spend, then the ratios are missing", () => {
    expect(discountCodeOrderShare({ discountCodeUseCount: 0, netOrderCount: 0 })).toBeNull();
    expect(refundRate({ refundedAmount: "0.00", grossSpend: "0.00" })).toBeNull();
    expect(refundRate({ refundedAmount: "2.50", grossSpend: "10.00" })).toEqual({
      numerator: 25_000n,
      denominator: 100_000n,
    });
  });

  it("given an order late in the shop's evening, then days since counts shop-local calendar days", () => {
    // 2026-06-01T03:30Z is 31 May in New York; now (15 June 08:00 there) is 15 days later.
    expect(daysSince("2026-06-01T03:30:00Z", new Date("2026-06-15T12:00:00Z"), "America/New_York")).toBe(15);
    expect(daysSince("2026-06-01T03:30:00Z", new Date("2026-06-15T12:00:00Z"), "UTC")).toBe(14);
    expect(daysSince(null, new Date(), "UTC")).toBeNull();
  });
});
