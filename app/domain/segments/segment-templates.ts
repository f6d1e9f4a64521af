/**
 * Ready-made segments a merchant starts from, as query text in Shopify's syntax (so they read like what the merchant
 * could have typed, and parse like it). A template may take parameters, written `{name}` in its query and filled
 * with fillSegmentTemplate. Templates Cohort cannot evaluate yet are listed with the reason, so the app can show them
 * as coming rather than leave merchants wondering where they are.
 */
import { printValue } from "./segment-printer.js";
import { DECIMAL_TEXT } from "./segment-tree.js";

export interface SegmentTemplateParameter {
  name: string;
  label: string;
  valueType: "countryCode" | "money";
  defaultValue?: string;
}

export interface AvailableSegmentTemplate {
  id: string;
  name: string;
  description: string;
  available: true;
  query: string;
  parameters: SegmentTemplateParameter[];
}

export interface UnavailableSegmentTemplate {
  id: string;
  name: string;
  description: string;
  available: false;
  reason: string;
}

export type SegmentTemplate = AvailableSegmentTemplate | UnavailableSegmentTemplate;

const available = (
  id: string,
  name: string,
  description: string,
  query: string,
  parameters: SegmentTemplateParameter[] = [],
): AvailableSegmentTemplate => ({ id, name, description, available: true, query, parameters });

export const SEGMENT_TEMPLATES: readonly SegmentTemplate[] = [
  available(
    "first-time-buyers",
    "First-time buyers",
    "Placed their first and only order in the last 30 days.",
    "number_of_orders = 1 AND first_order_date >= -30d",
  ),
  available("three-plus-purchases", "3+ purchases", "Placed three orders or more.", "number_of_orders >= 3"),
  available(
    "vip-top-spenders",
    "VIP: top 10% by spend",
    "Spent more than 90% of your customers.",
    "amount_spent_percentile >= 90",
  ),
  available(
    "high-average-order-value",
    "High average order value",
    "Spend at least this much per order on average.",
    "average_order_value >= {minimumOrderValue}",
    [{ name: "minimumOrderValue", label: "Average order value at least", valueType: "money", defaultValue: "100.00" }],
  ),
  available("champions", "Champions", "Bought very recently, often, and spent the most.", "rfm_group = 'CHAMPIONS'"),
  available("loyal", "Loyal", "Buy regularly and spend well.", "rfm_group = 'LOYAL'"),
  available("at-risk", "At risk", "Used to buy often and spend well, but not lately.", "rfm_group = 'AT_RISK'"),
  available(
    "dormant",
    "Dormant",
    "Have ordered before, but not in the last 90 days.",
    "number_of_orders > 0 AND last_order_date < -90d",
  ),
  available("one-time-buyers", "One-time buyers", "Ordered exactly once.", "number_of_orders = 1"),
  available(
    "price-sensitive",
    "Price-sensitive",
    "Repeat customers who used a discount code on at least half of their orders.",
    "is_repeat_customer = true AND discount_code_order_share >= 0.5",
  ),
  available(
    "top-country",
    "Customers in a country",
    "Customers whose address is in this country.",
    "customer_countries CONTAINS {countryCode}",
    [{ name: "countryCode", label: "Country", valueType: "countryCode" }],
  ),
  {
    id: "abandoned-cart-24h",
    name: "Abandoned cart in the last 24 hours",
    description: "Started a checkout in the last day and did not complete it.",
    available: false,
    reason: "Needs abandoned checkouts and storefront events, which Cohort does not collect yet.",
  },
  {
    id: "viewed-not-bought",
    name: "Viewed a product but did not buy",
    description: "Looked at a product and never bought it.",
    available: false,
    reason: "Needs storefront product-view events, which Cohort does not collect yet.",
  },
];

export class SegmentTemplateError extends Error {}

function parameterValue(parameter: SegmentTemplateParameter, raw: string | undefined): string {
  const value = (raw ?? parameter.defaultValue)?.trim();
  if (value === undefined || value === "") throw new SegmentTemplateError(`${parameter.label} is required`);
  if (parameter.valueType === "countryCode") {
    if (!/^[A-Za-z]{2}$/.test(value))
      throw new SegmentTemplateError(`${parameter.label} must be a two-letter country code`);
    return printValue({ type: "string", value: value.toUpperCase() });
  }
  if (!DECIMAL_TEXT.test(value) || value.startsWith("-")) {
    throw new SegmentTemplateError(`${parameter.label} must be an amount such as 100.00`);
  }
  return value;
}

/** The template's query with its parameters filled in (defaults where not given). */
export function fillSegmentTemplate(template: AvailableSegmentTemplate, values: Record<string, string> = {}): string {
  return template.parameters.reduce(
    (query, parameter) => query.replace(`{${parameter.name}}`, parameterValue(parameter, values[parameter.name])),
    template.query,
  );
}

export function segmentTemplate(id: string): SegmentTemplate | undefined {
  return SEGMENT_TEMPLATES.find((template) => template.id === id);
}
