/**
 * The emulator's own JSON API under `/_emulator/…`: what a test (or the app's dev script) uses to set up shops and
 * make things happen in them. Every write goes through the store, so the app hears about it by webhook exactly as
 * it would from Shopify.
 */
import { z, ZodError, type ZodType, type ZodTypeDef } from "zod";
import type { EmulatorContext } from "../context.js";
import { json, type EmulatorRequest, type EmulatorResponse, type Router } from "../http.js";
import { installApp, issueOfflineToken, uninstallApp, getInstallation, revokeShopTokens } from "../auth/tokens.js";
import { mintSessionToken } from "../auth/session-token.js";
import { generateDemoStore, RATES_PER_USD } from "../demo/generator.js";
import { addMoney, fromUnits, multiplyMoney, subtractMoney, toUnits } from "../store/money.js";
import type {
  AddressRecord,
  CustomerRecord,
  LineItemRecord,
  MarketingConsent,
  MoneyPair,
  OrderRecord,
  ProductRecord,
  RefundRecord,
  ShopRecord,
} from "../store/types.js";
import type { StoreTopic } from "../store/store.js";
import { parseGid } from "../store/types.js";
import { storedDiscountTerms, recordDiscountUse } from "../graphql/resolvers/discounts.js";
import { COMPLIANCE_TOPICS, orderIdsOfCustomer, type WebhookDispatcher } from "../webhooks/dispatcher.js";
import { compliancePayload, type JsonObject } from "../webhooks/payloads.js";
import { failNextBulkOperation, setBulkOperationDelay } from "../bulk/runner.js";
import { delayNextBulkMutation, failNextBulkMutation, resetBulkMutationKnobs } from "../bulk/mutation-runner.js";

export const CONTROL_PREFIX = "/_emulator";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// ---- input schemas (exported so the typed client shares them) ------------------------------------------------

const id = z
  .union([z.number().int().positive(), z.string().regex(/^(\d+|gid:\/\/shopify\/[A-Za-z]+\/\d+)$/)])
  .transform((value) =>
    typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : parseGid(value)!.id,
  );
const money = z
  .union([z.string().regex(/^\d+(\.\d{1,4})?$/), z.number().nonnegative()])
  .transform((value) => fromUnits(toUnits(typeof value === "number" ? value.toFixed(4) : value)));
