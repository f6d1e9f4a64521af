import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NEVER_ORDERED, prismaSegmentDetailReader } from "../../../../app/db/segments/segment-detail-reader.server.js";
import { formatMoney, parseMoney } from "../../../../app/domain/money.js";
import { segmentKpisOf } from "../../../../app/domain/segments/segment-kpis.js";
import type { MemberCursor, MemberSort, SegmentMemberRow } from "../../../../app/services/segments/ports.js";
import { providers } from "../../../helpers/databases.js";
import {
  clearShop,
  databasePool,
  insertMetrics,
  metricsRowsArb,
  OTHER_SHOP,
  SHOP,
  type MetricsRow,
  type OpenDatabase,
} from "./segment-fixtures.js";

const pool = databasePool();
afterAll(() => pool.closeAll());

const SEGMENT = "seg-1";

/** Members are a random subset of the customers, some of them without metrics (a deleted customer's leftovers). */
const shopArb = metricsRowsArb(25).chain((rows) =>
  fc.record({
    rows: fc.constant(rows),
    members: fc.subarray([...rows.map((row) => row.customerId), "9001", "9002"]),
    elsewhere: fc.subarray(rows.map((row) => row.customerId)),
  }),
);

async function seed(open: OpenDatabase, rows: readonly MetricsRow[], members: string[], elsewhere: string[]) {
  await clearShop(open);
  await insertMetrics(open, SHOP, rows);
  // The other shop holds the same customer ids with other figures: a query that forgets the shop sees them.
  await insertMetrics(
    open,
    OTHER_SHOP,
    rows.map((row) => ({ ...row, netSpend: row.netSpend + 7_000_000n, netOrderCount: row.netOrderCount + 3 })),
  );
  const enteredAt = new Date("2026-01-01T00:00:00Z");
  const data = [
    ...members.map((customerId) => ({ shop: SHOP, segmentId: SEGMENT, customerId, enteredAt })),
    ...elsewhere.map((customerId) => ({ shop: SHOP, segmentId: "seg-2", customerId, enteredAt })),
    ...members.map((customerId) => ({ shop: OTHER_SHOP, segmentId: SEGMENT, customerId: `${customerId}0`, enteredAt })),
  ];
  if (data.length > 0) await open.db.segmentMember.createMany({ data });
}

/** The reference order of members: by sort key then customer id, as the keyset reads them. */
function referenceOrder(
  rows: readonly MetricsRow[],
  members: readonly string[],
  sort: MemberSort,
  direction: "asc" | "desc",
): string[] {
  const byId = new Map(rows.map((row) => [row.customerId, row]));
  const key = (id: string): bigint => {
    const row = byId.get(id);
    if (sort === "spend") return row?.netSpend ?? 0n;
    if (sort === "orders") return BigInt(row?.netOrderCount ?? 0);
    return BigInt(Date.parse(row?.lastOrderAt ?? NEVER_ORDERED));
  };
  const sorted = [...members].sort((a, b) => {
    const byKey = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
    return byKey !== 0 ? byKey : a < b ? -1 : a > b ? 1 : 0;
  });
  return direction === "asc" ? sorted : sorted.reverse();
}

function cursorOf(row: SegmentMemberRow, sort: MemberSort): MemberCursor {
  const value =
    sort === "spend"
      ? String(parseMoney(row.netSpend))
      : sort === "orders"
        ? String(row.netOrderCount)
        : row.lastOrderAt;
  return { value, customerId: row.customerId };
}

describe.each(await providers())("segment detail reader on %s", (provider) => {
  it("given random members with and without metrics in two shops, when the key figures are computed in SQL, then they equal the reference's", async () => {
    const open = await pool.open(provider);
    const reader = prismaSegmentDetailReader(open.db, open.url);
    await fc.assert(
      fc.asyncProperty(shopArb, async ({ rows, members, elsewhere }) => {
        await seed(open, rows, members, elsewhere);
        const byId = new Map(rows.map((row) => [row.customerId, row]));
        const reference = segmentKpisOf(
          members.map((id) => ({
            netSpend: byId.get(id)?.netSpend ?? 0n,
            netOrderCount: byId.get(id)?.netOrderCount ?? 0,
          })),
        );
        expect(await reader.kpis(SHOP, SEGMENT)).toEqual(reference);
      }),
      { numRuns: provider === "sqlite" ? 60 : 30 },
    );
  });

  it("given random members, when every page is read by keyset in each order, then the pages together are the members in the reference order, each once, and a search restricts them", async () => {
    const open = await pool.open(provider);
    const reader = prismaSegmentDetailReader(open.db, open.url);
    await fc.assert(
      fc.asyncProperty(
        shopArb,
        fc.constantFrom<MemberSort>("spend", "orders", "lastOrder"),
        fc.constantFrom<"asc" | "desc">("asc", "desc"),
        fc.integer({ min: 1, max: 7 }),
        async ({ rows, members, elsewhere }, sort, direction, limit) => {
          await seed(open, rows, members, elsewhere);
          const read: SegmentMemberRow[] = [];
          let after: MemberCursor | null = null;
          for (let pages = 0; pages < 100; pages++) {
            const page = await reader.memberPage(SHOP, SEGMENT, { sort, direction, after, limit });
            read.push(...page);
            if (page.length < limit) break;
            after = cursorOf(page.at(-1)!, sort);
          }
          expect(read.map((row) => row.customerId)).toEqual(referenceOrder(rows, members, sort, direction));
          const byId = new Map(rows.map((row) => [row.customerId, row]));
          for (const row of read) {
            expect(row.netSpend).toBe(formatMoney(byId.get(row.customerId)?.netSpend ?? 0n));
          }
          const some = members.filter((_, i) => i % 2 === 0);
          const searched = await reader.memberPage(SHOP, SEGMENT, {
            sort,
            direction,
            after: null,
            limit: 100,
            customerIds: [...some, "not-a-member"],
          });
          expect(searched.map((row) => row.customerId)).toEqual(referenceOrder(rows, some, sort, direction));
        },
      ),
      { numRuns: provider === "sqlite" ? 50 : 25 },
    );
  });
});
