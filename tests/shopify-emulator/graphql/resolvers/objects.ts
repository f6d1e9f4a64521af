import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { ResolverContext } from "../schema.js";
import type { SqlFragment } from "../search-query.js";
import {
  answeredBySearchIndex,
  compileSearch,
  parseSearchQuery,
  type SearchSpec,
  type SearchWarning,
} from "../search-query.js";
import { addMoney, subtractMoney, multiplyMoney } from "../../store/money.js";
import type {
  CollectionRecord,
  CustomerRecord,
  LineItemRecord,
  MarketingConsent,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  VariantRecord,
} from "../../store/types.js";
import { toGid } from "../../store/types.js";
import { listConnection, sqlConnection, type ConnectionArgs } from "./connection.js";
import { dateTime, mailingAddress, moneyBag, moneyV2, sortedTags } from "./format.js";
import { ORDER_SORT_KEYS, orderSearch, sortKeyFor } from "./search-specs.js";

/** Builders for the plain objects the engine walks: property names are GraphQL field names. */

type Args = Record<string, unknown>;

/** Search warnings per request context, for the engine to report as `extensions.search` like Shopify. */
export const searchWarnings = new WeakMap<
  ResolverContext,
  { path: (string | number)[]; query: string; warnings: SearchWarning[] }[]
>();

function responsePath(info: GraphQLResolveInfo | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let node = info?.path; node; node = node.prev) path.unshift(node.key);
  return path;
}

/** Parses and compiles a `query:` argument; unknown fields become warnings, as on Shopify. */
export function searchFilter(
  ctx: ResolverContext,
  spec: SearchSpec,
  query: unknown,
  info?: GraphQLResolveInfo,
): SqlFragment[] {
  if (typeof query !== "string" || query.trim() === "") return [];
  let compiled;
  try {
    compiled = compileSearch(parseSearchQuery(query), spec);
  } catch (error) {
    if (error instanceof Error && !(error instanceof GraphQLError)) {
      throw new GraphQLError(error.message, { extensions: { code: "BAD_REQUEST" } });
    }
    throw error;
  }
  if (compiled.warnings.length > 0) {
    const list = searchWarnings.get(ctx) ?? [];
    list.push({ path: responsePath(info), query, warnings: compiled.warnings });
    searchWarnings.set(ctx, list);
  }
  return compiled.where ? [compiled.where] : [];
}

const SIXTY_DAYS_MS = 60 * 86_400_000;

/** Without `read_all_orders` an app sees only the last 60 days of orders. */
export function orderVisibility(ctx: ResolverContext): SqlFragment[] {
  if (ctx.scopes.includes("read_all_orders")) return [];
  const since = new Date(ctx.emulator.store.now().getTime() - SIXTY_DAYS_MS).toISOString();
  return [{ sql: "t.created_at >= ?", params: [since] }];
}

export function isOrderVisible(ctx: ResolverContext, order: OrderRecord): boolean {
  if (ctx.scopes.includes("read_all_orders")) return true;
  return new Date(order.createdAt).getTime() >= ctx.emulator.store.now().getTime() - SIXTY_DAYS_MS;
}

export function loadOrder(ctx: ResolverContext, id: number): OrderRecord | null {
  const order = ctx.emulator.store.getOrder(ctx.shop.id, id);
  return order && isOrderVisible(ctx, order) ? order : null;
}

export function ordersConnection(
  ctx: ResolverContext,
  args: Args,
  info: GraphQLResolveInfo | undefined,
  extra: SqlFragment[],
) {
  const store = ctx.emulator.store;
  return sqlConnection(
    "OrderConnection",
    {
      db: store.db,
      table: "orders",
      shopId: ctx.shop.id,
      filters: [...extra, ...orderVisibility(ctx), ...searchFilter(ctx, orderSearch(store.now), args.query, info)],
      sortKey: sortKeyFor(ORDER_SORT_KEYS, args.sortKey, "PROCESSED_AT"),
      cursorSource: answeredBySearchIndex(args.query) ? "search" : "database",
    },
    args as ConnectionArgs,
    (data) => orderNode(ctx, JSON.parse(data) as OrderRecord),
  );
}

// ---- customers --------------------------------------------------------------------------------------------

function emailMarketingState(consent: MarketingConsent | null): string {
  const state = consent?.marketingState ?? "NOT_SUBSCRIBED";
  return state === "REDACTED" ? "NOT_SUBSCRIBED" : state;
}

function smsMarketingState(consent: MarketingConsent | null): string {
  const state = consent?.marketingState ?? "NOT_SUBSCRIBED";
  return state === "INVALID" ? "NOT_SUBSCRIBED" : state;
}

