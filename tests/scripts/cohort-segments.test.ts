import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prismaSyncStore } from "../../app/db/sync/sync-store.server.js";
import { customerSnapshot, orderSnapshot, randomSource } from "../app/db/sync/sync-store-fixtures.js";
import type { RunningEmulator } from "../shopify-emulator/server.js";
import { installedCliShop } from "./cohort-cli-shop.js";
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
    database = await migratedDatabase("sqlite");
    const { db, url } = database;
    ({ emulator } = await installedCliShop(db, { domain: SHOP, name: "Segments CLI", ianaTimezone: "Asia/Tokyo" }));
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

  it("given a segment, when it is renamed, edited and deleted from the command line, then each change is made and recorded; a bad query or an unknown segment exits 65 with nothing changed", async () => {
    const clean = (text: string) => text.replace(/^\[shopify-api\/INFO\].*\n/gm, "");
    const renamed = await run(["segment", "rename", SHOP, "One-timers", "Single order"]);
    expect(clean(renamed.stderr)).toBe("");
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toContain("Renamed One-timers to Single order");
    const taken = await run(["segment", "rename", SHOP, "Single order", "Big spenders"]);
    expect(taken.code).toBe(65);
    expect(lines(clean(taken.stderr))).toEqual(['cohort: A segment named "Big spenders" already exists']);

    const edited = await run(["segment", "edit", SHOP, "Single order", "number_of_orders >= 1"]);
    expect(clean(edited.stderr)).toBe("");
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain("Edited Single order: number_of_orders >= 1\n  1 entered, 0 left");
    const members = await run(["members", SHOP, "Single order"]);
    expect(members.stdout).toMatch(/entered\s+customer 1\s+\(edit query-edited\)/);

    const broken = await run(["segment", "edit", SHOP, "Single order", "amount_spnt > 100"]);
    expect(broken.code).toBe(65);
    expect(broken.stderr).toContain("invalid segment query (nothing saved)");
    expect(broken.stderr).toContain("did you mean `amount_spent`?");
    const kept = await database.db.segment.findFirstOrThrow({ where: { shop: SHOP, name: "Single order" } });
    expect(kept.query).toBe("number_of_orders >= 1");

    for (const args of [
      ["segment", "edit", SHOP, "Nobody", "number_of_orders >= 1"],
      ["segment", "rename", SHOP, "Nobody", "Somebody"],
      ["segment", "delete", SHOP, "Nobody"],
    ]) {
      const unknown = await run(args);
      expect(unknown.code).toBe(65);
      expect(lines(clean(unknown.stderr))).toEqual([
        'cohort: No segment "Nobody" in this shop (segments: Big spenders, Single order)',
      ]);
    }

    const deleted = await run(["segment", "delete", SHOP, "Single order"]);
    expect(clean(deleted.stderr)).toBe("");
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain("Deleted Single order: 2 members left (cause edit deleted)");
    expect(await database.db.segment.count({ where: { shop: SHOP, id: kept.id } })).toBe(0);
    expect(await database.db.segmentMember.count({ where: { shop: SHOP, segmentId: kept.id } })).toBe(0);
    expect(await database.db.segmentMembershipEvent.count({ where: { segmentId: kept.id, causeRef: "deleted" } })).toBe(
      2,
    );
    expect((await run(["segment", "remove", SHOP, "Big spenders"])).code).toBe(64);
  }, 180_000);

  it("given segments, when listed, compared and their RFM groups adjusted from the command line, then warnings, overlaps and the groups are shown and a change re-evaluates the rfm_group segments", async () => {
    const clean = (text: string) => text.replace(/^\[shopify-api\/INFO\].*\n/gm, "");
    expect(
      (await run(["segment", "create", SHOP, "Also big", "amount_spent >= 100 AND number_of_orders >= 2"])).code,
    ).toBe(0);
    const listed = await run(["segments", SHOP]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /Also big\s+1 members.*\n\s+warning: nearly a duplicate of Big spenders: Jaccard 1\.000/,
    );

    const overlap = await run(["segments", "overlap", SHOP]);
    expect(clean(overlap.stderr)).toBe("");
    expect(overlap.code).toBe(0);
    expect(overlap.stdout).toContain("Also big & Big spenders: 1 shared (100.0% of 1, 100.0% of 1; Jaccard 1.000)");

    expect((await run(["segment", "create", SHOP, "Champs", "rfm_group = 'CHAMPIONS'"])).code).toBe(0);
    const before = await database.db.segmentMember.findMany({ where: { shop: SHOP } });
    const champs = await database.db.segment.findFirstOrThrow({ where: { shop: SHOP, name: "Champs" } });
    const membersOfChamps = async () =>
      (
        await database.db.segmentMember.findMany({
          where: { shop: SHOP, segmentId: champs.id },
          orderBy: { customerId: "asc" },
        })
      ).map((row) => row.customerId);
    const defaults = await membersOfChamps();
    expect(before.length).toBeGreaterThan(0);

    const shown = await run(["segments", "rfm", SHOP]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("(the defaults)");
    expect(shown.stdout).toMatch(/CHAMPIONS\s+recency 5, frequency\+monetary 8-10/);

    const overlapping = await run(["segments", "rfm", "set", SHOP, "champions", "--recency", "4-5", "--fm", "8-10"]);
    expect(overlapping.code).toBe(65);
    expect(clean(overlapping.stderr)).toContain("recency 4, frequency+monetary 8 is in CHAMPIONS and LOYAL");

    const everyone = {
      CHAMPIONS: [{ recency: { min: 1, max: 5 }, frequencyMonetary: { min: 2, max: 10 } }],
      ...Object.fromEntries(
        [
          "LOYAL",
          "ACTIVE",
          "NEW",
          "PROMISING",
          "NEEDS_ATTENTION",
          "AT_RISK",
          "ALMOST_LOST",
          "DORMANT",
          "PREVIOUSLY_LOYAL",
        ].map((name) => [name, []]),
      ),
    };
    const set = await run(["segments", "rfm", "set", SHOP, JSON.stringify(everyone)]);
    expect(clean(set.stderr)).toBe("");
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("Re-evaluated 1 segment using rfm_group");
    expect(set.stdout).toMatch(/LOYAL\s+nobody\s+\(adjusted\)/);
    expect(await membersOfChamps()).toEqual(["1", "2"]);

    const reset = await run(["segments", "rfm", "reset", SHOP]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("(the defaults)");
    expect(await membersOfChamps()).toEqual(defaults);
    expect((await run(["segments", "rfm", "set", SHOP, "vip", "{}"])).code).toBe(65);
    expect((await run(["segments", "rfm", "set", SHOP, "champions"])).code).toBe(64);
  }, 240_000);

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
