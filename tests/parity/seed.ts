/**
 * Seeds the local Shopify with the records a captured scenario read or changed. Shopify's answers are the only
 * evidence of the live store's state, so every object with a Customer/Order/Product global id found in the
 * capture is merged (explicit seed/setup sections first, then the rest in document order; the first value seen
 * for a field wins) and written to the store as a record.
 */
import type { EmulatorStore } from "../shopify-emulator/store/store.js";
import type {
  AddressRecord,
  CustomerRecord,
  LineItemRecord,
  MoneyPair,
  OrderRecord,
  ProductRecord,
  ShopRecord,
} from "../shopify-emulator/store/types.js";
import { parseGid } from "../shopify-emulator/store/types.js";
import type { BulkOperationRecord, BulkOperationStatus } from "../shopify-emulator/bulk/operations.js";

type Bag = Record<string, unknown>;

function isObject(value: unknown): value is Bag {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepMergeInto(target: Bag, source: Bag): void {
  for (const [key, value] of Object.entries(source)) {
    if (!(key in target)) target[key] = value;
    else if (isObject(target[key]) && isObject(value)) deepMergeInto(target[key] as Bag, value);
  }
}

const SEED_SECTION = /seed|setup|precondition/i;
/** What was sent, not what Shopify holds: ids in variables may name records that do not exist. */
const REQUEST_SECTION = /^(variables|proxyVariables|request|query|downstreamReadVariables)$/;
const SEEDED_TYPES = new Set(["Customer", "Order", "Product"]);

export interface CapturedRecords {
  byType: Map<string, Map<number, Bag>>;
  /** The first currency code the capture shows for shop money. */
  currencyCode: string | null;
}

/** Collects every Customer/Order/Product object in a capture, merged by id. */
export function collectCapturedRecords(capture: unknown): CapturedRecords {
  const byType = new Map<string, Map<number, Bag>>();
  let currencyCode: string | null = null;
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
      return;
    }
    if (!isObject(value) || REQUEST_SECTION.test(key)) return;
    if (
      currencyCode === null &&
      (key === "shopMoney" || key === "amountSpent") &&
      typeof value.currencyCode === "string"
    ) {
      currencyCode = value.currencyCode;
    }
    const gid = typeof value.id === "string" ? parseGid(value.id) : null;
    if (gid && SEEDED_TYPES.has(gid.type)) {
      const records = byType.get(gid.type) ?? new Map<number, Bag>();
      byType.set(gid.type, records);
      const existing = records.get(gid.id);
      if (existing) deepMergeInto(existing, structuredClone(value));
      else records.set(gid.id, structuredClone(value));
    }
    for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
  };
  if (isObject(capture)) {
    for (const [key, value] of Object.entries(capture)) if (SEED_SECTION.test(key)) visit(value, key);
    for (const [key, value] of Object.entries(capture)) if (!SEED_SECTION.test(key)) visit(value, key);
  }
  return { byType, currencyCode };
}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);
const bool = (value: unknown, fallback: boolean): boolean => (typeof value === "boolean" ? value : fallback);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

function nodesOf(connection: unknown): Bag[] {
  if (Array.isArray(connection)) return connection.filter(isObject);
  if (!isObject(connection)) return [];
  if (Array.isArray(connection.nodes)) return connection.nodes.filter(isObject);
  if (Array.isArray(connection.edges))
    return connection.edges
      .filter(isObject)
      .map((edge) => edge.node)
      .filter(isObject);
  return [];
}

function shopAmount(set: unknown): string | null {
  if (!isObject(set)) return null;
  const money = isObject(set.shopMoney) ? set.shopMoney : set;
  return str(money.amount);
}

function pair(set: unknown, fallback = "0.00"): MoneyPair {
  const shopMoney = shopAmount(set) ?? fallback;
  const presentment =
    isObject(set) && isObject(set.presentmentMoney) ? (str(set.presentmentMoney.amount) ?? shopMoney) : shopMoney;
  return { shop: shopMoney, presentment };
}