export function customerNode(ctx: ResolverContext, customer: CustomerRecord) {
  const currency = ctx.shop.currencyCode;
  const name = [customer.firstName, customer.lastName].filter((part) => part).join(" ");
  const defaultAddress = customer.addresses.find((address) => address.id === customer.defaultAddressId) ?? null;
  const email = customer.emailMarketingConsent;
  const sms = customer.smsMarketingConsent;
  return {
    __typename: "Customer",
    id: toGid("Customer", customer.id),
    legacyResourceId: String(customer.id),
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName: name || customer.email || customer.phone || "",
    email: customer.email,
    phone: customer.phone,
    note: customer.note,
    tags: sortedTags(customer.tags),
    state: customer.state,
    verifiedEmail: customer.verifiedEmail,
    taxExempt: customer.taxExempt,
    locale: customer.locale,
    createdAt: dateTime(customer.createdAt),
    updatedAt: dateTime(customer.updatedAt),
    amountSpent: moneyV2(customer.amountSpent, currency),
    numberOfOrders: String(customer.numberOfOrders),
    canDelete: customer.numberOfOrders === 0,
    defaultEmailAddress: customer.email
      ? {
          __typename: "CustomerEmailAddress",
          emailAddress: customer.email,
          marketingState: emailMarketingState(email),
          marketingOptInLevel: email?.marketingOptInLevel ?? null,
          marketingUpdatedAt: dateTime(email?.consentUpdatedAt ?? null),
        }
      : null,
    defaultPhoneNumber: customer.phone
      ? {
          __typename: "CustomerPhoneNumber",
          phoneNumber: customer.phone,
          marketingState: smsMarketingState(sms),
          marketingOptInLevel: sms?.marketingOptInLevel ?? null,
          marketingUpdatedAt: dateTime(sms?.consentUpdatedAt ?? null),
        }
      : null,
    emailMarketingConsent:
      customer.email && email
        ? {
            __typename: "CustomerEmailMarketingConsentState",
            marketingState: email.marketingState,
            marketingOptInLevel: email.marketingOptInLevel,
            consentUpdatedAt: dateTime(email.consentUpdatedAt),
          }
        : null,
    smsMarketingConsent:
      customer.phone && sms
        ? {
            __typename: "CustomerSmsMarketingConsentState",
            marketingState: smsMarketingState(sms),
            marketingOptInLevel: sms.marketingOptInLevel ?? "UNKNOWN",
            consentUpdatedAt: dateTime(sms.consentUpdatedAt),
          }
        : null,
    defaultAddress: defaultAddress ? mailingAddress(defaultAddress) : null,
    addresses: (args: Args) => {
      const list = customer.addresses.map((address) => mailingAddress(address));
      return typeof args.first === "number" ? list.slice(0, args.first) : list;
    },
    addressesV2: (args: Args) =>
      listConnection(
        "MailingAddressConnection",
        customer.addresses.map((address) => ({ id: address.id, node: mailingAddress(address) })),
        args as ConnectionArgs,
      ),
    orders: (args: Args, context: ResolverContext, info: GraphQLResolveInfo) =>
      ordersConnection(context, args, info, [{ sql: "t.customer_id = ?", params: [customer.id] }]),
    lastOrder: () => {
      const row = ctx.emulator.store.db
        .prepare(
          `SELECT t.data FROM orders t WHERE t.shop_id = ? AND t.customer_id = ?
           ${orderVisibility(ctx)
             .map((f) => `AND ${f.sql}`)
             .join(" ")}
           ORDER BY t.created_at DESC, t.id DESC LIMIT 1`,
        )
        .get(ctx.shop.id, customer.id, ...orderVisibility(ctx).flatMap((f) => f.params)) as
        { data: string } | undefined;
      return row ? orderNode(ctx, JSON.parse(row.data) as OrderRecord) : null;
    },
  };
}

// ---- orders -----------------------------------------------------------------------------------------------

function sumPairs(pairs: { shop: string; presentment: string }[]) {
  return {
    shop: addMoney("0", ...pairs.map((pair) => pair.shop)),
    presentment: addMoney("0", ...pairs.map((pair) => pair.presentment)),
  };
}

function refundedQuantity(order: OrderRecord, lineItemId: number): number {
  return order.refunds
    .flatMap((refund) => refund.refundLineItems)
    .filter((item) => item.lineItemId === lineItemId)
    .reduce((sum, item) => sum + item.quantity, 0);
}

