import type { CustomerFacts, LineItemFacts, OrderFacts } from "../../domain/sync/sync-records.js";
import {
  ORDER_IDS_UPDATED_SINCE_QUERY,
  ORDER_LINE_ITEMS_QUERY,
  ORDERS_BY_ID_QUERY,
} from "../../graphql/order-reads.js";
import { customerFromLine, lineItemFromLine, numericId, orderFromLine } from "./bulk-jsonl.js";
import { isAccessRevoked, revokedAccessReason } from "../shop/shop-access.js";
import { type ShopAccessRevoked } from "../shop/ports.js";
import {
  type SyncStore,
  type RecordPage,
  type ShopifyRecordsReader,
  type SyncedResource,
  type WatermarkRepository,
} from "./ports.js";

/**
 * Catch-up for what webhooks missed (Shopify drops, delays and deduplicates nothing for us): per installed shop and
 * resource, read every record updated since the watermark, upsert it, and advance the watermark to the newest
 * `updatedAt` seen. Upserts are idempotent, so reading a little more than needed (the overlap) is harmless.
 */

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
  /** Called when Shopify refuses the shop's token (401): the adapter stops the shop's work (shop-access.ts). */
  onAccessRevoked?: ShopAccessRevoked;
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
      if (isAccessRevoked(error)) await deps.onAccessRevoked?.(shop, revokedAccessReason(error));
      onError?.(shop, error);
    }
  }
  return results;
}

// ---- the Admin GraphQL reader --------------------------------------------------------------------------------

/**
 * Orders per `nodes(ids:)` request. One order costs 136 requested points (ORDERS_BY_ID_QUERY: 250 line items with
 * their product's collections); Shopify may charge `nodes` per id, so a batch stays under the 1000-point ceiling
 * even then (checked in tests/app/reconciliation-reader.test.ts).
 */
export const ORDERS_PER_NODES_BATCH = 6;
const CUSTOMERS_PER_PAGE = 100;

const CUSTOMER_FIELDS = `
  id createdAt updatedAt state tags
  emailMarketingConsent { marketingState }
  smsMarketingConsent { marketingState }
  defaultAddress { countryCodeV2 provinceCode city }`;

interface Connection {
  nodes: Array<Record<string, unknown>>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function asConnection(value: unknown): Connection {
  const connection = asRecord(value);
  const nodes = Array.isArray(connection?.nodes) ? connection.nodes : [];
  const pageInfo = asRecord(connection?.pageInfo);
  return {
    nodes: nodes.flatMap((node) => {
      const item = asRecord(node);
      return item ? [item] : [];
    }),
    pageInfo: {
      hasNextPage: pageInfo?.hasNextPage === true,
      endCursor: typeof pageInfo?.endCursor === "string" ? pageInfo.endCursor : null,
    },
  };
}

function updatedSinceSearch(since: string | null): string {
  return since === null ? "" : `updated_at:>='${since}'`;
}

/** A line as the backfill maps it, its product's collections read from the line itself. */
function lineItemWithCollections(line: Record<string, unknown>): LineItemFacts {
  const collections = asConnection(asRecord(line.product)?.collections).nodes;
  const collectionIds = collections.flatMap((collection) => {
    const id = numericId(collection.id);
    return id ? [id] : [];
  });
  return lineItemFromLine(line, () => collectionIds);
}

type Graphql = <TData>(query: string, variables?: Record<string, unknown>) => Promise<TData>;

/**
 * Reads through any `AdminGraphql` (in production the throttle-aware `AdminClient.asAdminGraphql()`), mapping
 * nodes with the backfill's mappers (`bulk-jsonl.ts`) so every source yields the same facts.
 */
export function adminRecordsReader(graphql: Graphql): ShopifyRecordsReader {
  /** The rest of an order's line items, page after page. */
  const remainingLineItems = async (orderGid: string, after: string): Promise<LineItemFacts[]> => {
    const lines: LineItemFacts[] = [];
    let cursor: string | null = after;
    while (cursor !== null) {
      const data: { order: Record<string, unknown> | null } = await graphql(ORDER_LINE_ITEMS_QUERY, {
        id: orderGid,
        after: cursor,
      });
      // Deleted between the two reads: what was read stands; the next webhook or reconciliation settles it.
      if (!data.order) break;
      const page = asConnection(data.order.lineItems);
      lines.push(...page.nodes.map(lineItemWithCollections));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
    return lines;
  };

  const toOrder = async (node: Record<string, unknown>): Promise<OrderFacts> => {
    const page = asConnection(node.lineItems);
    const lineItems = page.nodes.map(lineItemWithCollections);
    if (page.pageInfo.hasNextPage && page.pageInfo.endCursor !== null) {
      lineItems.push(...(await remainingLineItems(String(node.id), page.pageInfo.endCursor)));
    }
    return { ...orderFromLine(node), lineItems };
  };

  const fetchOrders = async (_shop: string, orderIds: string[]): Promise<Map<string, OrderFacts | null>> => {
    const found = new Map<string, OrderFacts | null>();
    const ids = [...new Set(orderIds)];
    for (let start = 0; start < ids.length; start += ORDERS_PER_NODES_BATCH) {
      const batch = ids.slice(start, start + ORDERS_PER_NODES_BATCH);
      const data = await graphql<{ nodes: unknown[] }>(ORDERS_BY_ID_QUERY, {
        ids: batch.map((id) => `gid://shopify/Order/${id}`),
      });
      for (const [index, id] of batch.entries()) {
        const node = asRecord(data.nodes[index]);
        found.set(id, node && node.__typename === "Order" ? await toOrder(node) : null);
      }
    }
    return found;
  };

  return {
    fetchOrders,
    async fetchOrder(shop, orderId) {
      return (await fetchOrders(shop, [orderId])).get(orderId) ?? null;
    },
    async fetchCustomer(_shop, customerId) {
      const data = await graphql<{ customer: Record<string, unknown> | null }>(
        `query CohortCustomer($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`,
        { id: `gid://shopify/Customer/${customerId}` },
      );
      return data.customer ? customerFromLine(data.customer) : null;
    },
    async ordersUpdatedSince(shop, since, after) {
      const data = await graphql<{ orders: unknown }>(ORDER_IDS_UPDATED_SINCE_QUERY, {
        query: updatedSinceSearch(since),
        after,
      });
      const listed = asConnection(data.orders);
      const ids = listed.nodes.flatMap((node) => {
        const id = numericId(node.id);
        return id ? [id] : [];
      });
      const orders = await fetchOrders(shop, ids);
      return {
        // In listing order (oldest update first); an order deleted since it was listed is left out.
        records: ids.flatMap((id) => {
          const order = orders.get(id);
          return order ? [order] : [];
        }),
        nextCursor: listed.pageInfo.hasNextPage ? listed.pageInfo.endCursor : null,
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
        records: data.customers.nodes.map(customerFromLine),
        nextCursor: data.customers.pageInfo.hasNextPage ? data.customers.pageInfo.endCursor : null,
      };
    },
  };
}
