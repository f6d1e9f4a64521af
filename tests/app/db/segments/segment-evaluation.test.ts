import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { prismaSegmentEvaluation } from "../../../../app/db/segments/segment-evaluation.server.js";
import { prismaSegmentOverlap } from "../../../../app/db/segments/segment-overlap.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import { formatMoney } from "../../../../app/domain/money.js";
import { segmentMembers } from "../../../../app/domain/segments/segment-reference.js";
import type { SegmentTree } from "../../../../app/domain/segments/segment-tree.js";
import { computeShopThresholds, type ShopThresholds } from "../../../../app/domain/segments/shop-thresholds.js";
import type { CustomerMetricsFacts } from "../../../../app/domain/sync/metrics.js";
import type { EvaluationSettings, SegmentRecord } from "../../../../app/services/segments/ports.js";
import {
  createSegment,
  createSegmentFromQuery,
  InvalidSegmentError,
  listSegments,
  SegmentNameTakenError,
} from "../../../../app/services/segments/segment-catalog.js";
import {
  evaluateCustomers,
  evaluateSegment,
  evaluateShop,
  previewSegment,
  snapshotDay,
  snapshotSegments,
  type SegmentEvaluationDeps,
} from "../../../../app/services/segments/segment-evaluation.js";
import { providers } from "../../../helpers/databases.js";
import { changedStoreArb, nowArb, storeArb, timeZoneArb, treeArb, type RandomStore } from "./segment-arbitraries.js";
import {
  clearMetrics,
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

function depsFor(open: OpenDatabase): SegmentEvaluationDeps {
  // Ranges of 3 customers: a full evaluation crosses range boundaries.
  return {
    segments: prismaSegmentRepository(open.db),
    evaluation: prismaSegmentEvaluation(open.db, open.url, { rangeSize: 3 }),
  };
}

async function loadStore(open: OpenDatabase, store: RandomStore) {
  await clearMetrics(open);
  await insertMetrics(open, SHOP, store.metrics);
  await insertPurchases(open, SHOP, store.purchases);
}

const factsOf = (store: RandomStore) => store.metrics.map((row) => metricsFacts(row, store.purchases));

function expectedMembers(
  tree: SegmentTree,
  customers: CustomerMetricsFacts[],
  thresholds: ShopThresholds,
  settings: EvaluationSettings,
): string[] {
  return [...segmentMembers(tree, { customers, thresholds, now: settings.now, timeZone: settings.timeZone })].sort();
}

async function membersOf(open: OpenDatabase, segmentId: string): Promise<string[]> {
  const rows = await open.db.segmentMember.findMany({
    where: { shop: SHOP, segmentId },
    orderBy: { customerId: "asc" },
  });
  return rows.map((row) => row.customerId);
}

async function eventsOf(open: OpenDatabase, segmentId: string) {
  const rows = await open.db.segmentMembershipEvent.findMany({
    where: { shop: SHOP, segmentId },
    orderBy: { id: "asc" },
  });
  return rows.map((row) => ({
    customerId: row.customerId,
    change: row.change,
    cause: row.cause,
    causeRef: row.causeRef,
    at: row.at.toISOString(),
  }));
}

async function createSegments(deps: SegmentEvaluationDeps, trees: SegmentTree[], now: Date): Promise<SegmentRecord[]> {
  const segments: SegmentRecord[] = [];
  for (const [index, tree] of trees.entries()) {
    // Straight to the repository: random trees may hold values outside a field's range, which the service refuses
    // but the SQL must still evaluate like the reference.
    const created = await deps.segments.create(SHOP, { name: `segment ${index}`, query: "(generated)", tree }, now);
    segments.push(created!);
  }
  return segments;
}

const sortedByCustomer = <E extends { customerId: string }>(events: E[]) =>
  [...events].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));

const minus = (a: string[], b: string[]) => a.filter((id) => !b.includes(id)).sort();

