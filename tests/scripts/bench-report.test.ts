import { describe, expect, it } from "vitest";
import {
  buildReport,
  durabilityCost,
  machine,
  renderMarkdown,
  type AckRow,
  type SyncReport,
} from "../../scripts/bench/report.js";

const provenance = { commit: "a".repeat(40), dirty: false, machine: machine() };
const input = (overrides: Partial<Parameters<typeof buildReport>[0]> = {}) => ({
  measuredAt: "2026-12-07T02:00:00.000Z",
  provenance,
  options: { sizes: [1_000_000], providers: ["sqlite"], ack: true },
  seeding: [],
  backfills: [
    {
      size: 1_000_000,
      provider: "sqlite",
      orderSeconds: 130,
      appSeconds: 120,
      peakRssMb: 260,
      appRatioToCeiling: 0.2,
    },
  ],
  acks: [],
  ...overrides,
});

describe("the sync benchmark's report", () => {
  it("given a run, when written, then it names the commit, whether the tree was dirty and the machine", () => {
    const markdown = renderMarkdown(buildReport(input(), null));
    expect(markdown).toContain(`Code at ${"a".repeat(40)}.`);
    expect(markdown).not.toContain("uncommitted");
    expect(markdown).toContain(`${provenance.machine.cpus} × ${provenance.machine.cpuModel}`);
    expect(markdown).toContain(`Node ${process.version}`);
    expect(markdown).toContain(`load average (1 min) ${provenance.machine.loadAverage} at the start`);
    const dirty = renderMarkdown(buildReport(input({ provenance: { ...provenance, dirty: true } }), null));
    expect(dirty).toContain("with uncommitted changes");
  });

  it("given a backfill over its target, when written, then the targets table says not met", () => {
    const report = buildReport(input(), null);
    expect(report.verdicts.find((v) => v.id === "backfill-1m-sqlite")).toMatchObject({ verdict: "not met" });
    expect(renderMarkdown(report)).toMatch(
      /\| 1,000,000 orders backfilled on SQLite[^\n]*\| at most 120 s \| 130 \| not met \|/,
    );
  });

  it("given the previous report's JSON, when written, then figures both runs measured are compared from it", () => {
    const previous: Partial<SyncReport> = {
      suite: "sync",
      measuredAt: "2026-11-29T01:04:17.258Z",
      backfills: [
        {
          size: 1_000_000,
          provider: "sqlite",
          orderSeconds: 100,
          appSeconds: 90,
          peakRssMb: 250,
          appRatioToCeiling: 0.3,
        },
      ],
      acks: [],
    };
    const report = buildReport(input(), previous);
    expect(report.comparison.previous).toMatchObject({
      measuredAt: "2026-11-29T01:04:17.258Z",
      commit: null,
      sameMachine: null,
    });
    expect(report.comparison.rows).toContainEqual({
      figure: "backfill 1,000,000 orders, sqlite: seconds end to end",
      previous: 100,
      current: 130,
      change: "+30 %",
    });
    expect(renderMarkdown(report)).toContain("code at (not recorded)");
  });

  it("given SQLite bursts measured with FULL and NORMAL inbox commits, when written, then FULL's cost is their difference", () => {
    const burst = (inboxSynchronous: "FULL" | "NORMAL", concurrency: number, p50Ms: number, p99Ms: number): AckRow => ({
      phase: "burst",
      provider: "sqlite",
      inboxSynchronous,
      deliveries: 1000,
      concurrency,
      p50Ms,
      p99Ms,
      perSecond: 1000,
      non200: 0,
      rejected: 0,
      pending: 0,
    });
    const acks = [burst("FULL", 10, 6, 12.5), burst("NORMAL", 10, 4, 9), burst("FULL", 100, 20, 40)];
    // The burst of 100 was measured one way only: no cost is claimed for it.
    expect(durabilityCost(acks)).toEqual([
      expect.objectContaining({ concurrency: 10, p50Cost: 2, p99Cost: 3.5, fullP99: 12.5, normalP99: 9 }),
    ]);
    const markdown = renderMarkdown(buildReport(input({ acks }), null));
    expect(markdown).toMatch(/\| 10 \| 6 \| 4 \| 2 \| 12\.5 \| 9 \| 3\.5 \|/);
    expect(renderMarkdown(buildReport(input(), null))).toContain("Not measured in this run");
  });

  it("given no previous report, when written, then it says so instead of comparing", () => {
    expect(renderMarkdown(buildReport(input(), null))).toContain("No previous report to compare with.");
  });
});
