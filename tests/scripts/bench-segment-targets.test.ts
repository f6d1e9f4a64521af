import { describe, expect, it } from "vitest";
import { judgeSegments, type SegmentRunFigures } from "../../scripts/bench/segment-targets.js";

const run = (overrides: Partial<SegmentRunFigures>): SegmentRunFigures => ({
  provider: "sqlite",
  customers: 1_000_000,
  segments: 20,
  firstEvaluationSeconds: 8,
  unchangedEvaluationSeconds: 6,
  oneCustomerP95Ms: 4,
  previewMaxMs: 800,
  ...overrides,
});
const verdictOf = (id: string, runs: SegmentRunFigures[]) => judgeSegments({ runs }).find((j) => j.id === id)!;

describe("the segments benchmark's targets", () => {
  it("given 20 segments over 1,000,000 customers on SQLite in more than 10 s, when judged, then the target is not met", () => {
    expect(verdictOf("evaluate-20-over-1m-sqlite", [run({ firstEvaluationSeconds: 10.5 })])).toMatchObject({
      verdict: "not met",
      measured: 10.5,
      target: "at most 10 s",
    });
    expect(verdictOf("evaluate-20-over-1m-sqlite", [run({ firstEvaluationSeconds: 9.5 })]).verdict).toBe("met");
  });

  it("given one customer's p95 and the slowest preview, when judged, then each is judged on its own database", () => {
    const runs = [run({ oneCustomerP95Ms: 6 }), run({ provider: "postgresql", previewMaxMs: 1200 })];
    expect(verdictOf("one-customer-p95-1m-sqlite", runs).verdict).toBe("not met");
    expect(verdictOf("one-customer-p95-1m-postgresql", runs).verdict).toBe("met");
    expect(verdictOf("preview-max-1m-sqlite", runs).verdict).toBe("met");
    expect(verdictOf("preview-max-1m-postgresql", runs)).toMatchObject({ verdict: "not met", measured: 1200 });
  });

  it("given only a smaller store, or a database left out, when judged, then those targets are not measured, never met", () => {
    const judged = judgeSegments({ runs: [run({ customers: 20_000, firstEvaluationSeconds: 0.5 })] });
    expect(judged.map((j) => j.verdict)).toEqual(judged.map(() => "not measured"));
    expect(verdictOf("preview-max-1m-postgresql", [run({})]).verdict).toBe("not measured");
  });
});
