import { describe, expect, it } from "vitest";
import { summarizeVerdicts } from "../../scripts/bench/ui-report.js";
import { judgeUi, longestInteraction, median, UI_PAGES, type UiStoreFigures } from "../../scripts/bench/ui-targets.js";

const store = (overrides: Partial<UiStoreFigures>): UiStoreFigures => ({
  store: "demo",
  customers: 2000,
  pages: UI_PAGES.map((page) => ({ page: page.id, lcpMs: 1200, cls: 0.02 })),
  typingInpMs: 80,
  previewInpMs: 120,
  ...overrides,
});
const verdictOf = (id: string, stores: UiStoreFigures[]) => judgeUi({ stores }).find((j) => j.id === id)!;

describe("the UI benchmark's targets", () => {
  it("given a page's LCP over 2.5 s or its CLS over 0.1, when judged, then that target is not met, with its ratio to the limit", () => {
    const pages = UI_PAGES.map((page) =>
      page.id === "settings" ? { page: page.id, lcpMs: 3000, cls: 0.12 } : { page: page.id, lcpMs: 2500, cls: 0.1 },
    );
    const stores = [store({ pages })];
    expect(verdictOf("lcp-demo-settings", stores)).toMatchObject({ verdict: "not met", measured: 3000, ratio: 1.2 });
    expect(verdictOf("cls-demo-settings", stores)).toMatchObject({ verdict: "not met", ratio: 1.2 });
    expect(verdictOf("lcp-demo-dashboard", stores)).toMatchObject({ verdict: "met", ratio: 1 });
    expect(verdictOf("cls-demo-dashboard", stores).verdict).toBe("met");
  });

  it("given an INP of exactly 200 ms, when judged, then it is not met (the target is below 200 ms)", () => {
    expect(verdictOf("inp-typing-demo", [store({ typingInpMs: 200 })])).toMatchObject({
      verdict: "not met",
      target: "below 200 ms",
    });
    expect(verdictOf("inp-preview-demo", [store({ previewInpMs: 199.9 })]).verdict).toBe("met");
  });

  it("given a large store of another size, or a page without an LCP entry, when judged, then those targets are not measured, never met", () => {
    const judged = judgeUi({ stores: [store({ store: "large", customers: 20_000, typingInpMs: 900 })] });
    expect(judged.filter((j) => j.id.includes("-large")).map((j) => j.verdict)).toEqual(
      judged.filter((j) => j.id.includes("-large")).map(() => "not measured"),
    );
    const noLcp = store({ pages: [{ page: "dashboard", lcpMs: null, cls: 0 }] });
    expect(verdictOf("lcp-demo-dashboard", [noLcp])).toMatchObject({ verdict: "not measured", ratio: null });
    expect(summarizeVerdicts(judged)).toMatch(/^0 met, 0 not met, \d+ not measured$/);
  });

  it("given loads and event-timing entries, when summarized, then the median skips missing loads and only interactions count", () => {
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(2.5);
    expect(median([null])).toBeNull();
    expect(
      longestInteraction([
        { interactionId: 0, duration: 400 },
        { interactionId: 7, duration: 48 },
        { interactionId: 9, duration: 24 },
      ]),
    ).toBe(48);
    expect(longestInteraction([])).toBeNull();
  });
});