/** `formattedArea` is "City PC, Country"; the province code is only visible there when not selected itself. */
function provinceCodeFrom(bag: Bag): string | null {
  if (typeof bag.provinceCode === "string" || bag.provinceCode === null) return bag.provinceCode as string | null;
  const area = str(bag.formattedArea);
  const city = str(bag.city);
  if (!area || bag.province === null) return null;
  const locality = area.split(",")[0]!.trim();
  if (city && locality.startsWith(city)) {
    const rest = locality.slice(city.length).trim();
    return rest === "" ? null : rest;
  }
  return null;
}

function address(bag: Bag, id: number): AddressRecord {
  return {
    id,
    firstName: str(bag.firstName),
    lastName: str(bag.lastName),
    company: str(bag.company),
    address1: str(bag.address1),
    address2: str(bag.address2),
    city: str(bag.city),
    province: str(bag.province),
    provinceCode: provinceCodeFrom(bag),
    country: str(bag.country),
    countryCode: str(bag.countryCodeV2) ?? str(bag.countryCode),
    zip: str(bag.zip),
    phone: str(bag.phone),
  };
}

const DEFAULT_TIME = "2025-01-01T00:00:00Z";

export function customerFromCapture(store: EmulatorStore, id: number, bag: Bag): CustomerRecord {
  let firstName = str(bag.firstName);
  let lastName = str(bag.lastName);
  const displayName = str(bag.displayName);
  // Shopify falls back to the email for a nameless customer's displayName; selections without `email` show only that.
  const email =
    str(bag.email) ??
    (isObject(bag.defaultEmailAddress) ? str(bag.defaultEmailAddress.emailAddress) : null) ??
    (displayName?.includes("@") ? displayName : null);
  const phone = str(bag.phone) ?? (isObject(bag.defaultPhoneNumber) ? str(bag.defaultPhoneNumber.phoneNumber) : null);
  if (firstName === null && lastName === null && displayName && displayName !== email && displayName !== phone) {
    const [first, ...rest] = displayName.split(" ");
    firstName = first ?? null;
    lastName = rest.length ? rest.join(" ") : null;
  }
  const addresses: AddressRecord[] = [];
  if (isObject(bag.defaultAddress)) addresses.push(address(bag.defaultAddress, store.nextId()));
  const createdAt = str(bag.createdAt) ?? str(bag.updatedAt) ?? DEFAULT_TIME;
  const amountSpent = isObject(bag.amountSpent) ? (str(bag.amountSpent.amount) ?? "0.00") : "0.00";
  const numberOfOrders =
    typeof bag.numberOfOrders === "string" || typeof bag.numberOfOrders === "number" ? Number(bag.numberOfOrders) : 0;
  return {
    id,
    firstName,
    lastName,
    email,
    phone,
    note: str(bag.note),
    tags: strings(bag.tags),
    state: (str(bag.state) as CustomerRecord["state"] | null) ?? "DISABLED",
    verifiedEmail: bool(bag.verifiedEmail, email !== null),
    taxExempt: bool(bag.taxExempt, false),
    locale: str(bag.locale) ?? "en",
    createdAt,
    updatedAt: str(bag.updatedAt) ?? createdAt,
    emailMarketingConsent: null,
    smsMarketingConsent: null,
    addresses,
    defaultAddressId: addresses[0]?.id ?? null,
    amountSpent,
    numberOfOrders,
  };
}

function lineItemFromCapture(store: EmulatorStore, bag: Bag): LineItemRecord {
  const gid = typeof bag.id === "string" ? parseGid(bag.id) : null;
  const quantity = typeof bag.quantity === "number" ? bag.quantity : 1;
  const unit = pair(bag.originalUnitPriceSet);
  const variant = isObject(bag.variant) && typeof bag.variant.id === "string" ? parseGid(bag.variant.id) : null;
  const product = isObject(bag.product) && typeof bag.product.id === "string" ? parseGid(bag.product.id) : null;
  return {
    id: gid?.id ?? store.nextId(),
    title: str(bag.title) ?? "Item",
    variantTitle: str(bag.variantTitle),
    quantity,
    sku: str(bag.sku),
    vendor: str(bag.vendor),
    productId: product?.id ?? null,
    variantId: variant?.id ?? null,
    requiresShipping: bool(bag.requiresShipping, true),
    taxable: bool(bag.taxable, true),
    originalUnitPrice: unit,
    discountedTotal: pair(bag.discountedTotalSet, String(Number(unit.shop) * quantity)),
    totalDiscount: pair(bag.totalDiscountSet),
  };
}

