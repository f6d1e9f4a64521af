/**
 * In-memory stand-ins for the inbox worker's collaborators, for the worker's many scenario tests, plus a local
 * Shopify whose deliveries are recorded straight into an in-memory inbox (the app's route minus HTTP framework:
 * dedupe by shop and event id, oldest first). They obey the same rules as the real adapters, and are held to it:
 * memory-sync-store.test.ts runs random operations on MemorySyncStore and on the real store (both databases) and
 * compares them; the inbox's claim rules are tested on the real repository (inbox-repository.test.ts). Metrics are
 * the domain's own definition (computeCustomerMetrics), never a second one.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { localEmulatorConfig } from "../../../../scripts/local-shopify.js";
import { computeCustomerMetrics, type CustomerMetricsFacts } from "../../../../app/domain/sync/metrics.js";
import type { CustomerFacts, OrderFacts } from "../../../../app/domain/sync/sync-records.js";
import type { InboxEvent, InboxRepository } from "../../../../app/services/sync/ports.js";
import { adminRecordsReader } from "../../../../app/services/sync/reconciliation.js";
import { type RecordPage, type ShopifyRecordsReader } from "../../../../app/services/sync/ports.js";
import type { AdminGraphql } from "../../../../app/services/shop/ports.js";
import type { OrderDeletionStore, SyncStore, UpsertResult } from "../../../../app/services/sync/ports.js";
import { mapCustomerPayload } from "../../../../app/services/sync/webhook-mapping.js";
import { EmulatorClient } from "../../../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../../../shopify-emulator/server.js";
import { EmulatorStore } from "../../../shopify-emulator/store/store.js";
import { payloadForChange } from "../../../shopify-emulator/webhooks/payloads.js";

export class MemorySyncStore implements SyncStore, OrderDeletionStore {
  readonly orders = new Map<string, Map<string, OrderFacts>>();
  readonly deletedOrders = new Map<string, Set<string>>();
  readonly customers = new Map<string, Map<string, CustomerFacts>>();
  readonly metrics = new Map<string, Map<string, CustomerMetricsFacts>>();

  private table<T>(tables: Map<string, Map<string, T>>, shop: string): Map<string, T> {
    let table = tables.get(shop);
    if (!table) tables.set(shop, (table = new Map()));
    return table;
  }

  /** One snapshot per id: the newest by updatedAt, the later in the batch on a tie (as the real writers keep). */
  private newestById<T extends { id: string; updatedAt: string }>(records: readonly T[]): T[] {
    const byId = new Map<string, T>();
    for (const record of records) {
      const current = byId.get(record.id);
      if (!current || Date.parse(record.updatedAt) >= Date.parse(current.updatedAt)) byId.set(record.id, record);
    }
    return [...byId.values()];
  }

  private isNewer(known: { updatedAt: string } | undefined, incoming: { updatedAt: string }): boolean {
    return !known || Date.parse(incoming.updatedAt) >= Date.parse(known.updatedAt);
  }

  async upsertOrders(shop: string, incoming: OrderFacts[]): Promise<UpsertResult> {
    const table = this.table(this.orders, shop);
    const deletedCustomers = this.deletedCustomers.get(shop) ?? new Set<string>();
    const deletedOrders = this.deletedOrders.get(shop) ?? new Set<string>();
    const affected = new Set<string>();
    let written = 0;
    for (const order of this.newestById(incoming)) {
      const known = table.get(order.id);
      // A deleted order stays deleted; an older snapshot than the stored one is stale.
      if (deletedOrders.has(order.id) || !this.isNewer(known, order)) continue;
      // An order of an erased customer is kept without its customer and geography, as the real store keeps it.
      const erased = order.customerId !== null && deletedCustomers.has(order.customerId);
      table.set(
        order.id,
        erased ? { ...order, customerId: null, countryCode: null, provinceCode: null, city: null } : order,
      );
      written += 1;
      if (!erased && order.customerId !== null) affected.add(order.customerId);
      if (known?.customerId) affected.add(known.customerId);
    }
    return { written, stale: incoming.length - written, affectedCustomerIds: [...affected].sort() };
  }

  async upsertCustomers(shop: string, incoming: CustomerFacts[]): Promise<UpsertResult> {
    const table = this.table(this.customers, shop);
    const deleted = this.deletedCustomers.get(shop) ?? new Set<string>();
    const written: string[] = [];
    for (const customer of this.newestById(incoming)) {
      if (deleted.has(customer.id) || !this.isNewer(table.get(customer.id), customer)) continue;
      table.set(customer.id, customer);
      written.push(customer.id);
    }
    return { written: written.length, stale: incoming.length - written.length, affectedCustomerIds: written.sort() };
  }

  /** Customers deleted (or redacted): a later snapshot of one is stale, as in the real store. */
  readonly deletedCustomers = new Map<string, Set<string>>();

  async deleteCustomer(shop: string, customerId: string): Promise<void> {
    this.table(this.customers, shop).delete(customerId);
    // Their orders stay, detached, as the real store keeps them.
    for (const [id, order] of this.table(this.orders, shop)) {
      if (order.customerId === customerId) this.table(this.orders, shop).set(id, { ...order, customerId: null });
    }
    this.table(this.metrics, shop).delete(customerId);
    let deleted = this.deletedCustomers.get(shop);
    if (!deleted) this.deletedCustomers.set(shop, (deleted = new Set()));
    deleted.add(customerId);
  }

  async deleteOrders(shop: string, orderIds: string[]) {
    const table = this.table(this.orders, shop);
    let deleted = 0;
    const affected = new Set<string>();
    let tombstones = this.deletedOrders.get(shop);
    if (!tombstones) this.deletedOrders.set(shop, (tombstones = new Set()));
    for (const id of orderIds) {
      const customerId = table.get(id)?.customerId;
      if (customerId) affected.add(customerId);
      if (table.delete(id)) deleted += 1;
      tombstones.add(id);
    }
    return { deleted, affectedCustomerIds: [...affected] };
  }

  async deletedOrderIds(shop: string, orderIds: string[]): Promise<Set<string>> {
    const tombstones = this.deletedOrders.get(shop) ?? new Set<string>();
    return new Set(orderIds.filter((id) => tombstones.has(id)));
  }

  metricsFor(shop: string, customerId: string): CustomerMetricsFacts {
    const customer = this.table(this.customers, shop).get(customerId);
    if (!customer) throw new Error(`No customer ${customerId} in ${shop}`);
    return computeCustomerMetrics(customer, [...this.table(this.orders, shop).values()]);
  }

  async refreshMetrics(shop: string, customerIds: string[]): Promise<void> {
    const customers = this.table(this.customers, shop);
    const metrics = this.table(this.metrics, shop);
    for (const id of customerIds) {
      if (customers.has(id)) metrics.set(id, this.metricsFor(shop, id));
      else metrics.delete(id);
    }
  }

  async recomputeAllMetrics(shop: string): Promise<void> {
    const metrics = this.table(this.metrics, shop);
    metrics.clear();
    for (const id of this.table(this.customers, shop).keys()) metrics.set(id, this.metricsFor(shop, id));
  }

  /** The metrics as stored (refreshed by refreshMetrics / recomputeAllMetrics), as the real store answers. */
  async customerMetrics(shop: string, customerIds?: string[]): Promise<CustomerMetricsFacts[]> {
    return [...this.table(this.metrics, shop).values()]
      .filter((metrics) => !customerIds || customerIds.includes(metrics.customerId))
      .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  }

  snapshot(shop: string) {
    const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
    return {
      orders: sorted(this.table(this.orders, shop)),
      customers: sorted(this.table(this.customers, shop)),
      metrics: sorted(this.table(this.metrics, shop)),
    };
  }
}

