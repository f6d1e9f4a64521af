/**
 * The fields a segment query can filter on. A field marked `origin: "shopify"` has the name and meaning of Shopify's
 * segment editor, so a merchant's Shopify query means the same here; `origin: "cohort"` fields are Cohort's own.
 * `source` says where the synced data holds the value (CustomerMetrics scalars, CustomerTag, CustomerPurchase rows,
 * or a per-shop threshold table): the SQL compiler and the reference evaluator both follow it.
 */
import type { PurchaseKind } from "../sync/metrics.js";
import { MARKETING_STATES, RFM_GROUP_NAMES } from "./segment-enums.js";
import type { ComparisonOperator } from "./segment-tree.js";

export type SegmentOperator = ComparisonOperator | "BETWEEN" | "IS NULL" | "IS NOT NULL" | "CONTAINS" | "NOT CONTAINS";

/**
 * integer/decimal: numbers (decimal compared exactly); money: decimal in the shop currency; date: a timestamp compared
 * with relative or absolute dates; enum: one of `enumValues` (quoted); stringList: a list tested with CONTAINS.
 */
export type FieldValueType = "integer" | "decimal" | "money" | "string" | "enum" | "boolean" | "date" | "stringList";

export type MetricColumn =
  | "orderCount"
  | "netOrderCount"
  | "netSpend"
  | "averageOrderValue"
  | "firstOrderAt"
  | "lastOrderAt"
  | "emailMarketing"
  | "smsMarketing"
  | "countryCode"
  | "provinceCode"
  | "city";

export type ThresholdScore = "spendPercentile" | "recencyScore" | "frequencyScore" | "monetaryScore";

export type FieldSource =
  /** One CustomerMetrics column. */
  | { kind: "metric"; column: MetricColumn }
  /** The customer's CustomerTag rows (case-insensitive, as Shopify compares tags). */
  | { kind: "tags" }
  /**
   * The customer's address as synced (Shopify's customer_countries/regions/cities test the customer's address):
   * country = CustomerMetrics.countryCode, region = "<countryCode>-<provinceCode>" (as CustomerPurchase province
   * keys are written, "US-CA"), city = CustomerMetrics.city; a missing part is an empty list.
   */
  | { kind: "address"; part: "country" | "region" | "city" }
  /** A score computed from the shop's thresholds (shop-thresholds.ts) over a CustomerMetrics column. */
  | { kind: "score"; score: ThresholdScore }
  /** The RFM group of the customer's three scores (rfm-groups.ts). */
  | { kind: "rfmGroup" }
  /** A rule over several columns, spelled out in `definition` (derived-metrics.ts holds the reference). */
  | { kind: "derived"; definition: DerivedMetric }
  /** A function field over CustomerPurchase rows of one kind: `products_purchased(id: …, date: …)`. */
  | { kind: "purchases"; purchaseKind: PurchaseKind };

export type DerivedMetric =
  "isRepeatCustomer" | "discountCodeOrderShare" | "refundRate" | "daysSinceFirstOrder" | "daysSinceLastOrder";

export interface FunctionArgumentSpec {
  name: string;
  valueType: "id" | "date" | "measure";
  /** `id: (1, 2)` takes a list (one value is a list of one). */
  list: boolean;
  required: boolean;
}

/**
 * A function field `name(arguments) <op> value`. Compared with `true`/`false` it tests whether any purchase row
 * matches; compared with a number it tests the sum of `measure` (orderCount by default) over the matching rows.
 * A row matches when its key is one of `id` and, with `date`/`since`, its lastAt is on or after that date (the rows
 * aggregate all time: "bought since" means "last bought on or after", and the measure stays the all-time total).
 */
export interface FunctionFieldSpec {
  arguments: FunctionArgumentSpec[];
  /** What the value after the operator may be. */
  results: ("boolean" | "count")[];
}

export interface SegmentField {
  name: string;
  origin: "shopify" | "cohort";
  valueType: FieldValueType;
  operators: SegmentOperator[];
  source: FieldSource;
  enumValues?: readonly string[];
  function?: FunctionFieldSpec;
  /** Allowed numeric range of values (inclusive), e.g. 0–100 for a percentile. */
  range?: { min: number; max: number };
  description: string;
}

