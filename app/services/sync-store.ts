import type { CustomerMetricsFacts } from "../domain/metrics.js";
import type { CustomerFacts, OrderFacts } from "../domain/sync-records.js";

/**
 * Where synced facts and customer metrics live. Every method is scoped by shop. Writes are idempotent and
 * order-independent: a snapshot older (by `updatedAt`) than the stored one is ignored (an equal one replaces it),
 * so duplicate and out-of-order deliveries converge on the same state. Metrics are definitions in
 * app/domain/metrics.ts; writes do not refresh them: pass `affectedCustomerIds` to `refreshMetrics`.
 */
export interface SyncStore {
  /** One transaction per call; meant for batches of up to a few thousand orders. */
  upsertOrders(shop: string, orders: OrderFacts[]): Promise<UpsertResult>;
  upsertCustomers(shop: string, customers: CustomerFacts[]): Promise<UpsertResult>;
  /**
   * Removes the customer's data and metrics; their orders stay, detached (as Shopify keeps them). The customer is
   * remembered as deleted, so a late snapshot of it is ignored (counted stale), as are order links to it.
   */
  deleteCustomer(shop: string, customerId: string): Promise<void>;
  /** Recomputes the metrics of these customers from their stored orders (the incremental path). */
  refreshMetrics(shop: string, customerIds: string[]): Promise<void>;
  /** Recomputes every customer's metrics from scratch (the reference the incremental path must equal). */
  recomputeAllMetrics(shop: string): Promise<void>;
  /** Stored metrics of these customers (all the shop's customers when omitted), ordered by customer id. */
  customerMetrics(shop: string, customerIds?: string[]): Promise<CustomerMetricsFacts[]>;
}

export interface UpsertResult {
  written: number;
  /** Snapshots ignored because a newer one was stored (or the customer was deleted). */
  stale: number;
  /** Customers whose metrics the write affects. */
  affectedCustomerIds: string[];
}

/**
 * Orders Shopify deleted (orders/delete). Kept apart from SyncStore until its SQL adapter implements them; the
 * intended home is SyncStore itself, with `upsertOrders` ignoring (counting stale) snapshots of deleted orders as it
 * does for deleted customers.
 */
export interface OrderDeletionStore {
  /**
   * Removes these orders with their line items, collections, refunds and discount codes, and remembers each id as
   * deleted (repeating a deletion changes nothing). Metrics are not refreshed: pass `affectedCustomerIds` to
   * `SyncStore.refreshMetrics`.
   */
  deleteOrders(shop: string, orderIds: string[]): Promise<{ deleted: number; affectedCustomerIds: string[] }>;
  /** Which of these orders were deleted: a snapshot of one must not be stored again. */
  deletedOrderIds(shop: string, orderIds: string[]): Promise<Set<string>>;
}
