import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentEvaluation } from "../../../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import { segmentDialectFor } from "../../../../app/db/segments/segment-dialect.server.js";
import { segmentMembersSql } from "../../../../app/db/segments/segment-sql.server.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import type { SegmentTree } from "../../../../app/domain/segments/segment-tree.js";
import { computeShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import { createSegment } from "../../../../app/services/segments/segment-catalog.js";
import { providers } from "../../../helpers/databases.js";
import { clearShop, databasePool, insertMetrics, metricsFacts, SHOP, type MetricsRow } from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

function buyer(customerId: string, lastOrderAt: string): MetricsRow {
  return {
    customerId,
    orderCount: 1,
    netOrderCount: 1,
    netSpend: 100_000n,
    refundedAmount: 0n,
    averageOrderValue: 100_000n,
    firstOrderAt: lastOrderAt,
    lastOrderAt,
    refundCount: 0,
    discountCodeUseCount: 0,
    emailMarketing: null,
    smsMarketing: null,
    countryCode: null,
    provinceCode: null,
    city: null,
    tags: [],
  };
}

const lastOrder = (operator: ">=" | "<", value: SegmentTree extends never ? never : object): SegmentTree =>
  ({ kind: "comparison", field: "last_order_date", operator, value }) as SegmentTree;

describe.each(await providers())("segment day boundaries and concurrency on %s", (provider) => {
  it.each([
    // New York midnight of 2026-01-01 is 05:00 UTC: a millisecond before is still 31 December there.
    ["America/New_York", "2026-01-01T04:59:59.999Z", "2026-01-01T05:00:00.000Z", "2026-01-01T12:00:00.000Z"],
    // Tokyo's 1 January starts at 15:00 UTC on 31 December.
    ["Asia/Tokyo", "2025-12-31T14:59:59.999Z", "2025-12-31T15:00:00.000Z", "2026-01-01T12:00:00.000Z"],
    // Chatham is UTC+13:45 in summer: its day starts at 10:15 UTC the day before.
    ["Pacific/Chatham", "2025-12-31T10:14:59.999Z", "2025-12-31T10:15:00.000Z", "2025-12-31T20:00:00.000Z"],
  ])(
    "given orders a millisecond either side of 1 January's midnight in %s, when last_order_date >= today, then only the one after midnight matches, as in the reference",
    async (timeZone, before, after, nowInstant) => {
      const open = await pool.open(provider);
      await clearShop(open);
      const rows = [buyer("1", before), buyer("2", after)];
      await insertMetrics(open, SHOP, rows);
      // "Now" is on 1 January in the shop's zone.
      const now = new Date(nowInstant);
      const customers = rows.map((row) => metricsFacts(row));
      const thresholds = computeShopThresholds(customers);
      const context = { dialect: segmentDialectFor(open.url), now, timeZone, thresholds };
      for (const [tree, expected] of [
        [lastOrder(">=", { type: "dateKeyword", keyword: "today" }), ["2"]],
        [lastOrder("<", { type: "relativeDate", amount: 0, unit: "d" }), ["1"]],
        [lastOrder(">=", { type: "absoluteDate", date: "2026-01-01" }), ["2"]],
      ] as const) {
        const { sql, values } = segmentMembersSql(tree, context, SHOP);
        const found = (await open.db.$queryRawUnsafe<Array<{ customerId: string }>>(sql, ...values)).map(
          (row) => row.customerId,
        );
        expect(found).toEqual(expected);
        expect([...segmentMembers(tree, { customers, thresholds, now, timeZone })]).toEqual(expected);
      }
    },
  );

  it("given the same customer evaluated by several evaluations at once, when they all apply, then it entered once and one event says so", async () => {
    const open = await pool.open(provider);
    await clearShop(open);
    await insertMetrics(open, SHOP, [buyer("1", "2025-12-20T10:00:00.000Z")]);
    const segments = prismaSegmentRepository(open.db);
    const evaluation = prismaSegmentEvaluation(open.db, open.url);
    const now = new Date("2026-01-01T00:00:00.000Z");
    const tree: SegmentTree = {
      kind: "comparison",
      field: "number_of_orders",
      operator: ">=",
      value: { type: "number", value: "1" },
    };
    const segment = await createSegment(
      { segments },
      SHOP,
      { name: "buyers", query: "number_of_orders >= 1", tree },
      now,
    );
    const thresholds = await evaluation.refreshThresholds(SHOP, now);
    const settings = { now, timeZone: "UTC" };
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        evaluation.applyMembership(SHOP, segment, thresholds, settings, { cause: "webhook", causeRef: `e${i}` }, ["1"]),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    expect(await open.db.segmentMember.count({ where: { shop: SHOP, segmentId: segment.id } })).toBe(1);
    expect(await open.db.segmentMembershipEvent.count({ where: { shop: SHOP, segmentId: segment.id } })).toBe(1);
  });
});