interface InboxRow extends Omit<InboxEvent, "claimToken"> {
  eventId: string;
  processedAt: Date | null;
  error: string | null;
  claimedBy: string | null;
  claimedUntil: number;
}

export class MemoryInbox implements InboxRepository {
  readonly rows: InboxRow[] = [];
  readonly uninstalled = new Set<string>();
  private sequence = 0;
  private claims = 0;

  insertIfNew(shop: string, topic: string, eventId: string, payload: string): boolean {
    if (this.rows.some((row) => row.shop === shop && row.eventId === eventId)) return false;
    this.sequence += 1;
    this.rows.push({
      id: `evt-${String(this.sequence).padStart(6, "0")}`,
      shop,
      topic,
      eventId,
      payload,
      receivedAt: new Date(this.sequence),
      processedAt: null,
      error: null,
      claimedBy: null,
      claimedUntil: 0,
    });
    return true;
  }

  async claim(options: { limit: number; workerId: string; leaseMs: number }): Promise<InboxEvent[]> {
    const now = Date.now();
    const token = `${options.workerId}#${(this.claims += 1)}`;
    const claimable = this.rows
      .filter((row) => row.processedAt === null && row.claimedUntil <= now)
      .filter(
        (row) => !this.uninstalled.has(row.shop) || /^(customers\/(redact|data_request)|shop\/redact)$/.test(row.topic),
      )
      .slice(0, options.limit);
    for (const row of claimable) {
      row.claimedBy = token;
      row.claimedUntil = now + options.leaseMs;
    }
    return claimable.map(({ id, shop, topic, payload, receivedAt }) => ({
      id,
      shop,
      topic,
      payload,
      receivedAt,
      claimToken: token,
    }));
  }

