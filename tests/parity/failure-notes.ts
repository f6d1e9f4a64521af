import type { FailureNote } from "./report.js";

/**
 * Why each failing scenario differs from Shopify, and whether that is an emulator bug or an accepted difference.
 * Keyed by scenario id; `npm run parity` prints the verdict beside each failure and copies it into the report.
 */
export const FAILURE_NOTES: Readonly<Record<string, FailureNote>> = {
  "bulk-operation-run-query-schema-roots": {
    kind: "accepted",
    why:
      "Capture state: the target compares `bulkOperation.id` strictly (the spec lists no generated-id difference), " +
      "and the id of a new operation is Shopify's to generate. With the id allowed as a BulkOperation gid both runs " +
      "agree (CREATED, QUERY, no userErrors). Gap behind it, not compared: `draftOrders` has no resolver here, so " +
      "the draft-orders export later FAILS with INTERNAL_SERVER_ERROR where Shopify completes (Cohort exports no " +
      "draft orders).",
  },
  "bulk-operations-live-hybrid-base-overlay": {
    kind: "accepted",
    why:
      "Capture state: `nodes[0]` of the post-run window is the operation the replayed run just created, compared " +
      "strictly (id, createdAt, status CREATED): Shopify's generated id and its still-queued status cannot be " +
      "reproduced by a fresh run. The historical operations after it (`nodes[1..2]`, seeded from the capture with " +
      "Shopify's signed URLs) and the run payload agree.",
  },
  "customers-advanced-search-read": {
    kind: "accepted",
    why:
      "Seed limitation: everything but `groupedExclusion.pageInfo.hasNextPage` agrees, cursors included (UPDATED_AT " +
      "with a query: epoch milliseconds). Shopify answers true because the live store holds more matching customers " +
      "than the capture shows; the replay seeds only the captured ones. Closing it needs a precondition in " +
      "tests/parity (seed a matching customer past the captured page where the capture says hasNextPage).",
  },
  "customers-catalog-parity-plan": {
    kind: "accepted",
    why:
      "Seed limitation: everything but `customers.pageInfo.hasNextPage` agrees, cursors included (ID without a " +
      "query: the id as a string). The live store has more customers than the captured page.",
  },
  "customers-search-read": {
    kind: "accepted",
    why:
      "Seed limitation: everything but `customers.pageInfo.hasNextPage` agrees, cursors included. More live " +
      "matches than the capture shows.",
  },
  "order-catalog-count-read": {
    kind: "accepted",
    why:
      "Seed limitation: the status-filtered alias selects only id/name/status, so order 8887492149554's createdAt is " +
      "not in the capture and it is seeded with a default date, sorting it last instead of first. The other targets " +
      "(tag/name/id/AND filters, counts with limit precision, next page) agree.",
  },
  "order-empty-state-read": {
    kind: "accepted",
    why:
      "The captured response was recorded with a smaller document (order nodes carry only id and name) than the " +
      "parity-request document replayed now, so the selected createdAt/updatedAt/… cannot agree. The cursor has " +
      "Shopify's form (CREATED_AT without a query: a database timestamp string) but not its value: the order's " +
      "createdAt is not in the capture (seeded 2025-01-01) and Shopify's value carries microseconds the API never " +
      "shows. Cost: Shopify 14, ours 19 (unexplained by one capture; `ordersCount` beside other roots).",
  },
  "order-merchant-detail-read": {
    kind: "gap",
    why:
      "The emulator's Order lacks poNumber, paymentGatewayNames, currentSubtotalPriceSet, totalOutstandingSet, " +
      "shippingLines, fulfillmentOrders, fulfillments, transactions, returns, taxLines… (NOT_IMPLEMENTED nulls the " +
      "order). Cohort reads none of them today; implement when the app needs them.",
  },
};
