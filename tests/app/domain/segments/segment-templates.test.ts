import { describe, expect, it } from "vitest";
import { parseSegmentQuery } from "../../../../app/domain/segments/segment-parser.js";
import { printSegmentTree } from "../../../../app/domain/segments/segment-printer.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import {
  type AvailableSegmentTemplate,
  fillSegmentTemplate,
  SEGMENT_TEMPLATES,
  segmentTemplate,
} from "../../../../app/domain/segments/segment-templates.js";
import { computeShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import { NOW, STORE, TIME_ZONE } from "./hand-made-store.js";

const context = { customers: STORE, thresholds: computeShopThresholds(STORE), now: NOW, timeZone: TIME_ZONE };

function membersOf(id: string, values: Record<string, string> = {}): string[] {
  const template = segmentTemplate(id) as AvailableSegmentTemplate;
  const parsed = parseSegmentQuery(fillSegmentTemplate(template, values));
  if (!parsed.ok) throw new Error(parsed.errors[0]!.message);
  return [...segmentMembers(parsed.tree, context)].sort();
}

describe("segment templates", () => {
  it("given every available template, when filled with its defaults or a country, then it parses in canonical form", () => {
    for (const template of SEGMENT_TEMPLATES) {
      if (!template.available) continue;
      const query = fillSegmentTemplate(template, { countryCode: "ca" });
      const parsed = parseSegmentQuery(query);
      expect(parsed.ok, `${template.id}: ${query}`).toBe(true);
      if (parsed.ok) expect(printSegmentTree(parsed.tree)).toBe(query);
    }
  });

  it("given the hand-made store, then the templates select the customers they describe", () => {
    expect(membersOf("first-time-buyers")).toEqual(["ben"]);
    expect(membersOf("three-plus-purchases")).toEqual(["ada", "cleo", "gia"]);
    expect(membersOf("vip-top-spenders")).toEqual([]);
    expect(membersOf("high-average-order-value")).toEqual(["ada", "cleo", "gia"]);
    expect(membersOf("high-average-order-value", { minimumOrderValue: "300" })).toEqual(["gia"]);
    expect(membersOf("loyal")).toEqual(["ada"]);
    expect(membersOf("at-risk")).toEqual(["cleo"]);
    expect(membersOf("dormant")).toEqual(["cleo", "finn", "gia"]);
    expect(membersOf("one-time-buyers")).toEqual(["ben", "finn", "hal"]);
    expect(membersOf("price-sensitive")).toEqual(["cleo"]);
    expect(membersOf("top-country", { countryCode: "us" })).toEqual(["ada", "cleo", "eve", "gia", "hal"]);
  });

  it("given a bad or missing parameter, then filling refuses it", () => {
    const country = segmentTemplate("top-country") as AvailableSegmentTemplate;
    expect(() => fillSegmentTemplate(country)).toThrow(/Country is required/);
    expect(() => fillSegmentTemplate(country, { countryCode: "C'A" })).toThrow(/two-letter/);
    const aov = segmentTemplate("high-average-order-value") as AvailableSegmentTemplate;
    expect(() => fillSegmentTemplate(aov, { minimumOrderValue: "-5" })).toThrow(/amount/);
  });

  it("given templates that need storefront events, then they are listed as unavailable with the reason", () => {
    const unavailable = SEGMENT_TEMPLATES.filter((template) => !template.available);
    expect(unavailable.map((template) => template.id)).toEqual(["abandoned-cart-24h", "viewed-not-bought"]);
    for (const template of unavailable) expect(template.available === false && template.reason).toMatch(/storefront/);
  });
});
