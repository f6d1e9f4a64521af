import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorClient } from "../shopify-emulator/client.js";
import type { RunningEmulator } from "../shopify-emulator/server.js";
import { installedCliShop } from "./cohort-cli-shop.js";
import { migratedDatabases } from "../helpers/migrated-databases.js";
import { cohort, VALID_ENV, workDirectory } from "./cohort-cli-harness.js";

const SHOP = "discounts-cli.myshopify.com";
const migratedDatabase = migratedDatabases();

/** The discount commands against the local Shopify: a segment with a tag, a code discount made from it, listed. */
describe("npm run cohort -- discounts", () => {
  let emulator: RunningEmulator;
  let control: EmulatorClient;
  let env: Record<string, string>;
  const run = (args: string[]) => cohort(args, { cwd: workDirectory(), env });

  beforeAll(async () => {
    const { db, url } = await migratedDatabase("sqlite");
    ({ emulator, control } = await installedCliShop(db, { domain: SHOP, name: "Discounts CLI", ianaTimezone: "UTC" }));
    await control.createCustomer(SHOP, { email: "vip@example.com", tags: ["vip"] });
    env = { ...VALID_ENV, SHOPIFY_EMULATOR_URL: emulator.url, DATABASE_URL: url };
    expect((await run(["segment", "create", SHOP, "VIP", "amount_spent >= 100"])).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await emulator?.close();
  });

  it("given a segment without a tag, when a discount is asked for, then it is refused with the reason", async () => {
    const refused = await run(["discounts", "create", SHOP, "VIP", "--percent", "15", "--code", "VIP15"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Turn on tagging for this segment first");
  });

  it("given a tagged segment, when a 15 % code discount is made and listed, then Shopify has it and the list shows it", async () => {
    expect((await run(["tagging", SHOP, "VIP", "--tag", "vip", "--state", "off"])).code).toBe(0);
    const bad = await run(["discounts", "create", SHOP, "VIP", "--percent", "150", "--code", "VIP15"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("value: A percentage is more than 0 and at most 100.");

    const made = await run(["discounts", "create", SHOP, "VIP", "--percent", "15", "--code", "VIP15"]);
    expect(made.stderr.replace(/^\[shopify-api\/INFO\].*\n/gm, "")).toBe("");
    expect(made.stdout).toContain("VIP: created VIP15");
    const listed = await run(["discounts", SHOP]);
    expect(listed.stdout).toMatch(/ACTIVE\s+VIP15\s+15% off\s+0 orders\s+revenue 0.00/);
  });

  it("given the tagged segment, when a tag discount is made with --function, then Shopify holds an app discount and the list shows it", async () => {
    const withCode = await run(["discounts", "create", SHOP, "VIP", "--function", "--percent", "10", "--code", "X"]);
    expect(withCode.code).not.toBe(0);
    expect(withCode.stderr).toContain("code: A tag discount applies automatically");

    const made = await run(["discounts", "create", SHOP, "VIP", "--function", "--amount", "5"]);
    expect(made.stdout).toContain("VIP: created a tag discount (VIP: 5 off)");
    const shopId = emulator.store.getShopByDomain(SHOP)!.id;
    const rows = emulator.store.prepare("SELECT data FROM discounts WHERE shop_id = ?").all(shopId) as {
      data: string;
    }[];
    const app = rows.map((row) => JSON.parse(row.data)).find((discount) => discount.kind === "app");
    expect(JSON.parse(app.metafields[0].value)).toEqual({ tags: ["vip"], fixedAmount: "5.00" });
    const listed = await run(["discounts", SHOP]);
    expect(listed.stdout).toMatch(/ACTIVE\s+\(tag Function\)\s+5.00 off/);
  }, 60_000);
});
