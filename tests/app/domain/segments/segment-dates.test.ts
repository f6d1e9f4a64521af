import { describe, expect, it } from "vitest";
import { dateSpan, resolveDate } from "../../../../app/domain/segments/segment-dates.js";
import type { DateValue } from "../../../../app/domain/segments/segment-tree.js";

const relative = (amount: number, unit: "d" | "w" | "m" | "y"): DateValue => ({ type: "relativeDate", amount, unit });
const iso = (value: DateValue, now: string, zone: string) => resolveDate(value, new Date(now), zone).toISOString();

describe("segment dates", () => {
  it("given now late evening in New York, then -30d counts whole days from the shop's today, not UTC's", () => {
    // 03:00Z on 10 March is still 9 March in New York.
    expect(iso(relative(30, "d"), "2026-03-10T03:00:00Z", "America/New_York")).toBe("2026-02-07T05:00:00.000Z");
    expect(iso(relative(30, "d"), "2026-03-10T03:00:00Z", "UTC")).toBe("2026-02-08T00:00:00.000Z");
    expect(iso({ type: "dateKeyword", keyword: "today" }, "2026-03-10T03:00:00Z", "Asia/Tokyo")).toBe(
      "2026-03-09T15:00:00.000Z",
    );
  });

  it("given a span across a DST change, then midnight keeps the shop's wall clock", () => {
    // New York moved to EDT on 8 March 2026: 30 days back from 20 March is before it (EST, -05:00).
    expect(iso(relative(30, "d"), "2026-03-20T16:00:00Z", "America/New_York")).toBe("2026-02-18T05:00:00.000Z");
    expect(iso(relative(0, "d"), "2026-03-20T16:00:00Z", "America/New_York")).toBe("2026-03-20T04:00:00.000Z");
    expect(iso(relative(2, "w"), "2026-03-20T16:00:00Z", "America/New_York")).toBe("2026-03-06T05:00:00.000Z");
  });

  it("given months and years, then the day is clamped to the month's last", () => {
    expect(iso(relative(1, "m"), "2026-03-31T12:00:00Z", "Europe/Paris")).toBe("2026-02-27T23:00:00.000Z");
    expect(iso(relative(3, "m"), "2026-05-31T12:00:00Z", "UTC")).toBe("2026-02-28T00:00:00.000Z");
    expect(iso(relative(1, "y"), "2028-02-29T12:00:00Z", "UTC")).toBe("2027-02-28T00:00:00.000Z");
    expect(iso(relative(14, "m"), "2026-01-15T12:00:00Z", "UTC")).toBe("2024-11-15T00:00:00.000Z");
  });

  it("given wall-clock times the zone skips or repeats, then the first instant after the gap, or the first occurrence", () => {
    const at = (date: string, time?: string): DateValue =>
      time === undefined ? { type: "absoluteDate", date } : { type: "absoluteDate", date, time };
    expect(iso(at("2026-03-08", "02:30"), "2026-06-01T00:00:00Z", "America/New_York")).toBe("2026-03-08T07:00:00.000Z");
    expect(iso(at("2026-11-01", "01:30"), "2026-06-01T00:00:00Z", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
    // Chile skips midnight when DST starts (6 September 2026): the day starts at 01:00 local.
    expect(iso(at("2026-09-06"), "2026-06-01T00:00:00Z", "America/Santiago")).toBe("2026-09-06T04:00:00.000Z");
  });

  it("given a day, then its span ends at the next shop-local midnight; a date-time spans one second", () => {
    const span = dateSpan({ type: "absoluteDate", date: "2026-03-08" }, new Date(), "America/New_York");
    expect([span.start.toISOString(), span.end.toISOString()]).toEqual([
      "2026-03-08T05:00:00.000Z",
      "2026-03-09T04:00:00.000Z",
    ]);
    const second = dateSpan({ type: "absoluteDate", date: "2026-03-09", time: "10:00" }, new Date(), "UTC");
    expect(second.end.getTime() - second.start.getTime()).toBe(1000);
  });
});
