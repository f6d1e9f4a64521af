import { describe, expect, it } from "vitest";
import { CAPTURES_DIR, capturesAvailable } from "../helpers/captures.js";
import { readBaseline } from "./baseline.js";
import { compareSlices, matcherAccepts } from "./compare.js";
import { replayAll } from "./replay.js";
import { FAILURE_NOTES } from "./failure-notes.js";
import { describeFailure } from "./report.js";
import { DOMAINS_COHORT_USES, UNIMPLEMENTED_NOTES } from "./unimplemented-notes.js";

const available = capturesAvailable();
if (!available) console.warn(`[parity] Shopify captures not found at ${CAPTURES_DIR}: replay tests skipped.`);

describe("parity comparison", () => {
  it("given a gid expected difference, when our id has the right type, then the slices agree", () => {
    const shopify = { customer: { id: "gid://shopify/Customer/1", tags: ["a"] } };
    const ours = { customer: { id: "gid://shopify/Customer/99", tags: ["a"] } };
    expect(
      compareSlices(shopify, ours, {
        expectedDifferences: [{ path: "$.customer.id", matcher: "shopify-gid:Customer" }],
      }),
    ).toBeNull();
    expect(compareSlices(shopify, ours)?.path).toBe("$.customer.id");
  });

  it("given a wildcard path, when an array item differs outside it, then the first difference is reported", () => {
    const shopify = { nodes: [{ id: "gid://shopify/LineItem/1", title: "A" }] };
    const ours = { nodes: [{ id: "gid://shopify/LineItem/2", title: "B" }] };
    const difference = compareSlices(shopify, ours, {
      expectedDifferences: [{ path: "$.nodes[*].id", matcher: "shopify-gid:LineItem" }],
    });
    expect(difference).toMatchObject({ path: "$.nodes[0].title", shopify: "A", emulator: "B" });
  });

  it("given a missing key on our side, when compared, then it differs from an explicit null", () => {
    expect(compareSlices({ a: null }, {})).toMatchObject({ path: "$.a", shopify: null, emulator: "<absent>" });
  });

  it("given selected and excluded paths, when compared, then only the selected slices count", () => {
    const shopify = { x: { keep: 1, skip: 2 }, extensions: { cost: 1 } };
    const ours = { x: { keep: 1, skip: 3 }, extensions: { cost: 2 } };
    expect(compareSlices(shopify, ours, { selectedPaths: ["$.x.keep"] })).toBeNull();
    expect(compareSlices(shopify, ours, { excludedPaths: ["$.extensions", "$.x.skip"] })).toBeNull();
  });

  it("given the matchers the specs use, when checked, then each accepts its form only", () => {
    expect(matcherAccepts("iso-timestamp", "2026-07-03T05:57:18Z")).toBe(true);
    expect(matcherAccepts("iso-timestamp", "yesterday")).toBe(false);
    expect(matcherAccepts("non-empty-string", "")).toBe(false);
    expect(matcherAccepts("any-string", "")).toBe(true);
    expect(matcherAccepts("regex:^[1-9][0-9]*$", "42")).toBe(true);
    expect(matcherAccepts("exact-string:x", "y")).toBe(false);
    expect(matcherAccepts("jsonl-string", '{"a":1}\n{"b":2}\n')).toBe(true);
    expect(() => matcherAccepts("made-up", "x")).toThrow(/Unknown parity matcher/);
  });
});

describe.skipIf(!available)("parity with real Shopify captures", () => {
  it("given the committed baseline, when every baseline scenario is replayed against the emulator, then each still passes", async () => {
    const baseline = readBaseline();
    expect(baseline.length).toBeGreaterThan(0);
    const results = await replayAll(CAPTURES_DIR, { only: baseline });
    expect(results.map((result) => result.id).sort()).toEqual([...baseline].sort());
    const regressions = results
      .filter((result) => result.outcome !== "passed")
      .map((result) => `${result.id}: ${describeFailure(result)}`);
    expect(regressions).toEqual([]);
  }, 60_000);

  it("given every scenario in the domains Cohort uses, when replayed, then each passes or has a recorded verdict", async () => {
    const results = await replayAll(CAPTURES_DIR);
    const used: readonly string[] = DOMAINS_COHORT_USES;
    const untriaged = results
      .filter((result) => used.includes(result.domain))
      .filter((result) =>
        result.outcome === "failed"
          ? !FAILURE_NOTES[result.id]
          : result.outcome === "not-yet-implemented" && !UNIMPLEMENTED_NOTES[result.id],
      )
      .map((result) => `${result.id} (${result.outcome})`);
    expect(untriaged).toEqual([]);
    const known = new Set(results.map((result) => result.id));
    const stale = Object.keys(UNIMPLEMENTED_NOTES).filter((id) => !known.has(id));
    expect(stale, "notes for scenarios that no longer exist").toEqual([]);
  }, 60_000);
});
