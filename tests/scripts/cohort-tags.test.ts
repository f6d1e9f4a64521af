import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaSyncStore } from "../../app/db/sync/sync-store.server.js";
import { customerSnapshot, orderSnapshot, randomSource } from "../app/db/sync/sync-store-fixtures.js";
import type { EmulatorClient } from "../shopify-emulator/client.js";
import type { RunningEmulator } from "../shopify-emulator/server.js";
import { installedCliShop } from "./cohort-cli-shop.js";
import { migratedDatabases, type MigratedDatabase } from "../helpers/migrated-databases.js";
import { cohort, VALID_ENV, workDirectory } from "./cohort-cli-harness.js";

const SHOP = "tags-cli.myshopify.com";
const migratedDatabase = migratedDatabases();
const quiet = (text: string) => text.replace(/^\[shopify-api\/INFO\].*\n/gm, "");

/**
 * The tag commands against the local Shopify: three customers there (one already tagged "COHORT:BIG-SPENDERS" by
 * the merchant), synced into Cohort with the same ids; two of them spent 100 or more.
 */
describe("npm run cohort -- tag commands", () => {
  let emulator: RunningEmulator;
  let control: EmulatorClient;
  let database: MigratedDatabase;
  let env: Record<string, string>;
  let ids: string[];
  const run = (args: string[]) => cohort(args, { cwd: workDirectory(), env });
  const tagsOf = async (id: string) => (await control.getCustomer(SHOP, Number(id))).tags;

  beforeAll(async () => {
    database = await migratedDatabase("sqlite");
    const { db, url } = database;
    ({ emulator, control } = await installedCliShop(db, {
      domain: SHOP,
      name: "Tags CLI",
      ianaTimezone: "Europe/Paris",
    }));
    const made = [
      await control.createCustomer(SHOP, { email: "a@example.com", tags: ["wholesale"] }),
      await control.createCustomer(SHOP, { email: "b@example.com", tags: ["COHORT:BIG-SPENDERS"] }),
      await control.createCustomer(SHOP, { email: "c@example.com", tags: [] }),
    ];
    ids = made.map((c) => String(c.id));
    const random = randomSource(5);
    const store = prismaSyncStore(db, url);
    await store.upsertCustomers(
      SHOP,
      made.map((c) => ({ ...customerSnapshot(random, String(c.id), 5), tags: c.tags })),
    );
    const order = (id: string, customerId: string, total: string) => ({
      ...orderSnapshot(random, id, customerId, 10),
      cancelledAt: null,
      test: false,
      totalPrice: total,
      refunds: [],
    });
    await store.upsertOrders(SHOP, [
      order("11", ids[0]!, "150.00"),
      order("21", ids[1]!, "300.00"),
      order("31", ids[2]!, "5.00"),
    ]);
    await store.refreshMetrics(SHOP, ids);
    env = { ...VALID_ENV, SHOPIFY_EMULATOR_URL: emulator.url, DATABASE_URL: url };
    expect((await run(["segment", "create", SHOP, "Big spenders", "amount_spent >= 100"])).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
  });

  it("given a segment, when tagging is dry-run, switched on and pushed, then members get the tag in Shopify, the merchant's own variant is kept, and why explains it", async () => {
    const dry = await run(["push-tags", SHOP, "--dry-run", "--segment", "Big spenders"]);
    expect(quiet(dry.stderr)).toBe("");
    expect(dry.stdout).toContain('Big spenders → tag "cohort:big-spenders"');
    expect(dry.stdout).toContain(`add to 1 customers (e.g. ${ids[0]})`);
    expect(dry.stdout).toContain("1 members already carry it on their own");
    expect(await tagsOf(ids[0]!)).toEqual(["wholesale"]);

    const on = await run(["tagging", SHOP, "Big spenders", "--state", "on"]);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain(
      'Big spenders: tag "cohort:big-spenders", tagging on, repair on; 2 customers to update',
    );

    const pushed = await run(["push-tags", SHOP]);
    expect(quiet(pushed.stderr)).toBe("");
    expect(pushed.code).toBe(0);
    expect(pushed.stdout).toContain("2 customers pushed — 1 tags added, 0 removed");
    expect([...(await tagsOf(ids[0]!))].sort()).toEqual(["cohort:big-spenders", "wholesale"]);
    expect(await tagsOf(ids[1]!)).toEqual(["COHORT:BIG-SPENDERS"]);
    expect(await tagsOf(ids[2]!)).toEqual([]);

    const why = await run(["why", SHOP, ids[0]!]);
    expect(why.stdout).toMatch(/add\s+cohort:big-spenders .* applied \(setting .*\) — rule: amount_spent >= 100/);
  });

  it("given tagged customers, when untag-all runs and the outbox is pushed, then Cohort's tags go and the merchant's stay", async () => {
    const untag = await run(["untag-all", SHOP]);
    expect(untag.code).toBe(0);
    expect(untag.stdout).toContain("tagging switched off for 1 segments; 2 customers");
    const pushed = await run(["push-tags", SHOP]);
    expect(pushed.stdout).toContain("1 removed");
    expect(await tagsOf(ids[0]!)).toEqual(["wholesale"]);
    expect(await tagsOf(ids[1]!)).toEqual(["COHORT:BIG-SPENDERS"]);
  });

  it("given a tag with a comma or another segment's tag, when tagging runs, then it exits 65 and saves nothing", async () => {
    const comma = await run(["tagging", SHOP, "Big spenders", "--tag", "vip, gold"]);
    expect(comma.code).toBe(65);
    expect(comma.stderr).toContain("cannot contain a comma");
    const unknown = await run(["tagging", SHOP, "Nope", "--state", "on"]);
    expect(unknown.code).toBe(65);
    expect(unknown.stderr).toContain('no segment named or with id "Nope"');
  });
});
