import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { FieldResolver, ResolverContext, RootResolvers } from "../schema.js";
import type { CollectionRecord, CustomerRecord, ProductRecord, ShopRecord } from "../../store/types.js";
import { parseGid, toGid } from "../../store/types.js";
import { countRows, sqlConnection, type ConnectionArgs, type CountArgs } from "./connection.js";
import { answeredBySearchIndex } from "../search-query.js";
import { dateTime } from "./format.js";
import {
  collectionNode,
  customerNode,
  loadOrder,
  orderNode,
  ordersConnection,
  orderVisibility,
  productNode,
  searchFilter,
  variantNode,
} from "./objects.js";
import {
  COLLECTION_SORT_KEYS,
  CUSTOMER_SORT_KEYS,
  PRODUCT_SORT_KEYS,
  collectionSearch,
  customerCountSearch,
  customerSearch,
  orderSearch,
  productSearch,
  sortKeyFor,
} from "./search-specs.js";
import { tagsAdd, tagsRemove } from "./tags.js";
import { bulkMutationResolvers, bulkQueryResolvers } from "../../bulk/resolvers.js";

export { searchWarnings } from "./objects.js";

type Args = Record<string, unknown>;

const PLAN_NAMES: Record<ShopRecord["plan"], string> = {
  BASIC: "Basic",
  STANDARD: "Grow",
  ADVANCED: "Advanced",
  PLUS: "Plus",
  ENTERPRISE: "Enterprise",
};

export function shopNode(shop: ShopRecord) {
  return {
    __typename: "Shop",
    id: toGid("Shop", shop.id),
    name: shop.name,
    email: shop.email,
    contactEmail: shop.email,
    myshopifyDomain: shop.domain,
    url: `https://${shop.domain}`,
    currencyCode: shop.currencyCode,
    ianaTimezone: shop.ianaTimezone,
    createdAt: dateTime(shop.createdAt),
    plan: {
      __typename: "ShopPlan",
      partnerDevelopment: false,
      shopifyPlus: shop.plan === "PLUS" || shop.plan === "ENTERPRISE",
      publicDisplayName: PLAN_NAMES[shop.plan],
      displayName: PLAN_NAMES[shop.plan],
    },
    primaryDomain: {
      __typename: "Domain",
      host: shop.domain,
      url: `https://${shop.domain}`,
      sslEnabled: true,
    },
    billingAddress: {
      __typename: "ShopAddress",
      countryCodeV2: shop.countryCode,
      countryCode: shop.countryCode,
    },
  };
}

/** Shopify rejects a malformed global id before any resolver runs; inline literals reach us, so answer alike. */
function requireGid(id: unknown): { type: string; id: number } {
  const text = typeof id === "string" ? id : String(id);
  const gid = parseGid(text);
  if (!gid) throw new GraphQLError(`Invalid global id '${text}'`, { extensions: { code: "INVALID_ID" } });
  return gid;
}

function findVariant(ctx: ResolverContext, variantId: number) {
  const row = ctx.emulator.store.db
    .prepare(
      `SELECT t.data FROM products t WHERE t.shop_id = ? AND EXISTS
         (SELECT 1 FROM json_each(t.data, '$.variants') v WHERE json_extract(v.value, '$.id') = ?) LIMIT 1`,
    )
    .get(ctx.shop.id, variantId) as { data: string } | undefined;
  if (!row) return null;
  const product = JSON.parse(row.data) as ProductRecord;
  const variant = product.variants.find((candidate) => candidate.id === variantId);
  return variant ? variantNode(ctx, product, variant) : null;
}

function resolveNode(ctx: ResolverContext, id: unknown): unknown {
  const gid = requireGid(id);
  const store = ctx.emulator.store;
  switch (gid.type) {
    case "Customer": {
      const customer = store.getCustomer(ctx.shop.id, gid.id);
      return customer ? customerNode(ctx, customer) : null;
    }
    case "Order": {
      const order = loadOrder(ctx, gid.id);
      return order ? orderNode(ctx, order) : null;
    }
    case "Product": {
      const product = store.getRecord<ProductRecord>("products", ctx.shop.id, gid.id);
      return product ? productNode(ctx, product) : null;
    }
    case "ProductVariant":
      return findVariant(ctx, gid.id);
    case "Collection": {
      const collection = store.getRecord<CollectionRecord>("collections", ctx.shop.id, gid.id);
      return collection ? collectionNode(ctx, collection) : null;
    }
    case "Shop":
      return gid.id === ctx.shop.id ? shopNode(ctx.shop) : null;
    default:
      return null;
  }
}