export function orderFromCapture(store: EmulatorStore, id: number, bag: Bag, currencyCode: string): OrderRecord {
  const name = str(bag.name) ?? `#${1000 + (id % 1000)}`;
  const createdAt = str(bag.createdAt) ?? DEFAULT_TIME;
  const total = pair(bag.totalPriceSet ?? bag.currentTotalPriceSet);
  const customer = isObject(bag.customer) && typeof bag.customer.id === "string" ? parseGid(bag.customer.id) : null;
  const orderAddress = (value: unknown) => {
    if (!isObject(value)) return null;
    const { id: _ignored, ...rest } = address(value, 0);
    return rest;
  };
  return {
    id,
    name,
    number: Number(name.replace(/\D/g, "")) || 1001,
    customerId: customer?.id ?? null,
    email: str(bag.email),
    phone: str(bag.phone),
    createdAt,
    updatedAt: str(bag.updatedAt) ?? createdAt,
    processedAt: str(bag.processedAt) ?? createdAt,
    cancelledAt: str(bag.cancelledAt),
    cancelReason: (str(bag.cancelReason) as OrderRecord["cancelReason"]) ?? null,
    closedAt: str(bag.closedAt),
    financialStatus: (str(bag.displayFinancialStatus) as OrderRecord["financialStatus"] | null) ?? "PAID",
    fulfillmentStatus: (str(bag.displayFulfillmentStatus) as OrderRecord["fulfillmentStatus"] | null) ?? "UNFULFILLED",
    currencyCode,
    presentmentCurrencyCode: str(bag.presentmentCurrencyCode) ?? currencyCode,
    sourceName: str(bag.sourceName) ?? "web",
    tags: strings(bag.tags),
    note: str(bag.note),
    test: bool(bag.test, false),
    discountCodes: strings(bag.discountCodes),
    lineItems: nodesOf(bag.lineItems).map((item) => lineItemFromCapture(store, item)),
    subtotalPrice: pair(bag.subtotalPriceSet, total.shop),
    totalDiscounts: pair(bag.totalDiscountsSet),
    totalShipping: pair(bag.totalShippingPriceSet),
    totalTax: pair(bag.totalTaxSet),
    totalPrice: total,
    refunds: [],
    shippingAddress: orderAddress(bag.shippingAddress),
    billingAddress: orderAddress(bag.billingAddress),
  };
}

export function productFromCapture(id: number, bag: Bag): ProductRecord {
  const title = str(bag.title) ?? `Product ${id}`;
  const createdAt = str(bag.createdAt) ?? DEFAULT_TIME;
  return {
    id,
    title,
    handle: str(bag.handle) ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    vendor: str(bag.vendor) ?? "",
    productType: str(bag.productType) ?? "",
    tags: strings(bag.tags),
    status: (str(bag.status) as ProductRecord["status"] | null) ?? "ACTIVE",
    createdAt,
    updatedAt: str(bag.updatedAt) ?? createdAt,
    variants: nodesOf(bag.variants).flatMap((variant) => {
      const gid = typeof variant.id === "string" ? parseGid(variant.id) : null;
      return gid
        ? [
            {
              id: gid.id,
              title: str(variant.title) ?? "Default Title",
              sku: str(variant.sku),
              price: str(variant.price) ?? "0.00",
            },
          ]
        : [];
    }),
  };
}

export interface SeedSummary {
  customers: number;
  orders: number;
  products: number;
}

