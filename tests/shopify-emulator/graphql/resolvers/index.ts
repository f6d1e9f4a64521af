import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { FieldResolver, ResolverContext, RootResolvers } from "../schema.js";
import type { CollectionRecord, ProductRecord, ShopRecord } from "../../store/types.js";
import { parseGid, toGid } from "../../store/types.js";
import { countRows, sqlConnection, type ConnectionArgs, type CountArgs } from "./connection.js";
import { answeredBySearchIndex, type SearchSpec } from "../search-query.js";
import type { Table } from "../../store/store.js";
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
  type SortKeyTable,
} from "./search-specs.js";
import { tagsAdd, tagsRemove } from "./tags.js";
import { bulkMutationResolvers, bulkQueryResolvers } from "../../bulk/resolvers.js";
import { getSegment, segmentMutationResolvers, segmentNode, segmentQueryResolvers } from "./segments.js";
import { discountMutationResolvers, discountQueryResolvers } from "./discounts.js";

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
    case "Segment": {
      const segment = getSegment(ctx, gid.id);
      return segment ? segmentNode(segment) : null;
    }
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

/** A root connection over one table, filtered by its search syntax and ordered by its sort keys. */
function searchedConnection<R>(
  typeName: string,
  table: Table,
  search: (now: () => Date) => SearchSpec,
  sortKeys: SortKeyTable,
  toNode: (ctx: ResolverContext, record: R) => unknown,
): FieldResolver {
  return (args: Args, ctx, info: GraphQLResolveInfo) => {
    const store = ctx.emulator.store;
    return sqlConnection(
      typeName,
      {
        db: store.db,
        table,
        shopId: ctx.shop.id,
        filters: searchFilter(ctx, search(store.now), args.query, info),
        sortKey: sortKeyFor(sortKeys, args.sortKey, "ID"),
        cursorSource: answeredBySearchIndex(args.query) ? "search" : "database",
      },
      args as ConnectionArgs,
      (data) => toNode(ctx, JSON.parse(data) as R),
    );
  };
}

/** A root count over one table, filtered by its search syntax. */
function searchedCount(table: Table, search: (now: () => Date) => SearchSpec): FieldResolver {
  return (args, ctx, info) =>
    countRows(
      ctx.emulator.store.db,
      table,
      ctx.shop.id,
      searchFilter(ctx, search(ctx.emulator.store.now), args.query, info),
      args as CountArgs,
    );
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

    customers: searchedConnection("CustomerConnection", "customers", customerSearch, CUSTOMER_SORT_KEYS, customerNode),
    customersCount: searchedCount("customers", customerCountSearch),

    orders: (args, ctx, info) => ordersConnection(ctx, args, info, []),
    ordersCount: (args, ctx, info) =>
      countRows(
        ctx.emulator.store.db,
        "orders",
        ctx.shop.id,
        [...orderVisibility(ctx), ...searchFilter(ctx, orderSearch(ctx.emulator.store.now), args.query, info)],
        args as CountArgs,
      ),

    products: searchedConnection("ProductConnection", "products", productSearch, PRODUCT_SORT_KEYS, productNode),
    productsCount: searchedCount("products", productSearch),

    collections: searchedConnection(
      "CollectionConnection",
      "collections",
      collectionSearch,
      COLLECTION_SORT_KEYS,
      collectionNode,
    ),
    collectionsCount: searchedCount("collections", collectionSearch),
    ...bulkQueryResolvers(),
    ...segmentQueryResolvers(),
    ...discountQueryResolvers(),
  };

  const Mutation: Record<string, FieldResolver> = {
    tagsAdd,
    tagsRemove,
    ...bulkMutationResolvers(),
    ...segmentMutationResolvers(),
    ...discountMutationResolvers(),
  };

  return { QueryRoot, Mutation };
}
