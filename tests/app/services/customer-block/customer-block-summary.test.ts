import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { blockView } from "../../../../extensions/cohort-customer-block/src/block-view.js";
import { renderHtml } from "../../../../extensions/cohort-customer-block/src/render-html.js";
import { parseSummary } from "../../../../extensions/cohort-customer-block/src/summary.js";
import { prismaCustomerBlockReader } from "../../../../app/db/customer-block/customer-block-reader.server.js";
import { prismaRfmGroupSettings } from "../../../../app/db/segments/shop-segment-settings.server.js";
import { refreshShopThresholds } from "../../../../app/db/segments/shop-thresholds.server.js";
import { rfmGroupDefinitions, rfmGroupOf } from "../../../../app/domain/segments/rfm-groups.js";
import { rfmScoresByRank, spendPercentilesByRank } from "../../../../app/domain/segments/shop-thresholds.js";
import { customerBlockSummary } from "../../../../app/services/customer-block/customer-block-summary.js";
import { providers } from "../../../helpers/databases.js";
import { translate } from "../../../extensions/block-fixtures.js";
import {
  clearShop,
  databasePool,
  insertMetrics,
  metricsFacts,
  metricsRowsArb,
  OTHER_SHOP,
  SHOP,
  type MetricsRow,
  type OpenDatabase,
} from "../../db/segments/segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

const NOW = new Date("2026-12-07T00:00:00.000Z");

async function syncCustomers(open: OpenDatabase, shop: string, ids: readonly string[], deleted = false) {
  await open.db.syncedCustomer.createMany({
    data: ids.map((id) => ({ shop, id, createdAt: NOW, updatedAt: NOW, deletedAt: deleted ? NOW : null })),
  });
}

async function addSegment(open: OpenDatabase, shop: string, name: string, members: Array<[string, string]>) {
  const segment = await open.db.segment.create({ data: { shop, name, query: "number_of_orders >= 0", tree: "{}" } });
  await open.db.segmentMember.createMany({
    data: members.map(([customerId, at]) => ({ shop, segmentId: segment.id, customerId, enteredAt: new Date(at) })),
  });
  return segment.id;
}

async function clear(open: OpenDatabase) {
  await clearShop(open);
  await open.db.syncedCustomer.deleteMany({});
  await open.db.shopSegmentSettings.deleteMany({});
}

