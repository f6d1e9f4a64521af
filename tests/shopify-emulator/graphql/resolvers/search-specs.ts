import { GraphQLError } from "graphql";
import {
  booleanTerm,
  defaultTerm,
  enumTerm,
  idTerm,
  numberTerm,
  stringTerm,
  tagTerm,
  timeTerm,
  type SearchSpec,
  type TermCompiler,
} from "../search-query.js";
import { idSortKey, partsSortKey, plainSortKey, timestampSortKey, type SortKey } from "./connection.js";

/**
 * Per-connection search fields and sort keys. `shopifyFields` are the filters the 2026-10 schema documents on each
 * connection's `query` argument (anything else Shopify ignores with a warning); `fields` are those the local
 * Shopify implements. Expressions are over the table aliased `t`.
 */

const json = (path: string) => `json_extract(t.data, '${path}')`;

const CUSTOMER_SHOPIFY_FIELDS = [
  "default",
  "accepts_marketing",
  "country",
  "customer_date",
  "email",
  "first_name",
  "id",
  "last_abandoned_order_date",
  "last_name",
  "order_date",
  "orders_count",
  "phone",
  "state",
  "tag",
  "tag_not",
  "total_spent",
  "updated_at",
] as const;
const CUSTOMER_COUNT_SHOPIFY_FIELDS = ["created_at", "id", "updated_at"] as const;
const ORDER_SHOPIFY_FIELDS = [
  "default",
  "cart_token",
  "channel",
  "channel_id",
  "chargeback_status",
  "checkout_token",
  "confirmation_number",
  "created_at",
  "current_total_price",
  "customer_id",
  "delivery_method",
  "discount_code",
  "email",
  "financial_status",
  "fraud_protection_level",
  "fulfillment_location_id",
  "fulfillment_status",
  "gateway",
  "id",
  "location_id",
  "metafields.{namespace}.{key}",
  "name",
  "payment_id",
  "payment_provider_id",
  "po_number",
  "processed_at",
  "reference_location_id",
  "return_status",
  "risk_level",
  "sales_channel",
  "sku",
  "source_identifier",
  "source_name",
  "status",
  "subtotal_line_items_quantity",
  "tag",
  "tag_not",
  "test",
  "total_weight",
  "updated_at",
] as const;
const PRODUCT_SHOPIFY_FIELDS = [
  "default",
  "barcode",
  "bundles",
  "category_id",
  "collection_id",
  "combined_listing_role",
  "created_at",
  "delivery_profile_id",
  "error_feedback",
  "gift_card",
  "handle",
  "has_only_composites",
  "has_only_default_variant",
  "has_variant_with_components",
  "id",
  "inventory_total",
  "is_price_reduced",
  "metafields.{namespace}.{key}",
  "out_of_stock_somewhere",
  "price",
  "product_configuration_owner",
  "product_publication_status",
  "product_type",
  "publication_ids",
  "publishable_status",
  "published_at",
  "published_status",
  "sku",
  "status",
  "tag",
  "tag_not",
  "title",
  "tracks_inventory",
  "updated_at",
  "variant_id",
  "variant_title",
  "vendor",
] as const;
const COLLECTION_SHOPIFY_FIELDS = [
  "default",
  "collection_type",
  "handle",
  "id",
  "product_id",
  "product_publication_status",
  "publishable_status",
  "published_at",
  "published_status",
  "title",
  "updated_at",
] as const;

const anyAddress = (path: string) =>
  `(SELECT group_concat(json_extract(a.value, '${path}'), ' ') FROM json_each(t.data, '$.addresses') a)`;

function countryTerm(): TermCompiler {
  return (term) => {
    const value = term.value.toLowerCase();
    return {
      sql: `EXISTS (SELECT 1 FROM json_each(t.data, '$.addresses') a WHERE lower(json_extract(a.value, '$.country')) = ?
              OR lower(json_extract(a.value, '$.countryCode')) = ?)`,
      params: [value, value],
    };
  };
}

/** `email:` is tokenized on Shopify: a full address matches exactly, a bare domain or local part matches too. */
function emailTerm(expression: string): TermCompiler {
  const plain = stringTerm(expression);
  return (term) => {
    if (term.value === "*" || term.value.includes("@") || term.value.endsWith("*")) return plain(term);
    const value = term.value.toLowerCase();
    return {
      sql: `lower(${expression}) = ? OR lower(${expression}) LIKE ? ESCAPE '\\' OR lower(${expression}) LIKE ? ESCAPE '\\'`,
      params: [
        value,
        `%@${value.replace(/[\\%_]/g, (c) => `\\${c}`)}`,
        `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}@%`,
      ],
    };
  };
}

