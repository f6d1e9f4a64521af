import { describe, expect, it } from "vitest";
import { divideMoneyUnits, formatMoney, parseMoney, subtractMoney, sumMoney } from "../../../app/domain/money.js";

describe("money", () => {
  it("given 0.10 and 0.20, when summed, then the total is exactly 0.30", () => {
    expect(sumMoney(["0.10", "0.20"])).toBe("0.30");
    expect(0.1 + 0.2).not.toBe(0.3);
  });

  it("given amounts with 0 to 4 decimals and signs, when parsed and formatted, then they round-trip canonically", () => {
    expect(parseMoney("12")).toBe(120000n);
    expect(parseMoney("12.3")).toBe(123000n);
    expect(parseMoney("-0.001")).toBe(-10n);
    expect(parseMoney("1.23450")).toBe(12345n);
    expect(formatMoney(120000n)).toBe("12.00");
    expect(formatMoney(12345n)).toBe("1.2345");
    expect(formatMoney(-10n)).toBe("-0.001");
    expect(formatMoney(0n)).toBe("0.00");
  });

  it("given amounts beyond 2^53 ten-thousandths, when summed, then nothing is lost", () => {
    expect(sumMoney(["9007199254740.9931", "0.0001", "0.0001"])).toBe("9007199254740.9933");
  });

  it("given malformed amounts or too many decimals, when parsed, then they are refused rather than rounded", () => {
    expect(() => parseMoney("1.00001")).toThrow(/decimals/);
    expect(() => parseMoney("abc")).toThrow(/Not a money amount/);
    expect(() => parseMoney("1e3")).toThrow(/Not a money amount/);
  });

  it("given random amounts, when summed exactly, then the result equals integer cents arithmetic", () => {
    for (let round = 0; round < 200; round += 1) {
      const cents = Array.from({ length: 20 }, () => Math.floor(Math.random() * 2_000_000) - 1_000_000);
      const amounts = cents.map(
        (c) => `${c < 0 ? "-" : ""}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, "0")}`,
      );
      const total = cents.reduce((a, b) => a + b, 0);
      expect(parseMoney(sumMoney(amounts))).toBe(BigInt(total) * 100n);
    }
  });

  it("given a division, when the result is not whole, then it truncates toward zero like SQL integer division", () => {
    expect(divideMoneyUnits(10n, 3)).toBe(3n);
    expect(divideMoneyUnits(-10n, 3)).toBe(-3n);
    expect(subtractMoney("1.00", "1.50")).toBe("-0.50");
  });
});
