import { formatMoney } from "../../domain/money.js";
import type { SegmentTree } from "../../domain/segments/segment-tree.js";
import type { ShopThresholds } from "../../domain/segments/shop-thresholds.js";
import type {
  CauseOfChange,
  EvaluationSettings,
  MembershipChanges,
  SegmentEvaluationStore,
  SegmentPreview,
  SegmentRecord,
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

type EvaluatedSegment = Pick<SegmentRecord, "id" | "tree">;

/** Segments evaluated together: their membership of one customer fits in one 63-bit integer. */
const SEGMENTS_PER_PASS = 62;

/** The bit of the segment at `index` within its pass, as SQL integer text. */
function bitOf(index: number): string {
  return (1n << BigInt(index)).toString();
}

function add(total: MembershipChanges, changes: MembershipChanges): void {
  total.entered += changes.entered;
  total.exited += changes.exited;
}

function countsOf(rows: ReadonlyArray<{ change: string; n: unknown }>): MembershipChanges {
  const count = (change: string) => Number(rows.find((row) => row.change === change)?.n ?? 0);
  return { entered: count("enter"), exited: count("exit") };
}

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

  /** The context for a statement over the scope's customers of the shop (purchase reads restricted to them). */
  function scoped(context: SegmentSqlContext, shop: string, scope: Scope): SegmentSqlContext {
    return { ...context, shop, within: (p, column) => scopeFilter(p, column, scope) };
  }

  /** The scope's customers the tree matches (a SELECT of "customerId"). */
  function members(p: Parameters, shop: string, tree: SegmentTree, context: SegmentSqlContext, scope: Scope) {
    const shopParameter = p.text(shop);
    const within = scopeFilter(p, 'm."customerId"', scope);
    return `SELECT m."customerId" FROM ${T("CustomerMetrics")} m
      WHERE m."shop" = ${shopParameter}${within} AND ${compileSegmentPredicate(tree, scoped(context, shop, scope), p)}`;
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

  /**
   * The segments as SQL rows, each with its bit (1 << position; a literal computed here, never user text), for
   * joining membership words back to segment ids.
   */
  function segmentRows(p: Parameters, segments: readonly EvaluatedSegment[]): string {
    return segments
      .map((segment, index) => `SELECT ${bitOf(index)} AS "bit", ${p.text(segment.id)} AS "segmentId"`)
      .join(" UNION ALL ");
  }

  /** An integer with the bit of every segment whose tree the customer `m` matches: every segment in one pass. */
  function desiredWord(p: Parameters, segments: readonly EvaluatedSegment[], context: SegmentSqlContext): string {
    return segments
      .map(
        (segment, index) =>
          `CASE WHEN ${compileSegmentPredicate(segment.tree, context, p)} THEN ${bitOf(index)} ELSE 0 END`,
      )
      .join(" + ");
  }

  /** The scope's customers with their desired word (a SELECT of "customerId", "desired"). */
  function desiredSelect(
    p: Parameters,
    shop: string,
    segments: readonly EvaluatedSegment[],
    context: SegmentSqlContext,
    scope: Scope,
  ): string {
    // In text order: SQLite's ? are numbered as they appear.
    const word = desiredWord(p, segments, scoped(context, shop, scope));
    return `SELECT m."customerId", ${word} AS "desired"
      FROM ${T("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}${scopeFilter(p, 'm."customerId"', scope)}`;
  }

  /**
   * The scope's members of these segments as one word per customer (a SELECT of "customerId", "current"): found
   * through SegmentMember's (shop, segmentId, customerId) key, one range or lookup per segment. CROSS JOIN keeps
   * the segments the outer loop on SQLite, whatever SegmentMember's statistics say (PostgreSQL plans it freely).
   */
  function currentSelect(p: Parameters, shop: string, segments: readonly EvaluatedSegment[], scope: Scope): string {
    const segs = segmentRows(p, segments);
    return `SELECT sm."customerId", SUM(s."bit") AS "current"
      FROM (${segs}) s CROSS JOIN ${T("SegmentMember")} sm
      WHERE sm."shop" = ${p.text(shop)} AND sm."segmentId" = s."segmentId"${scopeFilter(p, 'sm."customerId"', scope)}
      GROUP BY sm."customerId"`;
  }

  const eventColumns = `("shop", "segmentId", "customerId", "change", "at", "cause", "causeRef")`;
  const eventValues = (p: Parameters, shop: string, context: SegmentSqlContext, cause: CauseOfChange) =>
    `${p.text(shop)}, c."segmentId", c."customerId", c."change", ${p.instant(context.now.toISOString())},
     ${p.text(cause.cause)}, ${cause.causeRef === null ? "NULL" : p.text(cause.causeRef)}`;

  /**
   * PostgreSQL: one statement per scope reads every segment's membership in one scan of the metrics and one of the
   * members, and only for customers whose words differ inserts who entered, deletes who left and records the
   * events from what the changes themselves return: a concurrent evaluation of the same customers (a webhook
   * during the schedule) waits on the row, then finds nothing left to do, so each change is recorded once.
   */
  async function diffPostgres(
    shop: string,
    segments: readonly EvaluatedSegment[],
    context: SegmentSqlContext,
    cause: CauseOfChange,
    scope: Scope,
  ): Promise<MembershipChanges> {
    const rows = await query<{ change: string; n: unknown }>(
      db,
      statement(
        (p) => `WITH segs AS (${segmentRows(p, segments)}),
          wanted AS MATERIALIZED (${desiredSelect(p, shop, segments, context, scope)}),
          held AS MATERIALIZED (${currentSelect(p, shop, segments, scope)}),
          differing AS (
            SELECT COALESCE(d."customerId", c."customerId") AS "customerId",
              COALESCE(d."desired", 0) AS "desired", COALESCE(c."current", 0) AS "current"
            FROM wanted d FULL JOIN held c ON c."customerId" = d."customerId"
            WHERE COALESCE(d."desired", 0) <> COALESCE(c."current", 0)
          ),
          changing AS MATERIALIZED (
            SELECT s."segmentId", x."customerId",
              CASE WHEN (x."desired" & s."bit") <> 0 THEN 'enter' ELSE 'exit' END AS "change"
            FROM differing x JOIN segs s ON (x."desired" & s."bit") <> (x."current" & s."bit")
          ),
          entered AS (
            INSERT INTO ${T("SegmentMember")} ("shop", "segmentId", "customerId", "enteredAt")
            SELECT ${p.text(shop)}, c."segmentId", c."customerId", ${p.instant(context.now.toISOString())}
            FROM changing c WHERE c."change" = 'enter'
            ON CONFLICT ("shop", "segmentId", "customerId") DO NOTHING RETURNING "segmentId", "customerId"
          ),
          exited AS (
            DELETE FROM ${T("SegmentMember")} AS sm USING changing c
            WHERE sm."shop" = ${p.text(shop)} AND c."change" = 'exit'
              AND sm."segmentId" = c."segmentId" AND sm."customerId" = c."customerId"
            RETURNING sm."segmentId", sm."customerId"
          ),
          changes AS (
            SELECT e."segmentId", e."customerId", 'enter' AS "change" FROM entered e
            UNION ALL SELECT x."segmentId", x."customerId", 'exit' AS "change" FROM exited x
          ),
          events AS (
            INSERT INTO ${T("SegmentMembershipEvent")} ${eventColumns}
            SELECT ${eventValues(p, shop, context, cause)} FROM changes c RETURNING "change"
          )
          SELECT "change", COUNT(*) AS n FROM events GROUP BY "change"`,
      ),
    );
    return countsOf(rows);
  }

  /**
   * SQLite: within one short transaction (its write lock taken first, so the reads are those the writes act on),
   * every segment's desired and current membership words in one scan each into a temporary table; only customers
   * whose words differ are expanded into changes and applied.
   */
  async function diffSqlite(
    x: Executor,
    shop: string,
    segments: readonly EvaluatedSegment[],
    context: SegmentSqlContext,
    cause: CauseOfChange,
    scope: Scope,
  ): Promise<MembershipChanges> {
    // Takes the write lock now: a deferred transaction that first reads could not write after another connection did.
    await x.$executeRawUnsafe(`DELETE FROM "SegmentMember" WHERE 0`);
    await x.$executeRawUnsafe(`DELETE FROM temp."_segment_words"`);
    await x.$executeRawUnsafe(`DELETE FROM temp."_segment_change"`);
    await execute(
      x,
      statement(
        (p) => `INSERT INTO temp."_segment_words" ("customerId", "desired", "current")
          SELECT d."customerId", d."desired", 0 FROM (${desiredSelect(p, shop, segments, context, scope)}) d`,
      ),
    );
    await execute(
      x,
      statement(
        (p) => `INSERT INTO temp."_segment_words" ("customerId", "desired", "current")
          SELECT c."customerId", 0, c."current" FROM (${currentSelect(p, shop, segments, scope)}) c WHERE true
          ON CONFLICT ("customerId") DO UPDATE SET "current" = excluded."current"`,
      ),
    );
    const changed = await execute(
      x,
      statement(
        (p) => `INSERT INTO temp."_segment_change" ("segmentId", "customerId", "change")
          SELECT s."segmentId", w."customerId", CASE WHEN (w."desired" & s."bit") <> 0 THEN 'enter' ELSE 'exit' END
          FROM temp."_segment_words" w JOIN (${segmentRows(p, segments)}) s
            ON (w."desired" & s."bit") <> (w."current" & s."bit")
          WHERE w."desired" <> w."current"
          ORDER BY w."customerId", s."bit"`,
      ),
    );
    if (changed === 0) return { entered: 0, exited: 0 };
    const counts = countsOf(
      await query<{ change: string; n: unknown }>(
        x,
        statement(() => `SELECT "change", COUNT(*) AS n FROM temp."_segment_change" GROUP BY "change"`),
      ),
    );
    await execute(
      x,
      statement(
        (p) => `INSERT INTO "SegmentMembershipEvent" ${eventColumns}
          SELECT ${eventValues(p, shop, context, cause)} FROM temp."_segment_change" c ORDER BY c."rowid"`,
      ),
    );
    if (counts.entered > 0) {
      await execute(
        x,
        statement(
          (p) => `INSERT INTO "SegmentMember" ("shop", "segmentId", "customerId", "enteredAt")
            SELECT ${p.text(shop)}, c."segmentId", c."customerId", ${p.instant(context.now.toISOString())}
            FROM temp."_segment_change" c WHERE c."change" = 'enter'`,
        ),
      );
    }
    if (counts.exited > 0) {
      await execute(
        x,
        statement(
          (p) => `DELETE FROM "SegmentMember" WHERE "shop" = ${p.text(shop)} AND ("segmentId", "customerId") IN
            (SELECT c."segmentId", c."customerId" FROM temp."_segment_change" c WHERE c."change" = 'exit')`,
        ),
      );
    }
    return counts;
  }

  let temporaryTables = false;
  async function ensureTemporaryTables(): Promise<void> {
    if (dialect.provider !== "sqlite" || temporaryTables) return;
    // The adapter keeps one connection for the client's life, so these stay (temporary tables are per connection).
    await db.$executeRawUnsafe(
      `CREATE TEMP TABLE IF NOT EXISTS "_segment_words" ("customerId" TEXT PRIMARY KEY, "desired" INTEGER NOT NULL,
        "current" INTEGER NOT NULL) WITHOUT ROWID`,
    );
    await db.$executeRawUnsafe(
      `CREATE TEMP TABLE IF NOT EXISTS "_segment_change" ("segmentId" TEXT NOT NULL, "customerId" TEXT NOT NULL,
        "change" TEXT NOT NULL)`,
    );
    temporaryTables = true;
  }

  /**
   * The webhook path's read-only check: these customers' membership words as they should be and as they are, in
   * one read; true when nothing would change (then nothing is written and no lock is taken).
   */
  async function unchanged(
    shop: string,
    segments: readonly EvaluatedSegment[],
    context: SegmentSqlContext,
    ids: readonly string[],
  ): Promise<boolean> {
    const scope: Scope = { ids };
    const rows = await query<{ customerId: string; word: unknown; side: string }>(
      db,
      statement(
        (p) => `SELECT d."customerId", d."desired" AS "word", 'desired' AS "side"
            FROM (${desiredSelect(p, shop, segments, context, scope)}) d
          UNION ALL SELECT c."customerId", c."current" AS "word", 'current' AS "side"
            FROM (${currentSelect(p, shop, segments, scope)}) c`,
      ),
    );
    const words = new Map<string, { desired: bigint; current: bigint }>();
    for (const row of rows) {
      const entry = words.get(row.customerId) ?? { desired: 0n, current: 0n };
      entry[row.side === "desired" ? "desired" : "current"] = bigintFromRow(row.word);
      words.set(row.customerId, entry);
    }
    return [...words.values()].every((entry) => entry.desired === entry.current);
  }

  async function applyScope(
    shop: string,
    segments: readonly EvaluatedSegment[],
    context: SegmentSqlContext,
    cause: CauseOfChange,
    scope: Scope,
  ): Promise<MembershipChanges> {
    if (dialect.provider === "postgresql") return diffPostgres(shop, segments, context, cause, scope);
    return db.$transaction((tx) => diffSqlite(tx, shop, segments, context, cause, scope), TRANSACTION);
  }

  async function applyMemberships(
    shop: string,
    segments: readonly EvaluatedSegment[],
    thresholds: ShopThresholds,
    settings: EvaluationSettings,
    cause: CauseOfChange,
    customerIds?: readonly string[],
  ): Promise<MembershipChanges> {
    const total: MembershipChanges = { entered: 0, exited: 0 };
    if (segments.length === 0) return total;
    if (segments.length > SEGMENTS_PER_PASS) {
      for (let start = 0; start < segments.length; start += SEGMENTS_PER_PASS) {
        const pass = segments.slice(start, start + SEGMENTS_PER_PASS);
        add(total, await applyMemberships(shop, pass, thresholds, settings, cause, customerIds));
      }
      return total;
    }
    const context = contextFor(thresholds, settings);
    await ensureTemporaryTables();
    if (customerIds !== undefined) {
      const ids = [...new Set(customerIds)];
      for (let start = 0; start < ids.length; start += ID_CHUNK) {
        const chunk = ids.slice(start, start + ID_CHUNK);
        if (await unchanged(shop, segments, context, chunk)) continue;
        add(total, await applyScope(shop, segments, context, cause, { ids: chunk }));
      }
      return total;
    }
    for (const [index, scope] of (await ranges(shop)).entries()) {
      add(total, await applyScope(shop, segments, context, cause, scope));
      // A first evaluation fills SegmentMember as it goes: planned on the statistics of the empty table, the
      // "already a member" check becomes a scan of every member so far for each customer (quadratic). Its
      // statistics are refreshed as it doubles (after ranges 1, 2, 4, 8, …), so they stay within twice the truth.
      const done = index + 1;
      if (dialect.provider === "postgresql" && (done & (done - 1)) === 0) {
        await db.$executeRawUnsafe(`ANALYZE ${T("SegmentMember")}`);
      }
    }
    return total;
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

    async applyMemberships(shop, segments, thresholds, settings, cause, customerIds) {
      return applyMemberships(shop, segments, thresholds, settings, cause, customerIds);
    },

    async applyMembership(shop, segment, thresholds, settings, cause, customerIds) {
      return applyMemberships(shop, [segment], thresholds, settings, cause, customerIds);
    },

    async preview(shop, tree, thresholds, settings) {
      const context = contextFor(thresholds, settings);
      // One scan: the shop's customers grouped by whether the tree holds (at most two rows), so the shop's totals
      // and the members' come from the same read and the predicate is evaluated once per customer.
      type Totals = { hit: unknown; n: unknown; revenue: unknown; orders: unknown };
      const groups = await query<Totals>(
        db,
        statement(
          (p) => `SELECT x.hit AS hit, COUNT(*) AS n, CAST(COALESCE(SUM(x."netSpend"), 0) AS TEXT) AS revenue,
              CAST(COALESCE(SUM(x."netOrderCount"), 0) AS TEXT) AS orders
            FROM (SELECT m."netSpend", m."netOrderCount",
                CASE WHEN ${compileSegmentPredicate(tree, { ...context, shop }, p)} THEN 1 ELSE 0 END AS hit
              FROM ${T("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}) x
            GROUP BY x.hit`,
        ),
      );
      const sample = await query<{ customerId: string }>(
        db,
        statement(
          (p) =>
            `${members(p, shop, tree, context, { from: null, before: null })} ORDER BY m."customerId" LIMIT ${p.integer(SAMPLE_SIZE)}`,
        ),
      );
      let size = 0;
      let population = 0;
      let revenue = 0n;
      let orders = 0n;
      let shopRevenue = 0n;
      for (const group of groups) {
        const n = Number(group.n);
        const groupRevenue = bigintFromRow(group.revenue);
        population += n;
        shopRevenue += groupRevenue;
        if (Number(group.hit) === 1) {
          size = n;
          revenue = groupRevenue;
          orders = bigintFromRow(group.orders);
        }
      }
      return {
        size,
        population,
        revenue: formatMoney(revenue),
        shopRevenue: formatMoney(shopRevenue),
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