  async extendClaim(claimToken: string, leaseMs: number): Promise<number> {
    const held = this.rows.filter((row) => row.processedAt === null && row.claimedBy === claimToken);
    for (const row of held) row.claimedUntil = Date.now() + leaseMs;
    return held.length;
  }

  private held(eventId: string, claimToken: string): InboxRow | undefined {
    return this.rows.find((row) => row.id === eventId && row.processedAt === null && row.claimedBy === claimToken);
  }

  async markProcessed(eventIds: string[], claimToken: string): Promise<number> {
    let marked = 0;
    for (const id of eventIds) {
      const row = this.held(id, claimToken);
      if (!row) continue;
      row.processedAt = new Date();
      row.error = null;
      row.payload = "";
      row.claimedBy = null;
      marked += 1;
    }
    return marked;
  }

  async markFailed(eventId: string, claimToken: string, error: string) {
    const row = this.held(eventId, claimToken);
    if (!row) return null;
    row.error = error;
    row.claimedBy = null;
    row.claimedUntil = 0;
    return { attempts: 1, retryAt: new Date() };
  }

  async markRejected(eventId: string, claimToken: string, error: string): Promise<boolean> {
    const row = this.held(eventId, claimToken);
    if (!row) return false;
    row.error = error;
    row.processedAt = new Date();
    row.claimedBy = null;
    return true;
  }

  async purge(options: { deleteProcessedBefore: Date; blankPayloadsBefore: Date }) {
    const before = this.rows.length;
    const kept = this.rows.filter((row) => !row.processedAt || row.processedAt >= options.deleteProcessedBefore);
    this.rows.splice(0, this.rows.length, ...kept);
    let blanked = 0;
    for (const row of this.rows) {
      if (row.processedAt && row.processedAt < options.blankPayloadsBefore && row.payload !== "") {
        row.payload = "";
        blanked += 1;
      }
    }
    return { deleted: before - this.rows.length, blanked };
  }

  unprocessed(): InboxRow[] {
    return this.rows.filter((row) => row.processedAt === null);
  }
}

