import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { localAppEnv } from "../../scripts/local-shopify.js";
import { type AppStack, startAppStack, waitFor, openEmbeddedApp } from "../helpers/app-stack.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";
import { cohort, workDirectory } from "../scripts/cohort-cli-harness.js";

const SHOP = "tagging-e2e.myshopify.com";
const SEGMENT = "Big spenders";
const TAG = "cohort:big-spenders";
/** The merchant's own tag: Cohort's tag in another case. Shopify folds tags by case, so Cohort must never remove it. */
const MERCHANT_TAG = "Cohort:Big-Spenders";
const tagKey = (tag: string) => tag.trim().toLowerCase();

/**
 * Automatic tagging through the whole system: the built app and its worker against the local Shopify, the merchant
 * working through `npm run cohort`. Shopify's tags (read from the local Shopify, not from Cohort's tables) must follow
 * the segment's members as orders arrive and rules change, and a merchant's own tag is never removed.
 */
describe.each(await providers())("automatic tagging through the running app, on %s", (provider) => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;
  let cliEnv: Record<string, string>;
  const cwd = workDirectory();

  async function cli(args: string[]): Promise<string> {
    const run = await cohort(args, { cwd, env: cliEnv });
    expect(run.code, `${args.join(" ")}\n${run.stdout}\n${run.stderr}`).toBe(0);
    return run.stdout;
  }

  async function tagsOf(id: number): Promise<string[]> {
    return (await stack.control.getCustomer(SHOP, id)).tags;
  }

  async function segmentId(): Promise<string> {
    const segment = await db.segment.findUniqueOrThrow({ where: { shop_name: { shop: SHOP, name: SEGMENT } } });
    return segment.id;
  }

  async function metricsReach(customerId: number, netSpend: bigint): Promise<void> {
    await waitFor(async () => {
      const row = await db.customerMetrics.findUnique({
        where: { shop_customerId: { shop: SHOP, customerId: String(customerId) } },
      });
      return row?.netSpend === netSpend;
    }, 30_000);
  }

  async function buyer(email: string, amounts: string[], tags: string[] = []): Promise<number> {
    const customer = await stack.control.createCustomer(SHOP, { email, tags });
    const orders: number[] = [];
    ordersOf.set(customer.id, orders);
    for (const price of amounts) {
      const order = await stack.control.createOrder(SHOP, {
        customerId: customer.id,
        lineItems: [{ title: "Boots", price, quantity: 1 }],
        financialStatus: "PAID",
      });
      orders.push(order.id);
    }
    return customer.id;
  }

  /** The customers of the local Shopify carrying Cohort's tag (in Cohort's case: the merchant's variant aside). */
  async function taggedInShopify(ids: number[]): Promise<string[]> {
    const tagged: string[] = [];
    for (const id of ids) if ((await tagsOf(id)).includes(TAG)) tagged.push(String(id));
    return tagged.sort();
  }

  async function members(): Promise<string[]> {
    const rows = await db.segmentMember.findMany({ where: { shop: SHOP, segmentId: await segmentId() } });
    return rows.map((row) => row.customerId).sort();
  }

  const ordersOf = new Map<number, number[]>();
  const allCustomers = () => [...ordersOf.keys()];
  let vip: number; // 150 spent: a member from the start
  let small: number; // 50 spent: not a member until a later order
  let merchantTagged: number; // 120 spent, carrying the merchant's own "Cohort:Big-Spenders"

  beforeAll(async () => {
    database = await freshDatabase(provider);
    stack = await startAppStack({ databaseUrl: database.url });
    await stack.control.createShop({ domain: SHOP, name: "Tagging Outfitters" });
    await stack.control.install(SHOP);
    db = createDatabase(database.url);
    cliEnv = localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl: database.url });
    await openApp();
    vip = await buyer("vip@example.com", ["100.00", "50.00"]);
    small = await buyer("small@example.com", ["50.00"]);
    merchantTagged = await buyer("merchant-tagged@example.com", ["120.00"], [MERCHANT_TAG, "wholesale"]);
    await metricsReach(vip, 1_500_000n);
    await metricsReach(small, 500_000n);
    await metricsReach(merchantTagged, 1_200_000n);
  }, 180_000);

  /** The merchant opens Cohort in the admin: session token, token exchange, afterAuth. */
  async function openApp(): Promise<void> {
    const response = await openEmbeddedApp(stack, SHOP);
    expect(response.status, stack.logs.join("")).toBe(200);
  }

  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  it(
    "given a segment of customers who spent 100 or more, when its tagging is switched on, then the worker tags its members in Shopify and leaves the merchant's own tag in another case as it is",
    { timeout: 90_000 },
    async () => {
      await cli(["segment", "create", SHOP, SEGMENT, "amount_spent >= 100"]);
      expect(await members()).toEqual([String(vip), String(merchantTagged)].sort());

      const configured = await cli(["tagging", SHOP, SEGMENT, "--state", "on"]);
      expect(configured).toContain(`tag "${TAG}", tagging on`);

      await waitFor(async () => (await tagsOf(vip)).includes(TAG), 30_000).catch(failWithLogs);
      await settled();
      expect(await tagsOf(vip)).toContain(TAG);
      expect(await tagsOf(small)).not.toContain(TAG);
      // Shopify folds by case: adding "cohort:big-spenders" to a customer carrying "Cohort:Big-Spenders" adds
      // nothing, and Cohort records the tag as the merchant's.
      expect((await tagsOf(merchantTagged)).sort()).toEqual([MERCHANT_TAG, "wholesale"].sort());
      const confirmed = await db.confirmedCustomerTag.findMany({
        where: { shop: SHOP, customerId: String(merchantTagged) },
      });
      expect(confirmed.map((row) => row.origin)).toEqual(["merchant"]);
    },
  );

  it(
    "given a customer below the threshold, when their order webhook makes them qualify, then their tag appears in Shopify",
    { timeout: 90_000 },
    async () => {
      const placed = Date.now();
      await stack.control.createOrder(SHOP, {
        customerId: small,
        lineItems: [{ title: "Coat", price: "60.00", quantity: 1 }],
        financialStatus: "PAID",
      });
      await waitFor(async () => (await tagsOf(small)).includes(TAG), 30_000, 25).catch(failWithLogs);
      const latency = Date.now() - placed;
      console.log(`[automatic-tagging ${provider}] order created → tag visible in Shopify: ${latency} ms`);
      expect(await members()).toContain(String(small));
    },
  );

  it(
    "given the rule is edited so that two members leave, when the worker pushes, then Cohort's tag leaves the one it tagged and the merchant's own tag stays",
    { timeout: 90_000 },
    async () => {
      await cli(["segment", "edit", SHOP, SEGMENT, "amount_spent >= 140"]);
      expect(await members()).toEqual([String(vip)]);

      await waitFor(async () => !(await tagsOf(small)).includes(TAG), 30_000).catch(failWithLogs);
      await settled();
      expect(await tagsOf(vip)).toContain(TAG);
      expect((await tagsOf(merchantTagged)).sort()).toEqual([MERCHANT_TAG, "wholesale"].sort());
      expect((await tagsOf(small)).map(tagKey)).not.toContain(tagKey(TAG));
    },
  );

  it(
    "given duplicated and reordered webhooks while customers enter and leave, when everything is delivered, then Shopify's tags are exactly the segment's members",
    { timeout: 150_000 },
    async () => {
      await stack.control.setChaos(SHOP, { duplicateRate: 0.5, reorderWindow: 4, seed: 7 });
      const newcomers: number[] = [];
      for (let i = 0; i < 4; i++) newcomers.push(await buyer(`chaos-${i}@example.com`, ["90.00", "70.00"]));
      const refunded = await buyer("refunded@example.com", ["200.00"]);
      // The member from the start drops below the threshold with a refund; another fills up to it.
      await stack.control.refundOrder(SHOP, ordersOf.get(vip)![0]!, { amount: "60.00" });
      await stack.control.createOrder(SHOP, {
        customerId: merchantTagged,
        lineItems: [{ title: "Scarf", price: "30.00", quantity: 1 }],
        financialStatus: "PAID",
      });
      await stack.control.refundOrder(SHOP, ordersOf.get(refunded)![0]!, { amount: "150.00" });
      await stack.emulator.webhooks.idle();
      await stack.control.clearChaos(SHOP);

      const everyone = [vip, small, merchantTagged, refunded, ...newcomers];
      await metricsReach(vip, 900_000n);
      await metricsReach(merchantTagged, 1_500_000n);
      await metricsReach(refunded, 500_000n);
      for (const id of newcomers) await metricsReach(id, 1_600_000n);
      await settled();

      const expected = [merchantTagged, ...newcomers].map(String).sort();
      expect(await members()).toEqual(expected);
      // Shopify holds Cohort's tag, in Cohort's case, on exactly the members it added it to; the merchant-tagged
      // member carries it in the merchant's case, and nobody else carries it in any case.
      expect(await taggedInShopify(everyone)).toEqual(newcomers.map(String).sort());
      expect((await tagsOf(merchantTagged)).sort()).toEqual([MERCHANT_TAG, "wholesale"].sort());
      for (const id of everyone.filter((id) => !expected.includes(String(id)))) {
        expect((await tagsOf(id)).map(tagKey), `customer ${id}`).not.toContain(tagKey(TAG));
      }
    },
  );

  it(
    "given a merchant removes Cohort's tag from a member in Shopify, when the customers/update webhook arrives, then Cohort puts it back (repair on)",
    { timeout: 90_000 },
    async () => {
      const member = (await taggedInShopify(allCustomers()))[0]!;
      const current = await tagsOf(Number(member));
      await stack.control.updateCustomer(SHOP, Number(member), { tags: current.filter((tag) => tag !== TAG) });
      await waitFor(async () => (await tagsOf(Number(member))).includes(TAG), 30_000).catch(failWithLogs);
      await settled();
      const audit = await db.tagChange.findMany({ where: { shop: SHOP, customerId: member }, orderBy: { id: "asc" } });
      expect(audit.map((row) => row.action)).toContain("repair");
    },
  );

  it(
    "given untag-all, when the worker pushes, then no customer carries Cohort's tag and the merchant's own tag stays",
    { timeout: 90_000 },
    async () => {
      await cli(["untag-all", SHOP]);
      await waitFor(async () => (await taggedInShopify(allCustomers())).length === 0, 30_000).catch(failWithLogs);
      await settled();
      expect(await taggedInShopify(allCustomers())).toEqual([]);
      expect((await tagsOf(merchantTagged)).sort()).toEqual([MERCHANT_TAG, "wholesale"].sort());
    },
  );

  /** Every webhook applied and the tag outbox empty, twice in a row (a push's own customers/update comes back). */
  async function settled(): Promise<void> {
    let quiet = 0;
    await waitFor(
      async () => {
        const [inbox, outbox] = await Promise.all([
          db.webhookEvent.count({ where: { shop: SHOP, processedAt: null } }),
          db.tagPending.count({ where: { shop: SHOP } }),
        ]);
        quiet = inbox === 0 && outbox === 0 ? quiet + 1 : 0;
        return quiet >= 5;
      },
      60_000,
      200,
    ).catch(failWithLogs);
  }

  async function failWithLogs(error: unknown): Promise<never> {
    const pending = await db.tagPending.findMany({ where: { shop: SHOP } });
    const audit = await db.tagChange.findMany({ where: { shop: SHOP }, orderBy: { id: "asc" } }).catch(() => []);
    throw new Error(
      `${String(error)}\npending: ${JSON.stringify(pending)}\naudit: ${JSON.stringify(audit.slice(-20), (_, v) =>
        typeof v === "bigint" ? String(v) : v,
      )}\n${stack.logs.join("").slice(-6000)}`,
    );
  }
});
