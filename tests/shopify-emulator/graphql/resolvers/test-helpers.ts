import { graphql, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { EmulatorStore } from "../../store/store.js";
import type { EmulatorContext } from "../../context.js";
import { ALL_SCOPES, contextOver, customerRecord } from "../../test-support.js";
import type { CustomerRecord, LineItemRecord, OrderRecord, ProductRecord, ShopRecord } from "../../store/types.js";
import { getAdminSchema, type ResolverContext, type RootResolvers } from "../schema.js";
import { buildRootResolvers } from "./index.js";

/** Test fixtures for the resolvers: a store, shops, records, and a `run` that executes against the real schema. */

let schema: GraphQLSchema | null = null;
export function adminSchema(): GraphQLSchema {
  schema ??= getAdminSchema();
  return schema;
}

/** Equivalent of the engine's field resolver: roots from `RootResolvers`, else an own property, called if a function. */
export function minimalFieldResolver(resolvers: RootResolvers): GraphQLFieldResolver<unknown, ResolverContext> {
  return (source, args, context, info) => {
    if (info.parentType.name === "QueryRoot" || info.parentType.name === "Mutation") {
      const resolver = resolvers[info.parentType.name][info.fieldName];
      if (!resolver) throw new Error(`No resolver for ${info.parentType.name}.${info.fieldName}`);
      return resolver(args, context, info);
    }
    if (
      typeof source !== "object" ||
      source === null ||
      !Object.prototype.hasOwnProperty.call(source, info.fieldName)
    ) {
      throw new Error(`Field ${info.parentType.name}.${info.fieldName} is not provided`);
    }
    const value = (source as Record<string, unknown>)[info.fieldName];
    return typeof value === "function"
      ? (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, context, info)
      : value;
  };
}

export { ALL_SCOPES };

export interface TestEnv {
  store: EmulatorStore;
  emulator: EmulatorContext;
  shopA: ShopRecord;
  shopB: ShopRecord;
  clock: { now: Date };
  context(shop: ShopRecord, scopes?: string[]): ResolverContext;
  run(
    shop: ShopRecord,
    query: string,
    variables?: Record<string, unknown>,
    scopes?: string[],
  ): Promise<{
    data?: Record<string, unknown> | null;
    errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  }>;
}

export function createTestEnv(): TestEnv {
  const clock = { now: new Date("2026-06-01T12:00:00.000Z") };
  const store = new EmulatorStore({ now: () => clock.now, firstId: 1000 });
  const emulator = contextOver(store, "http://127.0.0.1:1", {
    app: { apiKey: "key", apiSecret: "secret", appUrl: "http://127.0.0.1:1", scopes: [] },
  });
  const shopA = store.createShop({ domain: "alpha", currencyCode: "USD", plan: "BASIC" });
  const shopB = store.createShop({ domain: "beta", currencyCode: "CAD", plan: "PLUS" });
  const resolvers = buildRootResolvers();
  const context = (shop: ShopRecord, scopes = ALL_SCOPES): ResolverContext => ({
    emulator,
    shop,
    clientId: "key",
    scopes,
  });
  return {
    store,
    emulator,
    shopA,
    shopB,
    clock,
    context,
    async run(shop, query, variables = {}, scopes = ALL_SCOPES) {
      const result = await graphql({
        schema: adminSchema(),
        source: query,
        variableValues: variables,
        contextValue: context(shop, scopes),
        fieldResolver: minimalFieldResolver(resolvers),
      });
      return {
        data: result.data as Record<string, unknown> | null | undefined,
        errors: result.errors?.map((error) => ({ message: error.message, extensions: error.extensions })),
      };
    },
  };
}

export function makeCustomer(
  store: EmulatorStore,
  shopId: number,
  overrides: Partial<CustomerRecord> = {},
): CustomerRecord {
  const id = overrides.id ?? store.nextId();
  const customer = customerRecord(id, store.nowIso(), overrides);
  return store.putCustomer(shopId, customer, { silent: true });
}

const pair = (amount: string) => ({ shop: amount, presentment: amount });

export function makeOrder(store: EmulatorStore, shopId: number, overrides: Partial<OrderRecord> = {}): OrderRecord {
  const id = overrides.id ?? store.nextId();
  const number = overrides.number ?? store.nextOrderNumber(shopId);
  const now = store.nowIso();
  const lineItem: LineItemRecord = {
    id: store.nextId(),
    title: "Widget",
    variantTitle: "Blue",
    quantity: 2,
    sku: "W-1",
    vendor: "Acme",
    productId: null,
    variantId: null,
    requiresShipping: true,
    taxable: true,
    originalUnitPrice: pair("10.00"),
    discountedTotal: pair("20.00"),
    totalDiscount: pair("0.00"),
  };
  const order: OrderRecord = {
    id,
    name: `#${number}`,
    number,
    customerId: null,
    email: null,
    phone: null,
    createdAt: now,
    updatedAt: now,
    processedAt: now,
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    financialStatus: "PAID",
    fulfillmentStatus: "UNFULFILLED",
    currencyCode: "USD",
    presentmentCurrencyCode: "USD",
    sourceName: "web",
    tags: [],
    note: null,
    test: false,
    discountCodes: [],
    lineItems: [lineItem],
    subtotalPrice: pair("20.00"),
    totalDiscounts: pair("0.00"),
    totalShipping: pair("5.00"),
    totalTax: pair("0.00"),
    totalPrice: pair("25.00"),
    refunds: [],
    shippingAddress: null,
    billingAddress: null,
    ...overrides,
  };
  return store.putOrder(shopId, order, { silent: true });
}

export function makeProduct(
  store: EmulatorStore,
  shopId: number,
  overrides: Partial<ProductRecord> = {},
): ProductRecord {
  const id = overrides.id ?? store.nextId();
  const now = store.nowIso();
  const product: ProductRecord = {
    id,
    title: `Product ${id}`,
    handle: `product-${id}`,
    vendor: "Acme",
    productType: "",
    tags: [],
    status: "ACTIVE",
    createdAt: now,
    updatedAt: now,
    variants: [{ id: store.nextId(), title: "Default Title", sku: null, price: "10.00" }],
    ...overrides,
  };
  return store.putProduct(shopId, product, { silent: true });
}

export { seededRandom } from "../../webhooks/dispatcher.js";
