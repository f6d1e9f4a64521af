import { describe, expect, it } from "vitest";
import {
  customerFromLine,
  jsonLines,
  JsonlSyntaxError,
  numericId,
  orderRules,
  RecordAssembler,
  type JsonLine,
} from "../../../../app/services/sync/bulk-jsonl.js";
import type { OrderFacts } from "../../../../app/domain/sync/sync-records.js";

function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function* chunked(text: string, random: () => number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + Math.floor(random() * 40);
    yield bytes.slice(at, at + size);
    at += size;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

/** The reference: the whole text at once. */
function referenceLines(text: string, skip = 0): JsonLine[] {
  return text
    .split("\n")
    .map((line, index) => ({ line: line.replace(/\r$/, ""), index }))
    .filter(({ line, index }) => index >= skip && line.trim() !== "")
    .map(({ line, index }) => ({ index, value: JSON.parse(line) as Record<string, unknown> }));
}

function order(id: number, lineItems: number, customer = 7): string[] {
  const root = {
    id: `gid://shopify/Order/${id}`,
    createdAt: "2026-01-02T03:04:05Z",
    processedAt: "2026-01-02T03:04:05Z",
    updatedAt: "2026-01-03T00:00:00Z",
    cancelledAt: null,
    test: false,
    currencyCode: "EUR",
    presentmentCurrencyCode: "USD",
    sourceName: "web",
    displayFinancialStatus: "PAID",
    discountCodes: ["WELCOME"],
    customer: { id: `gid://shopify/Customer/${customer}` },
    shippingAddress: { countryCodeV2: "FR", provinceCode: null, city: "Lyon — 🦁" },
    totalPriceSet: { shopMoney: { amount: "30.00" } },
    subtotalPriceSet: { shopMoney: { amount: "28.00" } },
    totalDiscountsSet: { shopMoney: { amount: "2.00" } },
    refunds: [
      {
        id: "gid://shopify/Refund/9",
        createdAt: "2026-01-05T00:00:00Z",
        totalRefundedSet: { shopMoney: { amount: "5.00" } },
      },
    ],
  };
  const children = Array.from({ length: lineItems }, (_, i) => ({
    id: `gid://shopify/LineItem/${id * 100 + i}`,
    title: "Mug",
    quantity: 2,
    vendor: "Acme",
    product: { id: "gid://shopify/Product/55", productType: "Kitchen" },
    variant: { id: "gid://shopify/ProductVariant/56" },
    discountedTotalSet: { shopMoney: { amount: "14.00" } },
    __parentId: `gid://shopify/Order/${id}`,
  }));
  return [root, ...children].map((line) => JSON.stringify(line));
}

describe("jsonLines", () => {
  it("given random chunk boundaries (inside multi-byte characters too), when split, then the lines equal the whole-text reference", async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const random = seeded(seed);
      const lines = Array.from({ length: 1 + Math.floor(random() * 20) }, (_, i) =>
        random() < 0.1 ? "" : JSON.stringify({ i, text: "é🦁".repeat(Math.floor(random() * 5)) }),
      );
      const text = lines.join(random() < 0.5 ? "\n" : "\r\n") + (random() < 0.5 ? "\n" : "");
      const skip = Math.floor(random() * 5);
      const got = await collect(jsonLines(chunked(text, random), skip));
      expect(got).toEqual(referenceLines(text.replace(/\r\n/g, "\n"), skip));
    }
  });

  it("given a broken line, when read, then JsonlSyntaxError names the line", async () => {
    const error = await collect(jsonLines(chunked('{"a":1}\n{oops\n', seeded(1)))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JsonlSyntaxError);
    expect((error as JsonlSyntaxError).index).toBe(1);
  });
});

