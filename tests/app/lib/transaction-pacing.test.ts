import { describe, expect, it } from "vitest";
import { nextStepCount } from "../../../app/lib/transaction-pacing.js";

describe("nextStepCount", () => {
  it("given a transaction over its target, when pacing the next one, then it takes half the steps, at least one", () => {
    expect(nextStepCount(8, 60, 25, 64)).toBe(4);
    expect(nextStepCount(1, 500, 25, 64)).toBe(1);
  });

  it("given a transaction well under its target, when pacing the next one, then it takes twice the steps, at most the maximum", () => {
    expect(nextStepCount(8, 5, 25, 64)).toBe(16);
    expect(nextStepCount(64, 1, 25, 64)).toBe(64);
  });

  it("given a transaction near its target, when pacing the next one, then it keeps its steps", () => {
    expect(nextStepCount(8, 20, 25, 64)).toBe(8);
  });
});