/** A single-resource root: null for an unknown id or an id of another type, as Shopify answers. */
function single(type: string): FieldResolver {
  return (args, ctx) => {
    const gid = requireGid(args.id);
    return gid.type === type ? resolveNode(ctx, args.id) : null;
  };
}

export function buildRootResolvers(): RootResolvers {
  const QueryRoot: Record<string, FieldResolver> = {
    shop: (_args, ctx) => shopNode(ctx.shop),

    customer: single("Customer"),
    order: single("Order"),
    product: single("Product"),
    productVariant: single("ProductVariant"),
    collection: single("Collection"),
    node: (args, ctx) => resolveNode(ctx, args.id),
    nodes: (args, ctx) => (Array.isArray(args.ids) ? args.ids : []).map((id) => resolveNode(ctx, id)),

    customers: (args: Args, ctx, info: GraphQLResolveInfo) => {
      const store = ctx.emulator.store;
      return sqlConnection(
        "CustomerConnection",
        {
          db: store.db,
          table: "customers",
          shopId: ctx.shop.id,
          filters: searchFilter(ctx, customerSearch(store.now), args.query, info),
          sortKey: sortKeyFor(CUSTOMER_SORT_KEYS, args.sortKey, "ID"),
          cursorSource: answeredBySearchIndex(args.query) ? "search" : "database",
        },
        args as ConnectionArgs,
        (data) => customerNode(ctx, JSON.parse(data) as CustomerRecord),
      );
    },
    customersCount: (args, ctx, info) =>
      countRows(
        ctx.emulator.store.db,
        "customers",
        ctx.shop.id,
        searchFilter(ctx, customerCountSearch(ctx.emulator.store.now), args.query, info),
        args as CountArgs,
      ),

    orders: (args, ctx, info) => ordersConnection(ctx, args, info, []),
    ordersCount: (args, ctx, info) =>
      countRows(
        ctx.emulator.store.db,
        "orders",
        ctx.shop.id,
        [...orderVisibility(ctx), ...searchFilter(ctx, orderSearch(ctx.emulator.store.now), args.query, info)],
        args as CountArgs,
      ),

    products: (args, ctx, info) => {
      const store = ctx.emulator.store;
      return sqlConnection(
        "ProductConnection",
        {
          db: store.db,
          table: "products",
          shopId: ctx.shop.id,
          filters: searchFilter(ctx, productSearch(store.now), args.query, info),
          sortKey: sortKeyFor(PRODUCT_SORT_KEYS, args.sortKey, "ID"),
          cursorSource: answeredBySearchIndex(args.query) ? "search" : "database",
        },
        args as ConnectionArgs,
        (data) => productNode(ctx, JSON.parse(data) as ProductRecord),
      );
    },
    productsCount: (args, ctx, info) =>
      countRows(
        ctx.emulator.store.db,
        "products",
        ctx.shop.id,
        searchFilter(ctx, productSearch(ctx.emulator.store.now), args.query, info),
        args as CountArgs,
      ),

    collections: (args, ctx, info) => {
      const store = ctx.emulator.store;
      return sqlConnection(
        "CollectionConnection",
        {
          db: store.db,
          table: "collections",
          shopId: ctx.shop.id,
          filters: searchFilter(ctx, collectionSearch(store.now), args.query, info),
          sortKey: sortKeyFor(COLLECTION_SORT_KEYS, args.sortKey, "ID"),
          cursorSource: answeredBySearchIndex(args.query) ? "search" : "database",
        },
        args as ConnectionArgs,
        (data) => collectionNode(ctx, JSON.parse(data) as CollectionRecord),
      );
    },
    collectionsCount: (args, ctx, info) =>
      countRows(
        ctx.emulator.store.db,
        "collections",
        ctx.shop.id,
        searchFilter(ctx, collectionSearch(ctx.emulator.store.now), args.query, info),
        args as CountArgs,
      ),
    ...bulkQueryResolvers(),
  };

  const Mutation: Record<string, FieldResolver> = {
    tagsAdd,
    tagsRemove,
    ...bulkMutationResolvers(),
  };

  return { QueryRoot, Mutation };
}
