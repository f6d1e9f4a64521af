/**
 * The 20 segments the segments benchmark evaluates: every available template (the country one with US, the AOV
 * one with its default), then rules over purchases, tags, consent, percentiles and RFM scores, keyed to what
 * segment-store.ts generates (products 80001–80200, collections 60001–60030, its vendors and tags). And the 5
 * queries it previews.
 */
import { fillSegmentTemplate, SEGMENT_TEMPLATES } from "../../app/domain/segments/segment-templates.js";

export interface BenchSegment {
  name: string;
  query: string;
}

const templates: BenchSegment[] = SEGMENT_TEMPLATES.flatMap((template) =>
  template.available
    ? [
        {
          name: template.name,
          query: fillSegmentTemplate(template, template.id === "top-country" ? { countryCode: "US" } : {}),
        },
      ]
    : [],
);

const rules: BenchSegment[] = [
  { name: "Collection fans (90 days)", query: "collections_purchased(id: 60001, since: -90d) >= 2" },
  { name: "Bought a best seller", query: "products_purchased(id: (80001, 80002)) = true" },
  { name: "Tagged VIP, spent over 500", query: "customer_tags CONTAINS 'vip' AND amount_spent > 500" },
  { name: "Subscribed recent buyers", query: "email_subscription_status = 'SUBSCRIBED' AND last_order_date >= -30d" },
  { name: "Acme regulars", query: "vendors_purchased(id: 'Acme') >= 3" },
  {
    name: "Top quarter, SMS subscribed",
    query: "amount_spent_percentile >= 75 AND sms_subscription_status = 'SUBSCRIBED'",
  },
  { name: "Recent and frequent", query: "rfm_recency_score >= 4 AND rfm_frequency_score >= 4" },
  { name: "Big spenders gone quiet", query: "rfm_monetary_score = 5 AND days_since_last_order > 180" },
  {
    name: "Wholesale in Canada or refunded often",
    query: "(customer_tags CONTAINS 'wholesale' AND customer_countries CONTAINS 'CA') OR refund_rate >= 0.25",
  },
];

export const BENCH_SEGMENTS: readonly BenchSegment[] = [...templates, ...rules];

export const PREVIEW_QUERIES: readonly string[] = [
  "number_of_orders >= 5 AND amount_spent > 1000",
  "customer_countries CONTAINS 'DE' AND last_order_date >= -365d",
  "collections_purchased(id: (60002, 60003)) >= 1 AND email_subscription_status = 'SUBSCRIBED'",
  "rfm_group = 'AT_RISK' OR rfm_group = 'CHAMPIONS'",
  "customer_tags NOT CONTAINS 'newsletter' AND amount_spent_percentile BETWEEN 50 AND 90",
];
