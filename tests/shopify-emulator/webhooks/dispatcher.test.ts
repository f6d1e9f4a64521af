import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorContext } from "../context.js";
import { EmulatorStore } from "../store/store.js";
import type { CustomerRecord, OrderRecord } from "../store/types.js";
import { RETRY_DELAYS_SECONDS, WebhookDispatcher, webhookHmac } from "./dispatcher.js";
import { contextOver, customerRecord } from "../test-support.js";

interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

const SECRET = "shh-secret";

async function receiver(
  answer: (index: number) => number | "hang",
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(request.headers)) if (typeof value === "string") headers[key] = value;
      received.push({ headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const status = answer(received.length - 1);
      if (status === "hang") return;
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

const TOML = `
client_id = "key"
[webhooks]
api_version = "2026-10"
[[webhooks.subscriptions]]
topics = ["orders/create", "orders/updated", "orders/paid", "orders/delete", "refunds/create", "customers/create", "customers/delete", "app/uninstalled"]
uri = "/webhooks"
[[webhooks.subscriptions]]
compliance_topics = ["customers/data_request", "customers/redact", "shop/redact"]
uri = "/webhooks/compliance"
`;

function setup(
  appUrl: string,
  timeScale = 0.00001,
): { ctx: EmulatorContext; dispatcher: WebhookDispatcher; shopId: number } {
  const dir = mkdtempSync(join(tmpdir(), "webhooks-"));
  const tomlPath = join(dir, "shopify.app.toml");
  writeFileSync(tomlPath, TOML);
  const store = new EmulatorStore();
  const ctx = contextOver(store, "http://127.0.0.1:0", {
    app: { apiKey: "key", apiSecret: SECRET, appUrl, scopes: [] },
    appTomlPath: tomlPath,
    timeScale,
  });

  const shop = store.createShop({ domain: "demo" });
  store.db
    .prepare("INSERT INTO installations (shop_id, client_id, scopes, installed_at) VALUES (?, 'key', '', ?)")
    .run(shop.id, store.nowIso());
  const dispatcher = new WebhookDispatcher(ctx, { timeoutMs: 300 });
  dispatcher.start();
  return { ctx, dispatcher, shopId: shop.id };
}

function customer(id: number): CustomerRecord {
  return customerRecord(id, "2025-01-01T00:00:00.000Z", {
    email: "ada@example.com",
    tags: ["vip"],
    state: "ENABLED",
    emailMarketingConsent: {
      marketingState: "SUBSCRIBED",
      marketingOptInLevel: "SINGLE_OPT_IN",
      consentUpdatedAt: null,
    },
  });
}

function order(id: number, customerId: number | null): OrderRecord {
  const pair = (amount: string) => ({ shop: amount, presentment: amount });
  return {
    id,
    name: "#1001",
    number: 1001,
    customerId,
    email: "ada@example.com",
    phone: null,
    createdAt: "2025-06-01T12:00:00.000Z",
    updatedAt: "2025-06-01T12:00:00.000Z",
    processedAt: "2025-06-01T12:00:00.000Z",
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    financialStatus: "PAID",
    fulfillmentStatus: "UNFULFILLED",
    currencyCode: "USD",
    presentmentCurrencyCode: "EUR",
    sourceName: "web",
    tags: ["a", "b"],
    note: null,
    test: false,
    discountCodes: ["WELCOME10"],
    lineItems: [
      {
        id: id + 1,
        title: "Shirt",
        variantTitle: "M",
        quantity: 2,
        sku: "SH-M",
        vendor: "Acme",
        productId: 5,
        variantId: 6,
        requiresShipping: true,
        taxable: true,
        originalUnitPrice: pair("10.00"),
        discountedTotal: pair("18.00"),
        totalDiscount: pair("2.00"),
      },
    ],
    subtotalPrice: pair("18.00"),
    totalDiscounts: pair("2.00"),
    totalShipping: pair("0.00"),
    totalTax: pair("0.00"),
    totalPrice: pair("18.00"),
    refunds: [],
    shippingAddress: null,
    billingAddress: null,
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("WebhookDispatcher", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it("given a subscribed topic, when an order is created, then the app gets a REST order signed with the app secret", async () => {
    const app = await receiver(() => 200);
    const { ctx, dispatcher, shopId } = setup(app.url);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    ctx.store.putCustomer(shopId, customer(100), { silent: true });
    ctx.store.putOrder(shopId, order(200, 100));
    await until(() => app.received.length >= 1);
    const delivery = app.received[0]!;
    expect(delivery.headers["x-shopify-topic"]).toBe("orders/create");
    expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(webhookHmac(delivery.body, SECRET));
    expect(delivery.headers["x-shopify-hmac-sha256"]).not.toBe(webhookHmac(delivery.body, "other"));
    expect(delivery.headers["x-shopify-shop-domain"]).toBe("demo.myshopify.com");
    expect(delivery.headers["x-shopify-api-version"]).toBe("2026-10");
    expect(delivery.headers["x-shopify-webhook-id"]).toBeTruthy();
    expect(delivery.headers["x-shopify-event-id"]).toBeTruthy();
    expect(delivery.headers["x-shopify-triggered-at"]).toBeTruthy();
    expect(delivery.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(delivery.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: 200,
      admin_graphql_api_id: "gid://shopify/Order/200",
      name: "#1001",
      order_number: 1001,
      financial_status: "paid",
      fulfillment_status: null,
      currency: "USD",
      presentment_currency: "EUR",
      total_price: "18.00",
      total_price_set: {
        shop_money: { amount: "18.00", currency_code: "USD" },
        presentment_money: { amount: "18.00", currency_code: "EUR" },
      },
      discount_codes: [{ code: "WELCOME10", amount: "2.00", type: "percentage" }],
      tags: "a, b",
      test: false,
      source_name: "web",
    });
    expect(body.created_at).toBe("2025-06-01T08:00:00-04:00");
    const line = (body.line_items as Record<string, unknown>[])[0]!;
    expect(line).toMatchObject({
      id: 201,
      product_id: 5,
      variant_id: 6,
      price: "10.00",
      quantity: 2,
      total_discount: "2.00",
      sku: "SH-M",
    });
    const buyer = body.customer as Record<string, unknown>;
    expect(buyer).toMatchObject({
      id: 100,
      email: "ada@example.com",
      admin_graphql_api_id: "gid://shopify/Customer/100",
    });
    // 2025-01 and later: tags and consent left the customer payload.
    expect(buyer).not.toHaveProperty("tags");
    expect(buyer).not.toHaveProperty("email_marketing_consent");
  });

  it("given a subscribed orders/delete, when an order is deleted, then the app gets its id alone", async () => {
    const app = await receiver(() => 200);
    const { ctx, dispatcher, shopId } = setup(app.url);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    ctx.store.putOrder(shopId, order(400, null), { silent: true });

    expect(ctx.store.deleteOrder(shopId, 400)).toBe(true);

    await until(() => app.received.length >= 1);
    expect(app.received[0]!.headers["x-shopify-topic"]).toBe("orders/delete");
    expect(JSON.parse(app.received[0]!.body)).toEqual({ id: 400 });
    expect(ctx.store.getOrder(shopId, 400)).toBeNull();
  });

  it("given a guest order, when it is created, then customer is null", async () => {
    const app = await receiver(() => 200);
    const { ctx, dispatcher, shopId } = setup(app.url);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    ctx.store.putOrder(shopId, order(300, null));
    await until(() => app.received.length >= 1);
    expect((JSON.parse(app.received[0]!.body) as { customer: unknown }).customer).toBeNull();
  });

  it("given an app that always fails, when a webhook is sent, then it is retried 8 times on the time-scaled schedule and marked failed", async () => {
    const app = await receiver(() => 500);
    const timeScale = 0.00002; // 60 s -> 1.2 ms, the whole schedule ~0.3 s
    const { ctx, dispatcher, shopId } = setup(app.url, timeScale);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    ctx.store.putCustomer(shopId, customer(100));
    await until(() => dispatcher.deliveries()[0]?.state === "failed", 10_000);
    const record = dispatcher.deliveries()[0]!;
    expect(record.attempts).toHaveLength(1 + RETRY_DELAYS_SECONDS.length);
    expect(new Set(app.received.map((r) => r.headers["x-shopify-webhook-id"])).size).toBe(1);
    const gaps = app.received.slice(1).map((r, i) => r.at - app.received[i]!.at);
    const lastGap = gaps.at(-1)!;
    expect(lastGap).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS.at(-1)! * 1000 * timeScale - 2);
    expect(RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4 * 3600);
  });

  it("given a slow app, when it answers after the timeout, then the attempt counts as failed", async () => {
    const app = await receiver((index) => (index === 0 ? "hang" : 200));
    const { ctx, dispatcher, shopId } = setup(app.url, 0.00001);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.closeAllConnections(),
      () => app.server.close(),
    );
    ctx.store.putCustomer(shopId, customer(100));
    await until(() => dispatcher.deliveries()[0]?.state === "delivered", 5000);
    const record = dispatcher.deliveries()[0]!;
    expect(record.attempts[0]!.error).toMatch(/timeout/);
    expect(record.attempts).toHaveLength(2);
  });

  it("given chaos duplicating every event, when a change happens, then both deliveries share the event id but not the webhook id", async () => {
    const app = await receiver(() => 200);
    const { ctx, dispatcher, shopId } = setup(app.url);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    dispatcher.setChaos("demo.myshopify.com", { duplicateRate: 1, seed: 7 });
    ctx.store.putCustomer(shopId, customer(100));
    await until(() => app.received.length >= 2);
    const [a, b] = app.received;
    expect(a!.headers["x-shopify-event-id"]).toBe(b!.headers["x-shopify-event-id"]);
    expect(a!.headers["x-shopify-webhook-id"]).not.toBe(b!.headers["x-shopify-webhook-id"]);
    expect(a!.body).toBe(b!.body);
  });

  it("given chaos dropping events with a seed, when run twice, then the same events are dropped", async () => {
    const dropped: boolean[][] = [];
    for (let run = 0; run < 2; run += 1) {
      const app = await receiver(() => 200);
      const { ctx, dispatcher, shopId } = setup(app.url);
      cleanups.push(
        () => dispatcher.stop(),
        () => app.server.close(),
      );
      dispatcher.setChaos("demo.myshopify.com", { dropRate: 0.5, seed: 42 });
      for (let i = 0; i < 20; i += 1) ctx.store.putCustomer(shopId, customer(100 + i));
      dropped.push(dispatcher.deliveries().map((record) => record.state === "dropped"));
      await dispatcher.idle();
    }
    expect(dropped[0]).toEqual(dropped[1]);
    expect(dropped[0]!.some(Boolean)).toBe(true);
    expect(dropped[0]!.every(Boolean)).toBe(false);
  });

  it("given a reorder window, when events are sent, then all arrive but not in trigger order", async () => {
    const app = await receiver(() => 200);
    const { ctx, dispatcher, shopId } = setup(app.url);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    dispatcher.setChaos("demo.myshopify.com", { reorderWindow: 10, seed: 3 });
    for (let i = 0; i < 10; i += 1) ctx.store.putCustomer(shopId, customer(100 + i));
    await until(() => app.received.length >= 10);
    const ids = app.received.map((r) => (JSON.parse(r.body) as { id: number }).id);
    expect([...ids].sort()).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
    expect(ids).not.toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
  });

  it("given a compliance topic, when fired, then it goes to the compliance uri with the documented shape", async () => {
    const app = await receiver(() => 200);
    const { dispatcher } = setup(app.url);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    dispatcher.fireComplianceWebhook("demo.myshopify.com", "customers/redact");
    await until(() => app.received.length >= 1);
    const body = JSON.parse(app.received[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ shop_domain: "demo.myshopify.com", orders_to_redact: [] });
    expect(body).toHaveProperty("customer");
  });

  it("given a shop without the app installed, when an order changes, then nothing is sent", async () => {
    const app = await receiver(() => 200);
    const { ctx, dispatcher } = setup(app.url);
    cleanups.push(
      () => dispatcher.stop(),
      () => app.server.close(),
    );
    const other = ctx.store.createShop({ domain: "other" });
    ctx.store.putCustomer(other.id, customer(100));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(app.received).toHaveLength(0);
  });
});
