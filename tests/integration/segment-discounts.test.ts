import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { prismaDiscountStore } from "../../app/db/discounts/discount-store.server.js";
import { prismaSyncStore } from "../../app/db/sync/sync-store.server.js";
import { attributeOrders } from "../../app/domain/discounts/discount-attribution.js";
import { AdminClient } from "../../app/shopify/admin-client.server.js";
import { shopifyDiscounts } from "../../app/shopify/discounts/shopify-discounts.server.js";
import { createEmulatorFetch } from "../../app/shopify/emulator-routing.js";
import type { GraphqlOperation } from "../../app/graphql/operation.js";
import type { DiscountSegment, StoredDiscount } from "../../app/services/discounts/ports.js";
import { createSegmentDiscount, listSegmentDiscounts } from "../../app/services/discounts/segment-discounts.js";
import { retireShopifySegment, syncShopifySegment } from "../../app/services/discounts/shopify-segment-link.js";
import { mapOrderPayload } from "../../app/services/sync/webhook-mapping.js";
import { localEmulatorConfig } from "../../scripts/local-shopify.js";
import { parseConfiguration } from "../../extensions/cohort-tag-discount/src/configuration.js";
import type { Json } from "../../extensions/cohort-tag-discount/src/types.js";
import { discounts as text } from "../../app/locales/en/discounts.js";
import { providers } from "../helpers/databases.js";
import { migratedDatabases } from "../helpers/migrated-databases.js";
import { EmulatorClient } from "../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../shopify-emulator/server.js";
import { EmulatorStore } from "../shopify-emulator/store/store.js";

/** The app's webhook endpoint stand-in: keeps every orders/create body the local Shopify delivers. */
let hooks: Server;
const delivered: Array<{ shop: string; body: unknown }> = [];
let emulator: RunningEmulator;
let control: EmulatorClient;
let shopCounter = 0;

beforeAll(async () => {
  hooks = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      if (request.url === "/webhooks/orders/create")
        delivered.push({ shop: String(request.headers["x-shopify-shop-domain"]), body: JSON.parse(body) });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
  emulator = await startEmulator({ store: new EmulatorStore(), config: localEmulatorConfig(appUrl) });
  control = new EmulatorClient(emulator.url);
});
afterAll(async () => {
  await emulator?.close();
  emulator?.store.close();
  await new Promise((resolve) => hooks?.close(resolve));
});

const openDatabase = migratedDatabases();

async function newShop() {
  shopCounter += 1;
  const shop = `discounts-${shopCounter}.myshopify.com`;
  await control.createShop({ domain: shop });
  const { accessToken } = await control.install(shop);
  const client = new AdminClient({
    shop,
    apiVersion: SHOPIFY_API_VERSION,
    token: { accessToken: async () => accessToken },
    fetch: createEmulatorFetch(emulator.url, globalThis.fetch),
  });
  const execute = <T>(document: string, variables?: Record<string, unknown>) =>
    client.execute(document as GraphqlOperation<T, Record<string, unknown>>, variables);
  return { shop, shopify: shopifyDiscounts(execute), execute };
}

const emulatorShopId = (shop: string) => emulator.store.getShopByDomain(shop)!.id;
const shopifySegments = (shop: string) =>
  emulator.store.prepare("SELECT name, data FROM segments WHERE shop_id = ?").all(emulatorShopId(shop)) as {
    name: string;
    data: string;
  }[];
const shopifyDiscountCount = (shop: string) =>
  (
    emulator.store.prepare("SELECT COUNT(*) AS n FROM discounts WHERE shop_id = ?").get(emulatorShopId(shop)) as {
      n: number;
    }
  ).n;

const minutesFromNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

const VIP: DiscountSegment = { id: "seg-vip", name: "VIP", tag: "vip" };
const NOW = new Date("2026-12-07T12:00:00Z");

