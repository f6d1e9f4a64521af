import type { GraphqlOperation } from "./operation.js";

/**
 * What the orders backfill asks before it exports: how many orders the export will hold, and the smallest and
 * largest order id, so a large shop's export can be split into id ranges (`app/services/backfill.ts`). One
 * request; `$query` is the export's own search (the 60-day `created_at` term without read_all_orders), so the
 * count and the id bounds describe exactly the orders the export would see. `limit: null` counts them all
 * (the default stops at 10,000).
 */
export const ORDERS_EXPORT_PLAN_QUERY = `#graphql
  query CohortOrdersExportPlan($query: String) {
    ordersCount(query: $query, limit: null) {
      count
      precision
    }
    lowest: orders(first: 1, sortKey: ID, query: $query) {
      nodes {
        id
      }
    }
    highest: orders(first: 1, sortKey: ID, reverse: true, query: $query) {
      nodes {
        id
      }
    }
  }
` as GraphqlOperation<
  {
    ordersCount: { count: number; precision: "EXACT" | "AT_LEAST" } | null;
    lowest: { nodes: Array<{ id: string }> };
    highest: { nodes: Array<{ id: string }> };
  },
  { query: string | null }
>;
