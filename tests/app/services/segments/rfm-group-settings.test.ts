import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentEvaluation } from "../../../../app/db/segments/segment-evaluation.server.js";
import {
  prismaSegmentedShops,
  prismaSegmentMembershipReader,
} from "../../../../app/db/segments/segment-membership-reader.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import { prismaRfmGroupSettings } from "../../../../app/db/segments/shop-segment-settings.server.js";
import { DEFAULT_RFM_GROUPS, type RfmGroupDefinitions } from "../../../../app/domain/segments/rfm-groups.js";
import { RFM_GROUP_NAMES } from "../../../../app/domain/segments/segment-enums.js";
import { parseSegmentQuery } from "../../../../app/domain/segments/segment-parser.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import { computeShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import { defineSegment } from "../../../../app/services/segments/segment-definition.js";
import {
  InvalidRfmGroupsError,
  resetRfmGroups,
  rfmGroupSettings,
  setRfmGroups,
  type RfmGroupSettingsDeps,
} from "../../../../app/services/segments/rfm-group-settings.js";
import {
  evaluateCustomers,
  evaluateShop,
  previewSegment,
} from "../../../../app/services/segments/segment-evaluation.js";
import { evaluateAndSnapshot, type SegmentScheduleDeps } from "../../../../app/services/segments/segment-schedule.js";
import { providers } from "../../../helpers/databases.js";
import { rfmPartitionArb } from "../../domain/segments/rfm-partition-arbitrary.js";
import { nowArb, storeArb, timeZoneArb, type RandomStore } from "../../db/segments/segment-arbitraries.js";
import {
  clearShop,
  databasePool,
  insertMetrics,
  insertPurchases,
  metricsFacts,
  OTHER_SHOP,
  SHOP,
  type OpenDatabase,
} from "../../db/segments/segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

function depsFor(open: OpenDatabase, timeZone: string): RfmGroupSettingsDeps & SegmentScheduleDeps {
  return {
    segments: prismaSegmentRepository(open.db),
    evaluation: prismaSegmentEvaluation(open.db, open.url, { rangeSize: 4 }),
    rfmGroupSettings: prismaRfmGroupSettings(open.db),
    membership: prismaSegmentMembershipReader(open.db),
    shops: prismaSegmentedShops(open.db),
    timeZoneOf: async () => timeZone,
  };
}

const factsOf = (store: RandomStore) => store.metrics.map((row) => metricsFacts(row, store.purchases));

function treeOf(query: string) {
  const parsed = parseSegmentQuery(query);
  if (!parsed.ok) throw new Error(query);
  return parsed.tree;
}

function expected(query: string, store: RandomStore, now: Date, timeZone: string, rfmGroups: RfmGroupDefinitions) {
  const customers = factsOf(store);
  const thresholds = computeShopThresholds(customers);
  return [...segmentMembers(treeOf(query), { customers, thresholds, now, timeZone, rfmGroups })].sort();
}

async function membersOf(open: OpenDatabase, segmentId: string): Promise<string[]> {
  const rows = await open.db.segmentMember.findMany({
    where: { shop: SHOP, segmentId },
    orderBy: { customerId: "asc" },
  });
  return rows.map((row) => row.customerId);
}

const groupArb = fc.constantFrom(...RFM_GROUP_NAMES);
const queryArb = fc.oneof(
  groupArb.map((group) => `rfm_group = '${group}'`),
  groupArb.map((group) => `rfm_group != '${group}'`),
  fc.tuple(groupArb, groupArb).map(([a, b]) => `rfm_group = '${a}' OR (rfm_group = '${b}' AND number_of_orders >= 2)`),
);

