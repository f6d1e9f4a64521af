import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { judgeTags, type TagDirectFigures, type TagLatencyFigures } from "../../scripts/bench/tag-targets.js";
import type { TagReport } from "../../scripts/bench/tag-report.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

const direct = (overrides: Partial<TagDirectFigures>): TagDirectFigures => ({
  plan: "STANDARD",
  steadySeconds: 23,
  shareOfPlan: 0.97,
  throttled: 0,
  ...overrides,
});
const latency = (overrides: Partial<TagLatencyFigures>): TagLatencyFigures => ({
  provider: "sqlite",
  perSecond: 50,
  seconds: 120,
  p95Ms: 1500,
  notConfirmed: 0,
  inbox: { applied: 6000, rejected: 0, pending: 0, missing: 0 },
  ...overrides,
});
const verdictOf = (id: string, figures: Parameters<typeof judgeTags>[0]) =>
  judgeTags(figures).find((judgement) => judgement.id === id)!;

describe("the tags benchmark's targets", () => {
  it("given a plan's steady share below 90 % or a THROTTLED answer, when judged, then that target is not met", () => {
    const figures = { direct: [direct({ shareOfPlan: 0.85 }), direct({ plan: "PLUS", throttled: 2 })], latency: [] };
    expect(verdictOf("direct-share-standard", figures)).toMatchObject({ verdict: "not met", measured: 85 });
    expect(verdictOf("direct-throttled-standard", figures).verdict).toBe("met");
    expect(verdictOf("direct-share-plus", figures)).toMatchObject({ verdict: "met", measured: 97 });
    expect(verdictOf("direct-throttled-plus", figures)).toMatchObject({ verdict: "not met", measured: 2 });
  });

  it("given webhooks whose tag never came, when judged, then the p95 is not met however fast the others were", () => {
    const slowTail = latency({ p95Ms: 900, notConfirmed: 600 });
    expect(verdictOf("webhook-to-tag-p95-sqlite", { direct: [], latency: [slowTail] }).verdict).toBe("not met");
    const refused = latency({ provider: "postgresql", inbox: { applied: 5990, rejected: 10, pending: 0, missing: 0 } });
    expect(verdictOf("webhook-to-tag-p95-postgresql", { direct: [], latency: [refused] }).verdict).toBe("met");
    expect(verdictOf("webhook-to-tag-refused-postgresql", { direct: [], latency: [refused] })).toMatchObject({
      verdict: "not met",
      measured: 10,
    });
  });

  it("given a shorter or slower run, when judged, then the targets are not measured, never met", () => {
    const judged = judgeTags({
      direct: [direct({ steadySeconds: 5 })],
      latency: [latency({ perSecond: 10, seconds: 5, p95Ms: 100 })],
    });
    expect(judged.map((judgement) => judgement.verdict)).toEqual(judged.map(() => "not measured"));
  });
});

describe("npm run bench -- tags at a tiny size", () => {
  it(
    "given a short direct run on a Standard shop, when the bench runs, then it writes both reports with the run's figures, the commit and the verdicts",
    { timeout: 60_000 },
    async () => {
      const out = mkdtempSync(join(tmpdir(), "cohort-bench-tags-"));
      try {
        await promisify(execFile)(
          resolve(ROOT, "node_modules/.bin/tsx"),
          [
            "scripts/bench.ts",
            "tags",
            "--plans",
            "STANDARD",
            "--direct-seconds",
            "3",
            "--direct-customers",
            "60",
            "--providers",
            "none",
            "--bulk-providers",
            "none",
            "--out",
            out,
          ],
          { cwd: ROOT },
        );
        const report = JSON.parse(readFileSync(join(out, "bench-tags.json"), "utf8")) as TagReport;
        expect(report.suite).toBe("tags");
        expect(report.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(report.unfinished).toEqual([]);
        expect(report.direct).toHaveLength(1);
        const [run] = report.direct;
        expect(run).toMatchObject({ plan: "STANDARD", restoreRate: 100, tagsAddCost: 10, throttled: 0, notApplied: 0 });
        // 60 customers tagged at most 10 a second after a 2,000-point bucket: the bucket drains within the run.
        expect(run!.shareOfPlan).toBeGreaterThan(0.5);
        expect(run!.shareOfPlan).toBeLessThan(1.1);
        expect(report.verdicts.map((verdict) => verdict.verdict)).toEqual(report.verdicts.map(() => "not measured"));
        const markdown = readFileSync(join(out, "bench-tags.md"), "utf8");
        expect(markdown).toContain("# Tags benchmark");
        expect(markdown).toContain(report.provenance.commit);
        expect(markdown).toContain("| STANDARD | 100 | 10 | 10 |");
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );
});