const plan = z.enum(["BASIC", "STANDARD", "ADVANCED", "PLUS", "ENTERPRISE"]);
const address = z
  .object({
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    province: z.string().nullish(),
    provinceCode: z.string().nullish(),
    country: z.string().nullish(),
    countryCode: z.string().length(2).nullish(),
    zip: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .strict();
const consent = z
  .object({
    marketingState: z.enum(["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING", "REDACTED", "INVALID"]),
    marketingOptInLevel: z.enum(["SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN"]).nullish(),
    consentUpdatedAt: z.string().datetime().nullish(),
  })
  .strict();
const tags = z.union([z.string(), z.array(z.string())]);

export const schemas = {
  createShop: z
    .object({
      domain: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]*(\.myshopify\.com)?$/, "domain must be a handle or <handle>.myshopify.com"),
      name: z.string().min(1).optional(),
      plan: plan.optional(),
      currencyCode: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      ianaTimezone: z.string().optional(),
      countryCode: z.string().length(2).optional(),
      email: z.string().email().optional(),
    })
    .strict(),
  install: z.object({ scopes: z.array(z.string()).optional(), expiring: z.boolean().optional() }).strict(),
  plan: z.object({ plan }).strict(),
  seed: z
    .object({
      seed: z.union([z.number(), z.string()]),
      customers: z.number().int().min(0).max(2_000_000),
      orders: z.number().int().min(0).max(5_000_000),
      products: z.number().int().min(1).max(10_000).optional(),
      now: z.string().datetime().optional(),
    })
    .strict(),
  customer: z
    .object({
      firstName: z.string().nullish(),
      lastName: z.string().nullish(),
      email: z.string().email().nullish(),
      phone: z
        .string()
        .regex(/^\+\d{6,15}$/, "phone must be E.164, like +14155550123")
        .nullish(),
      note: z.string().nullish(),
      tags: tags.optional(),
      state: z.enum(["ENABLED", "DISABLED", "INVITED", "DECLINED"]).optional(),
      locale: z.string().optional(),
      taxExempt: z.boolean().optional(),
      addresses: z.array(address).max(20).optional(),
      emailMarketingConsent: consent.nullish(),
      smsMarketingConsent: consent.nullish(),
      createdAt: z.string().datetime().optional(),
    })
    .strict(),
  createOrder: z
    .object({
      customerId: id.nullish(),
      email: z.string().email().nullish(),
      phone: z.string().nullish(),
      lineItems: z
        .array(
          z
            .object({
              variantId: id.optional(),
              productId: id.optional(),
              title: z.string().optional(),
              price: money.optional(),
              quantity: z.number().int().min(1).max(10_000),
              sku: z.string().optional(),
              requiresShipping: z.boolean().optional(),
            })
            .strict(),
        )
        .min(1, "an order needs at least one line item")
        .max(250),
      discountCodes: z
        .array(
          z.union([
            z.string().min(1),
            z
              .object({
                code: z.string().min(1),
                percentage: z.number().min(0).max(100).optional(),
                amount: money.optional(),
              })
              .strict(),
          ]),
        )
        .max(5)
        .optional(),
      presentmentCurrency: z
        .string()
        .regex(/^[A-Z]{3}$/)
        .optional(),
      shipping: money.optional(),
      taxRate: z.number().min(0).max(1).optional(),
      financialStatus: z.enum(["PENDING", "AUTHORIZED", "PAID"]).optional(),
      sourceName: z.string().optional(),
      tags: tags.optional(),
      note: z.string().nullish(),
      test: z.boolean().optional(),
      processedAt: z.string().datetime().optional(),
      shippingAddress: address.nullish(),
      billingAddress: address.nullish(),
    })
    .strict(),
  cancel: z
    .object({
      reason: z.enum(["CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "OTHER", "STAFF"]).optional(),
      refund: z.boolean().optional(),
      restock: z.boolean().optional(),
    })
    .strict(),
  refund: z
    .object({
      lineItems: z.array(z.object({ lineItemId: id, quantity: z.number().int().min(1) }).strict()).default([]),
      amount: money.optional(),
      note: z.string().nullish(),
      restock: z.boolean().optional(),
    })
    .strict()
    .refine((value) => value.lineItems.length > 0 || value.amount !== undefined, "give lineItems, amount, or both"),
  editOrder: z
    .object({
      tags: tags.optional(),
      note: z.string().nullish(),
      email: z.string().email().nullish(),
      phone: z.string().nullish(),
      shippingAddress: address.nullish(),
    })
    .strict(),
  fire: z
    .object({
      topic: z.string().regex(/^[a-z_]+\/[a-z_]+$/, "topic looks like orders/create"),
      payload: z.record(z.unknown()).optional(),
      customerId: id.optional(),
    })
    .strict(),
  chaos: z
    .object({
      duplicateRate: z.number().min(0).max(1).optional(),
      dropRate: z.number().min(0).max(1).optional(),
      delayMs: z.number().int().min(0).max(3_600_000).optional(),
      delayRate: z.number().min(0).max(1).optional(),
      reorderWindow: z.number().int().min(0).max(10_000).optional(),
      seed: z.number().int().optional(),
    })
    .strict(),
  bulkFailure: z
    .object({
      type: z.enum(["query", "mutation"]).default("mutation"),
      errorCode: z.enum(["ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT"]).default("INTERNAL_SERVER_ERROR"),
      /** Mutation operations: lines applied before the failure (their results become partial data). */
      afterLines: z.number().int().min(0).optional(),
    })
    .strict(),
  bulkDelay: z
    .object({
      /** "mutation": the shop's next mutation operation stays RUNNING this long after its last line. "start": every
       * operation (all shops) stays CREATED this long before it runs (0 clears it). */
      kind: z.enum(["mutation", "start"]).default("mutation"),
      ms: z.number().int().min(0).max(86_400_000),
    })
    .strict(),
  sessionToken: z
    .object({
      userId: z.union([z.string(), z.number()]).optional(),
      ttlSeconds: z.number().int().positive().optional(),
    })
    .strict(),
};

export type CreateShopInput = z.input<typeof schemas.createShop>;
export type InstallInput = z.input<typeof schemas.install>;
export type SeedInput = z.input<typeof schemas.seed>;
export type CustomerInput = z.input<typeof schemas.customer>;
export type CreateOrderInput = z.input<typeof schemas.createOrder>;
export type CancelInput = z.input<typeof schemas.cancel>;
export type RefundInput = z.input<typeof schemas.refund>;
export type EditOrderInput = z.input<typeof schemas.editOrder>;
export type FireInput = z.input<typeof schemas.fire>;
export type ChaosInput = z.input<typeof schemas.chaos>;
export type SessionTokenInput = z.input<typeof schemas.sessionToken>;
export type BulkFailureInput = z.input<typeof schemas.bulkFailure>;
export type BulkDelayInput = z.input<typeof schemas.bulkDelay>;

// ---- helpers ---------------------------------------------------------------------------------------------------

function parseBody<T>(request: EmulatorRequest, schema: ZodType<T, ZodTypeDef, unknown>): T {
  let raw: unknown = {};
  if (request.rawBody.length > 0) {
    try {
      raw = JSON.parse(request.rawBody.toString("utf8"));
    } catch {
      throw new HttpError(400, "Body is not valid JSON");
    }
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw result.error;
  return result.data;
}

function describeZod(error: ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}

/** Shopify splits tags on commas, trims them and folds case-insensitive duplicates (see the captures). */
export function normalizeTags(input: string | string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of (Array.isArray(input) ? input : [input]).flatMap((item) => item.split(","))) {
    const trimmed = tag.trim();
    if (!trimmed || seen.has(trimmed.toLowerCase())) continue;
    seen.add(trimmed.toLowerCase());
    out.push(trimmed.slice(0, 255));
  }
  return out;
}

function fullAddress(input: z.infer<typeof address>): Omit<AddressRecord, "id"> {
  return {
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    company: input.company ?? null,
    address1: input.address1 ?? null,
    address2: input.address2 ?? null,
    city: input.city ?? null,
    province: input.province ?? null,
    provinceCode: input.provinceCode ?? null,
    country: input.country ?? null,
    countryCode: input.countryCode ?? null,
    zip: input.zip ?? null,
    phone: input.phone ?? null,
  };
}

function fullConsent(input: z.infer<typeof consent> | null | undefined, now: string): MarketingConsent | null {
  if (!input) return null;
  return {
    marketingState: input.marketingState,
    marketingOptInLevel: input.marketingOptInLevel ?? null,
    consentUpdatedAt: input.consentUpdatedAt ?? now,
  };
}

function ratePerShopUnit(shopCurrency: string, presentment: string): number {
  const shopRate = RATES_PER_USD[shopCurrency];
  const presentmentRate = RATES_PER_USD[presentment];
  if (shopRate === undefined || presentmentRate === undefined) {
    if (shopCurrency === presentment) return 1;
    throw new HttpError(
      400,
      `presentmentCurrency: no rate for ${presentment} (known: ${Object.keys(RATES_PER_USD).join(", ")})`,
    );
  }
  return presentmentRate / shopRate;
}

function sumPairs(pairs: MoneyPair[]): MoneyPair {
  return pairs.reduce<MoneyPair>(
    (sum, pair) => ({ shop: addMoney(sum.shop, pair.shop), presentment: addMoney(sum.presentment, pair.presentment) }),
    { shop: "0.00", presentment: "0.00" },
  );
}

function compareMoney(a: string, b: string): number {
  const diff = toUnits(a) - toUnits(b);
  return diff === 0n ? 0 : diff > 0n ? 1 : -1;
}

// ---- registration ----------------------------------------------------------------------------------------------

export function registerControl(router: Router, ctx: EmulatorContext, webhooks: WebhookDispatcher): void {
  const { store } = ctx;

  const route = (
    method: string,
    path: string,
    handler: (request: EmulatorRequest) => Promise<unknown> | unknown,
    status = 200,
  ): void => {
    router.add(method, `${CONTROL_PREFIX}${path}`, async (request): Promise<EmulatorResponse> => {
      try {
        const result = await handler(request);
        return json(status, result ?? { ok: true });
      } catch (error) {
        if (error instanceof ZodError) return json(400, { error: describeZod(error), issues: error.issues });
        if (error instanceof HttpError) return json(error.status, { error: error.message });
        throw error;
      }
    });
  };

  const shopOf = (request: EmulatorRequest): ShopRecord => {
    const key = request.params.shop ?? "";
    const shop = /^\d+$/.test(key)
      ? store.getShop(Number(key))
      : store.getShopByDomain(key.includes(".") ? key : `${key}.myshopify.com`);
    if (!shop) throw new HttpError(404, `No shop ${key}`);
    return shop;
  };
  const numericParam = (request: EmulatorRequest, name: string): number => {
    const parsed = id.safeParse(request.params[name]);
    if (!parsed.success) throw new HttpError(400, `${name}: not an id`);
    return parsed.data;
  };
  const orderOf = (shop: ShopRecord, request: EmulatorRequest): OrderRecord => {
    const order = store.getOrder(shop.id, numericParam(request, "id"));
    if (!order) throw new HttpError(404, `No order ${request.params.id} in ${shop.domain}`);
    return order;
  };

  // -- emulator-wide
  route("POST", "/reset", () => {
    store.reset();
    webhooks.resetState();
    resetBulkMutationKnobs();
    return { ok: true };
  });

  route("GET", "/shops", () => ({ shops: store.listShops() }));

  route(
    "POST",
    "/shops",
    (request) => {
      const input = parseBody(request, schemas.createShop);
      const domain = input.domain.endsWith(".myshopify.com") ? input.domain : `${input.domain}.myshopify.com`;
      if (store.getShopByDomain(domain)) throw new HttpError(409, `Shop ${domain} already exists`);
      return { shop: store.createShop({ ...input, domain }) };
    },
    201,
  );

  route("GET", "/shops/:shop", (request) => {
    const shop = shopOf(request);
    return { shop, installation: getInstallation(ctx, shop.id, ctx.config.app.apiKey) ?? null };
  });

  route("POST", "/shops/:shop/install", (request) => {
    const shop = shopOf(request);
    const input = parseBody(request, schemas.install);
    const installation = installApp(ctx, shop.id, input.scopes ?? ctx.config.app.scopes);
    const tokens = issueOfflineToken(ctx, shop.id, ctx.config.app.apiKey, { expiring: input.expiring ?? false });
    return { shop, installation, ...tokens };
  });

  route("POST", "/shops/:shop/uninstall", (request) => {
    const shop = shopOf(request);
    return { uninstalled: uninstallApp(ctx, shop.id) };
  });

  // The app stays installed, but every token it holds for the shop answers 401 (as after a merchant revokes
  // access, or a token leak is handled); a new token exchange or install issues working ones.
  route("POST", "/shops/:shop/revoke-tokens", (request) => {
    const shop = shopOf(request);
    revokeShopTokens(ctx, shop.id);
    return { revoked: true };
  });

  route("POST", "/shops/:shop/plan", (request) => {
    const shop = shopOf(request);
    return { shop: store.setShopPlan(shop.id, parseBody(request, schemas.plan).plan) };
  });

  route("POST", "/shops/:shop/seed", async (request) => {
    const shop = shopOf(request);
    const input = parseBody(request, schemas.seed);
    const summary = await generateDemoStore(store, shop.id, {
      seed: input.seed,
      customers: input.customers,
      orders: input.orders,
      products: input.products,
      now: input.now ? new Date(input.now) : undefined,
    });
    return { summary };
  });

  // -- customers
  const customerRecord = (
    shop: ShopRecord,
    input: z.infer<typeof schemas.customer>,
    existing: CustomerRecord | null,
  ): CustomerRecord => {
    const now = store.nowIso();
    if (input.email) {
      const clash = store.db
        .prepare("SELECT id FROM customers WHERE shop_id = ? AND lower(email) = lower(?) AND id != ?")
        .get(shop.id, input.email, existing?.id ?? 0) as { id: number } | undefined;
      if (clash) throw new HttpError(422, `email: Email has already been taken (customer ${clash.id})`);
    }
    const customerId = existing?.id ?? store.nextId();
    let addresses = existing?.addresses ?? [];
    let defaultAddressId = existing?.defaultAddressId ?? null;
    if (input.addresses) {
      const firstId = input.addresses.length ? store.nextId(input.addresses.length) : 0;
      addresses = input.addresses.map((item, index) => ({ id: firstId + index, ...fullAddress(item) }));
      defaultAddressId = addresses[0]?.id ?? null;
    }
    const base: CustomerRecord = existing ?? {
      id: customerId,
      firstName: null,
      lastName: null,
      email: null,
      phone: null,
      note: null,
      tags: [],
      state: "DISABLED",
      verifiedEmail: true,
      taxExempt: false,
      locale: "en",
      createdAt: input.createdAt ?? now,
      updatedAt: now,
      emailMarketingConsent: null,
      smsMarketingConsent: null,
      addresses: [],
      defaultAddressId: null,
      amountSpent: "0.00",
      numberOfOrders: 0,
    };
    const email = input.email === undefined ? base.email : input.email;
    const phone = input.phone === undefined ? base.phone : input.phone;
    return {
      ...base,
      firstName: input.firstName === undefined ? base.firstName : input.firstName,
      lastName: input.lastName === undefined ? base.lastName : input.lastName,
      email,
      phone,
      note: input.note === undefined ? base.note : input.note,
      tags: input.tags === undefined ? base.tags : normalizeTags(input.tags),
      state: input.state ?? base.state,
      locale: input.locale ?? base.locale,
      taxExempt: input.taxExempt ?? base.taxExempt,
      updatedAt: now,
      addresses,
      defaultAddressId,
      emailMarketingConsent:
        input.emailMarketingConsent !== undefined
          ? fullConsent(input.emailMarketingConsent, now)
          : (base.emailMarketingConsent ??
            (email ? { marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: null, consentUpdatedAt: null } : null)),
      smsMarketingConsent:
        input.smsMarketingConsent !== undefined
          ? fullConsent(input.smsMarketingConsent, now)
          : (base.smsMarketingConsent ??
            (phone ? { marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: null, consentUpdatedAt: null } : null)),
    };
  };

  route(
    "POST",
    "/shops/:shop/customers",
    (request) => {
      const shop = shopOf(request);
      const input = parseBody(request, schemas.customer);
      if (!input.email && !input.phone && !input.firstName && !input.lastName) {
        throw new HttpError(422, "A customer needs at least a name, an email or a phone");
      }
      return { customer: store.putCustomer(shop.id, customerRecord(shop, input, null)) };
    },
    201,
  );

  route("GET", "/shops/:shop/customers/:id", (request) => {
    const shop = shopOf(request);
    const customer = store.getCustomer(shop.id, numericParam(request, "id"));
    if (!customer) throw new HttpError(404, `No customer ${request.params.id}`);
    return { customer };
  });

  const updateCustomer = (request: EmulatorRequest): unknown => {
    const shop = shopOf(request);
    const existing = store.getCustomer(shop.id, numericParam(request, "id"));
    if (!existing) throw new HttpError(404, `No customer ${request.params.id}`);
    return {
      customer: store.putCustomer(shop.id, customerRecord(shop, parseBody(request, schemas.customer), existing)),
    };
  };
  route("PUT", "/shops/:shop/customers/:id", updateCustomer);
  route("POST", "/shops/:shop/customers/:id", updateCustomer);

  route("DELETE", "/shops/:shop/customers/:id", (request) => {
    const shop = shopOf(request);
    const customerId = numericParam(request, "id");
    if (!store.getCustomer(shop.id, customerId)) throw new HttpError(404, `No customer ${request.params.id}`);
    // Shopify refuses to delete a customer who has orders (Customer.canDelete is false).
    if (orderIdsOfCustomer(ctx, shop.id, customerId).length > 0) {
      throw new HttpError(422, "Customer can’t be deleted because they have orders");
    }
    store.deleteCustomer(shop.id, customerId);
    return { deletedCustomerId: customerId };
  });

  // -- orders
  route(
    "POST",
    "/shops/:shop/orders",
    (request) => {
      const shop = shopOf(request);
      const input = parseBody(request, schemas.createOrder);
      const order = buildOrder(ctx, shop, input);
      const topics: StoreTopic[] = order.financialStatus === "PAID" ? ["orders/paid"] : [];
      store.putOrder(shop.id, order, { topics });
      for (const code of order.discountCodes) recordDiscountUse(store, shop.id, code);
      return { order: store.getOrder(shop.id, order.id) };
    },
    201,
  );

  route("GET", "/shops/:shop/orders/:id", (request) => ({ order: orderOf(shopOf(request), request) }));

  route("DELETE", "/shops/:shop/orders/:id", (request) => {
    const shop = shopOf(request);
    const order = orderOf(shop, request);
    store.deleteOrder(shop.id, order.id);
    return { deletedOrderId: order.id };
  });

  route("POST", "/shops/:shop/orders/:id/pay", (request) => {
    const shop = shopOf(request);
    const order = orderOf(shop, request);
    if (order.cancelledAt) throw new HttpError(422, "Order is cancelled");
    if (!["PENDING", "AUTHORIZED", "PARTIALLY_PAID"].includes(order.financialStatus)) {
      throw new HttpError(422, `Order is already ${order.financialStatus}`);
    }
    const updated: OrderRecord = { ...order, financialStatus: "PAID", updatedAt: store.nowIso() };
    store.putOrder(shop.id, updated, { topics: ["orders/paid"] });
    return { order: updated };
  });

  route("POST", "/shops/:shop/orders/:id/cancel", (request) => {
    const shop = shopOf(request);
    const order = orderOf(shop, request);
    const input = parseBody(request, schemas.cancel);
    if (order.cancelledAt) throw new HttpError(422, "Order is already cancelled");
    const now = store.nowIso();
    const topics: StoreTopic[] = ["orders/cancelled"];
    let updated: OrderRecord = {
      ...order,
      cancelledAt: now,
      cancelReason: input.reason ?? "CUSTOMER",
      closedAt: now,
      updatedAt: now,
    };
    const paid = ["PAID", "PARTIALLY_REFUNDED", "PARTIALLY_PAID"].includes(order.financialStatus);
    if (paid && input.refund !== false) {
      const remaining = refundableAmount(order);
      if (compareMoney(remaining.shop, "0.00") > 0) {
        const refund = buildRefund(
          ctx,
          order,
          { lineItems: [], amount: remaining.shop, note: "Order cancelled", restock: input.restock ?? true },
          true,
        );
        updated = { ...updated, refunds: [...order.refunds, refund], financialStatus: "REFUNDED" };
        topics.push("refunds/create");
      }
    } else if (order.financialStatus === "PENDING" || order.financialStatus === "AUTHORIZED") {
      updated = { ...updated, financialStatus: "VOIDED" };
    }
    store.putOrder(shop.id, updated, { topics });
    return { order: updated };
  });

  route("POST", "/shops/:shop/orders/:id/refund", (request) => {
    const shop = shopOf(request);
    const order = orderOf(shop, request);
    const input = parseBody(request, schemas.refund);
    if (!["PAID", "PARTIALLY_REFUNDED"].includes(order.financialStatus)) {
      throw new HttpError(422, `Cannot refund an order that is ${order.financialStatus}`);
    }
    const refund = buildRefund(
      ctx,
      order,
      { lineItems: input.lineItems, amount: input.amount, note: input.note ?? null, restock: input.restock ?? false },
      false,
    );
    const refunds = [...order.refunds, refund];
    const refundedTotal = sumPairs(refunds.map((item) => item.totalRefunded));
    const updated: OrderRecord = {
      ...order,
      refunds,
      financialStatus: compareMoney(refundedTotal.shop, order.totalPrice.shop) >= 0 ? "REFUNDED" : "PARTIALLY_REFUNDED",
      updatedAt: store.nowIso(),
    };
    store.putOrder(shop.id, updated, { topics: ["refunds/create"] });
    return { order: updated, refund };
  });

  route("PUT", "/shops/:shop/orders/:id", (request) => {
    const shop = shopOf(request);
    const order = orderOf(shop, request);
    const input = parseBody(request, schemas.editOrder);
    const updated: OrderRecord = {
      ...order,
      tags: input.tags === undefined ? order.tags : normalizeTags(input.tags),
      note: input.note === undefined ? order.note : input.note,
      email: input.email === undefined ? order.email : input.email,
      phone: input.phone === undefined ? order.phone : input.phone,
      shippingAddress:
        input.shippingAddress === undefined
          ? order.shippingAddress
          : input.shippingAddress
            ? fullAddress(input.shippingAddress)
            : null,
      updatedAt: store.nowIso(),
    };
    store.putOrder(shop.id, updated);
    return { order: updated };
  });

  // -- webhooks
  route("POST", "/shops/:shop/webhooks/fire", (request) => {
    const shop = shopOf(request);
    const input = parseBody(request, schemas.fire);
    let payload = input.payload as JsonObject | undefined;
    if (!payload && (COMPLIANCE_TOPICS as readonly string[]).includes(input.topic)) {
      const topic = input.topic as (typeof COMPLIANCE_TOPICS)[number];
      const customer = input.customerId !== undefined ? store.getCustomer(shop.id, input.customerId) : null;
      if (input.customerId !== undefined && !customer) throw new HttpError(404, `No customer ${input.customerId}`);
      payload = compliancePayload(shop, topic, {
        customer: customer ? { id: customer.id, email: customer.email, phone: customer.phone } : undefined,
        orderIds: customer ? orderIdsOfCustomer(ctx, shop.id, customer.id) : [],
      });
    }
    const deliveries = webhooks.fire(shop.domain, input.topic, payload);
    return { deliveries: deliveries.map(({ body: _body, ...rest }) => rest) };
  });

  route("POST", "/shops/:shop/chaos", (request) => {
    const shop = shopOf(request);
    return { chaos: webhooks.setChaos(shop.domain, parseBody(request, schemas.chaos)) };
  });
  route("DELETE", "/shops/:shop/chaos", (request) => {
    const shop = shopOf(request);
    webhooks.setChaos(shop.domain, null);
    return { chaos: null };
  });

  // -- bulk operations (chaos): the next operation fails, or finishes late
  route("POST", "/shops/:shop/bulk/fail-next", (request) => {
    const shop = shopOf(request);
    const input = parseBody(request, schemas.bulkFailure);
    if (input.type === "mutation") failNextBulkMutation(shop.id, input.errorCode, input.afterLines ?? 0);
    else failNextBulkOperation(shop.id, input.errorCode);
    return { ok: true };
  });
  route("POST", "/shops/:shop/bulk/delay", (request) => {
    const shop = shopOf(request);
    const input = parseBody(request, schemas.bulkDelay);
    if (input.kind === "mutation") delayNextBulkMutation(shop.id, input.ms);
    else setBulkOperationDelay(input.ms);
    return { ok: true };
  });

  route("GET", "/shops/:shop/deliveries", (request) => {
    const shop = shopOf(request);
    const topic = request.url.searchParams.get("topic") ?? undefined;
    return { deliveries: webhooks.deliveries({ shopDomain: shop.domain, topic }) };
  });

  route("POST", "/shops/:shop/session-token", (request) => {
    const shop = shopOf(request);
    const input = parseBody(request, schemas.sessionToken);
    return {
      token: mintSessionToken(ctx, { shopDomain: shop.domain, userId: input.userId, ttlSeconds: input.ttlSeconds }),
    };
  });
}

// ---- order arithmetic ------------------------------------------------------------------------------------------

function buildOrder(ctx: EmulatorContext, shop: ShopRecord, input: z.infer<typeof schemas.createOrder>): OrderRecord {
  const { store } = ctx;
  const now = store.nowIso();
  const customer = input.customerId ? store.getCustomer(shop.id, input.customerId) : null;
  if (input.customerId && !customer) throw new HttpError(422, `customerId: no customer ${input.customerId}`);
  const presentment = input.presentmentCurrency ?? shop.currencyCode;
  const rate = ratePerShopUnit(shop.currencyCode, presentment);
  const pair = (amount: string): MoneyPair => ({ shop: amount, presentment: multiplyMoney(amount, rate) });

  const products = new Map<number, ProductRecord>();
  const findProduct = (productId: number): ProductRecord | null => {
    if (!products.has(productId)) {
      const product = store.getRecord<ProductRecord>("products", shop.id, productId);
      if (product) products.set(productId, product);
    }
    return products.get(productId) ?? null;
  };
  const findVariant = (
    variantId: number,
  ): { product: ProductRecord; variant: ProductRecord["variants"][number] } | null => {
    const row = store.db
      .prepare(
        `SELECT data FROM products WHERE shop_id = ? AND EXISTS
           (SELECT 1 FROM json_each(json_extract(data, '$.variants')) WHERE json_extract(value, '$.id') = ?)`,
      )
      .get(shop.id, variantId) as { data: string } | undefined;
    if (!row) return null;
    const product = JSON.parse(row.data) as ProductRecord;
    return { product, variant: product.variants.find((variant) => variant.id === variantId)! };
  };

  const firstLineId = store.nextId(input.lineItems.length);
  const gross = input.lineItems.map((item, index) => {
    let product: ProductRecord | null = null;
    let variant: ProductRecord["variants"][number] | null = null;
    if (item.variantId !== undefined) {
      const found = findVariant(item.variantId);
      if (!found) throw new HttpError(422, `lineItems.${index}.variantId: no variant ${item.variantId}`);
      ({ product, variant } = found);
    } else if (item.productId !== undefined) {
      product = findProduct(item.productId);
      if (!product) throw new HttpError(422, `lineItems.${index}.productId: no product ${item.productId}`);
      variant = product.variants[0] ?? null;
    }
    const price = item.price ?? variant?.price;
    const title = item.title ?? product?.title;
    if (price === undefined || title === undefined) {
      throw new HttpError(400, `lineItems.${index}: a custom line item needs title and price`);
    }
    return {
      item,
      product,
      variant,
      price,
      title,
      id: firstLineId + index,
      total: multiplyMoney(price, item.quantity),
    };
  });

  // Discounts: percentages apply per line; fixed amounts are spread over lines by value, the last line taking
  // the rounding remainder so the parts add up exactly.
  // A bare code the shop holds as a discount takes that discount's value, and only when the buyer is eligible
  // (checkout refuses it otherwise); other bare codes are 10 % off as before.
  const codes = (input.discountCodes ?? []).flatMap((code) => {
    if (typeof code !== "string") return [code];
    const stored = storedDiscountTerms(store, shop.id, code, customer?.tags ?? null, now);
    if (stored === "ineligible") return [];
    return [stored ?? { code, percentage: 10, amount: undefined }];
  });
  const lineDiscount = gross.map(() => "0.00");
  const grossTotal = addMoney("0.00", ...gross.map((line) => line.total));
  for (const code of codes) {
    if (code.amount !== undefined) {
      let left = code.amount;
      if (compareMoney(left, grossTotal) > 0) left = grossTotal;
      const amount = left;
      gross.forEach((line, index) => {
        const share =
          index === gross.length - 1
            ? left
            : fromUnits((toUnits(amount) * toUnits(line.total)) / (toUnits(grossTotal) || 1n));
        lineDiscount[index] = addMoney(lineDiscount[index]!, share);
        left = subtractMoney(left, share);
      });
    } else {
      const percentage = code.percentage ?? 0;
      gross.forEach((line, index) => {
        lineDiscount[index] = addMoney(lineDiscount[index]!, multiplyMoney(line.total, percentage / 100));
      });
    }
  }
  const lineItems: LineItemRecord[] = gross.map((line, index) => {
    const discount = compareMoney(lineDiscount[index]!, line.total) > 0 ? line.total : lineDiscount[index]!;
    return {
      id: line.id,
      title: line.title,
      variantTitle: line.variant && line.variant.title !== "Default Title" ? line.variant.title : null,
      quantity: line.item.quantity,
      sku: line.item.sku ?? line.variant?.sku ?? null,
      vendor: line.product?.vendor ?? null,
      productId: line.product?.id ?? null,
      variantId: line.variant?.id ?? null,
      requiresShipping: line.item.requiresShipping ?? true,
      taxable: true,
      originalUnitPrice: pair(line.price),
      discountedTotal: pair(subtractMoney(line.total, discount)),
      totalDiscount: pair(discount),
    };
  });
  const subtotal = addMoney("0.00", ...lineItems.map((line) => line.discountedTotal.shop));
  const discounts = addMoney("0.00", ...lineItems.map((line) => line.totalDiscount.shop));
  const shipping = input.shipping ?? "0.00";
  const tax = multiplyMoney(subtotal, input.taxRate ?? 0);
  const total = addMoney(subtotal, shipping, tax);
  const number = store.nextOrderNumber(shop.id);
  const defaultAddress = customer?.addresses.find((item) => item.id === customer.defaultAddressId) ?? null;
  const shippingAddress = input.shippingAddress
    ? fullAddress(input.shippingAddress)
    : defaultAddress
      ? (({ id: _id, ...rest }) => rest)(defaultAddress)
      : null;
  const processedAt = input.processedAt ? new Date(input.processedAt).toISOString() : now;
  return {
    id: store.nextId(),
    name: `#${number}`,
    number,
    customerId: customer?.id ?? null,
    email: input.email ?? customer?.email ?? null,
    phone: input.phone ?? customer?.phone ?? null,
    createdAt: processedAt,
    updatedAt: now,
    processedAt,
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    financialStatus: input.financialStatus ?? "PAID",
    fulfillmentStatus: "UNFULFILLED",
    currencyCode: shop.currencyCode,
    presentmentCurrencyCode: presentment,
    sourceName: input.sourceName ?? "web",
    tags: input.tags === undefined ? [] : normalizeTags(input.tags),
    note: input.note ?? null,
    test: input.test ?? false,
    discountCodes: codes.map((code) => code.code),
    lineItems,
    subtotalPrice: pair(subtotal),
    totalDiscounts: pair(discounts),
    totalShipping: pair(shipping),
    totalTax: pair(tax),
    totalPrice: pair(total),
    refunds: [],
    shippingAddress,
    billingAddress: input.billingAddress ? fullAddress(input.billingAddress) : shippingAddress,
  };
}

function refundableAmount(order: OrderRecord): MoneyPair {
  const refunded = sumPairs(order.refunds.map((refund) => refund.totalRefunded));
  return {
    shop: subtractMoney(order.totalPrice.shop, refunded.shop),
    presentment: subtractMoney(order.totalPrice.presentment, refunded.presentment),
  };
}

function buildRefund(
  ctx: EmulatorContext,
  order: OrderRecord,
  input: {
    lineItems: { lineItemId: number; quantity: number }[];
    amount: string | undefined;
    note: string | null;
    restock: boolean;
  },
  cancelling: boolean,
): RefundRecord {
  const rate =
    toUnits(order.totalPrice.shop) === 0n ? 1 : Number(order.totalPrice.presentment) / Number(order.totalPrice.shop);
  const pair = (amount: string): MoneyPair => ({ shop: amount, presentment: multiplyMoney(amount, rate) });
  const alreadyRefunded = new Map<number, number>();
  for (const item of order.refunds.flatMap((refund) => refund.refundLineItems)) {
    alreadyRefunded.set(item.lineItemId, (alreadyRefunded.get(item.lineItemId) ?? 0) + item.quantity);
  }
  const refundId = ctx.store.nextId(2 + input.lineItems.length);
  const refundLineItems = input.lineItems.map((item, index) => {
    const line = order.lineItems.find((candidate) => candidate.id === item.lineItemId);
    if (!line)
      throw new HttpError(422, `lineItems.${index}.lineItemId: no line item ${item.lineItemId} in ${order.name}`);
    const left = line.quantity - (alreadyRefunded.get(line.id) ?? 0);
    if (item.quantity > left) {
      throw new HttpError(
        422,
        `lineItems.${index}.quantity: only ${left} of line item ${line.id} can still be refunded`,
      );
    }
    const unit = fromUnits(toUnits(line.discountedTotal.shop) / BigInt(line.quantity));
    return {
      id: refundId + 2 + index,
      lineItemId: line.id,
      quantity: item.quantity,
      restockType: cancelling ? ("CANCEL" as const) : input.restock ? ("RETURN" as const) : ("NO_RESTOCK" as const),
      subtotal: pair(multiplyMoney(unit, item.quantity)),
    };
  });
  const amount = input.amount ?? addMoney("0.00", ...refundLineItems.map((item) => item.subtotal.shop));
  const remaining = refundableAmount(order);
  if (compareMoney(amount, remaining.shop) > 0) {
    throw new HttpError(422, `amount: ${amount} is more than the ${remaining.shop} that can still be refunded`);
  }
  return {
    id: refundId,
    createdAt: ctx.store.nowIso(),
    note: input.note,
    totalRefunded: compareMoney(amount, remaining.shop) === 0 ? remaining : pair(amount),
    refundLineItems,
  };
}
