import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { blockView, MAX_SEGMENT_BADGES, whyHref } from "../../extensions/cohort-customer-block/src/block-view.js";
import { customerIdOf, loadSummary, summaryPath } from "../../extensions/cohort-customer-block/src/load-summary.js";
import { renderHtml } from "../../extensions/cohort-customer-block/src/render-html.js";
import { parseSummary, type CustomerSegmentsSummary } from "../../extensions/cohort-customer-block/src/summary.js";
import { RFM_GROUP_NAMES } from "../../app/domain/segments/segment-enums.js";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { translate } from "./block-fixtures.js";

const EXTENSION_DIR = join(process.cwd(), "extensions", "cohort-customer-block");

const CHAMPION: CustomerSegmentsSummary = {
  customerId: "1001",
  known: true,
  segments: [
    { id: "s1", name: "VIP top 10%", enteredAt: "2026-11-02T10:00:00.000Z" },
    { id: "s2", name: "Champions", enteredAt: "2026-11-20T08:30:00.000Z" },
  ],
  rfm: { recency: 5, frequency: 4, monetary: 5, group: "CHAMPIONS" },
  spendPercentile: 93,
  scoredAt: "2026-12-07T00:00:00.000Z",
};

const html = (summary: CustomerSegmentsSummary) => renderHtml(blockView({ status: "loaded", summary }, translate));

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("the customer details block", () => {
  it("targets admin.customer-details.block.render at API 2026-10 with its Preact module", () => {
    const toml = parseToml(readFileSync(join(EXTENSION_DIR, "shopify.extension.toml"), "utf8")) as {
      api_version: string;
      extensions: Array<{ type: string; targeting: Array<{ target: string; module: string }> }>;
    };
    expect(toml.api_version).toBe(SHOPIFY_API_VERSION);
    expect(toml.extensions[0]?.type).toBe("ui_extension");
    expect(toml.extensions[0]?.targeting).toEqual([
      { target: "admin.customer-details.block.render", module: "./src/BlockExtension.tsx" },
    ]);
  });

  it("shows a customer's segments, RFM group and scores, spend percentile and the link to the why page", () => {
    expect(html(CHAMPION)).toBe(
      '<s-admin-block heading="Cohort segments"><s-stack direction="block" gap="base">' +
        '<s-stack direction="inline" gap="small-200" alignItems="center"><s-text type="strong">Segments</s-text>' +
        "<s-badge>VIP top 10%</s-badge><s-badge>Champions</s-badge></s-stack>" +
        '<s-stack direction="inline" gap="small-200" alignItems="center"><s-text type="strong">RFM</s-text>' +
        '<s-badge tone="info">Champions</s-badge><s-text>Recency 5 · Frequency 4 · Monetary 5</s-text></s-stack>' +
        "<s-text>Spend percentile 93</s-text>" +
        '<s-link href="app:app/customers/1001">Why is this customer in these segments?</s-link>' +
        "</s-stack></s-admin-block>",
    );
  });

  it("escapes segment names, which merchants type", () => {
    const summary = { ...CHAMPION, segments: [{ id: "x", name: '<b>"Big" & bold</b>', enteredAt: "2026-12-01" }] };
    expect(html(summary)).toContain("<s-badge>&lt;b&gt;&quot;Big&quot; &amp; bold&lt;/b&gt;</s-badge>");
  });

  it(`shows at most ${MAX_SEGMENT_BADGES} segments and counts the rest`, () => {
    const segments = Array.from({ length: 11 }, (_, i) => ({
      id: `s${i}`,
      name: `Segment ${i}`,
      enteredAt: "2026-12-01",
    }));
    const out = html({ ...CHAMPION, segments });
    expect(out.match(/<s-badge>/g)).toHaveLength(MAX_SEGMENT_BADGES);
    expect(out).toContain("Segment 7</s-badge>");
    expect(out).not.toContain("Segment 8<");
    expect(out).toContain('<s-text color="subdued">+3 more</s-text>');
  });

  it("says so for a customer in no segment, without orders, or before the shop's first evaluation", () => {
    const noOrders = html({ ...CHAMPION, segments: [], rfm: null, spendPercentile: 0 });
    expect(noOrders).toContain('<s-text color="subdued">In no segment</s-text>');
    expect(noOrders).toContain("No orders yet, so no RFM scores.");
    expect(noOrders).toContain("Spend percentile 0");
    const notScored = html({ ...CHAMPION, rfm: null, spendPercentile: null, scoredAt: null });
    expect(notScored).toContain("Scores appear after Cohort's first evaluation of the shop.");
    expect(notScored).not.toContain("Spend percentile");
  });

  it("shows an unsynced customer, a load and a failure as such", () => {
    expect(html({ ...CHAMPION, known: false })).toBe(
      '<s-admin-block heading="Cohort segments"><s-text color="subdued">Cohort has not synced this customer yet.</s-text></s-admin-block>',
    );
    expect(renderHtml(blockView({ status: "loading" }, translate))).toBe(
      `<s-admin-block heading="Cohort segments"><s-spinner accessibilityLabel="Loading Cohort's segments"></s-spinner></s-admin-block>`,
    );
    expect(renderHtml(blockView({ status: "error" }, translate))).toContain('<s-banner tone="critical">');
  });

  it("has a name for every RFM group", () => {
    for (const group of RFM_GROUP_NAMES) {
      expect(html({ ...CHAMPION, rfm: { ...CHAMPION.rfm!, group } })).toContain(`<s-badge tone="info">`);
    }
  });

  it("links to the app's page for the customer", () => {
    expect(whyHref("42")).toBe("app:app/customers/42");
  });
});

