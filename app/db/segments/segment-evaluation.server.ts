import { formatMoney } from "../../domain/money.js";
import type { SegmentTree } from "../../domain/segments/segment-tree.js";
import type { ShopThresholds } from "../../domain/segments/shop-thresholds.js";
import type {
  CauseOfChange,
  EvaluationSettings,
  MembershipChanges,
  SegmentEvaluationStore,
  SegmentPreview,
} from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";
import { bigintFromRow, Parameters, segmentDialectFor, type BoundValue } from "./segment-dialect.server.js";
import { compileSegmentPredicate, type SegmentSqlContext } from "./segment-sql.server.js";
import { computeShopThresholds, readShopThresholds, saveShopThresholds } from "./shop-thresholds.server.js";

type Executor = Pick<Database, "$executeRawUnsafe" | "$queryRawUnsafe">;

/**
 * Customers per membership transaction: each range of customer ids is diffed in its own short transaction (on
 * SQLite a transaction holds the one write lock, and webhook acknowledgements wait behind it).
 */
const RANGE_SIZE = 5000;
/** Customer ids per statement on the webhook path. */
const ID_CHUNK = 500;
const TRANSACTION = { maxWait: 10_000, timeout: 30_000 };
const SAMPLE_SIZE = 10;
const SEGMENT_INPUT_TABLES = ["CustomerMetrics", "CustomerTag", "CustomerPurchase", "SegmentMember"];

/** Which customers one diff covers: an id list, or ids in [from, before) (either bound open when null). */
type Scope = { ids: readonly string[] } | { from: string | null; before: string | null };

interface Statement {
  sql: string;
  values: BoundValue[];
}

export interface SegmentEvaluationOptions {
  /** Customers per membership transaction of a full evaluation. */
  rangeSize?: number;
}

