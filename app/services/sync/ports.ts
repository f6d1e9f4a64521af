import type { CustomerMetricsFacts } from "../../domain/sync/metrics.js";
import type { CustomerFacts, OrderFacts } from "../../domain/sync/sync-records.js";

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

export type SyncResource = "customers" | "orders";

/** What the sync keeps, in the order the backfill runs them. */
export const SYNC_RESOURCES: readonly SyncResource[] = ["customers", "orders"];

export type SyncStatus = "idle" | "running" | "completed" | "failed";

export interface SyncStateRecord {
  shop: string;
  resource: string;
  status: SyncStatus;
  /** The export being read (with id ranges: the range being waited for or applied). */
  bulkOperationId: string | null;
  bulkStatus: string | null;
  objectCount: number;
  processedCount: number;
  /** Lines of `bulkOperationId`'s result already applied. */
  resumeLine: number;
  watermark: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  lastError: string | null;
  limitedToDays: number | null;
  /** The id ranges of a split orders export, as JSON (`PartitionsState`); null for one export. */
  partitions: string | null;
}

export type SyncStatePatch = Partial<Omit<SyncStateRecord, "shop" | "resource">>;

export interface SyncStateStore {
  get(shop: string, resource: string): Promise<SyncStateRecord | null>;
  /** Creates the row if missing. */
  update(shop: string, resource: string, patch: SyncStatePatch): Promise<SyncStateRecord>;
  list(shop: string): Promise<SyncStateRecord[]>;
}

export interface InboxEvent {
  id: string;
  shop: string;
  topic: string;
  /** The raw JSON body Shopify sent. */
  payload: string;
  receivedAt: Date;
  /** The claim the event was taken with: completing it is conditional on still holding that claim. */
  claimToken: string;
}

/** What a recorded failure did: retried at `retryAt`, or dead-lettered (null) after its last allowed attempt. */
export interface FailureOutcome {
  attempts: number;
  retryAt: Date | null;
}

export interface InboxRepository {
  /**
   * Claims up to `limit` unprocessed events, oldest first, for `workerId` until `leaseMs` from now, all under one
   * claim token. Events of uninstalled shops are not claimed, except the compliance topics (they must be honoured
   * after uninstall). An event whose earlier claim lapsed unfinished is claimed alone, so a crash it causes is
   * counted against it and not against a batch.
   */
  claim(options: { limit: number; workerId: string; leaseMs: number }): Promise<InboxEvent[]>;
  /** Extends the lease of the claim's unfinished events (a long pass); returns how many it still holds. */
  extendClaim(claimToken: string, leaseMs: number): Promise<number>;
  /**
   * Marks the events applied and blanks their payloads (the row stays, so a duplicate delivery is still dropped),
   * only where the claim still holds them; returns how many it marked.
   */
  markProcessed(eventIds: string[], claimToken: string): Promise<number>;
  /**
   * Counts a failed attempt and records why; the event rests (backing off) and is tried again later. After the
   * last allowed attempt it is dead-lettered, except a compliance event: it is retried until it succeeds or the
   * merchant gives up on it. Null when the claim no longer holds the event (another worker has it).
   */
  markFailed(eventId: string, claimToken: string, error: string): Promise<FailureOutcome | null>;
  /** A permanently unusable event (a payload that cannot be mapped): processed, with the reason kept. */
  markRejected(eventId: string, claimToken: string, error: string): Promise<boolean>;
  /**
   * Retention (inbox-retention.ts): deletes every event processed before `deleteProcessedBefore`, and blanks the
   * payloads still kept (rejected and dead-lettered events) of events processed before `blankPayloadsBefore`.
   */
  purge(options: {
    deleteProcessedBefore: Date;
    blankPayloadsBefore: Date;
  }): Promise<{ deleted: number; blanked: number }>;
}

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;

export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];

export function isComplianceTopic(topic: string): topic is ComplianceTopic {
  return (COMPLIANCE_TOPICS as readonly string[]).includes(topic);
}

/** Handles the compliance topics (see `privacy.ts`). */
export type ComplianceHandler = (shop: string, topic: ComplianceTopic, payload: unknown) => Promise<void>;

export interface RecordPage<T> {
  records: T[];
  /** Pass back as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export type SyncedResource = "orders" | "customers";

/** What the worker and reconciliation read back from Shopify; the throttle-aware Admin client implements it. */
export interface ShopifyRecordsReader {
  fetchOrder(shop: string, orderId: string): Promise<OrderFacts | null>;
  /**
   * Reads many orders at once (batched requests), each with all its line items. The answer has every requested id:
   * null for an order Shopify no longer has (deleted). Any other failure rejects the whole call.
   */
  fetchOrders(shop: string, orderIds: string[]): Promise<Map<string, OrderFacts | null>>;
  fetchCustomer(shop: string, customerId: string): Promise<CustomerFacts | null>;
  /** Orders with `updated_at` at or after `since` (all when null), oldest update first. */
  ordersUpdatedSince(shop: string, since: string | null, after: string | null): Promise<RecordPage<OrderFacts>>;
  customersUpdatedSince(shop: string, since: string | null, after: string | null): Promise<RecordPage<CustomerFacts>>;
}

export interface WatermarkRepository {
  /** Shops with Cohort installed (uninstalled shops get no work). */
  installedShops(): Promise<string[]>;
  isInstalled(shop: string): Promise<boolean>;
  getWatermark(shop: string, resource: SyncedResource): Promise<string | null>;
  setWatermark(shop: string, resource: SyncedResource, watermark: string): Promise<void>;
}

/**
 * The webhook inbox: every delivery Shopify makes is recorded before it is acknowledged, once per event. A
 * duplicate delivery (same shop and `X-Shopify-Event-Id`) is recognised and dropped. Later work (the sync) reads
 * the inbox; a crash between recording and applying loses nothing.
 */
export interface WebhookDelivery {
  shop: string;
  topic: string;
  /** Same across Shopify's duplicate deliveries of one event; falls back to the webhook id when absent. */
  eventId: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: unknown;
}

export interface WebhookInboxRepository {
  /** Stores the delivery; returns false when that shop's event was stored already. */
  insertIfNew(delivery: WebhookDelivery): Promise<boolean>;
}

/** What the sync status reads: backfill progress, the records Cohort holds, and the inbox's latest applied event. */
export interface SyncStatusRepository {
  states(shop: string): Promise<SyncStateRecord[]>;
  /** Customers (not deleted) and orders Cohort holds for the shop, however they arrived. */
  heldRecords(shop: string): Promise<Record<SyncResource, number>>;
  /** When the worker last applied one of the shop's webhooks (rejected ones do not count). */
  lastWebhookAppliedAt(shop: string): Promise<Date | null>;
}
