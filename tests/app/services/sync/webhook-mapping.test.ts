import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localEmulatorConfig } from "../../../../scripts/local-shopify.js";
import {
  mapCompliancePayload,
  mapCustomerPayload,
  mapDeletedCustomerId,
  mapOrderPayload,
  mapRefundPayload,
  multiplyMoney,
  normalizeTimestamp,
  sumMoney,
  withRefund,
} from "../../../../app/services/sync/webhook-mapping.js";
import { EmulatorClient } from "../../../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../../../shopify-emulator/server.js";
import { EmulatorStore } from "../../../shopify-emulator/store/store.js";

const SHOP = "mapping-shop.myshopify.com";

interface Captured {
  topic: string;
  body: unknown;
}

/** The app's side of the wire: records every delivery the local Shopify makes and acknowledges it. */
async function captureServer(): Promise<{ server: Server; url: string; received: Captured[] }> {
  const received: Captured[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        topic: String(request.headers["x-shopify-topic"]),
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown,
      });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("mapping the local Shopify's webhook payloads to facts", () => {
  let capture: Awaited<ReturnType<typeof captureServer>>;
  let emulator: RunningEmulator;
  let control: EmulatorClient;

  async function delivered(topic: string, id: number, key = "id"): Promise<unknown[]> {
    await emulator.webhooks.idle();
    return capture.received
      .filter((item) => item.topic === topic)
      .map((item) => item.body)
      .filter((body) => typeof body === "object" && body !== null && (body as Record<string, unknown>)[key] === id);
  }

  beforeAll(async () => {
    capture = await captureServer();
    emulator = await startEmulator({ store: new EmulatorStore(), config: localEmulatorConfig(capture.url) });
    control = new EmulatorClient(emulator.url);
    await control.createShop({ domain: SHOP, name: "Mapping Goods" });
    await control.install(SHOP);
  });

  afterAll(async () => {
    await emulator.close();
    emulator.store.close();
    await new Promise((resolve) => capture.server.close(resolve));
  });

  it("given a customer's paid order with a discount, when orders/create is delivered, then it maps to facts with money as exact strings and the customer's id", async () => {
    const customer = await control.createCustomer(SHOP, { email: "ada@example.com", firstName: "Ada" });
    const order = await control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [
        { title: "Wool socks", price: "12.10", quantity: 3 },
        { title: "Cap", price: "0.10", quantity: 1 },
      ],
      discountCodes: [{ code: "TENOFF", percentage: 10 }],
      financialStatus: "PAID",
      shippingAddress: { city: "Lyon", countryCode: "FR", provinceCode: null },
    });
    const [payload] = await delivered("orders/create", order.id);
    const facts = mapOrderPayload(payload);

    expect(facts).toMatchObject({
      id: String(order.id),
      customerId: String(customer.id),
      cancelledAt: null,
      currency: order.currencyCode,
      totalPrice: order.totalPrice.shop,
      subtotalPrice: order.subtotalPrice.shop,
      totalDiscounts: order.totalDiscounts.shop,
      discountCodes: ["TENOFF"],
      financialStatus: "PAID",
      countryCode: "FR",
      city: "Lyon",
      refunds: [],
    });
    expect(facts.updatedAt).toBe(normalizeTimestamp(order.updatedAt));
    expect(facts.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(facts.lineItems.map((line) => [line.title, line.quantity, line.amount])).toEqual(
      order.lineItems.map((line) => [line.title, line.quantity, line.discountedTotal.shop]),
    );
  });

  it("given a guest checkout, when orders/create is delivered, then the facts have no customer", async () => {
    const order = await control.createOrder(SHOP, {
      email: "guest@example.com",
      lineItems: [{ title: "Gift card", price: "25.00", quantity: 1 }],
    });
    const [payload] = await delivered("orders/create", order.id);
    expect((payload as { customer: unknown }).customer).toBeNull();
    expect(mapOrderPayload(payload).customerId).toBeNull();
  });

  it("given a paid order, when it is partly refunded, then refunds/create maps to the refund and orders/updated carries it", async () => {
    const order = await control.createOrder(SHOP, {
      lineItems: [{ title: "Lamp", price: "40.00", quantity: 2 }],
      financialStatus: "PAID",
    });
    const { refund } = await control.refundOrder(SHOP, order.id, { amount: "15.50" });
    const [refundPayload] = await delivered("refunds/create", refund.id);
    const mapped = mapRefundPayload(refundPayload, order.currencyCode);
    expect(mapped).toEqual({
      orderId: String(order.id),
      refund: { id: String(refund.id), createdAt: normalizeTimestamp(refund.createdAt), amount: "15.50" },
    });

    const updates = await delivered("orders/updated", order.id);
    const latest = mapOrderPayload(updates.at(-1));
    expect(latest.refunds).toEqual([mapped.refund]);
    expect(latest.financialStatus).toBe("PARTIALLY_REFUNDED");
    expect(withRefund(latest, mapped.refund)).toBe(latest);
  });

  it("given a paid order, when it is cancelled, then orders/cancelled maps to a cancelled order refunded in full", async () => {
    const order = await control.createOrder(SHOP, {
      lineItems: [{ title: "Chair", price: "99.99", quantity: 1 }],
      financialStatus: "PAID",
    });
    const cancelled = await control.cancelOrder(SHOP, order.id, { reason: "CUSTOMER" });
    const [payload] = await delivered("orders/cancelled", order.id);
    const facts = mapOrderPayload(payload);
    expect(facts.cancelledAt).toBe(normalizeTimestamp(cancelled.cancelledAt));
    expect(facts.financialStatus).toBe("REFUNDED");
    expect(sumMoney(facts.refunds.map((item) => item.amount))).toBe(order.totalPrice.shop);
  });

  it("given a customer with tags and an address, when customers/create and customers/update are delivered at API 2026-10, then they map without tags and say they are incomplete", async () => {
    const customer = await control.createCustomer(SHOP, {
      email: "tagged@example.com",
      tags: ["vip", "wholesale"],
      addresses: [{ city: "Porto", countryCode: "PT", provinceCode: null }],
    });
    const [created] = await delivered("customers/create", customer.id);
    const mapped = mapCustomerPayload(created);
    expect(mapped.complete).toBe(false);
    expect(mapped.facts).toMatchObject({
      id: String(customer.id),
      state: customer.state,
      tags: [],
      countryCode: "PT",
      city: "Porto",
      updatedAt: normalizeTimestamp(customer.updatedAt),
    });
  });

  it("given a customer without orders, when they are deleted, then customers/delete maps to their id", async () => {
    const customer = await control.createCustomer(SHOP, { email: "leaving@example.com" });
    await control.deleteCustomer(SHOP, customer.id);
    const [payload] = await delivered("customers/delete", customer.id);
    expect(mapDeletedCustomerId(payload)).toBe(String(customer.id));
  });

  it("given a customers/redact request, when fired, then the payload maps to the customer and the orders to redact", async () => {
    const customer = await control.createCustomer(SHOP, { email: "forget.me@example.com" });
    const order = await control.createOrder(SHOP, {
      customerId: customer.id,
      lineItems: [{ title: "Mug", price: "8.00", quantity: 1 }],
    });
    await control.fireWebhook(SHOP, { topic: "customers/redact", customerId: customer.id });
    await emulator.webhooks.idle();
    const payload = capture.received.find((item) => item.topic === "customers/redact")?.body;
    expect(mapCompliancePayload(payload)).toEqual({
      customerId: String(customer.id),
      orderIds: [String(order.id)],
      requestId: null,
    });
  });
});