const ORDERED: SegmentOperator[] = ["=", "!=", ">", ">=", "<", "<=", "BETWEEN"];
const NULLABLE: SegmentOperator[] = ["IS NULL", "IS NOT NULL"];
const EQUALITY: SegmentOperator[] = ["=", "!="];
/**
 * Shopify also takes IS NULL / IS NOT NULL on lists ("doesn't exist"); not offered yet, so the SQL compiler built
 * against this catalog needs no change (the reference already reads an empty list as null).
 */
const LIST: SegmentOperator[] = ["CONTAINS", "NOT CONTAINS"];
const PURCHASE_FUNCTION_OPERATORS: SegmentOperator[] = ["=", "!=", ">", ">=", "<", "<=", "BETWEEN"];

const idArgument: FunctionArgumentSpec = { name: "id", valueType: "id", list: true, required: true };
const measureArgument: FunctionArgumentSpec = { name: "measure", valueType: "measure", list: false, required: false };
/** Values of a purchase function's `measure:` argument, summed over the matching CustomerPurchase rows. */
export const PURCHASE_MEASURES = ["orders", "quantity", "amount"] as const;
export type PurchaseMeasure = (typeof PURCHASE_MEASURES)[number];

function purchaseFunction(
  name: string,
  purchaseKind: PurchaseKind,
  origin: "shopify" | "cohort",
  description: string,
): SegmentField {
  const dateArgument: FunctionArgumentSpec = {
    name: origin === "shopify" ? "date" : "since",
    valueType: "date",
    list: false,
    required: false,
  };
  return {
    name,
    origin,
    valueType: origin === "shopify" ? "boolean" : "integer",
    operators: origin === "shopify" ? EQUALITY : PURCHASE_FUNCTION_OPERATORS,
    source: { kind: "purchases", purchaseKind },
    function: {
      arguments: origin === "shopify" ? [idArgument, dateArgument] : [idArgument, dateArgument, measureArgument],
      results: origin === "shopify" ? ["boolean"] : ["boolean", "count"],
    },
    description,
  };
}