describe.each(await providers())("the customer block's summary on %s", (provider) => {
  it("given random metrics, then each customer's RFM scores, group and spend percentile are the reference ranks", async () => {
    const open = await pool.open(provider);
    const deps = { reader: prismaCustomerBlockReader(open.db) };
    await fc.assert(
      fc.asyncProperty(metricsRowsArb(25), async (rows: MetricsRow[]) => {
        await clear(open);
        await syncCustomers(
          open,
          SHOP,
          rows.map((row) => row.customerId),
        );
        await insertMetrics(open, SHOP, rows);
        await refreshShopThresholds(open.db, open.url, SHOP, NOW);
        const population = rows.map((row) => metricsFacts(row));
        const scores = rfmScoresByRank(population);
        const percentiles = spendPercentilesByRank(population);
        for (const row of rows) {
          const summary = await customerBlockSummary(deps, SHOP, row.customerId);
          const expected = scores.get(row.customerId) ?? null;
          expect(summary.rfm).toEqual(expected === null ? null : { ...expected, group: rfmGroupOf(expected) });
          expect(summary.spendPercentile).toBe(percentiles.get(row.customerId));
          expect(summary.scoredAt).toBe(NOW.toISOString());
        }
      }),
      { numRuns: 8 },
    );
  });

  it("given segments in two shops, then a customer's are listed oldest first, with the shop's own RFM groups, and the block shows them", async () => {
    const open = await pool.open(provider);
    await clear(open);
    await syncCustomers(open, SHOP, ["1", "2"]);
    await syncCustomers(open, OTHER_SHOP, ["1"]);
    const vip = await addSegment(open, SHOP, "VIP", [["1", "2026-11-20T00:00:00.000Z"]]);
    const firstTime = await addSegment(open, SHOP, "First-time buyers", [
      ["1", "2026-10-01T00:00:00.000Z"],
      ["2", "2026-10-02T00:00:00.000Z"],
    ]);
    await addSegment(open, OTHER_SHOP, "Not this shop", [["1", "2026-09-01T00:00:00.000Z"]]);
    const rows = ["1", "2"].map((customerId, i) => ({
      customerId,
      orderCount: 3 - i,
      netOrderCount: 3 - i,
      netSpend: BigInt(1_000_000 * (2 - i)),
      refundedAmount: 0n,
      averageOrderValue: 0n,
      firstOrderAt: "2026-01-01T00:00:00.000Z",
      lastOrderAt: `2026-1${1 - i}-01T00:00:00.000Z`,
      refundCount: 0,
      discountCodeUseCount: 0,
      emailMarketing: null,
      smsMarketing: null,
      tags: [],
      countryCode: null,
      provinceCode: null,
      city: null,
    }));
    await insertMetrics(open, SHOP, rows);
    const deps = { reader: prismaCustomerBlockReader(open.db) };

    const beforeEvaluation = await customerBlockSummary(deps, SHOP, "1");
    expect(beforeEvaluation).toMatchObject({ known: true, rfm: null, spendPercentile: null, scoredAt: null });

    await refreshShopThresholds(open.db, open.url, SHOP, NOW);
    const summary = await customerBlockSummary(deps, SHOP, "1");
    expect(summary.segments).toEqual([
      { id: firstTime, name: "First-time buyers", enteredAt: "2026-10-01T00:00:00.000Z" },
      { id: vip, name: "VIP", enteredAt: "2026-11-20T00:00:00.000Z" },
    ]);
    const scores = {
      recency: summary.rfm!.recency,
      frequency: summary.rfm!.frequency,
      monetary: summary.rfm!.monetary,
    };
    expect(summary.rfm!.group).toBe(rfmGroupOf(scores));

    // The shop's own groups: this customer's cell given to another group moves it there.
    const moved = summary.rfm!.group === "CHAMPIONS" ? "LOYAL" : "CHAMPIONS";
    const cell = { recency: { min: scores.recency, max: scores.recency } };
    const fm = scores.frequency + scores.monetary;
    const definitions = rfmGroupDefinitions();
    const overrides = {
      [moved]: [...definitions[moved], { ...cell, frequencyMonetary: { min: fm, max: fm } }],
      [summary.rfm!.group]: definitions[summary.rfm!.group as keyof typeof definitions].flatMap((rule) =>
        splitOut(rule, scores.recency, fm),
      ),
    };
    await prismaRfmGroupSettings(open.db).saveRfmGroupOverrides(SHOP, overrides, NOW);
    expect((await customerBlockSummary(deps, SHOP, "1")).rfm!.group).toBe(moved);

    // What the route answers is what the block accepts and shows.
    const html = renderHtml(
      blockView({ status: "loaded", summary: parseSummary(JSON.parse(JSON.stringify(summary)))! }, translate),
    );
    expect(html).toContain("<s-badge>First-time buyers</s-badge><s-badge>VIP</s-badge>");
    expect(html).not.toContain("Not this shop");
    expect(html).toContain('href="app:app/customers/1"');
  });

  it("given a customer Cohort has not synced, or one deleted, then nothing is known of it", async () => {
    const open = await pool.open(provider);
    await clear(open);
    await syncCustomers(open, SHOP, ["9"], true);
    await syncCustomers(open, OTHER_SHOP, ["8"]);
    const deps = { reader: prismaCustomerBlockReader(open.db) };
    for (const id of ["7", "8", "9"]) {
      expect(await customerBlockSummary(deps, SHOP, id)).toEqual({
        customerId: id,
        known: false,
        segments: [],
        rfm: null,
        spendPercentile: null,
        scoredAt: null,
      });
    }
  });
});

/** The rule's rectangle without the one cell (recency r, frequency+monetary fm), as up to four rectangles. */
function splitOut(
  rule: { recency: { min: number; max: number }; frequencyMonetary: { min: number; max: number } },
  r: number,
  fm: number,
) {
  const { recency, frequencyMonetary } = rule;
  const inside = recency.min <= r && r <= recency.max && frequencyMonetary.min <= fm && fm <= frequencyMonetary.max;
  if (!inside) return [rule];
  const pieces = [
    { recency: { min: recency.min, max: r - 1 }, frequencyMonetary },
    { recency: { min: r + 1, max: recency.max }, frequencyMonetary },
    { recency: { min: r, max: r }, frequencyMonetary: { min: frequencyMonetary.min, max: fm - 1 } },
    { recency: { min: r, max: r }, frequencyMonetary: { min: fm + 1, max: frequencyMonetary.max } },
  ];
  return pieces.filter(
    (piece) => piece.recency.min <= piece.recency.max && piece.frequencyMonetary.min <= piece.frequencyMonetary.max,
  );
}