export function customerSearch(now: () => Date): SearchSpec {
  return {
    shopifyFields: CUSTOMER_SHOPIFY_FIELDS,
    fields: {
      default: defaultTerm([
        json("$.firstName"),
        json("$.lastName"),
        "t.email",
        json("$.phone"),
        `(SELECT group_concat(value, ' ') FROM json_each(t.data, '$.tags'))`,
        anyAddress("$.company"),
      ]),
      accepts_marketing: (term) => {
        const wanted = term.value.toLowerCase() === "true";
        return {
          sql: `(COALESCE(${json("$.emailMarketingConsent.marketingState")}, '') = 'SUBSCRIBED') = ?`,
          params: [wanted ? 1 : 0],
        };
      },
      country: countryTerm(),
      customer_date: timeTerm("t.created_at", "customer_date", now),
      email: emailTerm("t.email"),
      first_name: stringTerm(json("$.firstName")),
      last_name: stringTerm(json("$.lastName")),
      id: idTerm("t.id"),
      orders_count: numberTerm(json("$.numberOfOrders")),
      phone: stringTerm(json("$.phone")),
      state: enumTerm(json("$.state"), (value) => [value.toUpperCase()]),
      tag: tagTerm(),
      tag_not: tagTerm("$.tags", true),
      total_spent: numberTerm(`CAST(${json("$.amountSpent")} AS REAL)`),
      updated_at: timeTerm("t.updated_at", "updated_at", now),
    },
  };
}

export function customerCountSearch(now: () => Date): SearchSpec {
  return {
    shopifyFields: CUSTOMER_COUNT_SHOPIFY_FIELDS,
    fields: {
      created_at: timeTerm("t.created_at", "created_at", now),
      id: idTerm("t.id"),
      updated_at: timeTerm("t.updated_at", "updated_at", now),
    },
  };
}

const FINANCIAL_STATUSES = [
  "paid",
  "pending",
  "authorized",
  "partially_paid",
  "partially_refunded",
  "refunded",
  "voided",
  "expired",
];

function fulfillmentStatuses(value: string): string[] | null {
  switch (value) {
    case "shipped":
    case "fulfilled":
      return ["FULFILLED"];
    case "unshipped":
    case "unfulfilled":
      return ["UNFULFILLED"];
    case "partial":
      return ["PARTIALLY_FULFILLED"];
    case "scheduled":
      return ["SCHEDULED"];
    case "on_hold":
      return ["ON_HOLD"];
    case "request_declined":
      return ["REQUEST_DECLINED"];
    default:
      return null;
  }
}

const ORDER_REFUNDED_SHOP = `(SELECT COALESCE(SUM(CAST(json_extract(r.value, '$.totalRefunded.shop') AS REAL)), 0)
  FROM json_each(t.data, '$.refunds') r)`;
export const ORDER_CURRENT_TOTAL = `(CAST(${json("$.totalPrice.shop")} AS REAL) - ${ORDER_REFUNDED_SHOP})`;

