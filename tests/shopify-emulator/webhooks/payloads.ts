/**
 * Webhook bodies in Shopify's REST shapes (webhooks still speak REST JSON, whatever the subscription's API
 * version): money as decimal strings, snake_case keys, enum values in lower case, timestamps with the shop's
 * UTC offset.
 */
import { addMoney, subtractMoney } from "../store/money.js";
import type { EmulatorStore } from "../store/store.js";
import {
  toGid,
  type AddressRecord,
  type CustomerRecord,
  type MarketingConsent,
  type MoneyPair,
  type OrderRecord,
  type RefundRecord,
  type ShopRecord,
} from "../store/types.js";

export type JsonObject = { [key: string]: unknown };

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** `2024-11-10T10:30:00-05:00`: how Shopify writes REST timestamps, in the shop's time zone. */
export function restTimestamp(iso: string | null, timeZone: string): string | null {
  if (iso === null) return null;
  const date = new Date(iso);
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(date)) parts[part.type] = part.value;
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMinutes = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/**
 * Since 2025-01 customer objects in webhooks no longer carry `tags`, `email_marketing_consent` and
 * `sms_marketing_consent` (Shopify changelog "New customer's webhook and changes to existing customer's webhooks
 * payload"); the purchase summary (`orders_count`, `total_spent`, `last_order_*`) moved to
 * `customers/purchasing_summary` in the same change (that part from memory of the changelog: unconfirmed).
 */
export function customerPayloadIsSlim(apiVersion: string): boolean {
  return apiVersion >= "2025-01";
}

function moneySet(amount: MoneyPair, shopCurrency: string, presentmentCurrency: string): JsonObject {
  return {
    shop_money: { amount: amount.shop, currency_code: shopCurrency },
    presentment_money: { amount: amount.presentment, currency_code: presentmentCurrency },
  };
}

function restAddress(address: Omit<AddressRecord, "id"> | null): JsonObject | null {
  if (!address) return null;
  const name = [address.firstName, address.lastName].filter(Boolean).join(" ");
  return {
    first_name: address.firstName,
    address1: address.address1,
    phone: address.phone,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: address.lastName,
    address2: address.address2,
    company: address.company,
    latitude: null,
    longitude: null,
    name,
    country_code: address.countryCode,
    province_code: address.provinceCode,
  };
}

function restCustomerAddress(customerId: number, address: AddressRecord, isDefault: boolean): JsonObject {
  return {
    id: address.id,
    customer_id: customerId,
    ...restAddress(address),
    country_name: address.country,
    default: isDefault,
  };
}

function restConsent(consent: MarketingConsent | null, timeZone: string, kind: "email" | "sms"): JsonObject | null {
  if (!consent) return null;
  return {
    state: consent.marketingState.toLowerCase(),
    opt_in_level: consent.marketingOptInLevel?.toLowerCase() ?? null,
    consent_updated_at: restTimestamp(consent.consentUpdatedAt, timeZone),
    ...(kind === "sms" ? { consent_collected_from: "OTHER" } : {}),
  };
}

export function restCustomer(
  customer: CustomerRecord,
  shop: ShopRecord,
  apiVersion: string,
  lastOrder: { id: number; name: string } | null = null,
): JsonObject {
  const tz = shop.ianaTimezone;
  const defaultAddress = customer.addresses.find((address) => address.id === customer.defaultAddressId) ?? null;
  const slim = customerPayloadIsSlim(apiVersion);
  return {
    id: customer.id,
    email: customer.email,
    created_at: restTimestamp(customer.createdAt, tz),
    updated_at: restTimestamp(customer.updatedAt, tz),
    first_name: customer.firstName,
    last_name: customer.lastName,
    ...(slim
      ? {}
      : {
          orders_count: customer.numberOfOrders,
          total_spent: customer.amountSpent,
          last_order_id: lastOrder?.id ?? null,
          last_order_name: lastOrder?.name ?? null,
        }),
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: customer.taxExempt,
    ...(slim ? {} : { tags: customer.tags.join(", ") }),
    currency: shop.currencyCode,
    phone: customer.phone,
    addresses: customer.addresses.map((address) =>
      restCustomerAddress(customer.id, address, address.id === customer.defaultAddressId),
    ),
    tax_exemptions: [],
    ...(slim
      ? {}
      : {
          email_marketing_consent: restConsent(customer.emailMarketingConsent, tz, "email"),
          sms_marketing_consent: restConsent(customer.smsMarketingConsent, tz, "sms"),
        }),
    admin_graphql_api_id: toGid("Customer", customer.id),
    default_address: defaultAddress ? restCustomerAddress(customer.id, defaultAddress, true) : null,
  };
}