/** A local Shopify on a ticking clock (every read of "now" is one second later, so every write has its own second). */
export async function emulatorWithInbox(shop: string): Promise<{
  emulator: RunningEmulator;
  control: EmulatorClient;
  inbox: MemoryInbox;
  /** The app's offline token, for Admin GraphQL reads. */
  accessToken: string;
  deliveredCount: () => number;
  close: () => Promise<void>;
}> {
  const inbox = new MemoryInbox();
  let delivered = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      delivered += 1;
      inbox.insertIfNew(
        String(request.headers["x-shopify-shop-domain"]),
        String(request.headers["x-shopify-topic"]),
        String(request.headers["x-shopify-event-id"]),
        Buffer.concat(chunks).toString("utf8"),
      );
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let tick = Date.parse("2026-03-01T09:00:00Z");
  const emulator = await startEmulator({
    store: new EmulatorStore({ now: () => new Date((tick += 1000)) }),
    config: localEmulatorConfig(appUrl, { timeScale: 0.001 }),
  });
  const control = new EmulatorClient(emulator.url);
  await control.createShop({ domain: shop, name: "Inbox Goods" });
  const { accessToken } = await control.install(shop);
  return {
    emulator,
    control,
    inbox,
    accessToken,
    deliveredCount: () => delivered,
    async close() {
      await emulator.close();
      emulator.store.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Admin GraphQL against the local Shopify, as the app sends it (plain fetch; a throttled answer waits and tries
 * again, as the app's client does).
 */
export function emulatorGraphql(emulator: RunningEmulator, accessToken: string, apiVersion = "2026-10"): AdminGraphql {
  return async <TData>(query: string, variables?: Record<string, unknown>): Promise<TData> => {
    for (let attempt = 1; ; attempt += 1) {
      const response = await fetch(`${emulator.url}/admin/api/${apiVersion}/graphql.json`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-access-token": accessToken },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as {
        data?: TData | null;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      if (body.errors?.some((error) => error.extensions?.code === "THROTTLED") && attempt < 50) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (!response.ok || (body.errors?.length ?? 0) > 0 || body.data === undefined || body.data === null) {
        throw new Error(`GraphQL failed (${response.status}): ${JSON.stringify(body.errors ?? body)}`);
      }
      return body.data;
    }
  };
}

const PAGE_SIZE = 7;

/**
 * Shopify's records as the app reads them: orders through the app's own Admin GraphQL reader against the local
 * Shopify, customers straight from its store (as an older API version's webhook body, which has tags and consents).
 */
export function emulatorReader(
  emulator: RunningEmulator,
  accessToken: string,
): ShopifyRecordsReader & {
  allOrders(shop: string): Promise<OrderFacts[]>;
  allCustomers(shop: string): CustomerFacts[];
} {
  const store = emulator.store;
  const graphqlReader = adminRecordsReader(emulatorGraphql(emulator, accessToken));
  const shopRecord = (domain: string) => {
    const shop = store.getShopByDomain(domain);
    if (!shop) throw new Error(`No shop ${domain}`);
    return shop;
  };
  const customer = (domain: string, id: number): CustomerFacts | null => {
    const body = payloadForChange(store, shopRecord(domain), "customers/update", id, null, "2024-10");
    return body ? mapCustomerPayload(body).facts : null;
  };
  const ids = (table: "orders" | "customers", domain: string): number[] =>
    (
      store.db.prepare(`SELECT id FROM ${table} WHERE shop_id = ? ORDER BY id`).all(shopRecord(domain).id) as {
        id: number;
      }[]
    ).map((row) => row.id);
  const page = <T extends { updatedAt: string }>(
    all: T[],
    since: string | null,
    after: string | null,
  ): RecordPage<T> => {
    const matching = all
      .filter((record) => since === null || Date.parse(record.updatedAt) >= Date.parse(since))
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt));
    const start = after === null ? 0 : Number(after);
    const records = matching.slice(start, start + PAGE_SIZE);
    return { records, nextCursor: start + PAGE_SIZE < matching.length ? String(start + PAGE_SIZE) : null };
  };
  const allOrders = async (domain: string): Promise<OrderFacts[]> => {
    const read = await graphqlReader.fetchOrders(domain, ids("orders", domain).map(String));
    return [...read.values()].filter((item): item is OrderFacts => item !== null);
  };
  const allCustomers = (domain: string) =>
    ids("customers", domain)
      .map((id) => customer(domain, id))
      .filter((item): item is CustomerFacts => item !== null);
  return {
    allOrders,
    allCustomers,
    fetchOrder: (domain, id) => graphqlReader.fetchOrder(domain, id),
    fetchOrders: (domain, orderIds) => graphqlReader.fetchOrders(domain, orderIds),
    fetchCustomer: async (domain, id) => customer(domain, Number(id)),
    ordersUpdatedSince: (domain, since, after) => graphqlReader.ordersUpdatedSince(domain, since, after),
    customersUpdatedSince: async (domain, since, after) => page(allCustomers(domain), since, after),
  };
}
