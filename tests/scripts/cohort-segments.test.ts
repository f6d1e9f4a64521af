import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaSyncStore } from "../../app/db/sync/sync-store.server.js";
import { EmulatorClient } from "../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../shopify-emulator/server.js";
import { EmulatorStore } from "../shopify-emulator/store/store.js";
import { localEmulatorConfig } from "../../scripts/local-shopify.js";
import { customerSnapshot, orderSnapshot, randomSource } from "../app/db/sync/sync-store-fixtures.js";
import { migratedDatabases, type MigratedDatabase } from "../helpers/migrated-databases.js";
import { cohort, lines, stackLines, VALID_ENV, workDirectory } from "./cohort-cli-harness.js";

const SHOP = "segments-cli.myshopify.com";
const migratedDatabase = migratedDatabases();

/**
 * The segment commands against a shop installed in the local Shopify (its time zone comes from the Admin API) with
 * three customers: one who spent 300 over two orders, one 40 over one order, one with no orders.
 */
describe("npm run cohort -- segment commands", () => {
  let emulator: RunningEmulator;
  let database: MigratedDatabase;
  let env: Record<string, string>;
  const run = (args: string[]) => cohort(args, { cwd: workDirectory(), env });

  beforeAll(async () => {
    emulator = await startEmulator({
      store: new EmulatorStore(),
      config: {
        ...localEmulatorConfig("http://127.0.0.1:9"),
        app: {
          ...localEmulatorConfig("http://127.0.0.1:9").app,
          apiKey: VALID_ENV.SHOPIFY_API_KEY,
          apiSecret: VALID_ENV.SHOPIFY_API_SECRET,
        },
      },
    });
    const control = new EmulatorClient(emulator.url);
    await control.createShop({ domain: SHOP, name: "Segments CLI", ianaTimezone: "Asia/Tokyo" });
    const installed = await control.install(SHOP);
    database = await migratedDatabase("sqlite");
    const { db, url } = database;
    await db.shop.create({ data: { domain: SHOP, scopes: VALID_ENV.SCOPES } });
    await db.session.create({
      data: {
        id: `offline_${SHOP}`,
        shop: SHOP,
        state: "",
        isOnline: false,
        scope: VALID_ENV.SCOPES,
        accessToken: installed.accessToken,
      },
    });
    const random = randomSource(3);
    const store = prismaSyncStore(db, url);
    await store.upsertCustomers(
      SHOP,
      ["1", "2", "3"].map((id) => customerSnapshot(random, id, 5)),
    );
    const order = (id: string, customerId: string, total: string) => ({
      ...orderSnapshot(random, id, customerId, 10),
      cancelledAt: null,
      test: false,
      totalPrice: total,
      refunds: [],
    });
    await store.upsertOrders(SHOP, [order("11", "1", "100.00"), order("12", "1", "200.00"), order("21", "2", "40.00")]);
    await store.refreshMetrics(SHOP, ["1", "2", "3"]);
    env = { ...VALID_ENV, SHOPIFY_EMULATOR_URL: emulator.url, DATABASE_URL: url };
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
  });

  it("given a query with a misspelt field and an open parenthesis, when segment create runs, then it exits 65 showing each error at its position with a hint, and saves nothing", async () => {
    const result = await run(["segment", "create", SHOP, "Big", "amount_spnt > 100 AND ("]);

    expect(result.code).toBe(65);
    expect(stackLines(result.stderr)).toEqual([]);
    expect(result.stderr).toContain("invalid segment query (nothing saved)");
    expect(result.stderr).toContain("did you mean `amount_spent`?");
    expect(result.stderr).toMatch(/\n {4}\^\n/);
    expect(await database.db.segment.count({ where: { shop: SHOP } })).toBe(0);
  });

  it("given a query, when segment create runs, then the segment is saved with its members and listed with its size", async () => {
    const created = await run([
      "segment",
      "create",
      SHOP,
      "Big spenders",
      "amount_spent >= 100 AND number_of_orders >= 2",
    ]);
    expect(created.stderr.replace(/^\[shopify-api\/INFO\].*\n/gm, "")).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(
      "Created Big spenders: amount_spent >= 100 AND number_of_orders >= 2\n  1 members",
    );

    const listed = await run(["segments", SHOP]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/Big spenders\s+1 members\s+amount_spent >= 100 AND number_of_orders >= 2/);

    const members = await run(["members", SHOP, "Big spenders"]);
    expect(members.code).toBe(0);
    expect(members.stdout).toContain("customer 1  since");
    expect(members.stdout).toMatch(/entered\s+customer 1\s+\(edit /);
  });

  it("given a template and a name already used, when segment create runs, then the template's segment is made and the repeat is refused with exit 65", async () => {
    const created = await run(["segment", "create", SHOP, "One-timers", "--template", "one-time-buyers"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("Created One-timers: number_of_orders = 1\n  1 members");

    const again = await run(["segment", "create", SHOP, "One-timers", "number_of_orders > 5"]);
    expect(again.code).toBe(65);
    expect(lines(again.stderr.replace(/^\[shopify-api\/INFO\].*\n/gm, ""))).toEqual([
      'cohort: A segment named "One-timers" already exists',
    ]);
  });

  it("given a query, when preview runs, then it shows size, shares, AOV and a sample without saving anything", async () => {
    const before = await database.db.segment.count({ where: { shop: SHOP } });
    const result = await run(["preview", SHOP, "number_of_orders >= 1"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("members: 2 of 3 customers (66.7%)");
    expect(result.stdout).toContain("revenue: 340.00 of 340.00 (100.0%)");
    expect(result.stdout).toContain("average order value: 113.3333");
    expect(result.stdout).toContain("sample: 1, 2");
    expect(await database.db.segment.count({ where: { shop: SHOP } })).toBe(before);
  });

  it("given segments, when evaluate runs, then each is evaluated and today's snapshot is the shop's local day", async () => {
    const result = await run(["evaluate", SHOP]);
    expect(result.code).toBe(0);
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tokyo" }).format(new Date());
    expect(result.stdout).toContain(`(snapshot of ${today})`);
    expect(await database.db.segmentSnapshot.count({ where: { shop: SHOP, day: today } })).toBe(2);
  });

  it("given a shop Cohort never saw, when a segment command runs, then it exits 2", async () => {
    const result = await run(["segments", "nobody"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown shop nobody.myshopify.com");
  });

  it("given --stay-while and --leave-after-days, when segment create runs, then the buffer is saved with the segment; a bad stay query or day count exits 65 and saves nothing", async () => {
    const created = await run([
      "segment",
      "create",
      SHOP,
      "Near VIP",
      "amount_spent >= 250",
      "--stay-while",
      "amount_spent >= 200",
      "--leave-after-days",
      "7",
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(
      "Created Near VIP: amount_spent >= 250 (stays while amount_spent >= 200; leaves after 7 days outside)\n  1 members",
    );
    const saved = await database.db.segment.findFirst({ where: { shop: SHOP, name: "Near VIP" } });
    expect(JSON.parse(saved!.buffer!)).toMatchObject({
      stayWhile: { query: "amount_spent >= 200", tree: { field: "amount_spent", operator: ">=" } },
      leaveAfterDays: 7,
    });

    const badQuery = await run([
      "segment",
      "create",
      SHOP,
      "Bad stay",
      "amount_spent >= 1",
      "--stay-while",
      "amount_spnt >= 1",
    ]);
    expect(badQuery.code).toBe(65);
    expect(badQuery.stderr).toContain("amount_spent");
    const badDays = await run([
      "segment",
      "create",
      SHOP,
      "Bad days",
      "amount_spent >= 1",
      "--leave-after-days",
      "two",
    ]);
    expect(badDays.code).toBe(65);
    expect(badDays.stderr).toContain("--leave-after-days takes a whole number of days");
    expect(await database.db.segment.count({ where: { shop: SHOP, name: { in: ["Bad stay", "Bad days"] } } })).toBe(0);
  });
});