describe.each(await providers())("RFM group settings on %s", (provider) => {
  it("given a shop's adjusted groups, when its segments are evaluated by every path (the change itself, full, daily, one customer, preview), then members are the reference's with those groups; a reset brings back the defaults", async () => {
    const open = await pool.open(provider);
    await fc.assert(
      fc.asyncProperty(
        storeArb(14),
        rfmPartitionArb,
        fc.array(queryArb, { minLength: 1, maxLength: 3 }),
        nowArb,
        timeZoneArb,
        async (store, partition, queries, now, timeZone) => {
          const deps = depsFor(open, timeZone);
          await clearShop(open);
          await open.db.shopSegmentSettings.deleteMany();
          await insertMetrics(open, SHOP, store.metrics);
          await insertPurchases(open, SHOP, store.purchases);
          const settings = { now, timeZone };
          await evaluateShop(deps, SHOP, settings, { cause: "backfill", causeRef: null });
          const segments = [];
          for (const [index, query] of queries.entries()) {
            segments.push((await defineSegment(deps, SHOP, { name: `rfm ${index}`, query }, settings)).segment);
          }
          const plain = (await defineSegment(deps, SHOP, { name: "plain", query: "number_of_orders >= 1" }, settings))
            .segment;
          for (const segment of segments) {
            expect(await membersOf(open, segment.id)).toEqual(
              expected(segment.query, store, now, timeZone, DEFAULT_RFM_GROUPS),
            );
          }
          const before = new Map(
            await Promise.all(segments.map(async (s) => [s.id, await membersOf(open, s.id)] as const)),
          );
          const lastId = (await open.db.segmentMembershipEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;

          // Group names as a merchant may type them.
          const changes = Object.fromEntries(
            Object.entries(partition).map(([name, rules]) => [name.toLowerCase().replace(/_/g, " "), rules]),
          );
          const changed = await setRfmGroups(deps, SHOP, changes, settings);
          expect(changed.definitions).toEqual(partition);
          expect(changed.reevaluated.segments).toBe(segments.length);
          expect((await rfmGroupSettings(deps, SHOP)).definitions).toEqual(partition);
          const events = await open.db.segmentMembershipEvent.findMany({ where: { id: { gt: lastId } } });
          expect(events.every((event) => event.cause === "edit" && event.causeRef === "rfm-groups-changed")).toBe(true);
          expect(events.some((event) => event.segmentId === plain.id)).toBe(false);
          let entered = 0;
          let exited = 0;
          for (const segment of segments) {
            const members = expected(segment.query, store, now, timeZone, partition);
            expect(await membersOf(open, segment.id)).toEqual(members);
            const previous = before.get(segment.id)!;
            entered += members.filter((id) => !previous.includes(id)).length;
            exited += previous.filter((id) => !members.includes(id)).length;
            const preview = await previewSegment(deps, SHOP, segment.tree, settings);
            expect(preview.size).toBe(members.length);
          }
          expect(changed.reevaluated).toEqual({ segments: segments.length, entered, exited });

          // Every other path reads the same groups, so none of them changes anything.
          const quiet = { entered: 0, exited: 0 };
          expect(await evaluateShop(deps, SHOP, settings, { cause: "schedule", causeRef: null })).toMatchObject(quiet);
          expect(await evaluateAndSnapshot(deps, SHOP, now, "schedule")).toMatchObject(quiet);
          const ids = store.metrics.map((row) => row.customerId);
          expect(await evaluateCustomers(deps, SHOP, ids, settings, "event-1")).toMatchObject(quiet);

          // Another shop keeps the defaults.
          expect((await rfmGroupSettings(deps, OTHER_SHOP)).adjusted).toEqual([]);

          await resetRfmGroups(deps, SHOP, settings);
          expect((await rfmGroupSettings(deps, SHOP)).adjusted).toEqual([]);
          for (const segment of segments) {
            expect(await membersOf(open, segment.id)).toEqual(before.get(segment.id));
          }
        },
      ),
      { numRuns: provider === "sqlite" ? 12 : 8 },
    );
  });

  it("given an adjustment that leaves scores in no group or in two, or names no group, then it is refused with the cells at fault and nothing is saved", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open, "UTC");
    await clearShop(open);
    await open.db.shopSegmentSettings.deleteMany();
    const settings = { now: new Date("2026-01-01T00:00:00Z"), timeZone: "UTC" };
    const wider = { CHAMPIONS: [{ recency: { min: 4, max: 5 }, frequencyMonetary: { min: 8, max: 10 } }] };
    const overlap = await setRfmGroups(deps, SHOP, wider, settings).catch((error: unknown) => error);
    expect(overlap).toBeInstanceOf(InvalidRfmGroupsError);
    expect((overlap as InvalidRfmGroupsError).problems).toContain(
      "recency 4, frequency+monetary 9 is in CHAMPIONS and LOYAL",
    );
    await expect(setRfmGroups(deps, SHOP, { vip: [] }, settings)).rejects.toThrow(/no RFM group vip/);
    await expect(setRfmGroups(deps, SHOP, { prospects: [] }, settings)).rejects.toThrow(/PROSPECTS is fixed/);
    expect(await open.db.shopSegmentSettings.count()).toBe(0);

    // Two groups adjusted together keep the partition; setting one of them again keeps the other.
    const champions = [{ recency: { min: 4, max: 5 }, frequencyMonetary: { min: 9, max: 10 } }];
    const loyal = [
      { recency: { min: 3, max: 3 }, frequencyMonetary: { min: 8, max: 10 } },
      { recency: { min: 4, max: 5 }, frequencyMonetary: { min: 8, max: 8 } },
    ];
    await setRfmGroups(deps, SHOP, { champions, loyal }, settings);
    expect((await rfmGroupSettings(deps, SHOP)).adjusted).toEqual(["CHAMPIONS", "LOYAL"]);
    await setRfmGroups(deps, SHOP, { LOYAL: loyal }, settings);
    expect((await rfmGroupSettings(deps, SHOP)).definitions.CHAMPIONS).toEqual(champions);
    // A stored row that no longer validates fails loudly rather than evaluating with something else.
    await open.db.shopSegmentSettings.update({ where: { shop: SHOP }, data: { rfmGroups: JSON.stringify(wider) } });
    await expect(rfmGroupSettings(deps, SHOP)).rejects.toThrow(/invalid/);
  });
});
