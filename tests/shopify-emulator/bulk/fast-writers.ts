/**
 * Per-type field writers for the direct bulk executor: a compiled selection reads the stored records (OrderRecord,
 * LineItemRecord, …) and computes only the fields the query selects, with the formatting of resolvers/format.ts,
 * instead of building every field of every node as the resolvers' node builders do.
 *
 * Every value mirrors the node builder in resolvers/objects.ts for the same field; export.test.ts compares whole
 * exports with the graphql-js reference. A field without a writer here falls back to the builder: the enclosing
 * object's node is built (once per record) and the field is resolved on it as the generic walker does. Types
 * without an exported builder (LineItem, Refund) make their parent fall back instead.
 */
import type { GraphQLSchema } from "graphql";
import type { ResolverContext } from "../graphql/schema.js";
import { collectionNode, customerNode, orderNode, productNode, variantNode } from "../graphql/resolvers/objects.js";
import { mailingAddress, moneyBag, moneyV2, sortedTags } from "../graphql/resolvers/format.js";
import { addMoney, multiplyMoney, subtractMoney } from "../store/money.js";
import type {
  AddressRecord,
  CollectionRecord,
  CustomerRecord,
  LineItemRecord,
  MarketingConsent,
  MoneyPair,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  VariantRecord,
} from "../store/types.js";
import type { GidType } from "../store/types.js";
import { fastDateTime, fastDecimal } from "./fast-format.js";
import { matchesCondition, type FieldPlan } from "./plan.js";

export type JsonLine = Record<string, unknown>;
type Args = Record<string, unknown>;

export interface WriterEnv {
  context: ResolverContext;
  /** Whether a customer row exists (for `customer { id }` without reading the customer). */
  customerExists(id: number): boolean;
  /** A product by id, remembered for the run (a million line items point at a few hundred products). */
  product(id: number): ProductRecord | null;
}

/** A nested connection, written as lines after its owner's line: over a builder node, or over stored records. */
export type Deferred =
  | { kind: "generic"; plan: FieldPlan; owner: Record<string, unknown> }
  | { kind: "fast"; records: unknown[]; writer: ObjectWriter };

/** Where a line's writer leaves the JSON text of its `id` (for its children's `__parentId`). */
export interface LineId {
  id: string | undefined;
}

/** Writes a record's selected fields as JSON text (`/` escaped as in Shopify's JSONL). */
export type ObjectWriter = (record: unknown, env: WriterEnv, deferred: Deferred[], line?: LineId) => string;

/** The generic walker of export.ts: renders `plans` over a builder node. */
export type GenericRender = (
  node: Record<string, unknown>,
  plans: FieldPlan[],
  env: WriterEnv,
  deferred: Deferred[],
) => JsonLine;

type Leaf<R> = { kind: "leaf"; get: (record: R, env: WriterEnv) => unknown };
/** An object (or list of objects) of another fast type; `stub` suffices when only ids are selected. */
type Child<R> = {
  kind: "object";
  type: string;
  get: (record: R, env: WriterEnv, args: Args) => unknown;
  stub?: (record: R, env: WriterEnv) => unknown;
};
/** A builder-made object, rendered by the generic walker. */
type Plain<R> = { kind: "plain"; get: (record: R, env: WriterEnv) => unknown };
type Conn<R> = {
  kind: "connection";
  type: string;
  supports: (args: Args) => boolean;
  items: (record: R, env: WriterEnv, args: Args) => unknown[];
};
/** A leaf whose getter returns its JSON text already (ids, dates, amounts: no escaping pass needed). */
type Text<R> = { kind: "text"; get: (record: R, env: WriterEnv) => string };
type FieldImpl<R> = Leaf<R> | Text<R> | Child<R> | Plain<R> | Conn<R>;

interface FastType<R> {
  fields: Readonly<Record<string, FieldImpl<R>>>;
  /** The resolvers' node builder, for fields without a writer; absent when objects.ts does not export it. */
  node?: (record: R, env: WriterEnv) => Record<string, unknown>;
}

const leaf = <R>(get: (record: R, env: WriterEnv) => unknown): Leaf<R> => ({ kind: "leaf", get });
const text = <R>(get: (record: R, env: WriterEnv) => string): Text<R> => ({ kind: "text", get });

