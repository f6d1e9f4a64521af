import { describe, expect, it } from "vitest";
import { parseSegmentQuery } from "../../../../app/domain/segments/segment-parser.js";
import { printSegmentTree } from "../../../../app/domain/segments/segment-printer.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import { SegmentTreeSchema, type SegmentTree } from "../../../../app/domain/segments/segment-tree.js";
import { computeShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import { SEGMENT_FIELDS } from "../../../../app/domain/segments/segment-fields.js";
import { NOW, STORE, TIME_ZONE } from "./hand-made-store.js";
import fc from "fast-check";
import { segmentTreeArbitrary } from "./segment-tree-arbitrary.js";

/** Shopify-syntax queries in canonical form, with the hand-made store's expected members (hand-made-store.ts). */
const CASES: [query: string, members: string[]][] = [
  ["number_of_orders >= 3", ["ada", "cleo", "gia"]],
  ["number_of_orders = 0", ["dev"]],
  ["amount_spent > 100.50", ["ada", "cleo", "gia"]],
  ["amount_spent BETWEEN 40 AND 90", ["ben", "eve", "hal"]],
  ["average_order_value >= 200", ["ada", "gia"]],
  ["first_order_date >= -30d", ["ben", "eve"]],
  ["last_order_date >= -30d", ["ada", "ben", "eve"]],
  ["last_order_date < -90d", ["cleo", "finn", "gia"]],
  // -1m is 15 May (hal's order at 23:00 New York time counts), -30d is 16 May (it does not).
  ["last_order_date >= -1m", ["ada", "ben", "eve", "hal"]],
  ["last_order_date < -1y", ["finn"]],
  ["last_order_date >= -2w", ["ada", "ben", "eve"]],
  ["last_order_date >= 30_days_ago", ["ada", "ben", "eve"]],
  ["last_order_date >= 90_days_ago", ["ada", "ben", "eve", "hal"]],
  ["first_order_date < 12_months_ago", ["ada", "cleo", "finn", "gia"]],
  ["last_order_date IS NULL", ["dev"]],
  ["last_order_date IS NOT NULL", ["ada", "ben", "cleo", "eve", "finn", "gia", "hal"]],
  ["last_order_date = yesterday", ["eve"]],
  ["first_order_date < 2025-01-31", ["ada", "gia"]],
  ["first_order_date BETWEEN 2026-05-15 AND 2026-05-20", ["eve", "hal"]],
  ["last_order_date > 2026-06-10T10:00:00", ["ada", "eve"]],
  ["customer_tags CONTAINS 'vip'", ["ada", "gia"]],
  ["customer_tags NOT CONTAINS 'vip'", ["ben", "cleo", "dev", "eve", "finn", "hal"]],
  ["customer_countries CONTAINS 'US'", ["ada", "cleo", "eve", "gia", "hal"]],
  ["customer_regions CONTAINS 'US-CA'", ["ada", "eve"]],
  ["customer_cities CONTAINS 'london'", ["dev"]],
  ["customer_tags CONTAINS 'SALE-HUNTER'", ["cleo"]],
  // Only ASCII letters fold, as SQLite's LOWER does: É and é differ.
  ["customer_tags CONTAINS 'ÉTÉ'", []],
  ["customer_tags CONTAINS 'ÉTé'", ["dev"]],
  ["email_subscription_status = 'SUBSCRIBED'", ["ada", "ben", "gia"]],
  ["email_subscription_status != 'SUBSCRIBED'", ["cleo", "eve", "finn", "hal"]],
  ["NOT email_subscription_status = 'SUBSCRIBED'", ["cleo", "dev", "eve", "finn", "hal"]],
  ["sms_subscription_status = 'SUBSCRIBED'", ["gia"]],
  ["rfm_group = 'AT_RISK'", ["cleo"]],
  ["rfm_group = 'PROSPECTS'", ["dev"]],
  ["rfm_group = 'NEEDS_ATTENTION'", ["ben", "hal"]],
  ["amount_spent_percentile >= 75", ["ada", "gia"]],
  ["amount_spent_percentile < 20", ["dev", "finn"]],
  ["rfm_recency_score >= 4", ["ada", "eve"]],
  ["rfm_frequency_score = 1", ["ben", "finn", "hal"]],
  ["rfm_monetary_score IS NULL", ["dev"]],
  ["is_repeat_customer = false", ["ben", "dev", "finn", "hal"]],
  ["discount_code_order_share >= 0.5", ["ben", "cleo"]],
  ["refund_rate > 0.05", ["eve"]],
  ["refund_rate = 0.04", ["ada"]],
  ["days_since_last_order > 300", ["finn"]],
  ["days_since_first_order <= 30", ["ben", "eve"]],
  ["products_purchased(id: (101, 103)) = true", ["ada", "cleo", "gia"]],
  ["products_purchased(id: 101, date: -30d) = true", ["ada"]],
  ["products_purchased(id: 101) = false", ["ben", "dev", "eve", "finn", "gia", "hal"]],
  ["collections_purchased(id: 900) >= 4", ["ada", "gia"]],
  ["collections_purchased(id: 900, since: -180d) >= 2", ["ada", "cleo", "gia"]],
  ["vendors_purchased(id: 'Acme', measure: 'amount') > 500", ["ada", "gia"]],
  ["product_types_purchased(id: 'Shirts') = true", []],
  ["sales_channel(id: 'pos') >= 1", ["cleo"]],
  ["discount_codes_used(id: 'WELCOME10') = true", ["ben"]],
  [
    "number_of_orders > 0 AND amount_spent < 100 OR customer_tags CONTAINS 'vip'",
    ["ada", "ben", "eve", "finn", "gia", "hal"],
  ],
  ["number_of_orders > 0 AND (amount_spent < 50 OR rfm_group = 'LOYAL')", ["ada", "ben", "finn"]],
  ["NOT (customer_countries CONTAINS 'US' OR customer_countries CONTAINS 'CA')", ["dev", "finn"]],
  ["(number_of_orders = 1 OR number_of_orders = 2) AND NOT customer_countries CONTAINS 'US'", ["ben", "finn"]],
];

const context = { customers: STORE, thresholds: computeShopThresholds(STORE), now: NOW, timeZone: TIME_ZONE };

function parsed(query: string): SegmentTree {
  const result = parseSegmentQuery(query);
  if (!result.ok) throw new Error(`${query}: ${result.errors.map((error) => error.message).join("; ")}`);
  return result.tree;
}

describe("segment queries on the hand-made store", () => {
  it.each(CASES)("%s selects the expected customers and prints back unchanged", (query, members) => {
    const tree = parsed(query);
    expect(printSegmentTree(tree)).toBe(query);
    expect(SegmentTreeSchema.parse(JSON.parse(JSON.stringify(tree)))).toEqual(tree);
    expect([...segmentMembers(tree, context)].sort()).toEqual(members);
  });

  it("covers every field of the catalog", () => {
    const used = new Set(CASES.flatMap(([query]) => SEGMENT_FIELDS.filter((field) => query.includes(field.name))));
    expect(SEGMENT_FIELDS.filter((field) => !used.has(field)).map((field) => field.name)).toEqual([]);
  });

  it("given lower-case keywords and extra spaces, when parsed, then it prints in canonical form", () => {
    const tree = parsed(
      "  number_of_orders>=1 and not (customer_tags contains 'a' or customer_tags not contains 'b')  ",
    );
    expect(printSegmentTree(tree)).toBe(
      "number_of_orders >= 1 AND NOT (customer_tags CONTAINS 'a' OR customer_tags NOT CONTAINS 'b')",
    );
  });

  it("given Shopify's captured queries, when parsed, then they print back as Shopify stores them", () => {
    for (const query of [
      "number_of_orders >= 1 AND customer_countries CONTAINS 'CA'",
      "email_subscription_status = 'SUBSCRIBED'",
      "customer_tags NOT CONTAINS 'segment-query-grammar-1783213891271'",
      "last_order_date >= -30d",
      "amount_spent > 100.50",
    ]) {
      expect(printSegmentTree(parsed(query))).toBe(query);
    }
    expect(printSegmentTree(parsed("(number_of_orders >= 1) OR (number_of_orders = 0)"))).toBe(
      "number_of_orders >= 1 OR number_of_orders = 0",
    );
  });

  it("given AND and OR without parentheses, then AND binds tighter", () => {
    expect(parsed("number_of_orders = 1 OR number_of_orders = 2 AND amount_spent > 5")).toEqual({
      kind: "or",
      children: [
        { kind: "comparison", field: "number_of_orders", operator: "=", value: { type: "number", value: "1" } },
        {
          kind: "and",
          children: [
            { kind: "comparison", field: "number_of_orders", operator: "=", value: { type: "number", value: "2" } },
            { kind: "comparison", field: "amount_spent", operator: ">", value: { type: "number", value: "5" } },
          ],
        },
      ],
    });
  });

  it("given a quoted date on a date field, then it is read as that date", () => {
    expect(printSegmentTree(parsed("first_order_date < '2025-01-31'"))).toBe("first_order_date < 2025-01-31");
  });

  it("given random valid trees, then the evaluator answers for every customer and NOT selects the complement", () => {
    const everyone = STORE.map((customer) => customer.customerId).sort();
    fc.assert(
      fc.property(segmentTreeArbitrary, (tree) => {
        const members = segmentMembers(tree, context);
        const complement = segmentMembers({ kind: "not", child: tree }, context);
        expect([...members, ...complement].sort()).toEqual(everyone);
      }),
      { numRuns: 300 },
    );
  });
});