describe.each(await providers())("discounts from segments against the local Shopify, on %s", (provider) => {
  async function setup() {
    const { db, url } = await openDatabase(provider);
    const { shop, shopify, execute } = await newShop();
    return { db, url, shop, shopify, execute, deps: { shopify, store: prismaDiscountStore(db, url) } };
  }

  it("given a tagged segment, when a 15 % code discount is made, then Shopify holds a segment on the tag and a discount limited to it", async () => {
    const { shop, deps } = await setup();
    await control.createCustomer(shop, { email: "vip@example.com", tags: ["vip"] });

    const outcome = await createSegmentDiscount(
      deps,
      shop,
      VIP,
      { method: "code", kind: "percentage", value: "15", code: "VIP15" },
      NOW,
    );

    expect(outcome).toMatchObject({ ok: true, warnings: [] });
    const segments = shopifySegments(shop);
    expect(segments).toHaveLength(1);
    expect(JSON.parse(segments[0]!.data)).toMatchObject({ name: "Cohort: VIP", query: "customer_tags CONTAINS 'vip'" });
    const discount = JSON.parse(
      (
        emulator.store.prepare("SELECT data FROM discounts WHERE shop_id = ?").get(emulatorShopId(shop)) as {
          data: string;
        }
      ).data,
    );
    expect(discount).toMatchObject({
      code: "VIP15",
      value: { percentage: 0.15 },
      segmentIds: [JSON.parse(segments[0]!.data).id],
    });

    // A second discount reuses the segment.
    const automatic = await createSegmentDiscount(
      deps,
      shop,
      VIP,
      { method: "automatic", kind: "free_shipping", minimumSubtotal: "50" },
      new Date(NOW.getTime() + 1000),
    );
    expect(automatic.ok).toBe(true);
    expect(shopifySegments(shop)).toHaveLength(1);
    expect(await listSegmentDiscounts(deps, shop, VIP.id)).toMatchObject([
      { code: "VIP15", value: "15", status: "ACTIVE", shopifyUsageCount: 0 },
      { code: null, kind: "free_shipping", status: "ACTIVE" },
    ]);
  });

  it("given a tag no customer carries, when a discount is made, then it is made with a warning", async () => {
    const { shop, deps } = await setup();
    const outcome = await createSegmentDiscount(
      deps,
      shop,
      VIP,
      { method: "code", kind: "fixed", value: "10", code: "TEN" },
      NOW,
    );
    expect(outcome).toEqual(expect.objectContaining({ ok: true, warnings: [text.emptyTag("vip")] }));
  });

  it("given bad input, when a discount is asked for, then field errors come back and Shopify holds nothing", async () => {
    const { shop, deps } = await setup();
    const cases: Array<[unknown, string]> = [
      [{ method: "code", kind: "percentage", value: "150", code: "X" }, "value"],
      [{ method: "code", kind: "fixed", value: "-5", code: "X" }, "value"],
      [{ method: "code", kind: "percentage", value: "10" }, "code"],
      [
        { method: "code", kind: "percentage", value: "10", code: "X", startsAt: "2027-01-02", endsAt: "2027-01-01" },
        "endsAt",
      ],
      [{ method: "code", kind: "percentage", value: "10", code: "X", usageLimit: "0" }, "usageLimit"],
    ];
    for (const [form, field] of cases) {
      const outcome = await createSegmentDiscount(deps, shop, VIP, form, NOW);
      expect(outcome.ok ? null : Object.keys(outcome.fieldErrors)).toEqual([field]);
    }
    const untagged = await createSegmentDiscount(
      deps,
      shop,
      { ...VIP, tag: null },
      { method: "code", kind: "percentage", value: "10", code: "X" },
      NOW,
    );
    expect(untagged).toEqual({ ok: false, fieldErrors: { segment: text.needsTag } });
    expect(shopifySegments(shop)).toHaveLength(0);
    expect(shopifyDiscountCount(shop)).toBe(0);
  });

  it("given a tagged segment, when tag discounts are made, then Shopify holds app discounts whose metafield the Function accepts, and no Shopify segment", async () => {
    const { shop, deps, execute } = await setup();
    await control.createCustomer(shop, { email: "vip@example.com", tags: ["vip"] });

    const percent = await createSegmentDiscount(
      deps,
      shop,
      VIP,
      { method: "function", kind: "percentage", value: "15", combinesWithShippingDiscounts: "on" },
      NOW,
    );
    const fixed = await createSegmentDiscount(deps, shop, VIP, { method: "function", kind: "fixed", value: "5" }, NOW);
    const shipping = await createSegmentDiscount(
      deps,
      shop,
      VIP,
      { method: "function", kind: "free_shipping", endsAt: "2027-01-31" },
      NOW,
    );

    expect([percent, fixed, shipping].map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(shopifySegments(shop)).toHaveLength(0);
    expect(await deps.store.link(shop, VIP.id)).toBeNull();
    const READ = `#graphql
      query($id: ID!) { discountNode(id: $id) {
        metafield(namespace: "$app:cohort", key: "tag-discount") { type jsonValue }
        discount { ... on DiscountAutomaticApp { title discountClasses endsAt combinesWith { shippingDiscounts } } } } }`;
    const read = async (outcome: typeof percent) =>
      (
        await execute<{ discountNode: { metafield: { type: string; jsonValue: unknown }; discount: unknown } }>(READ, {
          id: outcome.ok ? outcome.discount.id : "",
        })
      ).discountNode;
    const [percentNode, fixedNode, shippingNode] = [await read(percent), await read(fixed), await read(shipping)];
    expect(percentNode).toEqual({
      metafield: { type: "json", jsonValue: { tags: ["vip"], percentage: 15 } },
      discount: {
        title: "VIP: 15% off",
        discountClasses: ["ORDER"],
        endsAt: null,
        combinesWith: { shippingDiscounts: true },
      },
    });
    expect(fixedNode.metafield.jsonValue).toEqual({ tags: ["vip"], fixedAmount: "5.00" });
    expect(shippingNode).toMatchObject({
      metafield: { jsonValue: { tags: ["vip"], percentage: 100 } },
      discount: { discountClasses: ["SHIPPING"], endsAt: "2027-01-31T00:00:00Z" },
    });
    // What the app writes is what the Function's own checks accept.
    for (const node of [percentNode, fixedNode, shippingNode])
      expect(parseConfiguration(node.metafield.jsonValue as Json)).toMatchObject({ tags: ["vip"] });
    expect(await listSegmentDiscounts(deps, shop, VIP.id)).toMatchObject([
      { method: "function", kind: "percentage", value: "15", code: null, status: "ACTIVE", shopifyUsageCount: 0 },
      { method: "function", kind: "fixed", value: "5.00", status: "ACTIVE" },
      { method: "function", kind: "free_shipping", value: null, status: "ACTIVE" },
    ]);
  });

  it("given a bad tag discount or a Function Shopify does not know, when it is asked for, then the error comes back and nothing is left", async () => {
    const { shop, deps } = await setup();
    const cases: Array<[unknown, string]> = [
      [{ method: "function", kind: "percentage", value: "150" }, "value"],
      [{ method: "function", kind: "fixed", value: "0" }, "value"],
      [{ method: "function", kind: "percentage", value: "10", code: "VIP10" }, "code"],
      [{ method: "function", kind: "percentage", value: "10", minimumSubtotal: "50" }, "minimumSubtotal"],
      [{ method: "function", kind: "percentage", value: "10", usageLimit: "5" }, "usageLimit"],
    ];
    for (const [form, field] of cases) {
      const outcome = await createSegmentDiscount(deps, shop, VIP, form, NOW);
      expect(outcome.ok ? null : Object.keys(outcome.fieldErrors)).toEqual([field]);
    }

    // The Function not deployed: Shopify refuses the handle, and the form says so.
    const app = emulator.context.config.app;
    app.functions = [];
    try {
      const outcome = await createSegmentDiscount(
        deps,
        shop,
        VIP,
        { method: "function", kind: "percentage", value: "10" },
        NOW,
      );
      expect(outcome).toEqual({
        ok: false,
        fieldErrors: { form: expect.stringMatching(/^Shopify refused it: Function cohort-tag-discount not found/) },
      });
    } finally {
      delete app.functions;
    }
    expect(shopifyDiscountCount(shop)).toBe(0);
    expect(shopifySegments(shop)).toHaveLength(0);
    expect(await deps.store.discounts(shop)).toEqual([]);
  });

  it("given a code Shopify refuses, when the discount is made for a new segment, then the segment made for it is deleted again", async () => {
    const { shop, deps } = await setup();
    expect(
      (
        await createSegmentDiscount(
          deps,
          shop,
          VIP,
          { method: "code", kind: "percentage", value: "10", code: "SAME" },
          NOW,
        )
      ).ok,
    ).toBe(true);
    const other: DiscountSegment = { id: "seg-loyal", name: "Loyal", tag: "loyal" };

    const outcome = await createSegmentDiscount(
      deps,
      shop,
      other,
      { method: "code", kind: "percentage", value: "10", code: "same" },
      NOW,
    );

    expect(outcome).toEqual({
      ok: false,
      fieldErrors: { code: text.shopifyRefused("Code must be unique. Please try a different code.") },
    });
    expect(shopifySegments(shop).map((s) => s.name)).toEqual(["Cohort: VIP"]);
    expect(await deps.store.link(shop, other.id)).toBeNull();
    expect(await deps.store.discounts(shop, other.id)).toEqual([]);
  });

  it("given Shopify's segment limit is reached, when a discount is made, then the segment field says so and nothing is made", async () => {
    const { shop, deps } = await setup();
    const insert = emulator.store.prepare("INSERT INTO segments (shop_id, id, name, data) VALUES (?, ?, ?, ?)");
    const shopId = emulatorShopId(shop);
    emulator.store.transaction(() => {
      for (let i = 0; i < 6000; i += 1) {
        const id = 9_000_000 + i;
        insert.run(
          shopId,
          id,
          `S${i}`,
          JSON.stringify({
            id,
            name: `S${i}`,
            query: "number_of_orders >= 1",
            createdAt: NOW.toISOString(),
            updatedAt: NOW.toISOString(),
          }),
        );
      }
    });
    const outcome = await createSegmentDiscount(
      deps,
      shop,
      VIP,
      { method: "code", kind: "percentage", value: "10", code: "FULL" },
      NOW,
    );
    expect(outcome).toEqual({ ok: false, fieldErrors: { form: text.segmentLimit } });
    expect(shopifyDiscountCount(shop)).toBe(0);
  });

  it("given a segment whose tag and name change, when it is kept in step and then retired, then its Shopify segment follows", async () => {
    const { shop, deps } = await setup();
    await createSegmentDiscount(deps, shop, VIP, { method: "automatic", kind: "percentage", value: "5" }, NOW);
    await syncShopifySegment(deps.shopify, deps.store, shop, { id: VIP.id, name: "Best", tag: "best" }, NOW);
    expect(JSON.parse(shopifySegments(shop)[0]!.data)).toMatchObject({
      name: "Cohort: Best",
      query: "customer_tags CONTAINS 'best'",
    });
    expect(await retireShopifySegment(deps.shopify, deps.store, shop, VIP.id)).toBe(true);
    expect(shopifySegments(shop)).toHaveLength(0);
  });

  it("given orders placed in Shopify with the code and synced from their webhooks, then the discount shows their revenue", async () => {
    const { db, url, shop, deps } = await setup();
    const vip = await control.createCustomer(shop, { email: "buyer@example.com", tags: ["vip"] });
    const outsider = await control.createCustomer(shop, { email: "outsider@example.com" });
    await createSegmentDiscount(
      deps,
      shop,
      VIP,
      { method: "code", kind: "percentage", value: "20", code: "VIP20" },
      NOW,
    );

    await control.createOrder(shop, {
      customerId: vip.id,
      lineItems: [{ title: "Coat", price: "100.00", quantity: 1 }],
      discountCodes: ["vip20"],
    });
    // Not in the segment: checkout does not apply the code.
    await control.createOrder(shop, {
      customerId: outsider.id,
      lineItems: [{ title: "Hat", price: "30.00", quantity: 1 }],
      discountCodes: ["VIP20"],
    });
    await emulator.webhooks.idle();
    const bodies = delivered.filter((d) => d.shop === shop).map((d) => mapOrderPayload(d.body));
    expect(bodies).toHaveLength(2);
    await prismaSyncStore(db, url).upsertOrders(shop, bodies);

    const [listed] = await listSegmentDiscounts(deps, shop, VIP.id);
    expect(listed).toMatchObject({
      code: "VIP20",
      redemptions: 1,
      revenue: "80.00",
      shopifyUsageCount: 1,
      status: "ACTIVE",
    });
  });

  it("attribution in SQL agrees with the reference for any orders and codes", async () => {
    const { db, url } = await openDatabase(provider);
    const store = prismaDiscountStore(db, url);
    const shop = "attribution.myshopify.com";
    const codes = ["A", "b", "C", "d"];
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            codes: fc.uniqueArray(fc.constantFrom("a", "B", "c", "X"), {
              maxLength: 3,
              selector: (c) => c.toLowerCase(),
            }),
            total: fc.bigInt({ min: 0n, max: 10_000_000n }),
            cancelled: fc.boolean(),
            // Minutes from NOW: before and after the discounts were made and started.
            minutes: fc.integer({ min: -3, max: 3 }),
          }),
          { maxLength: 12 },
        ),
        fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 4, maxLength: 4 }),
        async (orders, startMinutes) => {
          round += 1;
          await db.segmentDiscount.deleteMany({ where: { shop } });
          await db.syncedOrderDiscountCode.deleteMany({ where: { shop } });
          await db.syncedOrder.deleteMany({ where: { shop } });
          const discounts: StoredDiscount[] = codes.map((code, i) => ({
            id: `gid://shopify/DiscountCodeNode/${round}${i}`,
            segmentId: i % 2 ? "s1" : "s2",
            method: "code",
            kind: "percentage",
            title: code,
            code,
            value: "10",
            startsAt: minutesFromNow(startMinutes[i]!),
            endsAt: null,
            usageLimit: null,
            createdAt: minutesFromNow(i % 2),
          }));
          for (const discount of discounts) await store.saveDiscount(shop, discount);
          await db.syncedOrder.createMany({
            data: orders.map((order, i) => ({
              shop,
              id: String(i + 1),
              createdAt: new Date(minutesFromNow(order.minutes)),
              processedAt: new Date(minutesFromNow(order.minutes)),
              updatedAt: NOW,
              cancelledAt: order.cancelled ? NOW : null,
              test: false,
              currency: "USD",
              presentmentCurrency: "USD",
              totalPrice: order.total,
              subtotalPrice: order.total,
              totalDiscounts: 0n,
            })),
          });
          await db.syncedOrderDiscountCode.createMany({
            data: orders.flatMap((order, i) => order.codes.map((code) => ({ shop, orderId: String(i + 1), code }))),
          });
          const expected = attributeOrders(
            discounts,
            orders.map((order, i) => ({
              id: String(i + 1),
              codes: order.codes,
              totalPrice: order.total,
              cancelled: order.cancelled,
              createdAt: minutesFromNow(order.minutes),
            })),
          );
          const actual = await store.attribution(shop);
          const sort = <T extends { discountId: string }>(rows: T[]) =>
            [...rows].sort((a, b) => a.discountId.localeCompare(b.discountId));
          expect(sort(actual)).toEqual(sort(expected));
        },
      ),
      { numRuns: 25 },
    );
  });
});
