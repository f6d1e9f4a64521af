import type { CustomerFacts, OrderFacts } from "../../domain/sync/sync-records.js";
import {
  type ShopifyRecordsReader,
  type OrderDeletionStore,
  type SyncStore,
  isComplianceTopic,
  type ComplianceHandler,
  type InboxEvent,
  type InboxRepository,
} from "./ports.js";
import { isAccessRevoked, revokedAccessReason } from "../shop/shop-access.js";
import { type ShopAccessRevoked } from "../shop/ports.js";
import {
  mapCustomerPayload,
  mapDeletedCustomerId,
  mapDeletedOrderId,
  mapFinishedBulkOperationId,
  mapOrderPayload,
  mapRefundPayload,
  UnmappablePayloadError,
} from "./webhook-mapping.js";

/**
 * Applies the webhook inbox to the synced facts, oldest delivery first, outside any request. Applying is
 * idempotent (SyncStore ignores snapshots older than the stored one, deletes and redactions repeat harmlessly), so
 * an event applied twice — by two workers, or again after a crash before it was marked — changes nothing more.
 */

export interface InboxWorkerDeps {
  inbox: InboxRepository;
  store: SyncStore;
  /**
   * Reads records back from Shopify: every order an order or refund event names (REST order bodies lack product
   * types and collections, and their money differs from GraphQL's), and slim customer bodies. Without one (tests)
   * order bodies are applied as they are.
   */
  reader?: ShopifyRecordsReader;
  compliance?: ComplianceHandler;
  /** Applies orders/delete and keeps deleted orders from coming back; without one, orders/delete events fail. */
  orderDeletions?: OrderDeletionStore;
  /**
   * Told of each applied bulk_operations/finish (after it is marked processed), to wake the backfill waiting on
   * that operation (bulk-finish-notifier.ts).
   */
  onBulkOperationFinished?: (shop: string, operationId: string) => void;
  /**
   * Called once when Shopify refuses the shop's token (401) during a pass: the shop's remaining events of the batch
   * fail without being tried, and the adapter stops the shop's work until it authenticates again (shop-access.ts),
   * when they are released.
   */
  onAccessRevoked?: ShopAccessRevoked;
  /**
   * Told which customers' facts a batch changed (deleted customers included), with the events it applied, once the
   * facts and metrics are written and before the events are marked processed: segments re-evaluate those customers.
   * If it fails, the events fail and are retried (applying them again changes nothing).
   */
  onCustomersChanged?: (shop: string, customerIds: string[], eventIds: string[]) => Promise<void>;
  workerId: string;
  batchSize?: number;
  /** How long a claim holds; a pass still running renews it every third of that. */
  leaseMs?: number;
  /** Problems a person must see (a privacy request failing) come at level "error". */
  log?: (message: string, level?: "info" | "error") => void;
}

export interface PassResult {
  claimed: number;
  applied: number;
  failed: number;
  rejected: number;
}

/** Topics recorded by the routes whose work is done elsewhere (the route itself, or the backfill). */
const ACKNOWLEDGED_ONLY = new Set(["app/uninstalled", "app/scopes_update"]);

interface ShopBatch {
  orders: Map<string, OrderFacts>;
  /**
   * Orders to read back from Shopify, with the newest webhook snapshot of each (null when only a refund named it):
   * the snapshot is applied only when Shopify no longer has the order.
   */
  ordersToRead: Map<string, OrderFacts | null>;
  customers: Map<string, CustomerFacts>;
  deletedCustomers: Set<string>;
  deletedOrders: Set<string>;
}