/** `toGid` as escaped JSON text: `"gid:\/\/shopify\/Order\/1"`. */
const gidJson = (type: GidType, id: number): string => `"gid:\\/\\/shopify\\/${type}\\/${id}"`;
/** A DateTime as JSON text: the formatted value is digits, `-`, `:`, `T` and `Z` (or null). */
const dateJson = (iso: string | null): string => {
  const formatted = fastDateTime(iso);
  return formatted === null ? "null" : SAFE_TEXT.test(formatted) ? `"${formatted}"` : shopifyJson(formatted);
};
/** Characters JSON and Shopify's JSONL leave as they are. */
const SAFE_TEXT = /^[A-Za-z0-9 .:+_-]*$/;
const decimalJson = (amount: string): string => `"${fastDecimal(amount)}"`;
const plain = <R>(get: (record: R, env: WriterEnv) => unknown): Plain<R> => ({ kind: "plain", get });
const child = <R>(
  type: string,
  get: (record: R, env: WriterEnv, args: Args) => unknown,
  stub?: (record: R, env: WriterEnv) => unknown,
): Child<R> => ({ kind: "object", type, get, ...(stub ? { stub } : {}) });

// ---- records the writers walk ------------------------------------------------------------------------------

interface MoneyBagSource {
  pair: MoneyPair;
  shop: string;
  presentment: string;
}
interface MoneySource {
  amount: string;
  currencyCode: string;
}
interface LineItemSource {
  order: OrderRecord;
  item: LineItemRecord;
}
interface RefundSource {
  order: OrderRecord;
  refund: RefundRecord;
}
interface VariantSource {
  product: ProductRecord;
  variant: VariantRecord;
}
type AddressSource = Omit<AddressRecord, "id"> & { id?: number };

const bagOf = (order: OrderRecord, pair: MoneyPair): MoneyBagSource => ({
  pair,
  shop: order.currencyCode,
  presentment: order.presentmentCurrencyCode,
});

/** `addMoney("0")`, what an order without refunds has refunded. */
const NOTHING_REFUNDED: MoneyPair = { shop: "0.00", presentment: "0.00" };

function refundedPair(order: OrderRecord): MoneyPair {
  if (order.refunds.length === 0) return NOTHING_REFUNDED;
  const pairs = order.refunds.map((refund) => refund.totalRefunded);
  return {
    shop: addMoney("0", ...pairs.map((pair) => pair.shop)),
    presentment: addMoney("0", ...pairs.map((pair) => pair.presentment)),
  };
}

function refundedQuantity(order: OrderRecord, lineItemId: number): number {
  let sum = 0;
  for (const refund of order.refunds) {
    for (const item of refund.refundLineItems) if (item.lineItemId === lineItemId) sum += item.quantity;
  }
  return sum;
}

function productOf(env: WriterEnv, id: number | null): ProductRecord | null {
  return id === null ? null : env.product(id);
}

// ---- the types --------------------------------------------------------------------------------------------

const MONEY_V2: FastType<MoneySource> = {
  fields: {
    amount: text((money) => decimalJson(money.amount)),
    currencyCode: leaf((money) => money.currencyCode),
  },
  node: (money) => moneyV2(money.amount, money.currencyCode),
};

const MONEY_BAG: FastType<MoneyBagSource> = {
  fields: {
    shopMoney: child("MoneyV2", (bag): MoneySource => ({ amount: bag.pair.shop, currencyCode: bag.shop })),
    presentmentMoney: child("MoneyV2", (bag): MoneySource => ({
      amount: bag.pair.presentment,
      currencyCode: bag.presentment,
    })),
  },
  node: (bag) => moneyBag(bag.pair, bag.shop, bag.presentment),
};

const MAILING_ADDRESS: FastType<AddressSource> = {
  fields: {
    address1: leaf((address) => address.address1),
    address2: leaf((address) => address.address2),
    city: leaf((address) => address.city),
    company: leaf((address) => address.company),
    country: leaf((address) => address.country),
    countryCode: leaf((address) => address.countryCode),
    countryCodeV2: leaf((address) => address.countryCode),
    firstName: leaf((address) => address.firstName),
    lastName: leaf((address) => address.lastName),
    phone: leaf((address) => address.phone),
    province: leaf((address) => address.province),
    provinceCode: leaf((address) => address.provinceCode),
    zip: leaf((address) => address.zip),
  },
  node: (address) => mailingAddress(address),
};