function refundTransactionId(refund: RefundRecord): number {
  // The store keeps no transactions; the id after the refund's is reserved for its transaction.
  return refund.id + 1;
}

export function restRefund(refund: RefundRecord, order: OrderRecord, shop: ShopRecord): JsonObject {
  const tz = shop.ianaTimezone;
  const shopCurrency = order.currencyCode;
  const presentment = order.presentmentCurrencyCode;
  const zero: MoneyPair = { shop: "0.00", presentment: "0.00" };
  return {
    id: refund.id,
    admin_graphql_api_id: toGid("Refund", refund.id),
    created_at: restTimestamp(refund.createdAt, tz),
    note: refund.note,
    order_id: order.id,
    processed_at: restTimestamp(refund.createdAt, tz),
    restock: refund.refundLineItems.some((item) => item.restockType !== "NO_RESTOCK"),
    total_duties_set: moneySet(zero, shopCurrency, presentment),
    user_id: null,
    order_adjustments: [],
    transactions: [
      {
        id: refundTransactionId(refund),
        admin_graphql_api_id: `gid://shopify/OrderTransaction/${refundTransactionId(refund)}`,
        amount: refund.totalRefunded.shop,
        authorization: null,
        created_at: restTimestamp(refund.createdAt, tz),
        currency: shopCurrency,
        device_id: null,
        error_code: null,
        gateway: "bogus",
        kind: "refund",
        location_id: null,
        message: "Bogus Gateway: Forced success",
        order_id: order.id,
        parent_id: null,
        processed_at: restTimestamp(refund.createdAt, tz),
        source_name: "web",
        status: "success",
        test: order.test,
        user_id: null,
      },
    ],
    refund_line_items: refund.refundLineItems.map((item) => {
      const lineItem = order.lineItems.find((line) => line.id === item.lineItemId);
      return {
        id: item.id,
        line_item_id: item.lineItemId,
        location_id: null,
        quantity: item.quantity,
        restock_type: item.restockType.toLowerCase(),
        subtotal: Number(item.subtotal.shop),
        subtotal_set: moneySet(item.subtotal, shopCurrency, presentment),
        total_tax: 0,
        total_tax_set: moneySet(zero, shopCurrency, presentment),
        line_item: lineItem ? restLineItem(lineItem, order) : null,
      };
    }),
    duties: [],
  };
}

