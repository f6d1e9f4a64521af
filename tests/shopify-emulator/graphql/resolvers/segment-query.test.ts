import { describe, expect, it } from "vitest";
import { formatSegmentQueryError, matchesTagQuery, validateSegmentQuery } from "./segment-query.js";

const errors = (query: string) => validateSegmentQuery(query).map(formatSegmentQueryError);

describe("segment query grammar", () => {
  it("given queries Shopify accepts, when validated, then there are no errors", () => {
    for (const query of [
      "customer_tags CONTAINS 'vip'",
      "customer_tags NOT CONTAINS 'vip'",
      "companies IS NULL",
      "number_of_orders >= 1 AND customer_countries CONTAINS 'CA'",
      "(number_of_orders >= 1) OR (number_of_orders = 0)",
      "   number_of_orders = 0   ",
      "abandoned_checkout_date >= -30d",
      "amount_spent > 100.50",
    ])
      expect(errors(query), query).toEqual([]);
  });

  it("given the captured malformed queries, when validated, then the errors are Shopify's, grammar first", () => {
    expect(errors("not a valid segment query ???")).toEqual([
      "Line 1 Column 6: 'valid' is unexpected.",
      "Line 1 Column 4: 'a' filter cannot be found.",
    ]);
    expect(errors("not another valid segment query ???")).toEqual([
      "Line 1 Column 12: 'valid' is unexpected.",
      "Line 1 Column 4: 'another' filter cannot be found.",
    ]);
  });

  it("given tag queries, when a customer's tags are matched, then CONTAINS folds case and NOT negates", () => {
    expect(matchesTagQuery("customer_tags CONTAINS 'VIP'", ["vip"])).toBe(true);
    expect(matchesTagQuery("customer_tags NOT CONTAINS 'vip'", ["vip"])).toBe(false);
    expect(matchesTagQuery("customer_tags CONTAINS 'a' OR customer_tags CONTAINS 'b'", ["b"])).toBe(true);
    expect(matchesTagQuery("number_of_orders >= 1", ["b"])).toBeNull();
  });
});