const orderMoney = (pick: (order: OrderRecord) => MoneyPair) =>
  child<OrderRecord>("MoneyBag", (order) => bagOf(order, pick(order)));

const ORDER: FastType<OrderRecord> = {
  fields: {
    id: text((order) => gidJson("Order", order.id)),
    legacyResourceId: leaf((order) => String(order.id)),
    name: leaf((order) => order.name),
    number: leaf((order) => order.number),
    email: leaf((order) => order.email),
    phone: leaf((order) => order.phone),
    createdAt: text((order) => dateJson(order.createdAt)),
    updatedAt: text((order) => dateJson(order.updatedAt)),
    processedAt: text((order) => dateJson(order.processedAt)),
    cancelledAt: text((order) => dateJson(order.cancelledAt)),
    cancelReason: leaf((order) => order.cancelReason),
    closedAt: text((order) => dateJson(order.closedAt)),
    closed: leaf((order) => order.closedAt !== null),
    displayFinancialStatus: leaf((order) => order.financialStatus),
    displayFulfillmentStatus: leaf((order) => order.fulfillmentStatus),
    currencyCode: leaf((order) => order.currencyCode),
    presentmentCurrencyCode: leaf((order) => order.presentmentCurrencyCode),
    sourceName: leaf((order) => order.sourceName),
    tags: leaf((order) => sortedTags(order.tags)),
    note: leaf((order) => order.note),
    test: leaf((order) => order.test),
    discountCodes: leaf((order) => order.discountCodes),
    discountCode: leaf((order) => order.discountCodes[0] ?? null),
    subtotalPriceSet: orderMoney((order) => order.subtotalPrice),
    totalDiscountsSet: orderMoney((order) => order.totalDiscounts),
    totalShippingPriceSet: orderMoney((order) => order.totalShipping),
    totalTaxSet: orderMoney((order) => order.totalTax),
    totalPriceSet: orderMoney((order) => order.totalPrice),
    totalRefundedSet: orderMoney(refundedPair),
    currentTotalPriceSet: orderMoney((order) => {
      const refunded = refundedPair(order);
      return {
        shop: subtractMoney(order.totalPrice.shop, refunded.shop),
        presentment: subtractMoney(order.totalPrice.presentment, refunded.presentment),
      };
    }),
    shippingAddress: child("MailingAddress", (order) => order.shippingAddress),
    billingAddress: child("MailingAddress", (order) => order.billingAddress),
    customer: child(
      "Customer",
      (order, env) =>
        order.customerId === null
          ? null
          : env.context.emulator.store.getCustomer(env.context.shop.id, order.customerId),
      (order, env) =>
        order.customerId !== null && env.customerExists(order.customerId) ? { id: order.customerId } : null,
    ),
    lineItems: {
      kind: "connection",
      type: "LineItem",
      supports: (args) => args.reverse !== true,
      items: (order): LineItemSource[] => order.lineItems.map((item) => ({ order, item })),
    },
    refunds: child("Refund", (order, _env, args): RefundSource[] => {
      const list = order.refunds.map((refund) => ({ order, refund }));
      return typeof args.first === "number" ? list.slice(0, args.first) : list;
    }),
  },
  node: (order, env) => orderNode(env.context, order),
};

const lineItemMoney = (pick: (item: LineItemRecord) => MoneyPair) =>
  child<LineItemSource>("MoneyBag", ({ order, item }) => bagOf(order, pick(item)));

