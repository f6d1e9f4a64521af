import { describe, expect, it } from "vitest";
import { EmulatorStore } from "../store/store.js";
import { generateDemoStore } from "../demo/generator.js";
import { getAdminSchema, type ResolverContext } from "../graphql/schema.js";
import { buildRootResolvers } from "../graphql/resolvers/index.js";
import type { EmulatorConfig } from "../context.js";
import {
  directExecutor,
  graphqlExecutor,
  jsonlLine,
  type BulkExecutor,
  type ExportSink,
  type JsonLine,
} from "./export.js";
import { compileBulkQuery } from "./validate.js";
import { BENCH_QUERY } from "./bench-query.js";
import {
  CUSTOMERS_BULK_QUERY,
  ORDERS_BULK_QUERY,
  PRODUCT_COLLECTIONS_BULK_QUERY,
  withSearch,
} from "../../../app/graphql/bulk-queries.js";

const QUERIES = [
  BENCH_QUERY,
  ORDERS_BULK_QUERY,
  withSearch(ORDERS_BULK_QUERY, "financial_status:paid"),
  CUSTOMERS_BULK_QUERY,
  PRODUCT_COLLECTIONS_BULK_QUERY,
  // Fields without a record writer fall back to the node builders, at any depth.
  `{ orders { edges { node { id subtotalLineItemsQuantity currentTotalPriceSet { presentmentMoney { amount currencyCode } }
      billingAddress { name formattedArea zip } customer { id email lastOrder { id } }
      totalPriceSet { __typename shopMoney { amount } } ... on Order { totalPriceSet { shopMoney { currencyCode } } }
      refunds(first: 1) { id note }
      lineItems(reverse: true) { edges { node { id name currentQuantity originalTotalSet { shopMoney { amount } }
        variant { id displayName product { id } } } } } } } } }`,
  `{ orders(sortKey: CREATED_AT) { edges { node { id lineItems { edges { node { id sku totalDiscountSet {
      presentmentMoney { amount currencyCode } } product { id title tags status createdAt } } } } } } } }`,
  `{ products { edges { node { id legacyResourceId handle tags variantsCount { count }
      variants { edges { node { id title price displayName } } }
      collections(sortKey: TITLE) { edges { node { id title handle updatedAt } } } } } } }`,
  `{ collections { edges { node { id title products { edges { node { id vendor } } } } } } }`,
  `{ orders(query: "financial_status:paid", first: 3) { edges { node { id name tags
      ... on Order { displayFulfillmentStatus }
      refunds { id note totalRefundedSet { presentmentMoney { amount } } }
      lineItems(first: 1) { edges { cursor node { __typename id variant { id sku } } } } } } } }`,
  `{ customers { edges { node { id email amountSpent { amount currencyCode } numberOfOrders
      defaultAddress { countryCodeV2 } orders { edges { node { id name } } } } } } }`,
  `{ products(sortKey: TITLE) { edges { node { id title vendor
      variants { edges { node { id sku price } } } collections { edges { node { id title } } } } } } }`,
];

async function exportLines(
  executor: BulkExecutor,
  context: ResolverContext,
  query: string,
  as: "objects" | "text",
): Promise<string[]> {
  const compiled = compileBulkQuery(getAdminSchema(), query);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const out: string[] = [];
  const sink: ExportSink = {
    async page(lines: JsonLine[]) {
      for (const line of lines) out.push(jsonlLine(line));
    },
    shouldStop: () => false,
  };
  if (as === "text") {
    sink.text = async (chunk: string, lineCount: number) => {
      const lines = chunk.split("\n").slice(0, -1);
      expect(lines).toHaveLength(lineCount);
      for (const line of lines) out.push(`${line}\n`);
    };
  }
  await executor.run(compiled.compiled, context, sink);
  return out;
}

describe("bulk executors", () => {
  for (const seed of [11, 12, 13]) {
    it(`given random store ${seed}, when each query is exported by graphql-js and by the direct walker, then the JSONL is identical (as text and as line objects)`, async () => {
      const store = new EmulatorStore();
      const shop = store.createShop({ domain: `compare-${seed}` });
      await generateDemoStore(store, shop.id, {
        seed,
        customers: 40,
        orders: 300 + seed * 7,
        products: 30,
        now: new Date("2026-06-01T00:00:00Z"),
      });
      const context: ResolverContext = {
        emulator: { store, config: { timeScale: 1 } as EmulatorConfig, origin: () => "http://127.0.0.1" },
        shop,
        clientId: "compare",
        scopes: ["read_orders", "read_all_orders", "read_customers", "read_products"],
      };
      const schema = getAdminSchema();
      for (const query of QUERIES) {
        const reference = await exportLines(graphqlExecutor(schema, buildRootResolvers()), context, query, "objects");
        const text = await exportLines(directExecutor(schema, buildRootResolvers()), context, query, "text");
        const objects = await exportLines(directExecutor(schema, buildRootResolvers()), context, query, "objects");
        expect(reference.length).toBeGreaterThan(0);
        expect(text).toEqual(reference);
        expect(objects).toEqual(reference);
      }
      store.close();
    });
  }
});