/** Writes the captured records into the shop, silently (no webhooks). */
export function seedFromCapture(store: EmulatorStore, shop: ShopRecord, records: CapturedRecords): SeedSummary {
  const summary: SeedSummary = { customers: 0, orders: 0, products: 0 };
  store.transaction(() => {
    for (const [id, bag] of records.byType.get("Customer") ?? []) {
      store.writeCustomerRow(shop.id, customerFromCapture(store, id, bag));
      summary.customers += 1;
    }
    for (const [id, bag] of records.byType.get("Product") ?? []) {
      store.putProduct(shop.id, productFromCapture(id, bag), { silent: true });
      summary.products += 1;
    }
    for (const [id, bag] of records.byType.get("Order") ?? []) {
      // Rows only: the captured customer totals (amountSpent, numberOfOrders) are Shopify's, not recomputed.
      store.writeOrderRow(shop.id, orderFromCapture(store, id, bag, shop.currencyCode));
      summary.orders += 1;
    }
  });
  return summary;
}

/** Plain filler customers (for scenarios whose counts cover the whole live store). */
export function padCustomers(store: EmulatorStore, shop: ShopRecord, total: number): void {
  const missing = total - store.count("customers", shop.id);
  if (missing <= 0) return;
  const first = store.nextId(missing);
  store.transaction(() => {
    for (let index = 0; index < missing; index += 1) {
      store.writeCustomerRow(
        shop.id,
        customerFromCapture(store, first + index, {
          firstName: "Filler",
          lastName: String(index),
          createdAt: DEFAULT_TIME,
        }),
      );
    }
  });
}

/** Plain filler orders, older than anything captured, for scenarios that count the whole live store. */
export function padOrders(store: EmulatorStore, shop: ShopRecord, total: number): void {
  const missing = total - store.count("orders", shop.id);
  if (missing <= 0) return;
  const first = store.nextId(missing);
  store.transaction(() => {
    for (let index = 0; index < missing; index += 1) {
      store.writeOrderRow(
        shop.id,
        orderFromCapture(
          store,
          first + index,
          { name: `#${100 + index}`, createdAt: "2020-01-01T00:00:00Z" },
          shop.currencyCode,
        ),
      );
    }
  });
}

// ---- bulk operations ----------------------------------------------------------------------------------------------

interface CapturedBulkOperation {
  fields: Bag;
  /** First seen in a `bulkOperationRunQuery` payload: the capture made it rather than found it. */
  createdByCapture: boolean;
  /** Sub-second times from list cursors (`last_value`), by the seconds-precision ISO time they refine. */
  preciseTimes: Map<string, string>;
}

function decodeCapturedCursor(cursor: unknown): { id: number; value: string | null } | null {
  if (typeof cursor !== "string") return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as {
      last_id?: unknown;
      last_value?: unknown;
    };
    return typeof parsed.last_id === "number"
      ? { id: parsed.last_id, value: typeof parsed.last_value === "string" ? parsed.last_value : null }
      : null;
  } catch {
    return null;
  }
}

/**
 * Every BulkOperation the capture shows, as the live store held it before the replayed requests act on it: the
 * latest state seen (fields merged, later wins) up to the first successful `bulkOperationCancel` of it (the
 * replay sends that cancel itself). Operations the capture's own `bulkOperationRunQuery` created are kept only
 * when a replayed request names them by id (`named`; otherwise the replay's own run stands for them).
 */