export function prismaSegmentEvaluation(
  db: Database,
  databaseUrl: string,
  options: SegmentEvaluationOptions = {},
): SegmentEvaluationStore {
  const dialect = segmentDialectFor(databaseUrl);
  const T = dialect.table;
  const rangeSize = options.rangeSize ?? RANGE_SIZE;

  const statement = (build: (p: Parameters) => string): Statement => {
    const p = new Parameters(dialect);
    const sql = build(p);
    return { sql, values: p.values };
  };
  const execute = (x: Executor, s: Statement) => x.$executeRawUnsafe(s.sql, ...s.values);
  const query = <R>(x: Executor, s: Statement) => x.$queryRawUnsafe<R[]>(s.sql, ...s.values);

  function scopeFilter(p: Parameters, column: string, scope: Scope): string {
    if ("ids" in scope) return ` AND ${column} IN (${scope.ids.map((id) => p.text(id)).join(", ")})`;
    return (
      (scope.from === null ? "" : ` AND ${column} >= ${p.text(scope.from)}`) +
      (scope.before === null ? "" : ` AND ${column} < ${p.text(scope.before)}`)
    );
  }

  function contextFor(thresholds: ShopThresholds, settings: EvaluationSettings): SegmentSqlContext {
    return {
      dialect,
      now: settings.now,
      timeZone: settings.timeZone,
      thresholds,
      ...(settings.rfmGroups === undefined ? {} : { rfmGroups: settings.rfmGroups }),
    };
  }

  /** The scope's customers the tree matches (a SELECT of "customerId"). */
  function members(p: Parameters, shop: string, tree: SegmentTree, context: SegmentSqlContext, scope: Scope) {
    const shopParameter = p.text(shop);
    const within = scopeFilter(p, 'm."customerId"', scope);
    return `SELECT m."customerId" FROM ${T("CustomerMetrics")} m
      WHERE m."shop" = ${shopParameter}${within} AND ${compileSegmentPredicate(tree, context, p)}`;
  }

  /** Ranges of about `rangeSize` customers covering every id (the first and last open-ended). */
  async function ranges(shop: string): Promise<Scope[]> {
    const starts = await query<{ id: string }>(
      db,
      statement(
        (p) => `SELECT numbered.id FROM (
          SELECT m."customerId" AS id, ROW_NUMBER() OVER (ORDER BY m."customerId") - 1 AS position
          FROM ${T("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}
        ) numbered WHERE numbered.position % ${p.integer(rangeSize)} = 0 ORDER BY numbered.id`,
      ),
    );
    if (starts.length === 0) return [{ from: null, before: null }];
    return starts.map((start, index) => ({
      from: index === 0 ? null : start.id,
      before: starts[index + 1]?.id ?? null,
    }));
  }

  async function diff(
    x: Executor,
    shop: string,
    segmentId: string,
    tree: SegmentTree,
    context: SegmentSqlContext,
    cause: CauseOfChange,
    scope: Scope,
  ): Promise<MembershipChanges> {
    const isMember = (p: Parameters, customer: string) =>
      `EXISTS (SELECT 1 FROM ${T("SegmentMember")} sm WHERE sm."shop" = ${p.text(shop)}
        AND sm."segmentId" = ${p.text(segmentId)} AND sm."customerId" = ${customer})`;
    const event = (p: Parameters, change: "enter" | "exit") =>
      `${p.text(shop)}, ${p.text(segmentId)}, c."customerId", ${p.text(change)}, ${p.instant(context.now.toISOString())},
       ${p.text(cause.cause)}, ${cause.causeRef === null ? "NULL" : p.text(cause.causeRef)}`;
    const eventColumns = `("shop", "segmentId", "customerId", "change", "at", "cause", "causeRef")`;

    // A member leaves when its own metrics row (one index lookup) no longer satisfies the predicate, or is gone:
    // NOT IN over the whole member set was quadratic whenever PostgreSQL's planner did not hash it.
    const leaving = (p: Parameters) =>
      `c."shop" = ${p.text(shop)} AND c."segmentId" = ${p.text(segmentId)}${scopeFilter(p, 'c."customerId"', scope)}
       AND NOT EXISTS (SELECT 1 FROM ${T("CustomerMetrics")} m WHERE m."shop" = c."shop"
         AND m."customerId" = c."customerId" AND ${compileSegmentPredicate(tree, context, p)})`;

    if (dialect.provider === "postgresql") {
      // One statement each way, the events written from what the change itself returns: a concurrent evaluation
      // of the same customers (a webhook during the schedule) waits on the row, then finds nothing left to do,
      // so each change is recorded once.
      const entered = await execute(
        x,
        statement(
          (p) => `WITH changed AS (
            INSERT INTO ${T("SegmentMember")} ("shop", "segmentId", "customerId", "enteredAt")
            SELECT ${p.text(shop)}, ${p.text(segmentId)}, c."customerId", ${p.instant(context.now.toISOString())}
            FROM (${members(p, shop, tree, context, scope)}) c WHERE NOT ${isMember(p, 'c."customerId"')}
            ON CONFLICT ("shop", "segmentId", "customerId") DO NOTHING RETURNING "customerId"
          ) INSERT INTO ${T("SegmentMembershipEvent")} ${eventColumns} SELECT ${event(p, "enter")} FROM changed c`,
        ),
      );
      const exited = await execute(
        x,
        statement(
          (p) => `WITH changed AS (DELETE FROM ${T("SegmentMember")} AS c WHERE ${leaving(p)} RETURNING c."customerId")
            INSERT INTO ${T("SegmentMembershipEvent")} ${eventColumns} SELECT ${event(p, "exit")} FROM changed c`,
        ),
      );
      return { entered, exited };
    }

    // SQLite has no writing CTE; its writers are serialised, so within this transaction the reads hold.
    const entered = await execute(
      x,
      statement(
        (p) => `INSERT INTO ${T("SegmentMembershipEvent")} ${eventColumns}
          SELECT ${event(p, "enter")} FROM (${members(p, shop, tree, context, scope)}) c
          WHERE NOT ${isMember(p, 'c."customerId"')}`,
      ),
    );
    await execute(
      x,
      statement(
        (p) => `INSERT INTO ${T("SegmentMember")} ("shop", "segmentId", "customerId", "enteredAt")
          SELECT ${p.text(shop)}, ${p.text(segmentId)}, c."customerId", ${p.instant(context.now.toISOString())}
          FROM (${members(p, shop, tree, context, scope)}) c WHERE NOT ${isMember(p, 'c."customerId"')}`,
      ),
    );
    const exited = await execute(
      x,
      statement(
        (p) => `INSERT INTO ${T("SegmentMembershipEvent")} ${eventColumns}
          SELECT ${event(p, "exit")} FROM ${T("SegmentMember")} c WHERE ${leaving(p)}`,
      ),
    );
    await execute(
      x,
      statement((p) => `DELETE FROM ${T("SegmentMember")} AS c WHERE ${leaving(p)}`),
    );
    return { entered, exited };
  }

  return {
    async refreshThresholds(shop, now) {
      if (dialect.provider === "postgresql") {
        // Without statistics (a shop just backfilled) PostgreSQL plans the segment predicates' EXISTS lookups as
        // scans per customer: a full evaluation of 10,000 customers took minutes. Sampled, so cheap.
        await db.$executeRawUnsafe(`ANALYZE ${SEGMENT_INPUT_TABLES.map((table) => T(table)).join(", ")}`);
      }
      const thresholds = await computeShopThresholds(db, databaseUrl, shop);
      await saveShopThresholds(db, shop, thresholds, now);
      return thresholds;
    },

    async storedThresholds(shop) {
      return (await readShopThresholds(db, shop))?.thresholds ?? null;
    },

    async applyMembership(shop, segment, thresholds, settings, cause, customerIds) {
      const context = contextFor(thresholds, settings);
      const scopes: Scope[] = [];
      if (customerIds === undefined) scopes.push(...(await ranges(shop)));
      else {
        const ids = [...new Set(customerIds)];
        for (let start = 0; start < ids.length; start += ID_CHUNK)
          scopes.push({ ids: ids.slice(start, start + ID_CHUNK) });
      }
      const total: MembershipChanges = { entered: 0, exited: 0 };
      for (const [index, scope] of scopes.entries()) {
        const changes = await db.$transaction(
          (tx) => diff(tx, shop, segment.id, segment.tree, context, cause, scope),
          TRANSACTION,
        );
        total.entered += changes.entered;
        total.exited += changes.exited;
        // A first evaluation fills SegmentMember as it goes: planned on the statistics of the empty table, the
        // "already a member" check becomes a scan of every member so far for each customer (quadratic). Its
        // statistics are refreshed as it doubles (after ranges 1, 2, 4, 8, …), so they stay within twice the truth.
        const done = index + 1;
        if (dialect.provider === "postgresql" && customerIds === undefined && (done & (done - 1)) === 0) {
          await db.$executeRawUnsafe(`ANALYZE ${T("SegmentMember")}`);
        }
      }
      return total;
    },

    async preview(shop, tree, thresholds, settings) {
      const context = contextFor(thresholds, settings);
      // The predicate is built after the shop's placeholder: SQLite's ? are numbered in text order.
      const totals = (p: Parameters, where: (p: Parameters) => string) =>
        `SELECT COUNT(*) AS n, CAST(COALESCE(SUM(m."netSpend"), 0) AS TEXT) AS revenue,
           CAST(COALESCE(SUM(m."netOrderCount"), 0) AS TEXT) AS orders
         FROM ${T("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}${where(p)}`;
      type Totals = { n: unknown; revenue: unknown; orders: unknown };
      const [shopTotals] = await query<Totals>(
        db,
        statement((p) => totals(p, () => "")),
      );
      const [memberTotals] = await query<Totals>(
        db,
        statement((p) => totals(p, (q) => ` AND ${compileSegmentPredicate(tree, context, q)}`)),
      );
      const sample = await query<{ customerId: string }>(
        db,
        statement(
          (p) =>
            `${members(p, shop, tree, context, { from: null, before: null })} ORDER BY m."customerId" LIMIT ${p.integer(SAMPLE_SIZE)}`,
        ),
      );
      const revenue = bigintFromRow(memberTotals!.revenue);
      const orders = bigintFromRow(memberTotals!.orders);
      return {
        size: Number(memberTotals!.n),
        population: Number(shopTotals!.n),
        revenue: formatMoney(revenue),
        shopRevenue: formatMoney(bigintFromRow(shopTotals!.revenue)),
        averageOrderValue: formatMoney(orders === 0n ? 0n : revenue / orders),
        sample: sample.map((row) => row.customerId),
      } satisfies SegmentPreview;
    },

    async snapshot(shop, segmentIds, day) {
      for (const segmentId of segmentIds) {
        await execute(
          db,
          statement(
            (p) => `INSERT INTO ${T("SegmentSnapshot")} ("shop", "segmentId", "day", "size", "revenue", "aov")
              SELECT ${p.text(shop)}, ${p.text(segmentId)}, ${p.text(day)}, COUNT(*),
                CAST(COALESCE(SUM(m."netSpend"), 0) AS BIGINT),
                CASE WHEN COALESCE(SUM(m."netOrderCount"), 0) = 0 THEN 0
                  ELSE CAST(SUM(m."netSpend") AS BIGINT) / CAST(SUM(m."netOrderCount") AS BIGINT) END
              FROM ${T("SegmentMember")} sm LEFT JOIN ${T("CustomerMetrics")} m
                ON m."shop" = sm."shop" AND m."customerId" = sm."customerId"
              WHERE sm."shop" = ${p.text(shop)} AND sm."segmentId" = ${p.text(segmentId)}
              ON CONFLICT ("shop", "segmentId", "day") DO UPDATE SET "size" = excluded."size",
                "revenue" = excluded."revenue", "aov" = excluded."aov"`,
          ),
        );
      }
    },
  };
}
