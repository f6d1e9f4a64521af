import { describe, expect, it } from "vitest";
import { MAX_NESTING, MAX_QUERY_BYTES, parseSegmentQuery } from "../../../../app/domain/segments/segment-parser.js";
import type { SegmentQueryError } from "../../../../app/domain/segments/segment-query-error.js";

function errorsOf(query: string): SegmentQueryError[] {
  const result = parseSegmentQuery(query);
  if (result.ok) throw new Error(`${query} parsed`);
  return result.errors;
}

function onlyError(query: string): SegmentQueryError {
  const errors = errorsOf(query);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

const ALL_ERRORS: string[] = [
  "not a valid segment query ???",
  "amount_spnt > 3",
  "zzz > 3",
  "abandoned_checkout_date >= -30d",
  "number_of_orders > 'many'",
  "number_of_orders > 1.5",
  "email_subscription_status = 'SUBSCRIBD'",
  "amount_spent = null",
  "last_order_date > -30x",
  "last_order_date > 2026-02-30",
  "(number_of_orders > 1",
  "number_of_orders > 1)",
  "amount_spent_percentile >= 150",
  "",
  "number_of_orders > 1 ???",
  "customer_tags = 'vip'",
  "products_purchased = true",
  "products_purchased(idd: 1) = true",
  "products_purchased(id: 1, id: 2) = true",
  "amount_spent(id: 1) > 3",
  "customer_tags CONTAINS 'vip",
  "number_of_orders >",
  "number_of_orders BETWEEN 1 OR 2",
];

describe("segment query errors", () => {
  it.each(ALL_ERRORS)("given %j, then every error has a code, a position within the query and a hint", (query) => {
    for (const error of errorsOf(query)) {
      expect(error.hint.length).toBeGreaterThan(0);
      expect(error.position.offset).toBeGreaterThanOrEqual(0);
      expect(error.position.offset).toBeLessThanOrEqual(query.length);
      expect(error.message).toMatch(new RegExp(`^Line ${error.position.line} Column ${error.position.column}: `));
    }
  });

  it("given Shopify's captured malformed queries, then the messages are Shopify's, syntax error first", () => {
    expect(errorsOf("not a valid segment query ???").map((error) => error.message)).toStrictEqual([
      "Line 1 Column 6: 'valid' is unexpected.",
      "Line 1 Column 4: 'a' filter cannot be found.",
    ]);
    expect(errorsOf("not another valid segment query ???").map((error) => error.message)).toEqual([
      "Line 1 Column 12: 'valid' is unexpected.",
      "Line 1 Column 4: 'another' filter cannot be found.",
    ]);
  });

  it("given an unknown field, then its position and the nearest field name", () => {
    expect(onlyError("number_of_orders > 1 AND amount_spnt > 3")).toEqual({
      code: "UNKNOWN_FIELD",
      message: "Line 1 Column 25: 'amount_spnt' filter cannot be found.",
      position: { offset: 25, line: 1, column: 25 },
      hint: "did you mean `amount_spent`?",
    });
    expect(onlyError("Amount_Spent > 3").hint).toBe("did you mean `amount_spent`?");
    expect(onlyError("zzz > 3").hint).toBe(
      "use a field such as number_of_orders, amount_spent, last_order_date or customer_tags",
    );
  });

  it("given an error on a later line, then line and column count from that line", () => {
    expect(onlyError("number_of_orders > 1\nAND\n  amount_spnt > 3").position).toEqual({
      offset: 27,
      line: 3,
      column: 2,
    });
  });

  it("given a Shopify field Cohort does not support, then 'not supported yet' names it and says why", () => {
    const error = onlyError("number_of_orders > 0 AND abandoned_checkout_date >= -30d");
    expect(error.code).toBe("UNSUPPORTED_FIELD");
    expect(error.position.column).toBe(25);
    expect(error.message).toBe(
      "Line 1 Column 25: 'abandoned_checkout_date' filter is not supported yet: it needs abandoned checkouts, which Cohort does not sync yet.",
    );
    for (const field of [
      "predicted_spend_tier = 'HIGH'",
      "store_credit_balance > 0",
      "storefront.product_viewed(id: 1) = true",
    ]) {
      expect(onlyError(field).code).toBe("UNSUPPORTED_FIELD");
    }
  });

  it("given a value of the wrong type, then INVALID_VALUE at the value", () => {
    expect(onlyError("number_of_orders > 'many'")).toMatchObject({
      code: "INVALID_VALUE",
      position: { column: 19 },
      message: "Line 1 Column 19: 'number_of_orders' expects a whole number, not the text 'many'.",
    });
    expect(onlyError("number_of_orders > 1.5").code).toBe("INVALID_VALUE");
    expect(onlyError("customer_tags CONTAINS 12").code).toBe("INVALID_VALUE");
    expect(onlyError("is_repeat_customer = 'yes'").code).toBe("INVALID_VALUE");
    expect(onlyError("email_subscription_status = 'SUBSCRIBD'")).toMatchObject({
      code: "INVALID_VALUE",
      hint: "did you mean `'SUBSCRIBED'`?",
    });
    expect(onlyError("amount_spent = null")).toMatchObject({ code: "INVALID_VALUE", hint: "use amount_spent IS NULL" });
    expect(onlyError("products_purchased(id: 1) = 2").code).toBe("INVALID_VALUE");
    expect(onlyError("amount_spent > 1.00001").code).toBe("INVALID_VALUE");
  });

  it("given a bad date, then INVALID_DATE at the value with the accepted forms", () => {
    const hint = "use a relative date such as -30d, -2w, -3m, -1y, today, or a date such as 2026-01-31";
    expect(onlyError("last_order_date > -30x")).toEqual({
      code: "INVALID_DATE",
      message: "Line 1 Column 18: '-30x' is not a date.",
      position: { offset: 18, line: 1, column: 18 },
      hint,
    });
    expect(onlyError("last_order_date > 2026-02-30")).toMatchObject({ code: "INVALID_DATE", position: { column: 18 } });
    expect(onlyError("last_order_date > 2026-01-31T25:00")).toMatchObject({ code: "INVALID_DATE" });
    expect(onlyError("last_order_date > 30")).toMatchObject({ code: "INVALID_DATE", hint });
    expect(onlyError("last_order_date > 'soon'")).toMatchObject({ code: "INVALID_VALUE", hint });
    expect(onlyError("products_purchased(id: 1, date: 'soon') = true")).toMatchObject({ code: "INVALID_DATE" });
  });

  it("given unbalanced parentheses, then the unmatched one is pointed at", () => {
    expect(onlyError("(number_of_orders > 1 AND (amount_spent > 3)")).toMatchObject({
      code: "UNBALANCED_PARENTHESES",
      message: "Line 1 Column 0: '(' is never closed.",
    });
    expect(onlyError("number_of_orders > 1)")).toMatchObject({
      code: "UNBALANCED_PARENTHESES",
      position: { column: 20 },
      message: "Line 1 Column 20: ')' has no matching '('.",
    });
  });

  it("given a percentile outside 0–100, then VALUE_OUT_OF_RANGE with the range", () => {
    expect(onlyError("amount_spent_percentile >= 150")).toEqual({
      code: "VALUE_OUT_OF_RANGE",
      message: "Line 1 Column 27: 150 is out of range for 'amount_spent_percentile'.",
      position: { offset: 27, line: 1, column: 27 },
      hint: "use a value from 0 to 100",
    });
    expect(onlyError("amount_spent_percentile BETWEEN -1 AND 10").code).toBe("VALUE_OUT_OF_RANGE");
    expect(onlyError("rfm_recency_score = 6").code).toBe("VALUE_OUT_OF_RANGE");
    expect(parseSegmentQuery("amount_spent_percentile >= 100").ok).toBe(true);
  });

  it("given an empty or blank query, then EMPTY_QUERY", () => {
    expect(onlyError("").code).toBe("EMPTY_QUERY");
    expect(onlyError("  \n ").code).toBe("EMPTY_QUERY");
  });

  it("given trailing garbage, then UNEXPECTED_TOKEN where it starts", () => {
    expect(onlyError("number_of_orders > 1 ???")).toMatchObject({
      code: "UNEXPECTED_TOKEN",
      message: "Line 1 Column 21: '???' is unexpected.",
    });
    expect(onlyError("number_of_orders > 1 ANDD amount_spent > 2")).toMatchObject({
      code: "UNEXPECTED_TOKEN",
      position: { column: 21 },
      hint: "did you mean `AND`?",
    });
  });

  it("given groups nested deeper than the limit, then TOO_DEEPLY_NESTED instead of a stack overflow", () => {
    const deep = `${"(".repeat(3000)}number_of_orders > 1${")".repeat(3000)}`;
    expect(onlyError(deep)).toMatchObject({ code: "TOO_DEEPLY_NESTED", position: { column: MAX_NESTING } });
    expect(onlyError(`${"NOT ".repeat(2000)}number_of_orders > 1`).code).toBe("TOO_DEEPLY_NESTED");
    const fine = `${"(".repeat(MAX_NESTING - 1)}number_of_orders > 1${")".repeat(MAX_NESTING - 1)}`;
    expect(parseSegmentQuery(fine).ok).toBe(true);
  });

  it("given a query over 10 kB, then it is refused before parsing", () => {
    const query = Array.from({ length: 600 }, () => "number_of_orders > 1").join(" AND ");
    expect(new TextEncoder().encode(query).length).toBeGreaterThan(MAX_QUERY_BYTES);
    expect(onlyError(query).code).toBe("QUERY_TOO_LONG");
  });

  it("given an operator the field does not take, then INVALID_OPERATOR with the allowed ones", () => {
    expect(onlyError("customer_tags = 'vip'")).toMatchObject({
      code: "INVALID_OPERATOR",
      position: { column: 14 },
      hint: "use CONTAINS, NOT CONTAINS",
    });
    expect(onlyError("amount_spent IS NULL").code).toBe("INVALID_OPERATOR");
  });

  it("given malformed function fields, then the argument is named", () => {
    expect(onlyError("products_purchased = true").code).toBe("MISSING_ARGUMENTS");
    expect(onlyError("products_purchased(date: -30d) = true").code).toBe("MISSING_ARGUMENTS");
    expect(errorsOf("products_purchased(idd: 1) = true")).toMatchObject([
      { code: "UNKNOWN_ARGUMENT", position: { column: 19 }, hint: "did you mean `id`?" },
      { code: "MISSING_ARGUMENTS" },
    ]);
    expect(onlyError("amount_spent(id: 1) > 3").code).toBe("NOT_A_FUNCTION");
    expect(onlyError("collections_purchased(id: 1, measure: 'weight') > 3").code).toBe("INVALID_VALUE");
  });

  it("given an unterminated string or a missing value, then the position of the problem", () => {
    expect(onlyError("customer_tags CONTAINS 'vip")).toMatchObject({
      code: "UNTERMINATED_STRING",
      position: { column: 23 },
    });
    expect(onlyError("number_of_orders >")).toMatchObject({ code: "UNEXPECTED_END", position: { column: 18 } });
  });
});
