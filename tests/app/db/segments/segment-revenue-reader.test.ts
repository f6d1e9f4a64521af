import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentEvaluation } from "../../../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import { prismaSegmentRevenueReader } from "../../../../app/db/segments/segment-revenue-reader.server.js";
import { createSegmentFromQuery } from "../../../../app/services/segments/segment-catalog.js";
import { evaluateSegment, type SegmentEvaluationDeps } from "../../../../app/services/segments/segment-evaluation.js";
import { providers } from "../../../helpers/databases.js";
import { databasePool, insertMetrics, OTHER_SHOP, SHOP, type MetricsRow } from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

const customer = (customerId: string, orders: number, netSpend: bigint): MetricsRow => ({
  customerId,
  orderCount: orders,
  netOrderCount: orders,
  netSpend,
  refundedAmount: 0n,
  averageOrderValue: orders === 0 ? 0n : netSpend / BigInt(orders),
  firstOrderAt: null,
  lastOrderAt: null,
  refundCount: 0,
  discountCodeUseCount: 0,
  emailMarketing: null,
  smsMarketing: null,
  countryCode: null,
  provinceCode: null,
  city: null,
  tags: [],
});

const settings = { now: new Date("2026-12-01T12:00:00.000Z"), timeZone: "UTC" };
const edit = { cause: "edit" as const, causeRef: null };

describe.each(await providers())("segment revenue from current members on %s", (provider) => {
  it("given two shops' members and a customer who left, when revenue is read, then each segment sums its current members' net spend in the shop only, without any snapshot", async () => {
    const open = await pool.open(provider);
    const deps: SegmentEvaluationDeps = {
      segments: prismaSegmentRepository(open.db),
      evaluation: prismaSegmentEvaluation(open.db, open.url),
    };
    await insertMetrics(open, SHOP, [
      customer("1", 3, 50_0000n),
      customer("2", 1, 12_3456n),
      customer("3", 1, 1000_0000n),
      // Beyond 2^53: the sum must stay exact.
      customer("4", 2, 9_007_199_254_740_993n),
    ]);
    await insertMetrics(open, OTHER_SHOP, [customer("1", 3, 7_0000n), customer("2", 1, 5_0000n)]);
    const buyers = await createSegmentFromQuery(
      deps,
      SHOP,
      { name: "Buyers", query: "number_of_orders >= 1" },
      settings.now,
    );
    const repeat = await createSegmentFromQuery(
      deps,
      SHOP,
      { name: "Repeat", query: "number_of_orders >= 2" },
      settings.now,
    );
    const nobody = await createSegmentFromQuery(
      deps,
      SHOP,
      { name: "Nobody", query: "number_of_orders >= 99" },
      settings.now,
    );
    const elsewhere = await createSegmentFromQuery(
      deps,
      OTHER_SHOP,
      { name: "Buyers", query: "number_of_orders >= 1" },
      settings.now,
    );
    for (const [shop, segment] of [
      [SHOP, buyers],
      [SHOP, repeat],
      [SHOP, nobody],
      [OTHER_SHOP, elsewhere],
    ] as const) {
      await evaluateSegment(deps, shop, segment, settings, edit);
    }
    // Another shop's member under this shop's segment id must not count either.
    await open.db.segmentMember.create({
      data: { shop: OTHER_SHOP, segmentId: buyers.id, customerId: "1", enteredAt: settings.now },
    });
    // Customer 3 leaves Buyers: their orders were cancelled, and the segment is evaluated again.
    await open.db.customerMetrics.update({
      where: { shop_customerId: { shop: SHOP, customerId: "3" } },
      data: { orderCount: 0, netOrderCount: 0, averageOrderValue: 0n },
    });
    expect(await evaluateSegment(deps, SHOP, buyers, settings, edit)).toEqual({ entered: 0, exited: 1 });
    const reader = prismaSegmentRevenueReader(open.db, open.url);

    expect(await reader.revenueBySegment(SHOP)).toEqual(
      new Map([
        [buyers.id, 50_0000n + 12_3456n + 9_007_199_254_740_993n],
        [repeat.id, 50_0000n + 9_007_199_254_740_993n],
      ]),
    );
    expect(await reader.revenueBySegment(OTHER_SHOP)).toEqual(
      new Map([
        [elsewhere.id, 12_0000n],
        [buyers.id, 7_0000n],
      ]),
    );
    expect(await reader.revenueBySegment("none.myshopify.com")).toEqual(new Map());
    expect(await open.db.segmentSnapshot.count()).toBe(0);
  });
});
