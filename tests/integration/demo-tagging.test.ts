import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { prismaDiscountStore } from "../../app/db/discounts/discount-store.server.js";
import { DEMO_TAGS } from "../../scripts/demo/demo-tags.js";
import { localAppEnv } from "../../scripts/local-shopify.js";
import { mintSessionToken } from "../shopify-emulator/auth/session-token.js";
import { type AppStack, BROWSER_HEADERS, startAppStack, waitFor } from "../helpers/app-stack.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";
import { runDemoSegments } from "../helpers/demo-segments.js";

const SHOP = "demo-tags.myshopify.com";

/**
 * The demo store as `npm run dev` makes it: a seeded shop, the app opened once, the demo segments made with tagging
 * on for a few. The worker must then write their tags into the local Shopify, on exactly their members.
 */
describe.each(await providers())("the demo store's tags, on %s", (provider) => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await freshDatabase(provider);
    // A low bulk threshold: the demo's first push (dozens of customers) goes through a bulk mutation.
    stack = await startAppStack({ databaseUrl: database.url, extraEnv: { COHORT_TAG_BULK_THRESHOLD: "5" } });
    await stack.control.createShop({ domain: SHOP, name: "Demo Tags" });
    await stack.control.seed(SHOP, { seed: 11, customers: 150, orders: 600 });
    await stack.control.install(SHOP);
    db = createDatabase(database.url);
    env = localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl: database.url });
    const token = mintSessionToken(stack.emulator.context, { shopDomain: SHOP });
    const host = Buffer.from(`admin.shopify.com/store/demo-tags`).toString("base64").replace(/=+$/, "");
    const params = new URLSearchParams({ embedded: "1", shop: SHOP, host, id_token: token });
    const response = await fetch(`${stack.appUrl}/app?${params}`, { headers: BROWSER_HEADERS });
    expect(response.status, stack.logs.join("")).toBe(200);
  }, 120_000);

  /** Each demo tag in the local Shopify against its segment's members, and what is still to push. */
  async function comparison() {
    const pending =
      (await db.webhookEvent.count({ where: { shop: SHOP, processedAt: null } })) +
      (await db.tagPending.count({ where: { shop: SHOP } }));
    const customers = await db.syncedCustomer.findMany({ where: { shop: SHOP }, select: { id: true } });
    const tagsById = new Map<string, string[]>();
    for (const { id } of customers) tagsById.set(id, (await stack.control.getCustomer(SHOP, Number(id))).tags);
    const mismatches: string[] = [];
    const counts: Record<string, number> = {};
    let tagged = 0;
    for (const tagging of await db.segmentTagging.findMany({ where: { shop: SHOP } })) {
      const members = (await db.segmentMember.findMany({ where: { shop: SHOP, segmentId: tagging.segmentId } }))
        .map((m) => m.customerId)
        .sort();
      const carrying = [...tagsById].filter(([, tags]) => tags.includes(tagging.tag)).map(([id]) => id);
      if (JSON.stringify(carrying.sort()) !== JSON.stringify(members)) {
        mismatches.push(`${tagging.tag}: members ${members.join(",")} carrying ${carrying.join(",")}`);
      }
      counts[tagging.tag] = carrying.length;
      tagged += carrying.length;
    }
    return { pending, mismatches, tagged, counts };
  }

  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  it(
    "given the demo segments made right after the app is opened, when the backfill and the worker (through bulk mutations) are done, then the local Shopify carries each demo tag on exactly its segment's members, the VIPs' discount earns only the orders placed with its code since it was made, and a second run changes nothing",
    { timeout: 150_000 },
    async () => {
      const first = await runDemoSegments(SHOP, env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain("automatic tagging switched on");

      // The backfill ends with a full evaluation; its membership changes mark the outbox, the worker drains it.
      await waitFor(async () => {
        const states = await db.syncState.findMany({ where: { shop: SHOP } });
        return states.length === 2 && states.every((state) => state.status === "completed");
      }, 90_000);
      let last: Awaited<ReturnType<typeof comparison>> | null = null;
      await waitFor(
        async () => {
          last = await comparison();
          return last.pending === 0 && last.mismatches.length === 0 && last.tagged > 0;
        },
        60_000,
        500,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}: ${JSON.stringify(last)}\n${stack.logs.join("").slice(-4000)}`);
      });
      const taggings = await db.segmentTagging.findMany({ where: { shop: SHOP, state: "on" } });
      expect(taggings.map((t) => t.tag).sort()).toEqual(Object.values(DEMO_TAGS).sort());
      console.log(`[demo-tagging ${provider}] ${JSON.stringify(last!.counts)}`);
      const finished = await stack.control.deliveries(SHOP, "bulk_operations/finish");
      expect(finished.filter((delivery) => delivery.body.includes('"type":"mutation"')).length).toBeGreaterThan(0);

      // The VIPs' discount, limited to their tag; with --orders, tagged VIPs order with its code.
      const [discount] = await db.segmentDiscount.findMany({ where: { shop: SHOP } });
      expect(discount).toMatchObject({ code: "VIP15" });
      // The demo's history has old orders with a VIP15 code too: they are not this discount's.
      const vipCodeUses = () => db.syncedOrderDiscountCode.count({ where: { shop: SHOP, code: "VIP15" } });
      const before = await vipCodeUses();
      const orders = await runDemoSegments(SHOP, env, ["--orders"]);
      expect(orders.code, orders.stderr).toBe(0);
      const placed = Number(/(\d+) demo orders/.exec(orders.stdout)?.[1]);
      expect(placed, orders.stdout).toBeGreaterThan(0);
      await stack.emulator.webhooks.idle();
      await waitFor(async () => (await vipCodeUses()) === before + placed, 30_000, 250);
      const [attributed] = await prismaDiscountStore(db, database.url).attribution(SHOP);
      expect(attributed?.redemptions, "the old VIP15 orders are not the new discount's").toBe(placed);
      const again = await runDemoSegments(SHOP, env, ["--orders"]);
      expect(again.stdout).toContain("no demo order placed");

      const second = await runDemoSegments(SHOP, env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain("has its template segments already");
      expect(second.stdout).not.toContain("automatic tagging switched on");
      expect(second.stdout).not.toContain("a demo discount");
      expect(await db.segmentDiscount.count({ where: { shop: SHOP } })).toBe(1);
    },
  );
});
