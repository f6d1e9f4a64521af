import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { segmentDialectFor } from "../../../../app/db/segments/segment-dialect.server.js";
import { segmentMembersSql, type SegmentSqlContext } from "../../../../app/db/segments/segment-sql.server.js";
import { refreshShopThresholds } from "../../../../app/db/segments/shop-thresholds.server.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import type { SegmentTree } from "../../../../app/domain/segments/segment-tree.js";
import { computeShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import { providers } from "../../../helpers/databases.js";
import { conditionArb, nowArb, storeArb, timeZoneArb, treeArb, type RandomStore } from "./segment-arbitraries.js";
import { SEGMENT_FIELD_NAMES } from "../../../../app/domain/segments/segment-fields.js";
import {
  clearShop,
  databasePool,
  insertMetrics,
  insertPurchases,
  metricsFacts,
  OTHER_SHOP,
  SHOP,
  type OpenDatabase,
} from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

async function load(open: OpenDatabase, store: RandomStore, other: RandomStore) {
  await clearShop(open);
  await insertMetrics(open, SHOP, store.metrics);
  await insertPurchases(open, SHOP, store.purchases);
  // Another shop's customers with the same ids must never leak in.
  await insertMetrics(open, OTHER_SHOP, other.metrics);
  await insertPurchases(open, OTHER_SHOP, other.purchases);
}

async function sqlMembers(open: OpenDatabase, tree: SegmentTree, context: SegmentSqlContext): Promise<string[]> {
  const { sql, values } = segmentMembersSql(tree, context, SHOP);
  const placeholders = context.dialect.provider === "sqlite" ? (sql.match(/\?/g) ?? []).length : null;
  if (placeholders !== null) expect(placeholders).toBe(values.length);
  const rows = await open.db.$queryRawUnsafe<Array<{ customerId: string }>>(sql, ...values);
  return rows.map((row) => row.customerId).sort();
}

describe.each(await providers())("segment SQL on %s", (provider) => {
  it("given random stores and random trees over every field, when compiled to SQL, then the members are exactly the reference evaluator's (time zones and day boundaries included)", async () => {
    const open = await pool.open(provider);
    await fc.assert(
      fc.asyncProperty(
        storeArb(25),
        storeArb(4),
        fc.array(treeArb, { minLength: 4, maxLength: 8 }),
        nowArb,
        timeZoneArb,
        async (store, other, trees, now, timeZone) => {
          await load(open, store, other);
          const thresholds = await refreshShopThresholds(open.db, open.url, SHOP, now);
          const customers = store.metrics.map((row) => metricsFacts(row, store.purchases));
          expect(thresholds).toEqual(computeShopThresholds(customers));
          const context: SegmentSqlContext = { dialect: segmentDialectFor(open.url), now, timeZone, thresholds };
          for (const tree of trees) {
            const expected = [...segmentMembers(tree, { customers, thresholds, now, timeZone })].sort();
            expect({ tree, members: await sqlMembers(open, tree, context) }).toEqual({ tree, members: expected });
          }
        },
      ),
      { numRuns: provider === "sqlite" ? 60 : 40 },
    );
  });

  it("given random stores and single conditions, when compiled, then each field's members are the reference's, and every field selects some customers but not all at least once", async () => {
    const open = await pool.open(provider);
    const discriminating = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        storeArb(25),
        fc.array(conditionArb, { minLength: 15, maxLength: 25 }),
        nowArb,
        timeZoneArb,
        async (store, conditions, now, timeZone) => {
          await load(open, store, { metrics: [], purchases: [] });
          const thresholds = await refreshShopThresholds(open.db, open.url, SHOP, now);
          const customers = store.metrics.map((row) => metricsFacts(row, store.purchases));
          const context: SegmentSqlContext = { dialect: segmentDialectFor(open.url), now, timeZone, thresholds };
          for (const tree of conditions) {
            const expected = [...segmentMembers(tree, { customers, thresholds, now, timeZone })].sort();
            expect({ tree, members: await sqlMembers(open, tree, context) }).toEqual({ tree, members: expected });
            if (expected.length > 0 && expected.length < customers.length) discriminating.add(tree.field);
          }
        },
      ),
      { numRuns: 80 },
    );
    expect(SEGMENT_FIELD_NAMES.filter((name) => !discriminating.has(name))).toEqual([]);
  });

  it("given numbers with more decimals than 64-bit integers hold, when compared, then counts, money and sums answer exactly as the reference", async () => {
    const open = await pool.open(provider);
    const store = fc.sample(storeArb(20), { numRuns: 1, seed: 42 })[0]!;
    await load(open, store, { metrics: [], purchases: [] });
    const now = new Date("2026-01-01T12:00:00Z");
    const thresholds = await refreshShopThresholds(open.db, open.url, SHOP, now);
    const customers = store.metrics.map((row) => metricsFacts(row, store.purchases));
    const context: SegmentSqlContext = { dialect: segmentDialectFor(open.url), now, timeZone: "UTC", thresholds };
    const long = (whole: string) => ({ type: "number" as const, value: `${whole}.000000000000000000000000001` });
    const trees: SegmentTree[] = [
      { kind: "comparison", field: "amount_spent", operator: ">=", value: long("10") },
      { kind: "comparison", field: "amount_spent", operator: "=", value: long("10") },
      { kind: "comparison", field: "number_of_orders", operator: "<=", value: long("2") },
      { kind: "comparison", field: "number_of_orders", operator: "!=", value: long("2") },
      {
        kind: "comparison",
        field: "vendors_purchased",
        arguments: [{ name: "id", values: [{ type: "string", value: "acme" }], list: false }],
        operator: ">",
        value: long("1"),
      },
    ];
    for (const tree of trees) {
      const expected = [...segmentMembers(tree, { customers, thresholds, now, timeZone: "UTC" })].sort();
      expect({ tree, members: await sqlMembers(open, tree, context) }).toEqual({ tree, members: expected });
    }
  });

  it("given text values with quotes, percent signs and SQL, when compiled, then they are bound values matched literally", async () => {
    const open = await pool.open(provider);
    await clearShop(open);
    const row = (customerId: string, tags: string[]) => ({
      customerId,
      orderCount: 0,
      netOrderCount: 0,
      netSpend: 0n,
      refundedAmount: 0n,
      averageOrderValue: 0n,
      firstOrderAt: null,
      lastOrderAt: null,
      refundCount: 0,
      discountCodeUseCount: 0,
      emailMarketing: null,
      smsMarketing: null,
      countryCode: null,
      provinceCode: null,
      city: null,
      tags,
    });
    await insertMetrics(open, SHOP, [row("1", ["o'brien"]), row("2", ["100%"]), row("3", ["x' OR '1'='1"])]);
    const context: SegmentSqlContext = {
      dialect: segmentDialectFor(open.url),
      now: new Date("2026-01-01T00:00:00Z"),
      timeZone: "UTC",
      thresholds: null,
    };
    const tagged = (value: string): SegmentTree => ({
      kind: "contains",
      field: "customer_tags",
      negated: false,
      value: { type: "string", value },
    });
    expect(await sqlMembers(open, tagged("O'Brien"), context)).toEqual(["1"]);
    expect(await sqlMembers(open, tagged("100%"), context)).toEqual(["2"]);
    expect(await sqlMembers(open, tagged("1%"), context)).toEqual([]);
    expect(await sqlMembers(open, tagged("x' OR '1'='1"), context)).toEqual(["3"]);
    expect(await sqlMembers(open, tagged("' OR 1=1 --"), context)).toEqual([]);
    const { sql } = segmentMembersSql(tagged("o'brien"), context, SHOP);
    expect(sql).not.toContain("brien");
  });
});
