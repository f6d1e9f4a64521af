import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  nextMembership,
  parseSegmentBuffer,
  serializeSegmentBuffer,
} from "../../../../app/domain/segments/segment-buffer.js";

const DAY = 86_400_000;
const now = new Date("2026-03-10T12:00:00.000Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

describe("segment buffer", () => {
  it("given a non-member, when evaluated, then it enters exactly when the entry rule matches, whatever the stay rule", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.option(fc.nat(30)), (enter, stay, days) => {
        expect(nextMembership(false, enter, stay, null, now, days)).toEqual({ member: enter, outsideSince: null });
      }),
    );
  });

  it("given a member inside either rule, when evaluated, then it stays and its time outside is forgotten", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.option(fc.nat(30)), fc.option(fc.nat(30)), (enter, days, since) => {
        const outsideSince = since === null ? null : daysAgo(since);
        expect(nextMembership(true, enter, !enter, outsideSince, now, days)).toEqual({
          member: true,
          outsideSince: null,
        });
      }),
    );
  });

  it("given a member outside both rules, when evaluated, then it leaves at once without leave-after-days, else only once that many days have passed since it stepped out", () => {
    expect(nextMembership(true, false, false, null, now, null)).toEqual({ member: false, outsideSince: null });
    expect(nextMembership(true, false, false, daysAgo(5), now, 0)).toEqual({ member: false, outsideSince: null });
    // Just stepped out: held from now.
    expect(nextMembership(true, false, false, null, now, 3)).toEqual({ member: true, outsideSince: now });
    expect(nextMembership(true, false, false, daysAgo(2.9), now, 3)).toEqual({
      member: true,
      outsideSince: daysAgo(2.9),
    });
    // Exactly three days: gone.
    expect(nextMembership(true, false, false, daysAgo(3), now, 3)).toEqual({ member: false, outsideSince: null });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 60, noNaN: true }), (days, out) => {
        const state = nextMembership(true, false, false, daysAgo(out), now, days);
        expect(state.member).toBe(now.getTime() - daysAgo(out).getTime() < days * DAY);
      }),
    );
  });

  it("given a buffer, when stored and read back, then it is the same; an empty buffer is none and a malformed one is refused", () => {
    const buffer = {
      stayWhile: {
        query: "amount_spent >= 450",
        tree: {
          kind: "comparison" as const,
          field: "amount_spent",
          operator: ">=" as const,
          value: { type: "number" as const, value: "450" },
        },
      },
      leaveAfterDays: 7,
    };
    expect(parseSegmentBuffer(serializeSegmentBuffer(buffer))).toEqual(buffer);
    expect(serializeSegmentBuffer({})).toBeNull();
    expect(parseSegmentBuffer(null)).toBeNull();
    expect(parseSegmentBuffer(JSON.stringify({ leaveAfterDays: 0 }))).toBeNull();
    expect(() => parseSegmentBuffer(JSON.stringify({ leaveAfterDays: -1 }))).toThrow();
    expect(() => parseSegmentBuffer(JSON.stringify({ stay: "x" }))).toThrow();
  });
});