const LINE_ITEM: FastType<LineItemSource> = {
  fields: {
    id: text(({ item }) => gidJson("LineItem", item.id)),
    title: leaf(({ item }) => item.title),
    name: leaf(({ item }) => (item.variantTitle ? `${item.title} - ${item.variantTitle}` : item.title)),
    variantTitle: leaf(({ item }) => item.variantTitle),
    quantity: leaf(({ item }) => item.quantity),
    currentQuantity: leaf(({ order, item }) => Math.max(0, item.quantity - refundedQuantity(order, item.id))),
    sku: leaf(({ item }) => item.sku),
    vendor: leaf(({ item }) => item.vendor),
    requiresShipping: leaf(({ item }) => item.requiresShipping),
    taxable: leaf(({ item }) => item.taxable),
    originalUnitPriceSet: lineItemMoney((item) => item.originalUnitPrice),
    originalTotalSet: lineItemMoney((item) => ({
      shop: multiplyMoney(item.originalUnitPrice.shop, item.quantity),
      presentment: multiplyMoney(item.originalUnitPrice.presentment, item.quantity),
    })),
    discountedTotalSet: lineItemMoney((item) => item.discountedTotal),
    totalDiscountSet: lineItemMoney((item) => item.totalDiscount),
    product: child("Product", ({ item }, env) => productOf(env, item.productId)),
    variant: child("ProductVariant", ({ item }, env): VariantSource | null => {
      if (item.productId === null || item.variantId === null) return null;
      const product = productOf(env, item.productId);
      const variant = product?.variants.find((candidate) => candidate.id === item.variantId);
      return product && variant ? { product, variant } : null;
    }),
  },
};

const REFUND: FastType<RefundSource> = {
  fields: {
    id: text(({ refund }) => gidJson("Refund", refund.id)),
    legacyResourceId: leaf(({ refund }) => String(refund.id)),
    createdAt: text(({ refund }) => dateJson(refund.createdAt)),
    note: leaf(({ refund }) => refund.note),
    totalRefundedSet: child("MoneyBag", ({ order, refund }) => bagOf(order, refund.totalRefunded)),
  },
};

const PRODUCT_VARIANT: FastType<VariantSource> = {
  fields: {
    id: text(({ variant }) => gidJson("ProductVariant", variant.id)),
    legacyResourceId: leaf(({ variant }) => String(variant.id)),
    title: leaf(({ variant }) => variant.title),
    displayName: leaf(({ product, variant }) => `${product.title} - ${variant.title}`),
    sku: leaf(({ variant }) => variant.sku),
    price: leaf(({ variant }) => variant.price),
  },
  node: ({ product, variant }, env) => variantNode(env.context, product, variant),
};

const PRODUCT: FastType<ProductRecord> = {
  fields: {
    id: text((product) => gidJson("Product", product.id)),
    legacyResourceId: leaf((product) => String(product.id)),
    title: leaf((product) => product.title),
    handle: leaf((product) => product.handle),
    vendor: leaf((product) => product.vendor),
    productType: leaf((product) => product.productType),
    tags: leaf((product) => sortedTags(product.tags)),
    status: leaf((product) => product.status),
    createdAt: text((product) => dateJson(product.createdAt)),
    updatedAt: text((product) => dateJson(product.updatedAt)),
    variants: {
      kind: "connection",
      type: "ProductVariant",
      supports: (args) => (args.sortKey === undefined || args.sortKey === "POSITION") && args.reverse !== true,
      items: (product): VariantSource[] => product.variants.map((variant) => ({ product, variant })),
    },
    collections: {
      kind: "connection",
      type: "Collection",
      supports: (args) =>
        (args.query === undefined || (typeof args.query === "string" && args.query.trim() === "")) &&
        (args.sortKey === undefined || args.sortKey === "ID") &&
        args.reverse !== true,
      items: (product, env) => env.context.emulator.store.collectionsOfProduct(env.context.shop.id, product.id),
    },
  },
  node: (product, env) => productNode(env.context, product),
};

const COLLECTION: FastType<CollectionRecord> = {
  fields: {
    id: text((collection) => gidJson("Collection", collection.id)),
    legacyResourceId: leaf((collection) => String(collection.id)),
    title: leaf((collection) => collection.title),
    handle: leaf((collection) => collection.handle),
    updatedAt: text((collection) => dateJson(collection.updatedAt)),
  },
  node: (collection, env) => collectionNode(env.context, collection),
};

function smsMarketingState(consent: MarketingConsent | null): string {
  const state = consent?.marketingState ?? "NOT_SUBSCRIBED";
  return state === "INVALID" ? "NOT_SUBSCRIBED" : state;
}

