import { describe, expect, it } from "vitest";
import { computeCustomerMetrics } from "../../../../app/domain/sync/metrics.js";
import type { CustomerFacts, OrderFacts } from "../../../../app/domain/sync/sync-records.js";

const customer: CustomerFacts = {
  id: "1",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  state: "ENABLED",
  tags: ["vip", " vip", ""],
  emailMarketing: "SUBSCRIBED",
  smsMarketing: null,
  countryCode: "US",
  provinceCode: "",
  city: "Springfield",
};

function order(id: string, overrides: Partial<OrderFacts>): OrderFacts {
  return {
    id,
    customerId: "1",
    createdAt: "2026-02-01T00:00:00Z",
    processedAt: "2026-02-01T00:00:00Z",
    updatedAt: "2026-02-01T00:00:00Z",
    cancelledAt: null,
    test: false,
    currency: "USD",
    presentmentCurrency: "USD",
    totalPrice: "10.00",
    subtotalPrice: "10.00",
    totalDiscounts: "0.00",
    discountCodes: [],
    sourceName: "web",
    financialStatus: "PAID",
    countryCode: "US",
    provinceCode: "CA",
    city: "Springfield",
    lineItems: [],
    refunds: [],
    ...overrides,
  };
}

describe("customer metrics", () => {
  it("given net, cancelled, test and refunded orders, when computed, then spend counts net orders and the order count includes cancelled ones", () => {
    const orders = [
      order("a", { totalPrice: "10.00", refunds: [{ id: "r", createdAt: "2026-02-02T00:00:00Z", amount: "2.50" }] }),
      order("b", { totalPrice: "20.00", processedAt: "2026-03-01T00:00:00Z", discountCodes: ["SAVE", "SAVE"] }),
      order("c", { totalPrice: "99.00", cancelledAt: "2026-03-02T00:00:00Z", processedAt: "2026-04-01T00:00:00Z" }),
      order("d", { totalPrice: "500.00", test: true, processedAt: "2025-01-01T00:00:00Z" }),
      order("e", { customerId: "2", totalPrice: "1000.00" }),
    ];

    const metrics = computeCustomerMetrics(customer, orders);

    expect(metrics).toMatchObject({
      orderCount: 3,
      cancelledOrderCount: 1,
      netOrderCount: 2,
      grossSpend: "30.00",
      refundedAmount: "2.50",
      netSpend: "27.50",
      averageOrderValue: "13.75",
      firstOrderAt: "2026-02-01T00:00:00.000Z",
      lastOrderAt: "2026-04-01T00:00:00.000Z",
      refundCount: 1,
      discountCodeUseCount: 1,
      distinctDiscountCodeCount: 1,
      tags: ["vip"],
      provinceCode: null,
    });
    expect(metrics.purchases.filter((p) => p.kind === "province")).toEqual([
      {
        kind: "province",
        key: "US-CA",
        orderCount: 2,
        quantity: 2,
        amount: "30.00",
        firstAt: "2026-02-01T00:00:00.000Z",
        lastAt: "2026-03-01T00:00:00.000Z",
      },
    ]);
  });

  it("given line items in collections, when computed, then products, variants and collections sum quantity and amount per distinct order", () => {
    const item = (id: string, productId: string, quantity: number, amount: string) => ({
      id,
      productId,
      variantId: `${productId}-v`,
      title: "T",
      vendor: "Acme",
      productType: "",
      collectionIds: ["c1", "c1"],
      quantity,
      amount,
    });
    const orders = [
      order("a", { lineItems: [item("1", "p1", 2, "0.10"), item("2", "p1", 1, "0.20")] }),
      order("b", { lineItems: [item("3", "p2", 1, "5.00")], processedAt: "2026-01-15T00:00:00Z" }),
    ];

    const { purchases } = computeCustomerMetrics(customer, orders);

    expect(purchases.find((p) => p.kind === "product" && p.key === "p1")).toMatchObject({
      orderCount: 1,
      quantity: 3,
      amount: "0.30",
    });
    expect(purchases.find((p) => p.kind === "collection")).toMatchObject({
      key: "c1",
      orderCount: 2,
      quantity: 4,
      amount: "5.30",
      firstAt: "2026-01-15T00:00:00.000Z",
    });
    expect(purchases.some((p) => p.kind === "productType")).toBe(false);
  });

  it("given a customer without orders, when computed, then the counts are zero and the dates empty", () => {
    expect(computeCustomerMetrics(customer, [])).toMatchObject({
      orderCount: 0,
      netSpend: "0.00",
      averageOrderValue: "0.00",
      firstOrderAt: null,
      purchases: [],
    });
  });
});