export function collectBulkOperations(
  capture: unknown,
  named: ReadonlySet<number>,
): Map<number, CapturedBulkOperation> {
  const operations = new Map<number, CapturedBulkOperation>();
  const frozen = new Set<number>();
  const cursors: { id: number; value: string }[] = [];
  const entry = (id: number): CapturedBulkOperation => {
    let found = operations.get(id);
    if (!found) {
      found = { fields: {}, createdByCapture: false, preciseTimes: new Map() };
      operations.set(id, found);
    }
    return found;
  };
  const visitNode = (value: unknown, key: string, within: "run" | null): void => {
    if (Array.isArray(value)) {
      for (const item of value) visitNode(item, key, within);
      return;
    }
    if (!isObject(value)) {
      if (key === "cursor" || key === "startCursor" || key === "endCursor") {
        const cursor = decodeCapturedCursor(value);
        if (cursor?.value) cursors.push({ id: cursor.id, value: cursor.value });
      }
      return;
    }
    if (REQUEST_SECTION.test(key)) return;
    const gid = typeof value.id === "string" ? parseGid(value.id) : null;
    if (gid?.type === "BulkOperation" && typeof value.status === "string") {
      if (!frozen.has(gid.id)) {
        const found = entry(gid.id);
        if (within === "run" && Object.keys(found.fields).length === 0) found.createdByCapture = true;
        Object.assign(found.fields, structuredClone(value));
      }
    }
    for (const [childKey, child] of Object.entries(value)) {
      if (childKey === "bulkOperationCancel" && isObject(child)) {
        const cancelled = isObject(child.bulkOperation) ? child.bulkOperation : null;
        const cancelGid = cancelled && typeof cancelled.id === "string" ? parseGid(cancelled.id) : null;
        const succeeded = Array.isArray(child.userErrors) && child.userErrors.length === 0;
        if (cancelGid && succeeded) frozen.add(cancelGid.id);
        continue;
      }
      visitNode(child, childKey, childKey === "bulkOperationRunQuery" ? "run" : within);
    }
  };
  if (isObject(capture)) {
    for (const [key, value] of Object.entries(capture)) if (SEED_SECTION.test(key)) visitNode(value, key, null);
    for (const [key, value] of Object.entries(capture)) if (!SEED_SECTION.test(key)) visitNode(value, key, null);
  }
  for (const cursor of cursors) {
    const found = operations.get(cursor.id);
    if (!found) continue;
    // "2026-05-05 20:34:00.379572" refines "2026-05-05T20:34:00Z"
    const seconds = `${cursor.value.slice(0, 10)}T${cursor.value.slice(11, 19)}Z`;
    found.preciseTimes.set(seconds, `${cursor.value.slice(0, 10)}T${cursor.value.slice(11)}Z`);
  }
  for (const [id, found] of operations) if (found.createdByCapture && !named.has(id)) operations.delete(id);
  return operations;
}

const counter = (value: unknown): number =>
  typeof value === "string" || typeof value === "number" ? Number(value) : 0;

/** The captured operations as emulator records of `clientId` (the replay's app), with Shopify's signed URLs. */
export function bulkOperationRecords(
  captured: Map<number, CapturedBulkOperation>,
  shopId: number,
  clientId: string,
): BulkOperationRecord[] {
  return [...captured].map(([id, { fields, preciseTimes }]) => {
    const status = str(fields.status) as BulkOperationStatus;
    const createdAt = str(fields.createdAt) ?? DEFAULT_TIME;
    const completedAt = str(fields.completedAt);
    const created = preciseTimes.get(createdAt);
    const completed = completedAt ? preciseTimes.get(completedAt) : undefined;
    return {
      id,
      shopId,
      clientId,
      type: (str(fields.type) as BulkOperationRecord["type"] | null) ?? "QUERY",
      status,
      errorCode: (str(fields.errorCode) as BulkOperationRecord["errorCode"]) ?? null,
      query: str(fields.query) ?? "",
      groupObjects: false,
      // A time seen in a cursor refines only the one field it matches (both equal to the second: ambiguous).
      createdAt: created && created !== completed ? created : createdAt,
      completedAt: completed && completed !== created ? completed : completedAt,
      objectCount: counter(fields.objectCount),
      rootObjectCount: counter(fields.rootObjectCount),
      fileSize: fields.fileSize === null || fields.fileSize === undefined ? null : counter(fields.fileSize),
      resultToken: null,
      partialToken: null,
      cancelRequested: status === "CANCELING",
      importedUrls: { url: str(fields.url), partialDataUrl: str(fields.partialDataUrl) },
    } satisfies BulkOperationRecord;
  });
}
