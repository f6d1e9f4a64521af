import { describe, expect, it } from "vitest";
import { CostThrottle } from "./throttle.js";

function fakeClock(startMs = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let now = startMs;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe("CostThrottle (Shopify's leaky bucket per shop and app)", () => {
  it("given a Basic shop, when it is first seen, then the bucket is full at 2000 with restore rate 100", () => {
    const throttle = new CostThrottle(fakeClock().now);
    expect(throttle.status(1, "app", "BASIC")).toEqual({
      maximumAvailable: 2000,
      currentlyAvailable: 2000,
      restoreRate: 100,
    });
  });

  it.each([
    ["STANDARD", 100],
    ["ADVANCED", 200],
    ["PLUS", 1000],
    ["ENTERPRISE", 2000],
  ] as const)(
    "given a %s shop, when asked for status, then restore is %i/s and the bucket 20 seconds of it",
    (plan, rate) => {
      const throttle = new CostThrottle(fakeClock().now);
      expect(throttle.status(1, "app", plan)).toEqual({
        maximumAvailable: rate * 20,
        currentlyAvailable: rate * 20,
        restoreRate: rate,
      });
    },
  );

  it("given requests costing 500, when four run at once, then the bucket is empty and the fifth is refused without taking anything", () => {
    const throttle = new CostThrottle(fakeClock().now);
    for (let i = 0; i < 4; i++) expect(throttle.take(1, "app", "BASIC", 500).ok).toBe(true);
    const refused = throttle.take(1, "app", "BASIC", 500);
    expect(refused.ok).toBe(false);
    expect(refused.status.currentlyAvailable).toBe(0);
  });

  it("given an empty bucket, when 2.5 seconds pass, then 250 points are back and a request of 250 passes", () => {
    const clock = fakeClock();
    const throttle = new CostThrottle(clock.now);
    throttle.take(1, "app", "BASIC", 2000);
    clock.advance(2500);
    expect(throttle.status(1, "app", "BASIC").currentlyAvailable).toBe(250);
    expect(throttle.take(1, "app", "BASIC", 251).ok).toBe(false);
    expect(throttle.take(1, "app", "BASIC", 250).ok).toBe(true);
  });

  it("given a long pause, when the bucket refills, then it never exceeds its maximum", () => {
    const clock = fakeClock();
    const throttle = new CostThrottle(clock.now);
    throttle.take(1, "app", "BASIC", 100);
    clock.advance(3_600_000);
    expect(throttle.status(1, "app", "BASIC").currentlyAvailable).toBe(2000);
  });

  it("given a request that took its requested cost, when the actual cost is lower, then the difference is refunded", () => {
    const throttle = new CostThrottle(fakeClock().now);
    throttle.take(1, "app", "BASIC", 252);
    expect(throttle.refund(1, "app", "BASIC", 252 - 12).currentlyAvailable).toBe(2000 - 12);
  });

  it("given two apps or two shops, when one drains its bucket, then the others are untouched", () => {
    const throttle = new CostThrottle(fakeClock().now);
    throttle.take(1, "app-a", "BASIC", 2000);
    expect(throttle.status(1, "app-b", "BASIC").currentlyAvailable).toBe(2000);
    expect(throttle.status(2, "app-a", "BASIC").currentlyAvailable).toBe(2000);
  });

  it("given a Plus shop with a drained bucket, when it downgrades to Basic, then the next request sees Basic limits", () => {
    const clock = fakeClock();
    const throttle = new CostThrottle(clock.now);
    throttle.take(1, "app", "PLUS", 15_000);
    expect(throttle.status(1, "app", "BASIC")).toEqual({
      maximumAvailable: 2000,
      currentlyAvailable: 2000,
      restoreRate: 100,
    });
    throttle.take(1, "app", "BASIC", 2000);
    clock.advance(1000);
    expect(throttle.status(1, "app", "ADVANCED")).toEqual({
      maximumAvailable: 4000,
      currentlyAvailable: 200,
      restoreRate: 200,
    });
  });
});
