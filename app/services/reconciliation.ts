import type { CustomerFacts, OrderFacts } from "../domain/sync-records.js";
import type { SyncStore } from "./sync-store.js";

/**
 * Catch-up for what webhooks missed (Shopify drops, delays and deduplicates nothing for us): per installed shop and
 * resource, read every record updated since the watermark, upsert it, and advance the watermark to the newest
 * `updatedAt` seen. Upserts are idempotent, so reading a little more than needed (the overlap) is harmless.
 */

export interface RecordPage<T> {
  records: T[];
  /** Pass back as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export type SyncedResource = "orders" | "customers";

/** What the worker and reconciliation read back from Shopify; the throttle-aware Admin client implements it. */
export interface ShopifyRecordsReader {
  fetchOrder(shop: string, orderId: string): Promise<OrderFacts | null>;
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
 * Shopify's search index trails writes by a few seconds, and REST/GraphQL times have one-second resolution: each
 * run re-reads this much before the watermark.
 */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;

export interface ReconcileResult {
  shop: string;
  resource: SyncedResource;
  read: number;
  written: number;
  stale: number;
  watermark: string | null;
}

export interface ReconciliationDeps {
  reader: ShopifyRecordsReader;
  store: SyncStore;
  watermarks: WatermarkRepository;
  overlapMs?: number;
  /** Pages per resource and run, so one huge catch-up cannot starve the other shops. */
  maxPages?: number;
  /**
   * Without a watermark the backfill has not finished: by default reconciliation waits for it (the backfill sets
   * the watermark to the instant its export started) instead of reading the whole shop page by page.
   */
  withoutWatermark?: "wait" | "read-all";
}

function newest(a: string | null, b: string): string {
  return a === null || Date.parse(b) > Date.parse(a) ? b : a;
}

function sinceWithOverlap(watermark: string | null, overlapMs: number): string | null {
  if (watermark === null) return null;
  return new Date(Date.parse(watermark) - overlapMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function reconcileResource(
  deps: ReconciliationDeps,
  shop: string,
  resource: SyncedResource,
): Promise<ReconcileResult> {
  const { reader, store, watermarks } = deps;
  const start = await watermarks.getWatermark(shop, resource);
  if (start === null && (deps.withoutWatermark ?? "wait") === "wait") {
    return { shop, resource, read: 0, written: 0, stale: 0, watermark: null };
  }
  const since = sinceWithOverlap(start, deps.overlapMs ?? WATERMARK_OVERLAP_MS);
  const result: ReconcileResult = { shop, resource, read: 0, written: 0, stale: 0, watermark: start };
  let cursor: string | null = null;
  for (let page = 0; page < (deps.maxPages ?? 1_000); page += 1) {
    // An uninstall mid-run stops the work: nothing more is read or written for that shop.
    if (!(await watermarks.isInstalled(shop))) return result;
    const affected = new Set<string>();
    let records: Array<OrderFacts | CustomerFacts>;
    if (resource === "orders") {
      const fetched: RecordPage<OrderFacts> = await reader.ordersUpdatedSince(shop, since, cursor);
      const upsert = fetched.records.length ? await store.upsertOrders(shop, fetched.records) : null;
      upsert?.affectedCustomerIds.forEach((id) => affected.add(id));
      result.written += upsert?.written ?? 0;
      result.stale += upsert?.stale ?? 0;
      records = fetched.records;
      cursor = fetched.nextCursor;
    } else {
      const fetched: RecordPage<CustomerFacts> = await reader.customersUpdatedSince(shop, since, cursor);
      const upsert = fetched.records.length ? await store.upsertCustomers(shop, fetched.records) : null;
      upsert?.affectedCustomerIds.forEach((id) => affected.add(id));
      result.written += upsert?.written ?? 0;
      result.stale += upsert?.stale ?? 0;
      records = fetched.records;
      cursor = fetched.nextCursor;
    }
    if (affected.size > 0) await store.refreshMetrics(shop, [...affected]);
    result.read += records.length;
    // Pages come oldest update first, so everything up to the newest seen is in: the watermark may advance.
    for (const record of records) result.watermark = newest(result.watermark, record.updatedAt);
    if (result.watermark !== null && result.watermark !== start) {
      await watermarks.setWatermark(shop, resource, result.watermark);
    }
    if (cursor === null) break;
  }
  return result;
}

/** One catch-up for every installed shop: customers first, so orders find their customers. */
export async function reconcileAll(deps: ReconciliationDeps, onError?: (shop: string, error: unknown) => void) {
  const results: ReconcileResult[] = [];
  for (const shop of await deps.watermarks.installedShops()) {
    try {
      results.push(await reconcileResource(deps, shop, "customers"));
      results.push(await reconcileResource(deps, shop, "orders"));
    } catch (error) {
      onError?.(shop, error);
    }
  }
  return results;
}

// ---- the Admin GraphQL reader --------------------------------------------------------------------------------

/** Page sizes that keep a query's requested cost well under Shopify's 1000-point ceiling. */
const ORDERS_PER_PAGE = 10;
const CUSTOMERS_PER_PAGE = 100;
/** Orders with more line items are read with their first 50 (the bulk backfill reads them all). */
const LINE_ITEMS_PER_ORDER = 50;

const ORDER_FIELDS = `
  id createdAt processedAt updatedAt cancelledAt test currencyCode presentmentCurrencyCode sourceName
  displayFinancialStatus discountCodes
  customer { id }
  shippingAddress { countryCodeV2 provinceCode city }
  totalPriceSet { shopMoney { amount } }
  subtotalPriceSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  refunds { id createdAt totalRefundedSet { shopMoney { amount } } }
  lineItems(first: ${LINE_ITEMS_PER_ORDER}) {
    nodes { id title quantity vendor product { id productType } variant { id } discountedTotalSet { shopMoney { amount } } }
  }`;

const CUSTOMER_FIELDS = `
  id createdAt updatedAt state tags
  emailMarketingConsent { marketingState }
  smsMarketingConsent { marketingState }
  defaultAddress { countryCodeV2 provinceCode city }`;

interface Connection {
  nodes: Array<Record<string, unknown>>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

function updatedSinceSearch(since: string | null): string {
  return since === null ? "" : `updated_at:>='${since}'`;
}

/**
 * Reads through any `AdminGraphql` (in production the throttle-aware `AdminClient.asAdminGraphql()`), mapping
 * nodes with the backfill's mappers so every source yields the same facts.
 */
export function adminRecordsReader(
  graphql: <TData>(query: string, variables?: Record<string, unknown>) => Promise<TData>,
  mappers: {
    order: (node: Record<string, unknown>) => OrderFacts;
    lineItem: (node: Record<string, unknown>) => OrderFacts["lineItems"][number];
    customer: (node: Record<string, unknown>) => CustomerFacts;
  },
): ShopifyRecordsReader {
  const toOrder = (node: Record<string, unknown>): OrderFacts => {
    const lines = (node.lineItems as { nodes?: Array<Record<string, unknown>> } | null)?.nodes ?? [];
    return { ...mappers.order(node), lineItems: lines.map(mappers.lineItem) };
  };
  return {
    async fetchOrder(_shop, orderId) {
      const data = await graphql<{ order: Record<string, unknown> | null }>(
        `query CohortOrder($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`,
        { id: `gid://shopify/Order/${orderId}` },
      );
      return data.order ? toOrder(data.order) : null;
    },
    async fetchCustomer(_shop, customerId) {
      const data = await graphql<{ customer: Record<string, unknown> | null }>(
        `query CohortCustomer($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`,
        { id: `gid://shopify/Customer/${customerId}` },
      );
      return data.customer ? mappers.customer(data.customer) : null;
    },
    async ordersUpdatedSince(_shop, since, after) {
      const data = await graphql<{ orders: Connection }>(
        `query CohortOrdersSince($query: String, $after: String) {
          orders(first: ${ORDERS_PER_PAGE}, after: $after, query: $query, sortKey: UPDATED_AT) {
            nodes { ${ORDER_FIELDS} }
            pageInfo { hasNextPage endCursor }
          }
        }`,
        { query: updatedSinceSearch(since), after },
      );
      return {
        records: data.orders.nodes.map(toOrder),
        nextCursor: data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null,
      };
    },
    async customersUpdatedSince(_shop, since, after) {
      const data = await graphql<{ customers: Connection }>(
        `query CohortCustomersSince($query: String, $after: String) {
          customers(first: ${CUSTOMERS_PER_PAGE}, after: $after, query: $query, sortKey: UPDATED_AT) {
            nodes { ${CUSTOMER_FIELDS} }
            pageInfo { hasNextPage endCursor }
          }
        }`,
        { query: updatedSinceSearch(since), after },
      );
      return {
        records: data.customers.nodes.map(mappers.customer),
        nextCursor: data.customers.pageInfo.hasNextPage ? data.customers.pageInfo.endCursor : null,
      };
    },
  };
}