export const SEGMENT_FIELDS: readonly SegmentField[] = [
  {
    name: "number_of_orders",
    origin: "shopify",
    valueType: "integer",
    operators: ORDERED,
    source: { kind: "metric", column: "orderCount" },
    description: "Orders placed, cancelled ones included (Shopify's numberOfOrders); test orders excluded.",
  },
  {
    name: "amount_spent",
    origin: "shopify",
    valueType: "money",
    operators: ORDERED,
    source: { kind: "metric", column: "netSpend" },
    description: "Net spend: total price of non-cancelled orders minus refunds, in the shop currency.",
  },
  {
    name: "average_order_value",
    origin: "cohort",
    valueType: "money",
    operators: ORDERED,
    source: { kind: "metric", column: "averageOrderValue" },
    description: "Net spend divided by net (non-cancelled) orders, truncated to a ten-thousandth; 0 without orders.",
  },
  {
    name: "first_order_date",
    origin: "shopify",
    valueType: "date",
    operators: [...ORDERED, ...NULLABLE],
    source: { kind: "metric", column: "firstOrderAt" },
    description: "When the first order was processed; null without orders.",
  },
  {
    name: "last_order_date",
    origin: "shopify",
    valueType: "date",
    operators: [...ORDERED, ...NULLABLE],
    source: { kind: "metric", column: "lastOrderAt" },
    description: "When the last order was processed; null without orders.",
  },
  {
    name: "days_since_first_order",
    origin: "cohort",
    valueType: "integer",
    operators: [...ORDERED, ...NULLABLE],
    source: { kind: "derived", definition: "daysSinceFirstOrder" },
    description: "Whole shop-local calendar days from the first order's date to today; null without orders.",
  },
  {
    name: "days_since_last_order",
    origin: "cohort",
    valueType: "integer",
    operators: [...ORDERED, ...NULLABLE],
    source: { kind: "derived", definition: "daysSinceLastOrder" },
    description: "Whole shop-local calendar days from the last order's date to today; null without orders.",
  },
  {
    name: "customer_tags",
    origin: "shopify",
    valueType: "stringList",
    operators: LIST,
    source: { kind: "tags" },
    description: "The customer's tags, compared ignoring ASCII case.",
  },
  {
    name: "customer_countries",
    origin: "shopify",
    valueType: "stringList",
    operators: LIST,
    source: { kind: "address", part: "country" },
    description: "The ISO country code of the customer's address (case-insensitive).",
  },
  {
    name: "customer_regions",
    origin: "shopify",
    valueType: "stringList",
    operators: LIST,
    source: { kind: "address", part: "region" },
    description: "The region of the customer's address as a country-province code ('US-CA').",
  },
  {
    name: "customer_cities",
    origin: "shopify",
    valueType: "stringList",
    operators: LIST,
    source: { kind: "address", part: "city" },
    description:
      "The city name of the customer's address ('Toronto'), ASCII case-insensitive. Shopify's editor writes city " +
      "codes ('US-NY-NewYorkCity') that Cohort cannot reproduce from the synced name, so those match nothing.",
  },
  {
    name: "email_subscription_status",
    origin: "shopify",
    valueType: "enum",
    operators: EQUALITY,
    enumValues: MARKETING_STATES,
    source: { kind: "metric", column: "emailMarketing" },
    description: "Email marketing consent; a customer without a state matches neither = nor !=.",
  },
  {
    name: "sms_subscription_status",
    origin: "shopify",
    valueType: "enum",
    operators: EQUALITY,
    enumValues: MARKETING_STATES,
    source: { kind: "metric", column: "smsMarketing" },
    description: "SMS marketing consent; a customer without a state matches neither = nor !=.",
  },
  {
    name: "rfm_group",
    origin: "shopify",
    valueType: "enum",
    operators: EQUALITY,
    enumValues: RFM_GROUP_NAMES,
    source: { kind: "rfmGroup" },
    description: "The customer's RFM group (rfm-groups.ts); PROSPECTS for customers without orders.",
  },
  {
    name: "amount_spent_percentile",
    origin: "cohort",
    valueType: "integer",
    operators: ORDERED,
    range: { min: 0, max: 100 },
    source: { kind: "score", score: "spendPercentile" },
    description: "Percent of the shop's customers who spent strictly less (0–99; shop-thresholds.ts).",
  },
  {
    name: "rfm_recency_score",
    origin: "cohort",
    valueType: "integer",
    operators: [...ORDERED, ...NULLABLE],
    range: { min: 1, max: 5 },
    source: { kind: "score", score: "recencyScore" },
    description: "1–5 by last order date among customers with orders; null without orders.",
  },
  {
    name: "rfm_frequency_score",
    origin: "cohort",
    valueType: "integer",
    operators: [...ORDERED, ...NULLABLE],
    range: { min: 1, max: 5 },
    source: { kind: "score", score: "frequencyScore" },
    description: "1–5 by number of orders among customers with orders; null without orders.",
  },
  {
    name: "rfm_monetary_score",
    origin: "cohort",
    valueType: "integer",
    operators: [...ORDERED, ...NULLABLE],
    range: { min: 1, max: 5 },
    source: { kind: "score", score: "monetaryScore" },
    description: "1–5 by net spend among customers with orders; null without orders.",
  },
  {
    name: "is_repeat_customer",
    origin: "cohort",
    valueType: "boolean",
    operators: EQUALITY,
    source: { kind: "derived", definition: "isRepeatCustomer" },
    description: "true with 2 or more net (non-cancelled) orders, false with 0 or 1.",
  },
  {
    name: "discount_code_order_share",
    origin: "cohort",
    valueType: "decimal",
    operators: [...ORDERED, ...NULLABLE],
    source: { kind: "derived", definition: "discountCodeOrderShare" },
    description:
      "Discount codes used per net order: discountCodeUseCount / netOrderCount (each order counts each distinct " +
      "code once), compared exactly as a fraction; the share of orders with a code when orders carry one code; " +
      "null without net orders.",
  },
  {
    name: "refund_rate",
    origin: "cohort",
    valueType: "decimal",
    operators: [...ORDERED, ...NULLABLE],
    range: { min: 0, max: 1 },
    source: { kind: "derived", definition: "refundRate" },
    description:
      "refundedAmount / grossSpend over net orders, compared exactly as a fraction (0.25 = a quarter of the money " +
      "paid was refunded); null when gross spend is 0.",
  },
  purchaseFunction(
    "products_purchased",
    "product",
    "shopify",
    "Whether the customer bought any of the products `id` (on or after `date`).",
  ),
  purchaseFunction(
    "collections_purchased",
    "collection",
    "cohort",
    "Orders (or quantity/amount) with products of the collections `id`.",
  ),
  purchaseFunction(
    "vendors_purchased",
    "vendor",
    "cohort",
    "Orders (or quantity/amount) with products of the vendors `id`.",
  ),
  purchaseFunction(
    "product_types_purchased",
    "productType",
    "cohort",
    "Orders (or quantity/amount) with products of the product types `id`.",
  ),
  purchaseFunction("sales_channel", "channel", "cohort", "Orders placed through the sales channels `id`."),
  purchaseFunction("discount_codes_used", "discountCode", "cohort", "Orders that used the discount codes `id`."),
];

