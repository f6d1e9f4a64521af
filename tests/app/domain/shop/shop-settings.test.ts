import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkTagPrefix,
  dailyEvaluationDue,
  formatEvaluationTime,
  parseEvaluationTime,
  previousDay,
} from "../../../../app/domain/shop/shop-settings.js";

describe("shop settings rules", () => {
  it("evaluation times round-trip and refuse what is not HH:MM", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1439 }), (minute) => {
        expect(parseEvaluationTime(formatEvaluationTime(minute))).toEqual({ ok: true, value: minute });
      }),
    );
    for (const bad of ["24:00", "7", "12:60", "", "noon"]) expect(parseEvaluationTime(bad).ok).toBe(false);
  });

  it("a prefix with a comma, control characters or too long is refused", () => {
    expect(checkTagPrefix("seg:")).toEqual({ ok: true, value: "seg:" });
    for (const bad of ["a,b", "x\u0001", " ", "p".repeat(41)]) expect(checkTagPrefix(bad).ok).toBe(false);
  });

  it("the daily evaluation waits for the shop's time, except after a missed day", () => {
    const base = { today: "2026-12-07", yesterday: "2026-12-06", evaluationMinute: 360 };
    expect(dailyEvaluationDue({ ...base, lastDay: "2026-12-06", minuteOfDay: 359 })).toBe(false);
    expect(dailyEvaluationDue({ ...base, lastDay: "2026-12-06", minuteOfDay: 360 })).toBe(true);
    expect(dailyEvaluationDue({ ...base, lastDay: "2026-12-07", minuteOfDay: 1000 })).toBe(false);
    expect(dailyEvaluationDue({ ...base, lastDay: "2026-12-05", minuteOfDay: 0 })).toBe(true);
    expect(dailyEvaluationDue({ ...base, lastDay: null, minuteOfDay: 0 })).toBe(true);
    expect(previousDay("2026-03-01")).toBe("2026-02-28");
    expect(previousDay("2026-01-01")).toBe("2025-12-31");
  });
});