describe("the block's data", () => {
  it("reads the customer's numeric id from the page's selection", () => {
    expect(customerIdOf("gid://shopify/Customer/1001")).toBe("1001");
    expect(customerIdOf("gid://shopify/Order/1001")).toBeNull();
    expect(customerIdOf(undefined)).toBeNull();
    expect(summaryPath("1001")).toBe("/api/customers/1001/segments");
  });

  it("loads the summary from the app's backend with a relative URL", async () => {
    const asked: string[] = [];
    const state = await loadSummary(async (input) => {
      asked.push(String(input));
      return jsonResponse(CHAMPION);
    }, "1001");
    expect(asked).toEqual(["/api/customers/1001/segments"]);
    expect(state).toEqual({ status: "loaded", summary: CHAMPION });
  });

  it("shows an error for a refused request, a network failure, an answer of another shape or customer", async () => {
    const answering = (response: Response | Error) => async () => {
      if (response instanceof Error) throw response;
      return response;
    };
    expect(await loadSummary(answering(jsonResponse({}, 401)), "1001")).toEqual({ status: "error" });
    expect(await loadSummary(answering(new TypeError("offline")), "1001")).toEqual({ status: "error" });
    expect(await loadSummary(answering(new Response("<html>")), "1001")).toEqual({ status: "error" });
    expect(await loadSummary(answering(jsonResponse({ ...CHAMPION, customerId: "7" })), "1001")).toEqual({
      status: "error",
    });
    expect(await loadSummary(answering(jsonResponse(CHAMPION)), null)).toEqual({ status: "error" });
  });

  it.each([
    ["not an object", []],
    ["no known flag", { ...CHAMPION, known: "yes" }],
    ["a segment without a name", { ...CHAMPION, segments: [{ id: "s1", enteredAt: "2026-12-01" }] }],
    ["a score out of range", { ...CHAMPION, rfm: { ...CHAMPION.rfm, recency: 6 } }],
    ["a fractional percentile", { ...CHAMPION, spendPercentile: 9.5 }],
    ["scoredAt not text", { ...CHAMPION, scoredAt: 5 }],
  ])("refuses a summary with %s", (_name, body) => {
    expect(parseSummary(body)).toBeNull();
  });
});