describe("RecordAssembler with order rules", () => {
  it("given grouped output, when assembled, then each order carries its line items and the normalised facts", async () => {
    const text = [...order(1, 2), ...order(2, 0), ...order(3, 1)].join("\n");
    const assembler = new RecordAssembler(
      orderRules((productId) => (productId === "55" ? ["900", "901"] : [])),
      1,
    );
    const done: OrderFacts[] = [];
    for await (const line of jsonLines(chunked(text, seeded(3)))) done.push(...assembler.push(line));
    done.push(...assembler.finish());
    expect(done.map((o) => [o.id, o.lineItems.length])).toEqual([
      ["1", 2],
      ["2", 0],
      ["3", 1],
    ]);
    expect(done[0]).toMatchObject({
      customerId: "7",
      currency: "EUR",
      presentmentCurrency: "USD",
      totalPrice: "30.00",
      discountCodes: ["WELCOME"],
      countryCode: "FR",
      city: "Lyon — 🦁",
      financialStatus: "PAID",
      refunds: [{ id: "9", amount: "5.00" }],
    });
    expect(done[0]!.lineItems[0]).toEqual({
      id: "100",
      productId: "55",
      variantId: "56",
      title: "Mug",
      vendor: "Acme",
      productType: "Kitchen",
      collectionIds: ["900", "901"],
      quantity: 2,
      amount: "14.00",
    });
  });

  it("given ungrouped output with children interleaved within the window, when assembled, then nothing is orphaned", () => {
    const lines = [order(1, 0)[0]!, order(2, 0)[0]!, order(1, 1)[1]!, order(2, 1)[1]!].map((text, index): JsonLine => ({
      index,
      value: JSON.parse(text) as Record<string, unknown>,
    }));
    const assembler = new RecordAssembler(orderRules(), 4);
    const done = [...lines.flatMap((line) => assembler.push(line)), ...assembler.finish()];
    expect(done.map((o) => o.lineItems.length)).toEqual([1, 1]);
    expect(assembler.orphans).toBe(0);
  });

  it("given a crash after any line, when resumed from resumeLine, then completed-before plus completed-after equals one full pass", async () => {
    const random = seeded(42);
    const text = Array.from({ length: 40 }, (_, i) => order(i + 1, Math.floor(random() * 4)))
      .flat()
      .join("\n");
    const full = new RecordAssembler(orderRules(), 1);
    const reference: OrderFacts[] = [];
    for await (const line of jsonLines(chunked(text, random))) reference.push(...full.push(line));
    reference.push(...full.finish());
    const total = text.split("\n").length;
    for (let crashAfter = 0; crashAfter < total; crashAfter += 7) {
      const first = new RecordAssembler(orderRules(), 1);
      const stored = new Map<string, OrderFacts>();
      let resumeLine = 0;
      for await (const line of jsonLines(chunked(text, random))) {
        if (line.index >= crashAfter) break;
        for (const done of first.push(line)) stored.set(done.id, done);
        resumeLine = first.resumeLine(line.index + 1);
      }
      const second = new RecordAssembler(orderRules(), 1);
      for await (const line of jsonLines(chunked(text, random), resumeLine))
        for (const done of second.push(line)) stored.set(done.id, done);
      for (const done of second.finish()) stored.set(done.id, done);
      expect([...stored.values()].sort((a, b) => Number(a.id) - Number(b.id))).toEqual(reference);
    }
  });
});

describe("mappers", () => {
  it("given a customer line, when mapped, then only the facts Cohort keeps come out", () => {
    expect(
      customerFromLine({
        id: "gid://shopify/Customer/12",
        createdAt: "2025-01-01T00:00:00Z",
        updatedAt: "2025-02-01T00:00:00Z",
        state: "ENABLED",
        tags: ["vip"],
        email: "x@example.com",
        emailMarketingConsent: { marketingState: "SUBSCRIBED" },
        smsMarketingConsent: null,
        defaultAddress: { countryCodeV2: "CA", provinceCode: "QC", city: "Montréal" },
      }),
    ).toEqual({
      id: "12",
      createdAt: "2025-01-01T00:00:00Z",
      updatedAt: "2025-02-01T00:00:00Z",
      state: "ENABLED",
      tags: ["vip"],
      emailMarketing: "SUBSCRIBED",
      smsMarketing: null,
      countryCode: "CA",
      provinceCode: "QC",
      city: "Montréal",
    });
  });

  it("given ids beyond 2^53, when parsed from gids, then the decimal string is exact", () => {
    expect(numericId("gid://shopify/Order/9007199254740993")).toBe("9007199254740993");
    expect(numericId("nope")).toBeNull();
  });
});