/**
 * Shopify segment fields Cohort does not evaluate yet, with why: parsing one is a "not supported yet" error naming
 * it (not "unknown field"), so a query pasted from Shopify's editor fails with the real reason.
 */
export const UNSUPPORTED_SHOPIFY_FIELDS: Readonly<Record<string, string>> = {
  abandoned_checkout_date: "needs abandoned checkouts, which Cohort does not sync yet",
  predicted_spend_tier: "is Shopify's own prediction, which Cohort cannot compute",
  store_credit_accounts: "needs store credit accounts, which Cohort does not sync yet",
  store_credit_balance: "needs store credit accounts, which Cohort does not sync yet",
  companies: "needs B2B companies, which Cohort does not sync yet",
  customer_account_status: "needs customer account states, which Cohort does not sync yet",
  customer_added_date: "needs the customer's creation date in the metrics, not there yet",
  customer_email_domain: "needs email addresses, which Cohort does not keep",
  customer_language: "needs the customer's locale, which Cohort does not sync yet",
  customer_within_distance: "needs geocoded addresses",
  product_subscription_status: "needs subscription contracts, which Cohort does not sync yet",
  shopify_email: "needs Shopify Email activity, which Cohort does not sync",
  "shopify_email.opened": "needs Shopify Email activity, which Cohort does not sync",
  "shopify_email.clicked": "needs Shopify Email activity, which Cohort does not sync",
  "shopify_email.delivered": "needs Shopify Email activity, which Cohort does not sync",
  "shopify_email.bounced": "needs Shopify Email activity, which Cohort does not sync",
  "shopify_email.marked_as_spam": "needs Shopify Email activity, which Cohort does not sync",
  "shopify_email.unsubscribed": "needs Shopify Email activity, which Cohort does not sync",
  "storefront.product_viewed": "needs storefront events (product views), which Cohort does not collect",
  "storefront.collection_viewed": "needs storefront events (collection views), which Cohort does not collect",
  "storefront.search": "needs storefront events (searches), which Cohort does not collect",
  orders_placed: "needs per-order history in segment queries, not there yet",
  anniversary: "needs the customer's dates of birth and similar, which Cohort does not sync",
  customer_birth_date: "needs dates of birth, which Cohort does not sync",
  created_by_app_id: "needs the app that created the customer, which Cohort does not sync",
  erased_customer: "needs erasure requests, which Cohort does not sync",
};

const FIELDS_BY_NAME = new Map(SEGMENT_FIELDS.map((field) => [field.name, field]));

export function segmentField(name: string): SegmentField | undefined {
  return FIELDS_BY_NAME.get(name);
}

export function unsupportedShopifyField(name: string): string | undefined {
  return UNSUPPORTED_SHOPIFY_FIELDS[name];
}

export const SEGMENT_FIELD_NAMES: readonly string[] = SEGMENT_FIELDS.map((field) => field.name);