function restLineItem(line: OrderRecord["lineItems"][number], order: OrderRecord): JsonObject {
  const shopCurrency = order.currencyCode;
  const presentment = order.presentmentCurrencyCode;
  const refunded = order.refunds
    .flatMap((refund) => refund.refundLineItems)
    .filter((item) => item.lineItemId === line.id)
    .reduce((sum, item) => sum + item.quantity, 0);
  const fulfilled = order.fulfillmentStatus === "FULFILLED";
  return {
    id: line.id,
    admin_graphql_api_id: toGid("LineItem", line.id),
    attributed_staffs: [],
    current_quantity: Math.max(0, line.quantity - refunded),
    fulfillable_quantity: fulfilled || order.cancelledAt ? 0 : Math.max(0, line.quantity - refunded),
    fulfillment_service: "manual",
    fulfillment_status: fulfilled ? "fulfilled" : null,
    gift_card: false,
    grams: 0,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    price: line.originalUnitPrice.shop,
    price_set: moneySet(line.originalUnitPrice, shopCurrency, presentment),
    product_exists: line.productId !== null,
    product_id: line.productId,
    properties: [],
    quantity: line.quantity,
    requires_shipping: line.requiresShipping,
    sku: line.sku,
    taxable: line.taxable,
    title: line.title,
    total_discount: line.totalDiscount.shop,
    total_discount_set: moneySet(line.totalDiscount, shopCurrency, presentment),
    variant_id: line.variantId,
    variant_inventory_management: "shopify",
    variant_title: line.variantTitle,
    vendor: line.vendor,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}

export function restOrder(
  order: OrderRecord,
  shop: ShopRecord,
  customer: CustomerRecord | null,
  apiVersion: string,
): JsonObject {
  const tz = shop.ianaTimezone;
  const shopCurrency = order.currencyCode;
  const presentment = order.presentmentCurrencyCode;
  const set = (amount: MoneyPair): JsonObject => moneySet(amount, shopCurrency, presentment);
  const refunded: MoneyPair = order.refunds.reduce<MoneyPair>(
    (sum, refund) => ({
      shop: addMoney(sum.shop, refund.totalRefunded.shop),
      presentment: addMoney(sum.presentment, refund.totalRefunded.presentment),
    }),
    { shop: "0.00", presentment: "0.00" },
  );
  const current: MoneyPair = order.cancelledAt
    ? { shop: "0.00", presentment: "0.00" }
    : {
        shop: subtractMoney(order.totalPrice.shop, refunded.shop),
        presentment: subtractMoney(order.totalPrice.presentment, refunded.presentment),
      };
  const lineItemsPrice: MoneyPair = order.lineItems.reduce<MoneyPair>(
    (sum, line) => ({
      shop: addMoney(sum.shop, multiplyString(line.originalUnitPrice.shop, line.quantity)),
      presentment: addMoney(sum.presentment, multiplyString(line.originalUnitPrice.presentment, line.quantity)),
    }),
    { shop: "0.00", presentment: "0.00" },
  );
  return {
    id: order.id,
    admin_graphql_api_id: toGid("Order", order.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: customer?.emailMarketingConsent?.marketingState === "SUBSCRIBED",
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    cancelled_at: restTimestamp(order.cancelledAt, tz),
    closed_at: restTimestamp(order.closedAt, tz),
    confirmed: true,
    contact_email: order.email,
    created_at: restTimestamp(order.createdAt, tz),
    currency: shopCurrency,
    current_subtotal_price: order.cancelledAt ? "0.00" : subtractMoney(order.subtotalPrice.shop, refunded.shop),
    current_total_discounts: order.totalDiscounts.shop,
    current_total_price: current.shop,
    current_total_price_set: set(current),
    current_total_tax: order.totalTax.shop,
    customer_locale: customer?.locale ?? "en",
    discount_codes: order.discountCodes.map((code, index) => ({
      code,
      amount: index === 0 ? order.totalDiscounts.shop : "0.00",
      type: "percentage",
    })),
    email: order.email,
    estimated_taxes: false,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: restFulfillmentStatus(order),
    name: order.name,
    note: order.note,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    phone: order.phone,
    presentment_currency: presentment,
    processed_at: restTimestamp(order.processedAt, tz),
    source_name: order.sourceName,
    subtotal_price: order.subtotalPrice.shop,
    subtotal_price_set: set(order.subtotalPrice),
    tags: order.tags.join(", "),
    tax_lines: [],
    taxes_included: false,
    test: order.test,
    total_discounts: order.totalDiscounts.shop,
    total_discounts_set: set(order.totalDiscounts),
    total_line_items_price: lineItemsPrice.shop,
    total_line_items_price_set: set(lineItemsPrice),
    total_outstanding: ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.financialStatus)
      ? "0.00"
      : current.shop,
    total_price: order.totalPrice.shop,
    total_price_set: set(order.totalPrice),
    total_shipping_price_set: set(order.totalShipping),
    total_tax: order.totalTax.shop,
    total_tax_set: set(order.totalTax),
    total_weight: 0,
    updated_at: restTimestamp(order.updatedAt, tz),
    user_id: null,
    billing_address: restAddress(order.billingAddress),
    customer: customer ? restCustomer(customer, shop, apiVersion) : null,
    fulfillments: [],
    line_items: order.lineItems.map((line) => restLineItem(line, order)),
    payment_terms: null,
    refunds: order.refunds.map((refund) => restRefund(refund, order, shop)),
    shipping_address: restAddress(order.shippingAddress),
    shipping_lines: [],
  };
}

function restFulfillmentStatus(order: OrderRecord): string | null {
  switch (order.fulfillmentStatus) {
    case "FULFILLED":
      return "fulfilled";
    case "PARTIALLY_FULFILLED":
      return "partial";
    case "RESTOCKED":
      return "restocked";
    default:
      return null;
  }
}

function multiplyString(amount: string, quantity: number): string {
  let sum = "0.00";
  for (let i = 0; i < quantity; i += 1) sum = addMoney(sum, amount);
  return sum;
}

/** The REST Shop, as `app/uninstalled` and `shop/update` carry it. */
export function restShop(shop: ShopRecord): JsonObject {
  const tz = shop.ianaTimezone;
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    province: null,
    country: shop.countryCode,
    address1: null,
    zip: null,
    city: null,
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "en",
    address2: null,
    created_at: restTimestamp(shop.createdAt, tz),
    updated_at: restTimestamp(shop.createdAt, tz),
    country_code: shop.countryCode,
    country_name: shop.countryCode,
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: `(GMT) ${tz}`,
    iana_timezone: tz,
    shop_owner: shop.name,
    money_format: "${{amount}}",
    money_with_currency_format: `\${{amount}} ${shop.currencyCode}`,
    weight_unit: "kg",
    province_code: null,
    taxes_included: false,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: shop.plan.charAt(0) + shop.plan.slice(1).toLowerCase(),
    plan_name: shop.plan.toLowerCase(),
    has_discounts: true,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: "${{amount}}",
    money_with_currency_in_emails_format: `\${{amount}} ${shop.currencyCode}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: null,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currencyCode],
    marketing_sms_consent_enabled_at_checkout: false,
    transactional_sms_disabled: false,
  };
}

/** Builds the body for a store change, or null when the resource is gone (deleted before dispatch). */
export function payloadForChange(
  store: EmulatorStore,
  shop: ShopRecord,
  topic: string,
  resourceId: number | string,
  snapshot: unknown,
  apiVersion: string,
): JsonObject | null {
  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/paid":
    case "orders/cancelled":
    case "orders/fulfilled":
    case "orders/edited": {
      const order = store.getOrder(shop.id, Number(resourceId));
      if (!order) return null;
      const customer = order.customerId !== null ? store.getCustomer(shop.id, order.customerId) : null;
      return restOrder(order, shop, customer, apiVersion);
    }
    case "refunds/create": {
      const order = store.getOrder(shop.id, Number(resourceId));
      const refund = order?.refunds.at(-1);
      if (!order || !refund) return null;
      return restRefund(refund, order, shop);
    }
    case "customers/create":
    case "customers/update": {
      const customer = store.getCustomer(shop.id, Number(resourceId));
      return customer ? restCustomer(customer, shop, apiVersion) : null;
    }
    case "customers/delete":
    case "orders/delete":
      return { id: Number(resourceId) };
    case "app/uninstalled":
      return restShop(shop);
    case "app/scopes_update": {
      const extra = isObject(snapshot) ? snapshot : {};
      return { id: resourceId, ...extra, updated_at: restTimestamp(store.nowIso(), shop.ianaTimezone) };
    }
    case "products/create":
    case "products/update": {
      const product = store.getRecord<JsonObject>("products", shop.id, Number(resourceId));
      return product
        ? { id: Number(resourceId), admin_graphql_api_id: toGid("Product", Number(resourceId)), ...snake(product) }
        : null;
    }
    default:
      return isObject(snapshot) ? snapshot : { id: resourceId };
  }
}

function snake(record: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(record)) {
    out[key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)] = value;
  }
  return out;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Compliance payloads as shopify.dev documents them for the mandatory topics. */
export function compliancePayload(
  shop: ShopRecord,
  topic: "customers/data_request" | "customers/redact" | "shop/redact",
  input: { customer?: { id: number; email: string | null; phone: string | null }; orderIds?: number[] } = {},
): JsonObject {
  const base = { shop_id: shop.id, shop_domain: shop.domain };
  const customer = input.customer ?? { id: 0, email: null, phone: null };
  switch (topic) {
    case "customers/data_request":
      return {
        ...base,
        orders_requested: input.orderIds ?? [],
        customer,
        data_request: { id: Math.floor(Math.random() * 1_000_000_000) },
      };
    case "customers/redact":
      return { ...base, customer, orders_to_redact: input.orderIds ?? [] };
    case "shop/redact":
      return base;
  }
}
