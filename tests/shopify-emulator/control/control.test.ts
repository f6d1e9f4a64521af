import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../server.js";
import { EmulatorClient, EmulatorClientError } from "../client.js";
import { webhookHmac } from "../webhooks/dispatcher.js";

const SECRET = "control-secret";
const received: { topic: string; hmac: string; body: string }[] = [];
let app: Server;
let emulator: RunningEmulator;
let client: EmulatorClient;

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function rejection(promise: Promise<unknown>): Promise<EmulatorClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EmulatorClientError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  app = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        topic: String(request.headers["x-shopify-topic"]),
        hmac: String(request.headers["x-shopify-hmac-sha256"]),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), "control-"));
  const tomlPath = join(dir, "shopify.app.toml");
  writeFileSync(
    tomlPath,
    `[webhooks]\napi_version = "2026-10"\n[[webhooks.subscriptions]]\ntopics = ["orders/create", "orders/updated", "orders/paid", "orders/cancelled", "orders/delete", "refunds/create", "customers/create", "customers/update", "customers/delete", "app/uninstalled"]\nuri = "/webhooks"\n[[webhooks.subscriptions]]\ncompliance_topics = ["customers/data_request", "customers/redact", "shop/redact"]\nuri = "/webhooks/compliance"\n`,
  );
  emulator = await startEmulator({
    config: {
      app: {
        apiKey: "control-key",
        apiSecret: SECRET,
        appUrl,
        handle: "cohort",
        name: "Cohort",
        scopes: ["read_customers"],
      },
      appTomlPath: tomlPath,
      timeScale: 0.0001,
      sessionTokenTtlSeconds: 60,
      accessTokenTtlSeconds: 3600,
    },
  });
  client = new EmulatorClient(emulator.url);
});

afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => app?.close(resolve));
});

beforeEach(async () => {
  await client.reset();
  received.length = 0;
});

