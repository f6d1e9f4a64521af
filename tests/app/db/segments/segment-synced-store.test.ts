import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { segmentDialectFor } from "../../../../app/db/segments/segment-dialect.server.js";
import { segmentMembersSql } from "../../../../app/db/segments/segment-sql.server.js";
import { refreshShopThresholds } from "../../../../app/db/segments/shop-thresholds.server.js";
import { prismaSyncStore } from "../../../../app/db/sync/sync-store.server.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import { computeShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import { providers } from "../../../helpers/databases.js";
import { bigId, customerSnapshot, orderSnapshot, randomSource } from "../sync/sync-store-fixtures.js";
import { timeZoneArb, treeArb } from "./segment-arbitraries.js";
import { databasePool, SHOP } from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

const DAY_MINUTES = 24 * 60;

describe.each(await providers())("segments over synced orders on %s", (provider) => {
  it("given customers and orders synced by the sync store (its own timestamps, offsets and metrics), when segments are compiled to SQL, then the members are the reference evaluator's over the store's metrics", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.array(treeArb, { minLength: 5, maxLength: 10 }),
        fc.integer({ min: 0, max: 25 * DAY_MINUTES }),
        timeZoneArb,
        async (seed, trees, nowMinutes, timeZone) => {
          const open = await pool.open(provider);
          const store = prismaSyncStore(open.db, open.url);
          const random = randomSource(seed);
          const customers = Array.from({ length: 8 }, (_, i) => customerSnapshot(random, bigId(7, i), 10));
          await store.upsertCustomers(SHOP, customers);
          const orders = Array.from({ length: 30 }, (_, i) =>
            orderSnapshot(
              random,
              bigId(5, i),
              random.chance(0.9) ? random.pick(customers).id : null,
              random.int(20 * DAY_MINUTES),
            ),
          );
          await store.upsertOrders(SHOP, orders);
          await store.recomputeAllMetrics(SHOP);

          const now = new Date(Date.parse("2026-01-01T00:00:00Z") + nowMinutes * 60_000);
          const facts = await store.customerMetrics(SHOP);
          const thresholds = await refreshShopThresholds(open.db, open.url, SHOP, now);
          expect(thresholds).toEqual(computeShopThresholds(facts));
          const context = { dialect: segmentDialectFor(open.url), now, timeZone, thresholds };
          for (const tree of trees) {
            const { sql, values } = segmentMembersSql(tree, context, SHOP);
            const rows = await open.db.$queryRawUnsafe<Array<{ customerId: string }>>(sql, ...values);
            const expected = [...segmentMembers(tree, { customers: facts, thresholds, now, timeZone })].sort();
            expect({ tree, members: rows.map((row) => row.customerId).sort() }).toEqual({ tree, members: expected });
          }
        },
      ),
      { numRuns: provider === "sqlite" ? 15 : 10 },
    );
  });
});