export function orderSearch(now: () => Date): SearchSpec {
  return {
    shopifyFields: ORDER_SHOPIFY_FIELDS,
    fields: {
      default: defaultTerm([
        json("$.name"),
        json("$.email"),
        `(SELECT group_concat(value, ' ') FROM json_each(t.data, '$.tags'))`,
        `(SELECT group_concat(json_extract(l.value, '$.sku'), ' ') FROM json_each(t.data, '$.lineItems') l)`,
        `(SELECT group_concat(json_extract(l.value, '$.title'), ' ') FROM json_each(t.data, '$.lineItems') l)`,
      ]),
      created_at: timeTerm("t.created_at", "created_at", now),
      updated_at: timeTerm("t.updated_at", "updated_at", now),
      processed_at: timeTerm("t.processed_at", "processed_at", now),
      id: idTerm("t.id"),
      customer_id: idTerm("t.customer_id"),
      email: stringTerm(json("$.email")),
      name: (term) => {
        const value = term.value.replace(/^#/, "").toLowerCase();
        return { sql: `lower(${json("$.name")}) IN (?, ?)`, params: [value, `#${value}`] };
      },
      financial_status: enumTerm(json("$.financialStatus"), (value) =>
        FINANCIAL_STATUSES.includes(value) ? [value.toUpperCase()] : null,
      ),
      fulfillment_status: enumTerm(json("$.fulfillmentStatus"), fulfillmentStatuses),
      status: (term) => {
        switch (term.value.toLowerCase()) {
          case "open":
            return { sql: `${json("$.closedAt")} IS NULL AND ${json("$.cancelledAt")} IS NULL`, params: [] };
          case "closed":
            return { sql: `${json("$.closedAt")} IS NOT NULL`, params: [] };
          case "cancelled":
            return { sql: `${json("$.cancelledAt")} IS NOT NULL`, params: [] };
          case "not_closed":
            return { sql: `${json("$.closedAt")} IS NULL`, params: [] };
          case "any":
            return { sql: "1", params: [] };
          default:
            return { sql: "0", params: [] };
        }
      },
      tag: tagTerm(),
      tag_not: tagTerm("$.tags", true),
      source_name: stringTerm(json("$.sourceName")),
      test: booleanTerm(json("$.test")),
      discount_code: (term) => ({
        sql: `lower(${json("$.discountCodes[0]")}) = ?`,
        params: [term.value.toLowerCase()],
      }),
      current_total_price: numberTerm(ORDER_CURRENT_TOTAL),
      sku: (term) => ({
        sql: `EXISTS (SELECT 1 FROM json_each(t.data, '$.lineItems') l WHERE lower(json_extract(l.value, '$.sku')) = ?)`,
        params: [term.value.toLowerCase()],
      }),
    },
  };
}

export function productSearch(now: () => Date): SearchSpec {
  return {
    shopifyFields: PRODUCT_SHOPIFY_FIELDS,
    fields: {
      default: defaultTerm([
        json("$.title"),
        json("$.vendor"),
        json("$.productType"),
        `(SELECT group_concat(value, ' ') FROM json_each(t.data, '$.tags'))`,
        `(SELECT group_concat(json_extract(v.value, '$.sku'), ' ') FROM json_each(t.data, '$.variants') v)`,
      ]),
      id: idTerm("t.id"),
      title: stringTerm(json("$.title")),
      handle: stringTerm(json("$.handle")),
      vendor: stringTerm(json("$.vendor")),
      product_type: stringTerm(json("$.productType")),
      status: enumTerm(json("$.status"), (value) => [value.toUpperCase()]),
      tag: tagTerm(),
      tag_not: tagTerm("$.tags", true),
      created_at: timeTerm(json("$.createdAt"), "created_at", now),
      updated_at: timeTerm("t.updated_at", "updated_at", now),
      sku: (term) => ({
        sql: `EXISTS (SELECT 1 FROM json_each(t.data, '$.variants') v WHERE lower(json_extract(v.value, '$.sku')) = ?)`,
        params: [term.value.toLowerCase()],
      }),
      variant_id: (term) => ({
        sql: `EXISTS (SELECT 1 FROM json_each(t.data, '$.variants') v WHERE json_extract(v.value, '$.id') = ?)`,
        params: [Number(term.value.replace(/^gid:\/\/shopify\/ProductVariant\//, ""))],
      }),
      collection_id: (term) => ({
        sql: `EXISTS (SELECT 1 FROM collections c, json_each(json_extract(c.data, '$.productIds')) p
                WHERE c.shop_id = t.shop_id AND c.id = ? AND p.value = t.id)`,
        params: [Number(term.value.replace(/^gid:\/\/shopify\/Collection\//, ""))],
      }),
    },
  };
}

export function collectionSearch(now: () => Date): SearchSpec {
  return {
    shopifyFields: COLLECTION_SHOPIFY_FIELDS,
    fields: {
      default: defaultTerm([json("$.title"), json("$.handle")]),
      id: idTerm("t.id"),
      title: stringTerm(json("$.title")),
      handle: stringTerm(json("$.handle")),
      updated_at: timeTerm("t.updated_at", "updated_at", now),
      product_id: (term) => ({
        sql: `EXISTS (SELECT 1 FROM json_each(t.data, '$.productIds') WHERE value = ?)`,
        params: [Number(term.value.replace(/^gid:\/\/shopify\/Product\//, ""))],
      }),
    },
  };
}

// ---- sort keys --------------------------------------------------------------------------------------------

/**
 * Sort keys by name. Each says how its value is written into cursors (connection.ts): ids as strings from the
 * database and numbers from the search index, timestamps as database timestamps or epoch milliseconds, LOCATION
 * as an array — as the captures show.
 */
export type SortKeyTable = Record<string, SortKey>;

const defaultAddressPart = (path: string) =>
  `(SELECT lower(json_extract(a.value, '${path}')) FROM json_each(t.data, '$.addresses') a
     WHERE json_extract(a.value, '$.id') = json_extract(t.data, '$.defaultAddressId'))`;

export const CUSTOMER_SORT_KEYS: SortKeyTable = {
  ID: idSortKey(),
  // RELEVANCE ranks search matches on Shopify; without a ranking model the local Shopify keeps ID order.
  RELEVANCE: idSortKey(),
  CREATED_AT: timestampSortKey("t.created_at"),
  UPDATED_AT: timestampSortKey("t.updated_at"),
  // Shopify's cursor shows NAME sorts on "last, first" in lower case (", " when both are empty).
  NAME: plainSortKey(`lower(COALESCE(${json("$.lastName")}, '') || ', ' || COALESCE(${json("$.firstName")}, ''))`),
  LOCATION: partsSortKey([
    defaultAddressPart("$.country"),
    defaultAddressPart("$.province"),
    defaultAddressPart("$.city"),
  ]),
};

export const ORDER_SORT_KEYS: SortKeyTable = {
  ID: idSortKey(),
  RELEVANCE: idSortKey(),
  CREATED_AT: timestampSortKey("t.created_at"),
  UPDATED_AT: timestampSortKey("t.updated_at"),
  PROCESSED_AT: timestampSortKey("t.processed_at"),
  ORDER_NUMBER: plainSortKey("t.number"),
  TOTAL_PRICE: plainSortKey(`COALESCE(CAST(${json("$.totalPrice.shop")} AS REAL), 0)`),
  CURRENT_TOTAL_PRICE: plainSortKey(`COALESCE(${ORDER_CURRENT_TOTAL}, 0)`),
  FINANCIAL_STATUS: plainSortKey(`COALESCE(${json("$.financialStatus")}, '')`),
  FULFILLMENT_STATUS: plainSortKey(`COALESCE(${json("$.fulfillmentStatus")}, '')`),
  TOTAL_ITEMS_QUANTITY: plainSortKey(
    `(SELECT COALESCE(SUM(json_extract(l.value, '$.quantity')), 0) FROM json_each(t.data, '$.lineItems') l)`,
  ),
  CUSTOMER_NAME:
    plainSortKey(`COALESCE((SELECT lower(COALESCE(json_extract(c.data, '$.firstName'), '') || ' ' || COALESCE(json_extract(c.data, '$.lastName'), ''))
     FROM customers c WHERE c.shop_id = t.shop_id AND c.id = t.customer_id), '')`),
};

export const PRODUCT_SORT_KEYS: SortKeyTable = {
  ID: idSortKey(),
  RELEVANCE: idSortKey(),
  TITLE: plainSortKey(`lower(COALESCE(${json("$.title")}, ''))`),
  UPDATED_AT: timestampSortKey("t.updated_at"),
  CREATED_AT: timestampSortKey(json("$.createdAt")),
  VENDOR: plainSortKey(`lower(COALESCE(${json("$.vendor")}, ''))`),
  PRODUCT_TYPE: plainSortKey(`lower(COALESCE(${json("$.productType")}, ''))`),
};

export const COLLECTION_SORT_KEYS: SortKeyTable = {
  ID: idSortKey(),
  RELEVANCE: idSortKey(),
  TITLE: plainSortKey(`lower(COALESCE(${json("$.title")}, ''))`),
  UPDATED_AT: timestampSortKey("t.updated_at"),
};

export function sortKeyFor(table: SortKeyTable, key: unknown, fallback: string): SortKey {
  const name = typeof key === "string" ? key : fallback;
  const sortKey = table[name];
  if (!sortKey) {
    throw new GraphQLError(`The local Shopify does not implement sort key ${name} here yet.`, {
      extensions: { code: "EMULATOR_UNSUPPORTED" },
    });
  }
  return sortKey;
}