function lineItemNode(ctx: ResolverContext, order: OrderRecord, item: LineItemRecord) {
  const bag = (pair: { shop: string; presentment: string }) =>
    moneyBag(pair, order.currencyCode, order.presentmentCurrencyCode);
  const currentQuantity = Math.max(0, item.quantity - refundedQuantity(order, item.id));
  return {
    __typename: "LineItem",
    id: toGid("LineItem", item.id),
    title: item.title,
    name: item.variantTitle ? `${item.title} - ${item.variantTitle}` : item.title,
    variantTitle: item.variantTitle,
    quantity: item.quantity,
    currentQuantity,
    sku: item.sku,
    vendor: item.vendor,
    requiresShipping: item.requiresShipping,
    taxable: item.taxable,
    originalUnitPriceSet: bag(item.originalUnitPrice),
    originalTotalSet: bag({
      shop: multiplyMoney(item.originalUnitPrice.shop, item.quantity),
      presentment: multiplyMoney(item.originalUnitPrice.presentment, item.quantity),
    }),
    discountedTotalSet: () => bag(item.discountedTotal),
    totalDiscountSet: bag(item.totalDiscount),
    product: () => {
      if (item.productId === null) return null;
      const product = ctx.emulator.store.getRecord<ProductRecord>("products", ctx.shop.id, item.productId);
      return product ? productNode(ctx, product) : null;
    },
    variant: () => {
      if (item.productId === null || item.variantId === null) return null;
      const product = ctx.emulator.store.getRecord<ProductRecord>("products", ctx.shop.id, item.productId);
      const variant = product?.variants.find((candidate) => candidate.id === item.variantId);
      return product && variant ? variantNode(ctx, product, variant) : null;
    },
  };
}

function refundNode(ctx: ResolverContext, order: OrderRecord, refund: RefundRecord) {
  const bag = (pair: { shop: string; presentment: string }) =>
    moneyBag(pair, order.currencyCode, order.presentmentCurrencyCode);
  return {
    __typename: "Refund",
    id: toGid("Refund", refund.id),
    legacyResourceId: String(refund.id),
    createdAt: dateTime(refund.createdAt),
    note: refund.note,
    totalRefundedSet: bag(refund.totalRefunded),
    order: () => orderNode(ctx, order),
    refundLineItems: (args: Args) =>
      listConnection(
        "RefundLineItemConnection",
        refund.refundLineItems.map((item) => {
          const lineItem = order.lineItems.find((candidate) => candidate.id === item.lineItemId);
          return {
            id: item.id,
            node: {
              __typename: "RefundLineItem",
              id: `gid://shopify/RefundLineItem/${item.id}`,
              quantity: item.quantity,
              restockType: item.restockType,
              restocked: item.restockType !== "NO_RESTOCK",
              subtotalSet: bag(item.subtotal),
              lineItem: () => {
                if (!lineItem) throw new GraphQLError("The refunded line item is missing from the order record.");
                return lineItemNode(ctx, order, lineItem);
              },
            },
          };
        }),
        args as ConnectionArgs,
      ),
  };
}

export function orderNode(ctx: ResolverContext, order: OrderRecord) {
  const bag = (pair: { shop: string; presentment: string }) =>
    moneyBag(pair, order.currencyCode, order.presentmentCurrencyCode);
  const refunded = sumPairs(order.refunds.map((refund) => refund.totalRefunded));
  const quantity = order.lineItems.reduce((sum, item) => sum + item.quantity, 0);
  const refundedItems = order.refunds
    .flatMap((refund) => refund.refundLineItems)
    .reduce((sum, item) => sum + item.quantity, 0);
  return {
    __typename: "Order",
    id: toGid("Order", order.id),
    legacyResourceId: String(order.id),
    name: order.name,
    number: order.number,
    email: order.email,
    phone: order.phone,
    createdAt: dateTime(order.createdAt),
    updatedAt: dateTime(order.updatedAt),
    processedAt: dateTime(order.processedAt),
    cancelledAt: dateTime(order.cancelledAt),
    cancelReason: order.cancelReason,
    closedAt: dateTime(order.closedAt),
    closed: order.closedAt !== null,
    displayFinancialStatus: order.financialStatus,
    displayFulfillmentStatus: order.fulfillmentStatus,
    currencyCode: order.currencyCode,
    presentmentCurrencyCode: order.presentmentCurrencyCode,
    sourceName: order.sourceName,
    tags: sortedTags(order.tags),
    note: order.note,
    test: order.test,
    discountCodes: order.discountCodes,
    discountCode: order.discountCodes[0] ?? null,
    subtotalLineItemsQuantity: quantity,
    currentSubtotalLineItemsQuantity: Math.max(0, quantity - refundedItems),
    subtotalPriceSet: bag(order.subtotalPrice),
    totalDiscountsSet: bag(order.totalDiscounts),
    totalShippingPriceSet: bag(order.totalShipping),
    totalTaxSet: bag(order.totalTax),
    totalPriceSet: bag(order.totalPrice),
    totalRefundedSet: bag(refunded),
    currentTotalPriceSet: bag({
      shop: subtractMoney(order.totalPrice.shop, refunded.shop),
      presentment: subtractMoney(order.totalPrice.presentment, refunded.presentment),
    }),
    shippingAddress: order.shippingAddress ? mailingAddress(order.shippingAddress) : null,
    billingAddress: order.billingAddress ? mailingAddress(order.billingAddress) : null,
    customer: () => {
      if (order.customerId === null) return null;
      const customer = ctx.emulator.store.getCustomer(ctx.shop.id, order.customerId);
      return customer ? customerNode(ctx, customer) : null;
    },
    lineItems: (args: Args) =>
      listConnection(
        "LineItemConnection",
        order.lineItems.map((item) => ({ id: item.id, node: lineItemNode(ctx, order, item) })),
        args as ConnectionArgs,
      ),
    refunds: (args: Args) => {
      const list = order.refunds.map((refund) => refundNode(ctx, order, refund));
      return typeof args.first === "number" ? list.slice(0, args.first) : list;
    },
  };
}