const CUSTOMER: FastType<CustomerRecord> = {
  fields: {
    id: text((customer) => gidJson("Customer", customer.id)),
    legacyResourceId: leaf((customer) => String(customer.id)),
    firstName: leaf((customer) => customer.firstName),
    lastName: leaf((customer) => customer.lastName),
    email: leaf((customer) => customer.email),
    phone: leaf((customer) => customer.phone),
    note: leaf((customer) => customer.note),
    tags: leaf((customer) => sortedTags(customer.tags)),
    state: leaf((customer) => customer.state),
    verifiedEmail: leaf((customer) => customer.verifiedEmail),
    taxExempt: leaf((customer) => customer.taxExempt),
    locale: leaf((customer) => customer.locale),
    createdAt: text((customer) => dateJson(customer.createdAt)),
    updatedAt: text((customer) => dateJson(customer.updatedAt)),
    amountSpent: child("MoneyV2", (customer, env): MoneySource => ({
      amount: customer.amountSpent,
      currencyCode: env.context.shop.currencyCode,
    })),
    numberOfOrders: leaf((customer) => String(customer.numberOfOrders)),
    canDelete: leaf((customer) => customer.numberOfOrders === 0),
    emailMarketingConsent: plain((customer) => {
      const email = customer.emailMarketingConsent;
      return customer.email && email
        ? {
            __typename: "CustomerEmailMarketingConsentState",
            marketingState: email.marketingState,
            marketingOptInLevel: email.marketingOptInLevel,
            consentUpdatedAt: fastDateTime(email.consentUpdatedAt),
          }
        : null;
    }),
    smsMarketingConsent: plain((customer) => {
      const sms = customer.smsMarketingConsent;
      return customer.phone && sms
        ? {
            __typename: "CustomerSmsMarketingConsentState",
            marketingState: smsMarketingState(sms),
            marketingOptInLevel: sms.marketingOptInLevel ?? "UNKNOWN",
            consentUpdatedAt: fastDateTime(sms.consentUpdatedAt),
          }
        : null;
    }),
    defaultAddress: child(
      "MailingAddress",
      (customer) => customer.addresses.find((address) => address.id === customer.defaultAddressId) ?? null,
    ),
  },
  node: (customer, env) => customerNode(env.context, customer),
};

const FAST_TYPES: Readonly<Record<string, FastType<never>>> = {
  MoneyV2: MONEY_V2,
  MoneyBag: MONEY_BAG,
  MailingAddress: MAILING_ADDRESS,
  Order: ORDER,
  LineItem: LINE_ITEM,
  Refund: REFUND,
  ProductVariant: PRODUCT_VARIANT,
  Product: PRODUCT,
  Collection: COLLECTION,
  Customer: CUSTOMER,
};

/** The fast types' id-only fields: a `stub` record answers them. */
const ID_FIELDS = new Set(["__typename", "id", "legacyResourceId"]);

// ---- compiling ----------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The builder's node of the record being written, built on first use by a field without a writer. */
interface NodeSlot {
  node: Record<string, unknown> | null;
}

/** JSON as Shopify's JSONL writes it: `/` escaped (`"gid:\/\/shopify\/Order\/1"`). */
export function shopifyJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  const text = JSON.stringify(value);
  return text.includes("/") ? text.replaceAll("/", "\\/") : text;
}

/** A field's `"key":value` text, or null when the field is left out (connections are written as their own lines). */
type Step = (record: unknown, env: WriterEnv, deferred: Deferred[], slot: NodeSlot | null) => string | null;

export interface WriterCompiler {
  /** A writer for `plans` over records of `typeName`, or null when that type cannot be written from records. */
  compile(typeName: string, plans: FieldPlan[]): ObjectWriter | null;
}

