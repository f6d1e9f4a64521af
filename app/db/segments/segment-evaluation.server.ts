import { formatMoney } from "../../domain/money.js";
import { leaveCutoff, parseSegmentBuffer, type SegmentBuffer } from "../../domain/segments/segment-buffer.js";
import type { SegmentTree } from "../../domain/segments/segment-tree.js";
import type { ShopThresholds } from "../../domain/segments/shop-thresholds.js";
import type {
  CauseOfChange,
  EvaluationSettings,
  MembershipChanges,
  SegmentEvaluationStore,
  EvaluatedSegment,
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

interface PlannedSegment {
  id: string;
  tree: SegmentTree;
  buffer: SegmentBuffer | null;
}

/** One customer's membership words over a pass of segments (bit i: segment i). */
interface MembershipWords {
  desired: bigint;
  stay: bigint;
  current: bigint;
  outside: bigint;
  expired: bigint;
}

/** Whether any segment's membership, or its outsideSince, would change (the CHANGE rule of the SQL, in TypeScript). */
function mayChange(words: MembershipWords, segments: readonly PlannedSegment[]): boolean {
  return segments.some((segment, index) => {
    const bit = 1n << BigInt(index);
    const has = (word: bigint) => (word & bit) !== 0n;
    if (!has(words.current)) return has(words.desired);
    if (has(words.desired | words.stay)) return has(words.outside);
    const hold = (segment.buffer?.leaveAfterDays ?? 0) > 0;
    return !hold || has(words.expired) || !has(words.outside);
  });
}

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

function countsOf(rows: ReadonlyArray<{ change: string; n: unknown }>): MembershipChanges & { marked: number } {
  const count = (...changes: string[]) =>
    rows.filter((row) => changes.includes(row.change)).reduce((sum, row) => sum + Number(row.n), 0);
  return { entered: count("enter"), exited: count("exit"), marked: count("mark", "clear", "marked") };
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
  /**
   * A segment statement on its own connection's transaction, with PostgreSQL's JIT off: the planner's estimate of
   * 20 predicates over a range passes jit_above_cost, and compiling it took 1.8 s of a 1.9 s statement (the
   * statement itself needs tens of milliseconds). SQLite runs it as is.
   */
  const segmentQuery = async <R>(s: Statement): Promise<R[]> => {
    if (dialect.provider !== "postgresql") return query<R>(db, s);
    const [, rows] = await db.$transaction([
      db.$executeRawUnsafe("SET LOCAL jit = off"),
      db.$queryRawUnsafe<R[]>(s.sql, ...s.values),
    ]);
    return rows;
  };

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
   * The segments as SQL rows, each with its bit (1 << position; a literal computed here, never user text), whether
   * its buffer holds members outside for some days ("hold") and the instant at or before which a member outside
   * since then has served them ("cutoff"), for joining membership words back to segment ids.
   */
  function segmentRows(p: Parameters, segments: readonly PlannedSegment[], now: Date): string {
    return segments
      .map((segment, index) => {
        const days = segment.buffer?.leaveAfterDays ?? 0;
        return `SELECT ${bitOf(index)} AS "bit", ${p.text(segment.id)} AS "segmentId", ${days > 0 ? 1 : 0} AS "hold",
          ${p.instant(leaveCutoff(now, days).toISOString())} AS "cutoff"`;
      })
      .join(" UNION ALL ");
  }

  /** An integer with the bit of every segment whose `rule` the customer `m` matches: every segment in one pass. */
  function word(
    p: Parameters,
    segments: readonly PlannedSegment[],
    context: SegmentSqlContext,
    rule: (segment: PlannedSegment) => SegmentTree | undefined,
  ): string {
    const parts = segments.flatMap((segment, index) => {
      const tree = rule(segment);
      return tree === undefined
        ? []
        : [`CASE WHEN ${compileSegmentPredicate(tree, context, p)} THEN ${bitOf(index)} ELSE 0 END`];
    });
    return parts.length === 0 ? "0" : parts.join(" + ");
  }

  /**
   * The scope's customers with the segments whose entry rule they match ("desired") and whose stay rule they match
   * ("stay", buffered segments only): a SELECT of "customerId", "desired", "stay".
   */
  function desiredSelect(
    p: Parameters,
    shop: string,
    segments: readonly PlannedSegment[],
    context: SegmentSqlContext,
    scope: Scope,
  ): string {
    // In text order: SQLite's ? are numbered as they appear.
    const within = scoped(context, shop, scope);
    const desired = word(p, segments, within, (segment) => segment.tree);
    const stay = word(p, segments, within, (segment) => segment.buffer?.stayWhile?.tree);
    return `SELECT m."customerId", ${desired} AS "desired", ${stay} AS "stay"
      FROM ${T("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}${scopeFilter(p, 'm."customerId"', scope)}`;
  }

  /**
   * The scope's members of these segments as words per customer (a SELECT of "customerId", "current", "outside",
   * "expired": members, those outside since some time, those whose days outside are served), found through
   * SegmentMember's (shop, segmentId, customerId) key, one range or lookup per segment. CROSS JOIN keeps the
   * segments the outer loop on SQLite, whatever SegmentMember's statistics say (PostgreSQL plans it freely).
   */
  function currentSelect(
    p: Parameters,
    shop: string,
    segments: readonly PlannedSegment[],
    context: SegmentSqlContext,
    scope: Scope,
  ): string {
    const segs = segmentRows(p, segments, context.now);
    return `SELECT sm."customerId", SUM(s."bit") AS "current",
        SUM(CASE WHEN sm."outsideSince" IS NOT NULL THEN s."bit" ELSE 0 END) AS "outside",
        SUM(CASE WHEN sm."outsideSince" <= s."cutoff" THEN s."bit" ELSE 0 END) AS "expired"
      FROM (${segs}) s CROSS JOIN ${T("SegmentMember")} sm
      WHERE sm."shop" = ${p.text(shop)} AND sm."segmentId" = s."segmentId"${scopeFilter(p, 'sm."customerId"', scope)}
      GROUP BY sm."customerId"`;
  }

  /**
   * What happens to customer `w`'s membership of segment `s` (segment-buffer.ts's nextMembership over the words):
   * 'enter', 'exit', 'mark' (a member steps outside and is held: outsideSince = now), 'clear' (a held member is
   * back inside: outsideSince = NULL), or NULL.
   */
  const CHANGE = `CASE
      WHEN (w."current" & s."bit") = 0 THEN CASE WHEN (w."desired" & s."bit") <> 0 THEN 'enter' END
      WHEN ((w."desired" | w."stay") & s."bit") <> 0 THEN CASE WHEN (w."outside" & s."bit") <> 0 THEN 'clear' END
      WHEN s."hold" = 0 OR (w."expired" & s."bit") <> 0 THEN 'exit'
      WHEN (w."outside" & s."bit") = 0 THEN 'mark'
    END`;
  /** Customers who may change: no change is possible where the entry word equals membership and none is held. */
  const MAY_CHANGE = `(w."desired" <> w."current" OR w."outside" <> 0)`;

  const eventColumns = `("shop", "segmentId", "customerId", "change", "at", "cause", "causeRef")`;
  const eventValues = (p: Parameters, shop: string, context: SegmentSqlContext, cause: CauseOfChange) =>
    `${p.text(shop)}, c."segmentId", c."customerId", c."change", ${p.instant(context.now.toISOString())},
     ${p.text(cause.cause)}, ${cause.causeRef === null ? "NULL" : p.text(cause.causeRef)}`;

  /**
   * PostgreSQL: one statement per scope reads every segment's membership in one scan of the metrics and one of the
   * members, and only for customers who may change inserts who entered, deletes who left, marks and clears the
   * held, and records the events from what the changes themselves return: a concurrent evaluation of the same
   * customers (a webhook during the schedule) waits on the row, then finds nothing left to do, so each change is
   * recorded once.
   */
  async function diffPostgres(
    shop: string,
    segments: readonly PlannedSegment[],
    context: SegmentSqlContext,
    cause: CauseOfChange,
    scope: Scope,
  ): Promise<MembershipChanges> {
    const rows = await segmentQuery<{ change: string; n: unknown }>(
      statement(
        (p) => `WITH segs AS (${segmentRows(p, segments, context.now)}),
          wanted AS MATERIALIZED (${desiredSelect(p, shop, segments, context, scope)}),
          held AS MATERIALIZED (${currentSelect(p, shop, segments, context, scope)}),
          words AS (
            SELECT COALESCE(d."customerId", c."customerId") AS "customerId",
              COALESCE(d."desired", 0) AS "desired", COALESCE(d."stay", 0) AS "stay",
              COALESCE(c."current", 0) AS "current", COALESCE(c."outside", 0) AS "outside",
              COALESCE(c."expired", 0) AS "expired"
            FROM wanted d FULL JOIN held c ON c."customerId" = d."customerId"
          ),
          changing AS MATERIALIZED (
            SELECT x."segmentId", x."customerId", x."change" FROM (
              SELECT s."segmentId", w."customerId", ${CHANGE} AS "change"
              FROM words w CROSS JOIN segs s WHERE ${MAY_CHANGE}
            ) x WHERE x."change" IS NOT NULL
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
          marked AS (
            UPDATE ${T("SegmentMember")} AS sm
            SET "outsideSince" = CASE WHEN c."change" = 'mark' THEN ${p.instant(context.now.toISOString())} END
            FROM changing c
            WHERE sm."shop" = ${p.text(shop)} AND c."change" IN ('mark', 'clear')
              AND sm."segmentId" = c."segmentId" AND sm."customerId" = c."customerId"
            RETURNING sm."segmentId"
          ),
          changes AS (
            SELECT e."segmentId", e."customerId", 'enter' AS "change" FROM entered e
            UNION ALL SELECT x."segmentId", x."customerId", 'exit' AS "change" FROM exited x
          ),
          events AS (
            INSERT INTO ${T("SegmentMembershipEvent")} ${eventColumns}
            SELECT ${eventValues(p, shop, context, cause)} FROM changes c RETURNING "change"
          )
          SELECT "change", COUNT(*) AS n FROM events GROUP BY "change"
          UNION ALL SELECT 'marked', COUNT(*) FROM marked`,
      ),
    );
    return countsOf(rows);
  }

  /**
   * SQLite: within one short transaction (its write lock taken first, so the reads are those the writes act on),
   * every segment's desired and current membership words in one scan each into a temporary table; only customers
   * who may change are expanded into changes and applied.
   */
  async function diffSqlite(
    x: Executor,
    shop: string,
    segments: readonly PlannedSegment[],
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
        (p) => `INSERT INTO temp."_segment_words" ("customerId", "desired", "stay", "current", "outside", "expired")
          SELECT d."customerId", d."desired", d."stay", 0, 0, 0
          FROM (${desiredSelect(p, shop, segments, context, scope)}) d`,
      ),
    );
    await execute(
      x,
      statement(
        (p) => `INSERT INTO temp."_segment_words" ("customerId", "desired", "stay", "current", "outside", "expired")
          SELECT c."customerId", 0, 0, c."current", c."outside", c."expired"
          FROM (${currentSelect(p, shop, segments, context, scope)}) c WHERE true
          ON CONFLICT ("customerId") DO UPDATE SET "current" = excluded."current", "outside" = excluded."outside",
            "expired" = excluded."expired"`,
      ),
    );
    const changed = await execute(
      x,
      statement(
        (p) => `INSERT INTO temp."_segment_change" ("segmentId", "customerId", "change")
          SELECT x."segmentId", x."customerId", x."change" FROM (
            SELECT s."segmentId", w."customerId", ${CHANGE} AS "change", s."bit"
            FROM temp."_segment_words" w CROSS JOIN (${segmentRows(p, segments, context.now)}) s
            WHERE ${MAY_CHANGE}
          ) x WHERE x."change" IS NOT NULL
          ORDER BY x."customerId", x."bit"`,
      ),
    );
    if (changed === 0) return { entered: 0, exited: 0 };
    const counts = countsOf(
      await query<{ change: string; n: unknown }>(
        x,
        statement(() => `SELECT "change", COUNT(*) AS n FROM temp."_segment_change" GROUP BY "change"`),
      ),
    );
    if (counts.entered + counts.exited > 0) {
      await execute(
        x,
        statement(
          (p) => `INSERT INTO "SegmentMembershipEvent" ${eventColumns}
            SELECT ${eventValues(p, shop, context, cause)} FROM temp."_segment_change" c
            WHERE c."change" IN ('enter', 'exit') ORDER BY c."rowid"`,
        ),
      );
    }
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
    if (counts.marked > 0) {
      for (const [change, outsideSince] of [
        ["mark", (p: Parameters) => p.instant(context.now.toISOString())],
        ["clear", () => "NULL"],
      ] as const) {
        await execute(
          x,
          statement(
            (p) => `UPDATE "SegmentMember" SET "outsideSince" = ${outsideSince(p)}
              WHERE "shop" = ${p.text(shop)} AND ("segmentId", "customerId") IN
              (SELECT c."segmentId", c."customerId" FROM temp."_segment_change" c WHERE c."change" = '${change}')`,
          ),
        );
      }
    }
    return { entered: counts.entered, exited: counts.exited };
  }

  let temporaryTables = false;
  async function ensureTemporaryTables(): Promise<void> {
    if (dialect.provider !== "sqlite" || temporaryTables) return;
    // The adapter keeps one connection for the client's life, so these stay (temporary tables are per connection).
    await db.$executeRawUnsafe(
      `CREATE TEMP TABLE IF NOT EXISTS "_segment_words" ("customerId" TEXT PRIMARY KEY, "desired" INTEGER NOT NULL,
        "stay" INTEGER NOT NULL, "current" INTEGER NOT NULL, "outside" INTEGER NOT NULL, "expired" INTEGER NOT NULL)
        WITHOUT ROWID`,
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
    segments: readonly PlannedSegment[],
    context: SegmentSqlContext,
    ids: readonly string[],
  ): Promise<boolean> {
    const scope: Scope = { ids };
    type Row = { customerId: string; a: unknown; b: unknown; c: unknown; side: string };
    const rows = await segmentQuery<Row>(
      statement(
        (p) => `SELECT d."customerId", d."desired" AS a, d."stay" AS b, 0 AS c, 'desired' AS "side"
            FROM (${desiredSelect(p, shop, segments, context, scope)}) d
          UNION ALL SELECT c."customerId", c."current" AS a, c."outside" AS b, c."expired" AS c, 'current' AS "side"
            FROM (${currentSelect(p, shop, segments, context, scope)}) c`,
      ),
    );
    const words = new Map<string, MembershipWords>();
    for (const row of rows) {
      const entry = words.get(row.customerId) ?? { desired: 0n, stay: 0n, current: 0n, outside: 0n, expired: 0n };
      if (row.side === "desired") {
        entry.desired = bigintFromRow(row.a);
        entry.stay = bigintFromRow(row.b);
      } else {
        entry.current = bigintFromRow(row.a);
        entry.outside = bigintFromRow(row.b);
        entry.expired = bigintFromRow(row.c);
      }
      words.set(row.customerId, entry);
    }
    return [...words.values()].every((entry) => !mayChange(entry, segments));
  }

  async function applyScope(
    shop: string,
    segments: readonly PlannedSegment[],
    context: SegmentSqlContext,
    cause: CauseOfChange,
    scope: Scope,
  ): Promise<MembershipChanges> {
    if (dialect.provider === "postgresql") return diffPostgres(shop, segments, context, cause, scope);
    return db.$transaction((tx) => diffSqlite(tx, shop, segments, context, cause, scope), TRANSACTION);
  }

  async function applyMemberships(
    shop: string,
    evaluated: readonly EvaluatedSegment[],
    thresholds: ShopThresholds,
    settings: EvaluationSettings,
    cause: CauseOfChange,
    customerIds?: readonly string[],
  ): Promise<MembershipChanges> {
    const total: MembershipChanges = { entered: 0, exited: 0 };
    if (evaluated.length === 0) return total;
    if (evaluated.length > SEGMENTS_PER_PASS) {
      for (let start = 0; start < evaluated.length; start += SEGMENTS_PER_PASS) {
        const pass = evaluated.slice(start, start + SEGMENTS_PER_PASS);
        add(total, await applyMemberships(shop, pass, thresholds, settings, cause, customerIds));
      }
      return total;
    }
    const context = contextFor(thresholds, settings);
    const planned: PlannedSegment[] = evaluated.map((segment) => ({
      id: segment.id,
      tree: segment.tree,
      buffer: parseSegmentBuffer(segment.buffer),
    }));
    await ensureTemporaryTables();
    if (customerIds !== undefined) {
      const ids = [...new Set(customerIds)];
      for (let start = 0; start < ids.length; start += ID_CHUNK) {
        const chunk = ids.slice(start, start + ID_CHUNK);
        if (await unchanged(shop, planned, context, chunk)) continue;
        add(total, await applyScope(shop, planned, context, cause, { ids: chunk }));
      }
      return total;
    }
    for (const [index, scope] of (await ranges(shop)).entries()) {
      add(total, await applyScope(shop, planned, context, cause, scope));
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
      const groups = await segmentQuery<Totals>(
        statement(
          (p) => `SELECT x.hit AS hit, COUNT(*) AS n, CAST(COALESCE(SUM(x."netSpend"), 0) AS TEXT) AS revenue,
              CAST(COALESCE(SUM(x."netOrderCount"), 0) AS TEXT) AS orders
            FROM (SELECT m."netSpend", m."netOrderCount",
                CASE WHEN ${compileSegmentPredicate(tree, { ...context, shop }, p)} THEN 1 ELSE 0 END AS hit
              FROM ${T("CustomerMetrics")} m WHERE m."shop" = ${p.text(shop)}) x
            GROUP BY x.hit`,
        ),
      );
      const sample = await segmentQuery<{ customerId: string }>(
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