// ---- catalogue --------------------------------------------------------------------------------------------

export function variantNode(ctx: ResolverContext, product: ProductRecord, variant: VariantRecord) {
  return {
    __typename: "ProductVariant",
    id: toGid("ProductVariant", variant.id),
    legacyResourceId: String(variant.id),
    title: variant.title,
    displayName: `${product.title} - ${variant.title}`,
    sku: variant.sku,
    price: variant.price,
    product: () => productNode(ctx, product),
  };
}

export function productNode(ctx: ResolverContext, product: ProductRecord) {
  return {
    __typename: "Product",
    id: toGid("Product", product.id),
    legacyResourceId: String(product.id),
    title: product.title,
    handle: product.handle,
    vendor: product.vendor,
    productType: product.productType,
    tags: sortedTags(product.tags),
    status: product.status,
    createdAt: dateTime(product.createdAt),
    updatedAt: dateTime(product.updatedAt),
    variantsCount: { __typename: "Count", count: product.variants.length, precision: "EXACT" },
    variants: (args: Args) => {
      if (args.sortKey !== undefined && args.sortKey !== "POSITION" && args.sortKey !== "ID") {
        throw new GraphQLError(`The local Shopify does not implement variant sort key ${String(args.sortKey)} yet.`);
      }
      const variants = args.sortKey === "ID" ? [...product.variants].sort((a, b) => a.id - b.id) : product.variants;
      return listConnection(
        "ProductVariantConnection",
        variants.map((variant) => ({ id: variant.id, node: variantNode(ctx, product, variant) })),
        args as ConnectionArgs,
      );
    },
    collections: (args: Args) => {
      if (typeof args.query === "string" && args.query.trim() !== "") {
        throw new GraphQLError("The local Shopify does not implement Product.collections(query:) yet.");
      }
      const collections = ctx.emulator.store.collectionsOfProduct(ctx.shop.id, product.id);
      if (args.sortKey === "TITLE")
        collections.sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase()) || a.id - b.id);
      else if (args.sortKey === "UPDATED_AT")
        collections.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id);
      return listConnection(
        "CollectionConnection",
        collections.map((collection) => ({ id: collection.id, node: collectionNode(ctx, collection) })),
        args as ConnectionArgs,
      );
    },
  };
}

export function collectionNode(ctx: ResolverContext, collection: CollectionRecord) {
  const loadProducts = (): ProductRecord[] =>
    collection.productIds
      .map((id) => ctx.emulator.store.getRecord<ProductRecord>("products", ctx.shop.id, id))
      .filter((product): product is ProductRecord => product !== null);
  return {
    __typename: "Collection",
    id: toGid("Collection", collection.id),
    legacyResourceId: String(collection.id),
    title: collection.title,
    handle: collection.handle,
    updatedAt: dateTime(collection.updatedAt),
    productsCount: () => ({ __typename: "Count", count: loadProducts().length, precision: "EXACT" }),
    hasProduct: (args: Args) => {
      const id = typeof args.id === "string" ? /\/Product\/(\d+)$/.exec(args.id)?.[1] : undefined;
      return id !== undefined && collection.productIds.includes(Number(id));
    },
    products: (args: Args) => {
      const products = loadProducts();
      const key = args.sortKey ?? "COLLECTION_DEFAULT";
      if (key === "ID") products.sort((a, b) => a.id - b.id);
      else if (key === "TITLE")
        products.sort((a, b) => a.title.toLowerCase().localeCompare(b.title.toLowerCase()) || a.id - b.id);
      else if (key === "CREATED") products.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
      else if (key !== "COLLECTION_DEFAULT" && key !== "MANUAL") {
        throw new GraphQLError(`The local Shopify does not implement collection sort key ${String(key)} yet.`);
      }
      return listConnection(
        "ProductConnection",
        products.map((product) => ({ id: product.id, node: productNode(ctx, product) })),
        args as ConnectionArgs,
      );
    },
  };
}
