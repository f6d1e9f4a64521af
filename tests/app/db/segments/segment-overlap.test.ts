import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { segmentDialectFor } from "../../../../app/db/segments/segment-dialect.server.js";
import { overlapStatement, prismaSegmentOverlap } from "../../../../app/db/segments/segment-overlap.server.js";
import { prismaSegmentRepository } from "../../../../app/db/segments/segment-repository.server.js";
import { overlapsOf } from "../../../../app/domain/segments/segment-overlap.js";
import type { SegmentOverlapReader } from "../../../../app/services/segments/ports.js";
import { listSegments } from "../../../../app/services/segments/segment-catalog.js";
import { shopSegmentOverlaps } from "../../../../app/services/segments/segment-overlaps.js";
import { providers } from "../../../helpers/databases.js";
import { clearShop, databasePool, OTHER_SHOP, SHOP, type OpenDatabase } from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

/** Segment ids that sort differently by locale and by code unit ("B" < "a" in JavaScript), members from a pool. */
const SEGMENT_IDS = ["a", "B", "c1", "C2", "z", "_x"];
const CUSTOMERS = Array.from({ length: 30 }, (_, i) => String(100 + i));
const membershipArb = fc.dictionary(
  fc.constantFrom(...SEGMENT_IDS),
  fc.uniqueArray(fc.constantFrom(...CUSTOMERS), { maxLength: CUSTOMERS.length }),
  { maxKeys: SEGMENT_IDS.length },
);

async function insertMembers(open: OpenDatabase, shop: string, membership: Record<string, string[]>) {
  const enteredAt = new Date("2026-01-01T00:00:00Z");
  const data = Object.entries(membership).flatMap(([segmentId, customers]) =>
    customers.map((customerId) => ({ shop, segmentId, customerId, enteredAt })),
  );
  if (data.length > 0) await open.db.segmentMember.createMany({ data });
}

describe.each(await providers())("segment overlap on %s", (provider) => {
  it("given random memberships in two shops, when the overlap of all pairs is computed in one statement, then it equals the reference's, for all the shop's segments and for any subset", async () => {
    const open = await pool.open(provider);
    const overlap = prismaSegmentOverlap(open.db, open.url);
    await fc.assert(
      fc.asyncProperty(
        membershipArb,
        membershipArb,
        fc.subarray(SEGMENT_IDS),
        async (membership, elsewhere, subset) => {
          await clearShop(open);
          await insertMembers(open, SHOP, membership);
          await insertMembers(open, OTHER_SHOP, elsewhere);
          const reference = overlapsOf(new Map(Object.entries(membership)));
          expect(await overlap.overlaps(SHOP)).toEqual(reference);
          const chosen = new Map(Object.entries(membership).filter(([id]) => subset.includes(id)));
          expect(await overlap.overlaps(SHOP, subset)).toEqual(overlapsOf(chosen));
        },
      ),
      { numRuns: provider === "sqlite" ? 60 : 40 },
    );
  });

  if (provider === "sqlite") {
    it("given SQLite, when the overlap is planned, then each member's other memberships come from the (shop, customerId) index", async () => {
      const open = await pool.open(provider);
      for (const ids of [undefined, ["a", "B"]]) {
        const statement = overlapStatement(segmentDialectFor(open.url), SHOP, ids);
        const plan = await open.db.$queryRawUnsafe<Array<{ detail: string }>>(
          `EXPLAIN QUERY PLAN ${statement.sql}`,
          ...statement.values,
        );
        const details = plan.map((row) => row.detail);
        expect(details[0]).toMatch(/^SEARCH a USING (COVERING )?INDEX sqlite_autoindex_SegmentMember_1 \(shop=\?/);
        expect(details[1]).toMatch(
          /^SEARCH b USING INDEX SegmentMember_shop_customerId_idx \(shop=\? AND customerId=\?\)/,
        );
      }
    });
  }

  it("given segments, when listed, then each carries its warnings, the overlap is asked only for pairs of similar size, and the overlap command's pairs include those sharing nobody", async () => {
    const open = await pool.open(provider);
    await clearShop(open);
    const segments = prismaSegmentRepository(open.db);
    const inner = prismaSegmentOverlap(open.db, open.url);
    const asked: Array<readonly string[] | undefined> = [];
    const overlap: SegmentOverlapReader = {
      overlaps: (shop, ids) => {
        asked.push(ids);
        return inner.overlaps(shop, ids);
      },
      population: async () => 1000,
    };
    const now = new Date("2026-01-01T00:00:00Z");
    const tree = { kind: "nullCheck", field: "last_order_date", isNull: false } as const;
    const make = async (name: string) => (await segments.create(SHOP, { name, query: "(built)", tree }, now))!;
    const big = await make("Big");
    const twin = await make("Twin");
    const small = await make("Small");
    const empty = await make("Empty");
    const customers = Array.from({ length: 200 }, (_, i) => String(1000 + i));
    await insertMembers(open, SHOP, {
      [big.id]: customers,
      [twin.id]: customers.slice(0, 190),
      [small.id]: customers.slice(0, 5),
    });

    const listing = await listSegments({ segments, overlap }, SHOP);
    const warningsOf = (name: string) =>
      listing.segments.find((segment) => segment.name === name)!.warnings.map((warning) => warning.message);
    expect(warningsOf("Big")).toEqual(["nearly a duplicate of Twin: Jaccard 0.950 (190 of 200 members in both)"]);
    expect(warningsOf("Twin")).toEqual(["nearly a duplicate of Big: Jaccard 0.950 (190 of 200 members in both)"]);
    expect(warningsOf("Small")).toEqual(["tiny: 5 members, 0.50% of 1000 customers"]);
    expect(warningsOf("Empty")).toEqual(["empty: no customer matches it"]);
    expect(listing.shopWarnings).toEqual([]);
    // Only Big and Twin have sizes within 10% of each other: the overlap is computed for them alone.
    expect(asked.map((ids) => [...(ids ?? [])].sort())).toEqual([[big.id, twin.id].sort()]);

    const all = await shopSegmentOverlaps({ segments, overlap: inner }, SHOP);
    expect(all.pairs).toHaveLength(6);
    const pair = (a: string, b: string) =>
      all.pairs.find((p) => (p.first === a && p.second === b) || (p.first === b && p.second === a))!;
    expect(pair(big.id, small.id)).toMatchObject({ shared: 5, jaccard: 5 / 200 });
    expect(pair(empty.id, small.id)).toMatchObject({ shared: 0, jaccard: 0 });

    for (let i = 0; i < 18; i += 1) await make(`More ${i}`);
    const crowded = await listSegments({ segments, overlap: inner }, SHOP);
    expect(crowded.shopWarnings.map((warning) => warning.code)).toEqual(["TOO_MANY_SEGMENTS"]);
    expect(crowded.shopWarnings[0]!.message).toMatch(/^22 segments: more than the 20/);
  });
});