describe.each(await providers())("segment evaluation on %s", (provider) => {
  it("given a store that changes between two full evaluations, when diffed in SQL, then members follow the reference and exactly the entries and exits are recorded, with their cause", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await fc.assert(
      fc.asyncProperty(
        storeArb(12).chain((before) => fc.tuple(fc.constant(before), changedStoreArb(before))),
        fc.array(treeArb, { minLength: 1, maxLength: 3 }),
        nowArb,
        timeZoneArb,
        async ([before, after], trees, now, timeZone) => {
          await clearShop(open);
          const segments = await createSegments(deps, trees, now);
          const first: EvaluationSettings = { now, timeZone };
          await loadStore(open, before);
          const firstRun = await evaluateShop(deps, SHOP, first, { cause: "backfill", causeRef: null });
          const beforeThresholds = computeShopThresholds(factsOf(before));
          const firstMembers = new Map<string, string[]>();
          for (const segment of segments) {
            const expected = expectedMembers(segment.tree, factsOf(before), beforeThresholds, first);
            firstMembers.set(segment.id, expected);
            expect(await membersOf(open, segment.id)).toEqual(expected);
            expect(sortedByCustomer(await eventsOf(open, segment.id))).toEqual(
              expected.map((customerId) => ({
                customerId,
                change: "enter",
                cause: "backfill",
                causeRef: null,
                at: now.toISOString(),
              })),
            );
          }
          expect(firstRun.entered).toBe([...firstMembers.values()].flat().length);
          expect(firstRun.exited).toBe(0);

          const second: EvaluationSettings = { now: new Date(now.getTime() + 86_400_000), timeZone };
          await loadStore(open, after);
          const secondRun = await evaluateShop(deps, SHOP, second, { cause: "schedule", causeRef: null });
          const afterThresholds = computeShopThresholds(factsOf(after));
          let entered = 0;
          let exited = 0;
          for (const segment of segments) {
            const previous = firstMembers.get(segment.id)!;
            const expected = expectedMembers(segment.tree, factsOf(after), afterThresholds, second);
            expect(await membersOf(open, segment.id)).toEqual(expected);
            const changes = (await eventsOf(open, segment.id)).slice(previous.length);
            const changed = (change: string) =>
              changes
                .filter((event) => event.change === change)
                .map((event) => event.customerId)
                .sort();
            expect(changed("enter")).toEqual(minus(expected, previous));
            expect(changed("exit")).toEqual(minus(previous, expected));
            expect(changes.every((event) => event.cause === "schedule" && event.at === second.now.toISOString())).toBe(
              true,
            );
            entered += minus(expected, previous).length;
            exited += minus(previous, expected).length;
          }
          expect(secondRun).toEqual({ segments: segments.length, entered, exited });

          // Nothing changed: nothing is recorded.
          const eventCount = await open.db.segmentMembershipEvent.count();
          expect(await evaluateShop(deps, SHOP, second, { cause: "schedule", causeRef: null })).toEqual({
            segments: segments.length,
            entered: 0,
            exited: 0,
          });
          expect(await open.db.segmentMembershipEvent.count()).toBe(eventCount);
        },
      ),
      { numRuns: provider === "sqlite" ? 25 : 15 },
    );
  });

  it("given a full evaluation and then changed customers, when each is evaluated alone (the webhook path), then membership is what a full evaluation with the same thresholds gives, each change carrying the webhook's event id", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await fc.assert(
      fc.asyncProperty(
        storeArb(12).chain((before) => fc.tuple(fc.constant(before), changedStoreArb(before))),
        fc.array(treeArb, { minLength: 1, maxLength: 3 }),
        nowArb,
        timeZoneArb,
        async ([before, after], trees, now, timeZone) => {
          await clearShop(open);
          const segments = await createSegments(deps, trees, now);
          const settings: EvaluationSettings = { now, timeZone };
          await loadStore(open, before);
          await evaluateShop(deps, SHOP, settings, { cause: "backfill", causeRef: null });
          const stored = computeShopThresholds(factsOf(before));
          const lastBefore = (await open.db.segmentMembershipEvent.aggregate({ _max: { id: true } }))._max.id ?? 0;

          await loadStore(open, after);
          const ids = [...new Set([...before.metrics, ...after.metrics].map((row) => row.customerId))];
          for (const id of ids) await evaluateCustomers(deps, SHOP, [id], settings, `event-${id}`);
          for (const segment of segments) {
            // The customers are placed by the thresholds of the last full evaluation, not re-ranked.
            expect(await membersOf(open, segment.id)).toEqual(
              expectedMembers(segment.tree, factsOf(after), stored, settings),
            );
          }
          const webhookEvents = await open.db.segmentMembershipEvent.findMany({ where: { id: { gt: lastBefore } } });
          expect(webhookEvents.every((e) => e.cause === "webhook" && e.causeRef === `event-${e.customerId}`)).toBe(
            true,
          );

          // A full pass with those same thresholds finds nothing left to change.
          for (const segment of segments) {
            expect(await evaluateSegment(deps, SHOP, segment, settings, { cause: "edit", causeRef: null })).toEqual({
              entered: 0,
              exited: 0,
            });
          }
        },
      ),
      { numRuns: provider === "sqlite" ? 20 : 12 },
    );
  });

  it("given a store and an unsaved tree, when previewed, then size, shares, AOV and the sample follow the reference and nothing is written", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await fc.assert(
      fc.asyncProperty(storeArb(20), treeArb, nowArb, timeZoneArb, async (store, tree, now, timeZone) => {
        await clearShop(open);
        await loadStore(open, store);
        const settings = { now, timeZone };
        const preview = await previewSegment(deps, SHOP, tree, settings);
        const customers = factsOf(store);
        const members = expectedMembers(tree, customers, computeShopThresholds(customers), settings);
        const chosen = store.metrics.filter((row) => members.includes(row.customerId));
        const revenue = chosen.reduce((sum, row) => sum + row.netSpend, 0n);
        const orders = BigInt(chosen.reduce((sum, row) => sum + row.netOrderCount, 0));
        expect(preview).toEqual({
          size: members.length,
          population: store.metrics.length,
          revenue: formatMoney(revenue),
          shopRevenue: formatMoney(store.metrics.reduce((sum, row) => sum + row.netSpend, 0n)),
          averageOrderValue: formatMoney(orders === 0n ? 0n : revenue / orders),
          sample: members.slice(0, 10),
        });
        expect(await open.db.segmentMember.count()).toBe(0);
        expect(await open.db.segmentMembershipEvent.count()).toBe(0);
      }),
      { numRuns: provider === "sqlite" ? 30 : 20 },
    );
  });

  it("given evaluated segments, when snapshotted twice on one shop-local day, then one row per segment holds the latest size, revenue and AOV", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await clearShop(open);
    const row = (customerId: string, orders: number, spend: bigint) => ({
      customerId,
      orderCount: orders,
      netOrderCount: orders,
      netSpend: spend,
      refundedAmount: 0n,
      averageOrderValue: orders === 0 ? 0n : spend / BigInt(orders),
      firstOrderAt: orders === 0 ? null : "2025-12-01T10:00:00.000Z",
      lastOrderAt: orders === 0 ? null : "2025-12-20T10:00:00.000Z",
      refundCount: 0,
      discountCodeUseCount: 0,
      emailMarketing: null,
      smsMarketing: null,
      countryCode: null,
      provinceCode: null,
      city: null,
      tags: [],
    });
    const buyers: SegmentTree = {
      kind: "comparison",
      field: "number_of_orders",
      operator: ">=",
      value: { type: "number", value: "1" },
    };
    const nobody: SegmentTree = {
      kind: "not",
      child: { kind: "nullCheck", field: "amount_spent_percentile", isNull: false },
    };
    const [withBuyers, empty] = await createSegments(deps, [buyers, nobody], new Date("2026-01-01T00:00:00Z"));
    await insertMetrics(open, SHOP, [row("1", 1, 100_000n), row("2", 2, 250_001n), row("3", 0, 0n)]);
    // Late evening in New York is already the next day in UTC: the day is the shop's.
    const settings = { now: new Date("2026-01-02T03:30:00Z"), timeZone: "America/New_York" };
    await evaluateShop(deps, SHOP, settings, { cause: "schedule", causeRef: null });
    expect(await snapshotSegments(deps, SHOP, settings)).toBe("2026-01-01");
    await clearMetrics(open);
    await insertMetrics(open, SHOP, [row("1", 1, 100_000n), row("2", 3, 250_001n), row("3", 1, 50_000n)]);
    await evaluateShop(deps, SHOP, settings, { cause: "schedule", causeRef: null });
    await snapshotSegments(deps, SHOP, { ...settings, now: new Date("2026-01-02T04:59:59Z") });
    const snapshots = await open.db.segmentSnapshot.findMany({ where: { shop: SHOP }, orderBy: { segmentId: "asc" } });
    expect(
      snapshots.map((s) => ({ segmentId: s.segmentId, day: s.day, size: s.size, revenue: s.revenue, aov: s.aov })),
    ).toEqual(
      [
        { segmentId: withBuyers!.id, day: "2026-01-01", size: 3, revenue: 400_001n, aov: 400_001n / 5n },
        { segmentId: empty!.id, day: "2026-01-01", size: 0, revenue: 0n, aov: 0n },
      ].sort((a, b) => (a.segmentId < b.segmentId ? -1 : 1)),
    );
    expect(snapshotDay(new Date("2026-01-02T05:00:00Z"), "America/New_York")).toBe("2026-01-02");
  });

  it("given a segment name taken in the shop, when another segment is created with it, then a clear error says so and nothing is saved; another shop may use the name; the list shows sizes", async () => {
    const open = await pool.open(provider);
    const deps = depsFor(open);
    await clearShop(open);
    const now = new Date("2026-01-01T00:00:00Z");
    const tree: SegmentTree = { kind: "nullCheck", field: "last_order_date", isNull: false };
    const vip = await createSegment(deps, SHOP, { name: "VIP", query: "last_order_date IS NOT NULL", tree }, now);
    const attempt = createSegment(deps, SHOP, { name: " VIP ", query: "number_of_orders > 1", tree }, now);
    await expect(attempt).rejects.toThrow(SegmentNameTakenError);
    await expect(attempt).rejects.toThrow('A segment named "VIP" already exists');
    expect(await open.db.segment.count({ where: { shop: SHOP } })).toBe(1);
    await createSegment(deps, OTHER_SHOP, { name: "VIP", query: "last_order_date IS NOT NULL", tree }, now);

    await insertMetrics(open, SHOP, [
      {
        customerId: "1",
        orderCount: 1,
        netOrderCount: 1,
        netSpend: 10n,
        refundedAmount: 0n,
        averageOrderValue: 10n,
        firstOrderAt: "2025-12-01T00:00:00.000Z",
        lastOrderAt: "2025-12-01T00:00:00.000Z",
        refundCount: 0,
        discountCodeUseCount: 0,
        emailMarketing: null,
        smsMarketing: null,
        countryCode: null,
        provinceCode: null,
        city: null,
        tags: [],
      },
    ]);
    const invalid = createSegmentFromQuery(deps, SHOP, { name: "Broken", query: "number_of_orders >" }, now);
    await expect(invalid).rejects.toThrow(InvalidSegmentError);
    const unknownField = createSegment(
      deps,
      SHOP,
      {
        name: "Unknown field",
        query: "(built)",
        tree: { kind: "comparison", field: "no_such_field", operator: "=", value: { type: "number", value: "1" } },
      },
      now,
    );
    await expect(unknownField).rejects.toThrow(InvalidSegmentError);
    expect(await open.db.segment.count({ where: { shop: SHOP } })).toBe(1);
    const repeat = await createSegmentFromQuery(
      deps,
      SHOP,
      { name: "Repeat buyers", query: "number_of_orders >= 2" },
      now,
    );
    expect(repeat.tree).toEqual({
      kind: "comparison",
      field: "number_of_orders",
      operator: ">=",
      value: { type: "number", value: "2" },
    });

    await evaluateShop(deps, SHOP, { now, timeZone: "UTC" }, { cause: "edit", causeRef: null });
    const listed = (await listSegments({ ...deps, overlap: prismaSegmentOverlap(open.db, open.url) }, SHOP)).segments;
    expect(listed.map((s) => ({ id: s.id, name: s.name, size: s.size, tree: s.tree }))).toEqual([
      { id: repeat.id, name: "Repeat buyers", size: 0, tree: repeat.tree },
      { id: vip.id, name: "VIP", size: 1, tree },
    ]);
  });
});