/** Keeps the newest snapshot per id within a batch (the store would ignore the older one anyway). */
function keepNewest<T extends { id: string; updatedAt: string }>(map: Map<string, T>, record: T): void {
  const known = map.get(record.id);
  if (!known || Date.parse(known.updatedAt) <= Date.parse(record.updatedAt)) map.set(record.id, record);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class InboxWorker {
  private readonly batchSize: number;
  private readonly leaseMs: number;

  constructor(private readonly deps: InboxWorkerDeps) {
    this.batchSize = deps.batchSize ?? 200;
    this.leaseMs = deps.leaseMs ?? 60_000;
  }

  /** Claims and applies one batch, renewing the claim while the pass runs (order reads may be throttled). */
  async runPass(): Promise<PassResult> {
    const { inbox, workerId } = this.deps;
    const events = await inbox.claim({ limit: this.batchSize, workerId, leaseMs: this.leaseMs });
    const result: PassResult = { claimed: events.length, applied: 0, failed: 0, rejected: 0 };
    if (events.length === 0) return result;
    const renewal = this.renewWhileRunning(events[0]!.claimToken);
    try {
      const byShop = new Map<string, InboxEvent[]>();
      for (const event of events) byShop.set(event.shop, [...(byShop.get(event.shop) ?? []), event]);
      for (const [shop, shopEvents] of byShop) {
        const outcome = await this.applyShop(shop, shopEvents);
        result.applied += outcome.applied;
        result.failed += outcome.failed;
        result.rejected += outcome.rejected;
      }
    } finally {
      renewal.stop();
    }
    return result;
  }

  private renewWhileRunning(claimToken: string): { stop(): void } {
    const timer = setInterval(
      () => {
        this.deps.inbox.extendClaim(claimToken, this.leaseMs).catch((error: unknown) => {
          this.deps.log?.(`[inbox] could not renew claim ${claimToken}: ${errorText(error)}`);
        });
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    timer.unref?.();
    return { stop: () => clearInterval(timer) };
  }

  /** Completes events only under the claim they were taken with; a lost claim is another worker's now. */
  private async markProcessed(events: InboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const marked = await this.deps.inbox.markProcessed(
      events.map((event) => event.id),
      events[0]!.claimToken,
    );
    if (marked < events.length) {
      this.deps.log?.(
        `[inbox] ${events.length - marked} of ${events.length} events were applied after their claim lapsed; ` +
          "the worker that took them over completes them (applying is idempotent)",
      );
    }
  }

  private async markFailed(event: InboxEvent, error: unknown): Promise<void> {
    const outcome = await this.deps.inbox.markFailed(event.id, event.claimToken, errorText(error));
    if (outcome && !isComplianceTopic(event.topic)) {
      // An ordinary event is healed by its retry (or, dead-lettered, by reconciliation); the log says why it rests.
      this.deps.log?.(
        `[inbox] ${event.topic} ${event.id} for ${event.shop} failed (attempt ${outcome.attempts}), ` +
          `${outcome.retryAt ? `retrying at ${outcome.retryAt.toISOString()}` : "dead-lettered"}: ${errorText(error)}`,
      );
    }
    if (outcome && isComplianceTopic(event.topic)) {
      // A privacy request is never dropped: it is retried until it succeeds or the merchant gives up on it.
      this.deps.log?.(
        `[privacy] ${event.topic} for ${event.shop} failed (attempt ${outcome.attempts}), retrying at ` +
          `${outcome.retryAt?.toISOString() ?? "—"}: ${errorText(error)}`,
        "error",
      );
    }
  }

  /** Runs passes until the inbox has nothing left to claim (or only failing events). */
  async drain(maxPasses = 1_000): Promise<PassResult> {
    const total: PassResult = { claimed: 0, applied: 0, failed: 0, rejected: 0 };
    for (let pass = 0; pass < maxPasses; pass += 1) {
      const result = await this.runPass();
      total.claimed += result.claimed;
      total.applied += result.applied;
      total.failed += result.failed;
      total.rejected += result.rejected;
      if (result.claimed === 0 || result.applied + result.rejected === 0) break;
    }
    return total;
  }

  private async applyShop(
    shop: string,
    events: InboxEvent[],
  ): Promise<{ applied: number; failed: number; rejected: number }> {
    const { inbox } = this.deps;
    const batch: ShopBatch = {
      orders: new Map(),
      ordersToRead: new Map(),
      customers: new Map(),
      deletedCustomers: new Set(),
      deletedOrders: new Set(),
    };
    const collected: InboxEvent[] = [];
    /** Finished bulk operations to announce once their events are marked processed. */
    const finishedOperations: string[] = [];
    /** Events whose order is read back at the flush: a failed read fails only them. */
    const awaitingOrders: InboxEvent[] = [];
    let failed = 0;
    let rejected = 0;
    let applied = 0;
    /** Set when Shopify refused the shop's token: nothing more is tried for the shop in this pass. */
    let revoked: Error | null = null;
    const noteFailure = (error: unknown): void => {
      if (!revoked && isAccessRevoked(error)) revoked = error;
    };

    const flush = async (): Promise<void> => {
      if (batch.ordersToRead.size > 0) {
        try {
          await this.readOrders(shop, batch);
          collected.push(...awaitingOrders);
        } catch (error) {
          noteFailure(error);
          failed += awaitingOrders.length;
          for (const event of awaitingOrders) await this.markFailed(event, error);
        }
      } else {
        collected.push(...awaitingOrders);
      }
      awaitingOrders.length = 0;
      if (collected.length > 0) {
        try {
          const changed = await this.applyBatch(shop, batch);
          if (changed.length > 0) {
            await this.deps.onCustomersChanged?.(
              shop,
              changed,
              collected.map((event) => event.id),
            );
          }
          await this.markProcessed(collected);
          applied += collected.length;
          for (const operationId of finishedOperations.splice(0)) {
            this.deps.onBulkOperationFinished?.(shop, operationId);
          }
        } catch (error) {
          failed += collected.length;
          for (const event of collected) await this.markFailed(event, error);
        }
      }
      collected.length = 0;
      finishedOperations.length = 0;
      batch.orders.clear();
      batch.ordersToRead.clear();
      batch.customers.clear();
      batch.deletedCustomers.clear();
      batch.deletedOrders.clear();
    };

    for (const event of events) {
      if (revoked) {
        failed += 1;
        await this.markFailed(event, revoked);
        continue;
      }
      try {
        const payload: unknown = JSON.parse(event.payload);
        if (isComplianceTopic(event.topic)) {
          // Redaction must see everything applied before it, and nothing of the batch may survive it.
          await flush();
          if (!this.deps.compliance) throw new Error("No compliance handler is configured");
          await this.deps.compliance(shop, event.topic, payload);
          await this.markProcessed([event]);
          applied += 1;
          continue;
        }
        if (ACKNOWLEDGED_ONLY.has(event.topic)) {
          collected.push(event);
          continue;
        }
        if (event.topic === "bulk_operations/finish") {
          finishedOperations.push(mapFinishedBulkOperationId(payload));
          collected.push(event);
          continue;
        }
        const waits = await this.collect(shop, event.topic, payload, batch);
        (waits === "order read" ? awaitingOrders : collected).push(event);
      } catch (error) {
        if (error instanceof UnmappablePayloadError || error instanceof SyntaxError) {
          rejected += 1;
          await inbox.markRejected(event.id, event.claimToken, errorText(error));
        } else {
          noteFailure(error);
          failed += 1;
          await this.markFailed(event, error);
        }
      }
    }
    await flush();
    const refusal = revoked as Error | null;
    if (refusal) await this.deps.onAccessRevoked?.(shop, revokedAccessReason(refusal));
    return { applied, failed, rejected };
  }

  /** Adds an event to the batch; "order read" when it is applied only once its order is read back at the flush. */
  private async collect(
    shop: string,
    topic: string,
    payload: unknown,
    batch: ShopBatch,
  ): Promise<"order read" | "collected"> {
    const { reader } = this.deps;
    switch (topic) {
      case "orders/create":
      case "orders/updated":
      case "orders/paid":
      case "orders/cancelled":
      case "orders/edited":
      case "orders/fulfilled": {
        const snapshot = mapOrderPayload(payload);
        // Shopify never restores a deleted order: a snapshot after its delete in the batch is moot.
        if (batch.deletedOrders.has(snapshot.id)) return "collected";
        if (!reader) {
          keepNewest(batch.orders, snapshot);
          return "collected";
        }
        const known = batch.ordersToRead.get(snapshot.id);
        if (!known || Date.parse(known.updatedAt) <= Date.parse(snapshot.updatedAt)) {
          batch.ordersToRead.set(snapshot.id, snapshot);
        }
        return "order read";
      }
      case "refunds/create": {
        // Shopify follows a refund with orders/updated carrying it; reading the order heals a lost one.
        const { orderId } = mapRefundPayload(payload);
        if (!reader || batch.deletedOrders.has(orderId)) return "collected";
        if (!batch.ordersToRead.has(orderId)) batch.ordersToRead.set(orderId, null);
        return "order read";
      }
      case "orders/delete": {
        const id = mapDeletedOrderId(payload);
        if (!this.deps.orderDeletions) throw new Error("No order deletion store is configured");
        batch.orders.delete(id);
        batch.ordersToRead.delete(id);
        batch.deletedOrders.add(id);
        return "collected";
      }
      case "customers/create":
      case "customers/update": {
        const mapped = mapCustomerPayload(payload);
        if (mapped.complete) {
          // A delete earlier in the batch still wins: Shopify never restores a deleted customer.
          keepNewest(batch.customers, mapped.facts);
          return "collected";
        }
        // Slim bodies (API 2025-01+) lack tags and consents: storing them would erase what segments use.
        const customer = reader ? await reader.fetchCustomer(shop, mapped.facts.id) : null;
        if (customer) keepNewest(batch.customers, customer);
        else if (!reader) keepNewest(batch.customers, mapped.facts);
        return "collected";
      }
      case "customers/delete": {
        const id = mapDeletedCustomerId(payload);
        batch.customers.delete(id);
        batch.deletedCustomers.add(id);
        return "collected";
      }
      default:
        this.deps.log?.(`[inbox] no handler for ${topic}; marking it processed`);
        return "collected";
    }
  }

  /**
   * Reads the batch's orders back from Shopify in one batched read: GraphQL is the single source of order facts,
   * so webhooks, backfill and reconciliation store the same line items, product types, collections and money.
   * Only an order Shopify no longer has falls back to its webhook snapshot.
   */
  private async readOrders(shop: string, batch: ShopBatch): Promise<void> {
    const { reader } = this.deps;
    if (!reader) throw new Error("Orders can only be read back with a reader");
    const read = await reader.fetchOrders(shop, [...batch.ordersToRead.keys()]);
    for (const [id, snapshot] of batch.ordersToRead) {
      const order = read.get(id) ?? snapshot;
      if (order) keepNewest(batch.orders, order);
    }
  }

  /** Writes the batch; returns the customers whose facts changed (deleted ones included). */
  private async applyBatch(shop: string, batch: ShopBatch): Promise<string[]> {
    const { store, orderDeletions } = this.deps;
    const affected = new Set<string>();
    if (batch.customers.size > 0) {
      const result = await store.upsertCustomers(shop, [...batch.customers.values()]);
      for (const id of result.affectedCustomerIds) affected.add(id);
    }
    // A snapshot of an order deleted in an earlier batch (a reordered delivery) must not bring it back.
    const deletedEarlier = orderDeletions
      ? await orderDeletions.deletedOrderIds(shop, [...batch.orders.keys()])
      : new Set<string>();
    const orders = [...batch.orders.values()].filter((order) => !deletedEarlier.has(order.id));
    if (orders.length > 0) {
      const result = await store.upsertOrders(shop, orders);
      for (const id of result.affectedCustomerIds) affected.add(id);
    }
    if (orderDeletions && batch.deletedOrders.size > 0) {
      const result = await orderDeletions.deleteOrders(shop, [...batch.deletedOrders]);
      for (const id of result.affectedCustomerIds) affected.add(id);
    }
    for (const id of batch.deletedCustomers) {
      await store.deleteCustomer(shop, id);
      affected.delete(id);
    }
    if (affected.size > 0) await store.refreshMetrics(shop, [...affected]);
    return [...affected, ...batch.deletedCustomers];
  }
}