describe("exact money arithmetic on strings", () => {
  it("given amounts with different precision, when summed, then the result is exact and keeps the widest precision", () => {
    expect(sumMoney(["0.10", "0.20"])).toBe("0.30");
    expect(sumMoney(["1", "2.5"])).toBe("3.50");
    expect(sumMoney(["1.005", "-0.005"])).toBe("1.000");
    expect(sumMoney([])).toBe("0.00");
    expect(multiplyMoney("12.10", 3)).toBe("36.30");
  });

  it("given random cent amounts, when summed, then the result equals integer-cent arithmetic", () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 200; run += 1) {
      const cents = Array.from(
        { length: 1 + Math.floor(random() * 8) },
        () => Math.floor(random() * 2_000_000) - 500_000,
      );
      const asStrings = cents.map(
        (value) =>
          `${value < 0 ? "-" : ""}${Math.floor(Math.abs(value) / 100)}.${String(Math.abs(value) % 100).padStart(2, "0")}`,
      );
      const total = cents.reduce((sum, value) => sum + value, 0);
      const expected = `${total < 0 ? "-" : ""}${Math.floor(Math.abs(total) / 100)}.${String(Math.abs(total) % 100).padStart(2, "0")}`;
      expect(sumMoney(asStrings)).toBe(expected);
    }
  });
});