export function writerCompiler(schema: GraphQLSchema, renderGeneric: GenericRender): WriterCompiler {
  const compile = (typeName: string, plans: FieldPlan[]): ObjectWriter | null => {
    const type = FAST_TYPES[typeName] as FastType<unknown> | undefined;
    if (!type) return null;
    const build = type.node;
    const generic: ObjectWriter | null = build
      ? (record, env, deferred, line) => {
          const rendered = renderGeneric(build(record, env), plans, env, deferred);
          if (line && rendered.id !== undefined) line.id = shopifyJson(rendered.id);
          return shopifyJson(rendered);
        }
      : null;
    const keys: string[] = [];
    const steps: Step[] = [];
    let needsNode = false;
    /** Resolves one field over the builder's node, as the generic walker would. */
    const viaNode = (plan: FieldPlan, prefix: string): Step | null =>
      build
        ? (record, env, deferred, slot) => {
            const node = (slot!.node ??= build(record, env));
            const rendered = renderGeneric(node, [plan], env, deferred);
            return Object.prototype.hasOwnProperty.call(rendered, plan.responseKey)
              ? prefix + shopifyJson(rendered[plan.responseKey])
              : null;
          }
        : null;
    for (const plan of plans) {
      if (plan.condition && !matchesCondition(schema, plan.condition, typeName)) continue;
      // Repeated response keys merge in GraphQL; the generic walker does that.
      if (keys.includes(plan.responseKey)) return generic;
      keys.push(plan.responseKey);
      const prefix = `${shopifyJson(plan.responseKey)}:`;
      if (plan.definition === null) {
        const text = prefix + shopifyJson(typeName);
        steps.push(() => text);
        continue;
      }
      const impl = type.fields[plan.fieldName];
      let step: Step | null = null;
      if (impl?.kind === "text" && plan.kind === "leaf") {
        const get = impl.get;
        step = (record, env) => prefix + get(record, env);
      } else if (impl?.kind === "leaf" && plan.kind === "leaf") {
        const get = impl.get;
        step = (record, env) => prefix + shopifyJson(get(record, env));
      } else if (impl?.kind === "object" && plan.kind === "object") {
        const idOnly =
          impl.stub !== undefined &&
          plan.selections.every((inner) => !inner.condition && ID_FIELDS.has(inner.fieldName));
        const get = idOnly ? impl.stub! : impl.get;
        const inner = compile(impl.type, plan.selections);
        const args = plan.args;
        if (inner) {
          step = (record, env, deferred) => {
            const value = get(record, env, args) ?? null;
            if (value === null) return `${prefix}null`;
            if (!Array.isArray(value)) return prefix + inner(value, env, deferred);
            const parts = value.map((item: unknown) => inner(item, env, deferred));
            return `${prefix}[${parts.join(",")}]`;
          };
        }
      } else if (impl?.kind === "plain") {
        const get = impl.get;
        step = (record, env, deferred) => {
          const value = get(record, env) ?? null;
          if (plan.kind === "leaf" || value === null) return prefix + shopifyJson(value);
          if (Array.isArray(value)) {
            const rendered = value.map((item: unknown) =>
              isRecord(item) ? renderGeneric(item, plan.selections, env, deferred) : null,
            );
            return prefix + shopifyJson(rendered);
          }
          return isRecord(value) ? prefix + shopifyJson(renderGeneric(value, plan.selections, env, deferred)) : null;
        };
      } else if (impl?.kind === "connection" && plan.kind === "connection" && impl.supports(plan.args)) {
        const inner = compile(impl.type, plan.selections);
        const items = impl.items;
        const args = plan.args;
        if (inner) {
          step = (record, env, deferred) => {
            deferred.push({ kind: "fast", records: items(record, env, args), writer: inner });
            return null;
          };
        }
      }
      if (!step) {
        step = viaNode(plan, prefix);
        needsNode = true;
      }
      if (!step) return null;
      steps.push(step);
    }
    const count = steps.length;
    const idIndex = keys.indexOf("id");
    const idPrefixLength = `${shopifyJson("id")}:`.length;
    return (record, env, deferred, line) => {
      const slot: NodeSlot | null = needsNode ? { node: null } : null;
      let text = "{";
      let first = true;
      for (let index = 0; index < count; index += 1) {
        const part = steps[index]!(record, env, deferred, slot);
        if (part === null) continue;
        if (index === idIndex && line) line.id = part.slice(idPrefixLength);
        text += first ? part : `,${part}`;
        first = false;
      }
      return `${text}}`;
    };
  };
  return { compile };
}
