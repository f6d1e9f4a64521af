import { describe, expect, it } from "vitest";
import { EmulatorStore } from "../store/store.js";
import { generateDemoStore } from "../demo/generator.js";
import { getAdminSchema, type ResolverContext } from "../graphql/schema.js";
import { buildRootResolvers } from "../graphql/resolvers/index.js";
import type { EmulatorConfig } from "../context.js";
import { directExecutor, graphqlExecutor, jsonlLine, type BulkExecutor, type JsonLine } from "./export.js";
import { compileBulkQuery } from "./validate.js";
import { BENCH_QUERY } from "./bench-query.js";

const QUERIES = [
  BENCH_QUERY,
  `{ orders(query: "financial_status:paid", first: 3) { edges { node { id name tags
      ... on Order { displayFulfillmentStatus }
      refunds { id note totalRefundedSet { presentmentMoney { amount } } }
      lineItems(first: 1) { edges { cursor node { __typename id variant { id sku } } } } } } } }`,
  `{ customers { edges { node { id email amountSpent { amount currencyCode } numberOfOrders
      defaultAddress { countryCodeV2 } orders { edges { node { id name } } } } } } }`,
  `{ products(sortKey: TITLE) { edges { node { id title vendor
      variants { edges { node { id sku price } } } collections { edges { node { id title } } } } } } }`,
];

async function exportLines(executor: BulkExecutor, context: ResolverContext, query: string): Promise<string[]> {
  const compiled = compileBulkQuery(getAdminSchema(), query);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const out: string[] = [];
  await executor.run(compiled.compiled, context, {
    async page(lines: JsonLine[]) {
      for (const line of lines) out.push(jsonlLine(line));
    },
    shouldStop: () => false,
  });
  return out;
}

describe("bulk executors", () => {
  for (const seed of [11, 12, 13]) {
    it(`given random store ${seed}, when each query is exported by graphql-js and by the direct walker, then the JSONL is identical`, async () => {
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
        const reference = await exportLines(graphqlExecutor(schema, buildRootResolvers()), context, query);
        const direct = await exportLines(directExecutor(schema, buildRootResolvers()), context, query);
        expect(reference.length).toBeGreaterThan(0);
        expect(direct).toEqual(reference);
      }
      store.close();
    });
  }
});
