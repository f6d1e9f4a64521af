import { describe, expect, it } from "vitest";
import { formatMoneyAmount } from "../../../app/domain/money-format.js";

describe("formatMoneyAmount", () => {
  it("given the shop's currency, when an amount is shown, then it carries the currency's symbol, grouping and decimals", () => {
    expect(formatMoneyAmount("1234.5", "USD")).toBe("$1,234.50");
    expect(formatMoneyAmount("0.00", "EUR")).toBe("€0.00");
    expect(formatMoneyAmount("-5", "CAD")).toBe("-CA$5.00");
    expect(formatMoneyAmount("1234.5", "JPY")).toBe("¥1,235");
    expect(formatMoneyAmount("1.2345", "KWD")).toBe("KWD\u00a01.235");
  });

  it("given no known currency, when an amount is shown, then it is a plain grouped number with two decimals", () => {
    expect(formatMoneyAmount("1234.5", null)).toBe("1,234.50");
    expect(formatMoneyAmount("68", undefined)).toBe("68.00");
    expect(formatMoneyAmount("0.005", "")).toBe("0.01");
    expect(formatMoneyAmount("12.30", "NOT-A-CODE")).toBe("12.30");
  });

  it("given something that is not an amount, when shown, then it is left as it is", () => {
    expect(formatMoneyAmount("n/a", "USD")).toBe("n/a");
    expect(formatMoneyAmount("", "USD")).toBe("");
  });
});
