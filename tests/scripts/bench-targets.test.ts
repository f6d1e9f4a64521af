import { describe, expect, it } from "vitest";
import { judge, TARGETS, type AckFigures, type BackfillFigures } from "../../scripts/bench/targets.js";

const backfill = (overrides: Partial<BackfillFigures>): BackfillFigures => ({
  size: 1_000_000,
  provider: "sqlite",
  orderSeconds: 100,
  peakRssMb: 250,
  appRatioToCeiling: 0.6,
  ...overrides,
});
const burst = (overrides: Partial<AckFigures>): AckFigures => ({
  phase: "burst",
  provider: "sqlite",
  deliveries: 1000,
  concurrency: 1000,
  p99Ms: 40,
  non200: 0,
  rejected: 0,
  pending: 0,
  ...overrides,
});
const verdictOf = (id: string, figures: Parameters<typeof judge>[0]) => judge(figures).find((j) => j.id === id)!;

describe("the sync benchmark's targets", () => {
  it("given a 1,000,000-order SQLite backfill over 120 s, when judged, then the backfill target is not met", () => {
    const judged = verdictOf("backfill-1m-sqlite", { backfills: [backfill({ orderSeconds: 121 })], acks: [] });
    expect(judged).toMatchObject({ verdict: "not met", measured: 121, target: "at most 120 s" });
    expect(verdictOf("backfill-1m-sqlite", { backfills: [backfill({ orderSeconds: 119 })], acks: [] }).verdict).toBe(
      "met",
    );
  });

  it("given only a smaller store measured, when judged, then the 1,000,000-order targets are not measured, never met", () => {
    const judged = judge({ backfills: [backfill({ size: 100_000, orderSeconds: 5 })], acks: [] });
    for (const id of ["backfill-1m-sqlite", "ceiling-ratio-1m-sqlite", "peak-memory-1m-sqlite"]) {
      expect(judged.find((j) => j.id === id)!.verdict).toBe("not measured");
    }
  });

  it("given bursts of fewer in flight than 1,000, when judged, then the acknowledgement target reads only the burst of 1,000", () => {
    const figures = { backfills: [], acks: [burst({ concurrency: 100, p99Ms: 20 }), burst({ p99Ms: 218 })] };
    expect(verdictOf("ack-burst-p99-sqlite", figures)).toMatchObject({ verdict: "not met", measured: 218 });
    expect(verdictOf("ack-burst-p99-sqlite", { backfills: [], acks: [burst({ concurrency: 100 })] }).verdict).toBe(
      "not measured",
    );
  });

  it("given the same burst with the inbox committing NORMAL, when judged, then the target reads the app's default, FULL", () => {
    const figures = {
      backfills: [],
      acks: [burst({ inboxSynchronous: "NORMAL", p99Ms: 30 }), burst({ inboxSynchronous: "FULL", p99Ms: 90 })],
    } satisfies Parameters<typeof judge>[0];
    expect(verdictOf("ack-burst-p99-sqlite", figures)).toMatchObject({ verdict: "not met", measured: 90 });
    const normalOnly = { backfills: [], acks: [burst({ inboxSynchronous: "NORMAL", p99Ms: 30 })] };
    expect(verdictOf("ack-burst-p99-sqlite", normalOnly).verdict).toBe("not measured");
  });

  it("given one delivery answered 500 during a backfill, when judged, then the bounded-writes target is not met", () => {
    const figures = { backfills: [], acks: [burst({ phase: "backfill", concurrency: 20, non200: 1 })] };
    expect(verdictOf("ack-during-backfill-non200-sqlite", figures).verdict).toBe("not met");
  });

  it("given the target table, when read, then every target names where its number comes from", () => {
    for (const target of TARGETS) expect(target.source.length).toBeGreaterThan(10);
  });
});