describe("control API", () => {
  it("given a bad shop body, when creating a shop, then it answers 400 naming the field", async () => {
    const error = await rejection(client.createShop({ domain: "Not A Domain!" }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/domain/);
    const plan = await rejection(client.createShop({ domain: "ok", plan: "GOLD" as "BASIC" }));
    expect(plan.status).toBe(400);
    expect(plan.message).toMatch(/plan/);
  });

  it("given invalid JSON, when posting, then it answers 400", async () => {
    const response = await fetch(`${emulator.url}/_emulator/shops`, { method: "POST", body: "{nope" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/JSON/);
  });

  it("given an unknown shop, when acting on it, then it answers 404", async () => {
    const error = await rejection(client.setPlan("missing", "PLUS"));
    expect(error.status).toBe(404);
  });

  it("given an installed shop, when an order is created, paid, refunded and cancelled, then the right signed webhooks arrive", async () => {
    await client.createShop({ domain: "flow" });
    const installed = await client.install("flow");
    expect(installed.accessToken).toMatch(/^shpat_/);
    const customer = await client.createCustomer("flow", {
      firstName: "Ada",
      email: "ada@example.com",
      tags: "vip, VIP , new",
    });
    expect(customer.tags).toEqual(["vip", "new"]);
    const order = await client.createOrder("flow", {
      customerId: customer.id,
      financialStatus: "PENDING",
      lineItems: [
        { title: "Shirt", price: "20.00", quantity: 2 },
        { title: "Mug", price: "10.00", quantity: 1 },
      ],
      discountCodes: [{ code: "TEN", amount: "5.00" }],
      shipping: "4.99",
    });
    expect(order.subtotalPrice.shop).toBe("45.00");
    expect(order.totalDiscounts.shop).toBe("5.00");
    expect(order.totalPrice.shop).toBe("49.99");
    await client.payOrder("flow", order.id);
    const { order: refunded, refund } = await client.refundOrder("flow", order.id, {
      lineItems: [{ lineItemId: order.lineItems[1]!.id, quantity: 1 }],
    });
    expect(refunded.financialStatus).toBe("PARTIALLY_REFUNDED");
    expect(refund.totalRefunded.shop).toBe(order.lineItems[1]!.discountedTotal.shop);
    const tooMuch = await rejection(client.refundOrder("flow", order.id, { amount: "1000.00" }));
    expect(tooMuch.status).toBe(422);
    const cancelled = await client.cancelOrder("flow", order.id, { reason: "CUSTOMER" });
    expect(cancelled.financialStatus).toBe("REFUNDED");
    expect((await client.getCustomer("flow", customer.id)).numberOfOrders).toBe(1);

    await until(() => received.filter((item) => item.topic === "orders/cancelled").length === 1);
    await emulator.webhooks.idle();
    const topics = received.map((item) => item.topic);
    for (const topic of [
      "customers/create",
      "orders/create",
      "orders/paid",
      "refunds/create",
      "orders/cancelled",
      "orders/updated",
    ]) {
      expect(topics).toContain(topic);
    }
    for (const item of received) expect(item.hmac).toBe(webhookHmac(item.body, SECRET));
    const refundBody = JSON.parse(received.find((item) => item.topic === "refunds/create")!.body) as Record<
      string,
      unknown
    >;
    expect(refundBody.order_id).toBe(order.id);
    const deliveries = await client.deliveries("flow", "orders/paid");
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.state).toBe("delivered");
  });

  it("given an installed shop with a customer's order, when the order is deleted, then it is gone, the customer's stats drop and orders/delete carries its id", async () => {
    await client.createShop({ domain: "gone" });
    await client.install("gone");
    const customer = await client.createCustomer("gone", { email: "gone@example.com" });
    const order = await client.createOrder("gone", {
      customerId: customer.id,
      lineItems: [{ title: "Shirt", price: "20.00", quantity: 1 }],
      financialStatus: "PAID",
    });

    expect(await client.deleteOrder("gone", order.id)).toEqual({ deletedOrderId: order.id });

    expect((await rejection(client.getOrder("gone", order.id))).status).toBe(404);
    expect((await rejection(client.deleteOrder("gone", order.id))).status).toBe(404);
    expect((await client.getCustomer("gone", customer.id)).numberOfOrders).toBe(0);
    await until(() => received.some((item) => item.topic === "orders/delete"));
    const deleted = received.find((item) => item.topic === "orders/delete")!;
    expect(JSON.parse(deleted.body)).toEqual({ id: order.id });
    expect(deleted.hmac).toBe(webhookHmac(deleted.body, SECRET));
  });

  it("given a bad order body, when creating an order, then 400 says what is wrong", async () => {
    await client.createShop({ domain: "bad" });
    const empty = await rejection(client.createOrder("bad", { lineItems: [] }));
    expect(empty.status).toBe(400);
    expect(empty.message).toMatch(/lineItems/);
    const custom = await rejection(client.createOrder("bad", { lineItems: [{ quantity: 1 }] }));
    expect(custom.status).toBe(400);
    expect(custom.message).toMatch(/title and price/);
    const refund = await rejection(client.refundOrder("bad", 1, {} as { lineItems: [] }));
    expect([400, 404]).toContain(refund.status);
  });

  it("given a seeded shop, when uninstalling, then app/uninstalled carries the REST shop", async () => {
    await client.createShop({ domain: "seeded" });
    const summary = await client.seed("seeded", { seed: 5, customers: 50, orders: 200, now: "2026-01-01T00:00:00Z" });
    expect(summary.orders).toBe(200);
    await client.install("seeded");
    expect(received).toHaveLength(0); // seeding is silent
    await client.uninstall("seeded");
    await until(() => received.some((item) => item.topic === "app/uninstalled"));
    const body = JSON.parse(received.find((item) => item.topic === "app/uninstalled")!.body) as Record<string, unknown>;
    expect(body.myshopify_domain).toBe("seeded.myshopify.com");
  });

  it("given chaos and a compliance fire, when fired twice, then deliveries are logged and chaos is echoed", async () => {
    await client.createShop({ domain: "chaos" });
    const chaos = await client.setChaos("chaos", { duplicateRate: 1, seed: 9 });
    expect(chaos).toMatchObject({ duplicateRate: 1, dropRate: 0 });
    const bad = await rejection(client.setChaos("chaos", { dropRate: 2 }));
    expect(bad.status).toBe(400);
    const fired = await client.fireWebhook("chaos", { topic: "customers/redact" });
    expect(fired).toHaveLength(2);
    expect(fired[0]!.eventId).toBe(fired[1]!.eventId);
    await until(() => received.length === 2);
    const token = await client.sessionToken("chaos");
    expect(token.split(".")).toHaveLength(3);
  });
});
