import type { RfmGroupDefinitions } from "../../domain/segments/rfm-groups.js";
import { dateSpan, resolveDate } from "../../domain/segments/segment-dates.js";
import { RFM_GROUP_NAMES, type RfmGroupName } from "../../domain/segments/segment-enums.js";
import {
  PURCHASE_MEASURES,
  segmentField,
  type DerivedMetric,
  type MetricColumn,
  type PurchaseMeasure,
  type SegmentField,
} from "../../domain/segments/segment-fields.js";
import {
  isDateValue,
  type ComparisonOperator,
  type DateValue,
  type FunctionArgument,
  type SegmentCondition,
  type SegmentTree,
  type SegmentValue,
} from "../../domain/segments/segment-tree.js";
import type { ShopThresholds } from "../../domain/segments/shop-thresholds.js";
import type { PurchaseKind } from "../../domain/sync/metrics.js";
import {
  and,
  exactDecimal,
  not,
  or,
  rankComparison,
  scaledComparison,
  SQL_FALSE,
  SQL_TRUE,
  sqlOperator,
} from "./exact-comparison.js";
import { HAS_SCORES, NO_THRESHOLDS, rfmGroupSql, scoreAtLeast } from "./ranked-sql.js";
import { Parameters, type BoundValue, type SegmentDialect } from "./segment-dialect.server.js";
import { SegmentSqlError } from "./segment-sql-error.js";

/**
 * Compiles a segment tree to an SQL predicate over one CustomerMetrics row `m`, for SQLite and PostgreSQL. Only
 * column names from the field catalog become SQL text; every value of the tree is a bound parameter. Relative dates
 * are resolved to instants (shop-local days, segment-dates.ts) before binding, money is compared in ten-thousandths
 * as integers, ratios by cross-multiplication, and ranked fields through the shop's thresholds. Every predicate is
 * two-valued (never NULL), so NOT means what it says for customers with missing values.
 */
export interface SegmentSqlContext {
  dialect: SegmentDialect;
  now: Date;
  /** The shop's IANA time zone: relative dates are shop-local days. */
  timeZone: string;
  /** The shop's thresholds as last computed; null ranks everyone lowest. */
  thresholds: ShopThresholds | null;
  rfmGroups?: RfmGroupDefinitions;
}

export interface CompiledSql {
  sql: string;
  values: BoundValue[];
}

const MONEY_COLUMNS = new Set<MetricColumn>(["netSpend", "averageOrderValue"]);
const DATE_COLUMNS = new Set<MetricColumn>(["firstOrderAt", "lastOrderAt"]);
const INTEGER_COLUMNS = new Set<MetricColumn>(["orderCount", "netOrderCount"]);
const MONEY_SCALE = 4;
/** Further than any order can be: keeps resolved dates valid whatever number a query holds. */
const MAX_DAYS = 100_000n;

/**
 * The customer's own address as a list of SQL expressions (empty when the part is missing, as `present` says): a
 * region is "<country>-<province>" as CustomerPurchase province keys are, with an empty country when missing.
 */
const ADDRESS_PARTS: Record<"country" | "region" | "city", AddressPart> = {
  country: { present: `m."countryCode" IS NOT NULL`, elements: [`m."countryCode"`] },
  region: {
    present: `m."provinceCode" IS NOT NULL`,
    elements: [`COALESCE(m."countryCode", '') || '-' || m."provinceCode"`],
  },
  city: { present: `m."city" IS NOT NULL`, elements: [`m."city"`] },
};

interface AddressPart {
  present: string;
  elements: string[];
}

const MEASURE_COLUMNS: Record<PurchaseMeasure, { column: string; scale: number }> = {
  orders: { column: "orderCount", scale: 0 },
  quantity: { column: "quantity", scale: 0 },
  amount: { column: "amount", scale: MONEY_SCALE },
};

class SegmentCompiler {
  private readonly thresholds: ShopThresholds;

  constructor(
    private readonly context: SegmentSqlContext,
    private readonly p: Parameters,
  ) {
    this.thresholds = context.thresholds ?? NO_THRESHOLDS;
  }

  private table(name: string): string {
    return this.context.dialect.table(name);
  }

  tree(tree: SegmentTree): string {
    switch (tree.kind) {
      case "and":
        return and(tree.children.map((child) => this.tree(child)));
      case "or":
        return or(tree.children.map((child) => this.tree(child)));
      case "not":
        return not(this.tree(tree.child));
      default:
        return this.condition(tree);
    }
  }

  private condition(condition: SegmentCondition): string {
    const field = segmentField(condition.field);
    if (field === undefined) throw new SegmentSqlError(`Unknown field ${condition.field}`);
    const source = field.source;
    switch (source.kind) {
      case "metric":
        return this.metric(field, source.column, condition);
      case "tags":
        return this.list(
          condition,
          `EXISTS (SELECT 1 FROM ${this.table("CustomerTag")} t WHERE t."shop" = m."shop" AND t."customerId" = m."customerId")`,
          (value) => this.tagExists(value),
        );
      case "address":
        return this.list(condition, ADDRESS_PARTS[source.part].present, (value) => {
          const part = ADDRESS_PARTS[source.part];
          return and([part.present, or(part.elements.map((element) => this.foldedEquals(element, value)))]);
        });
      case "score":
        return this.ranked(condition, (level) => scoreAtLeast(this.p, this.thresholds, source.score, level), {
          nullable: source.score !== "spendPercentile",
        });
      case "rfmGroup":
        return this.rfmGroup(condition);
      case "derived":
        return this.derived(source.definition, condition);
      case "purchases":
        return this.purchases(field, source.purchaseKind, condition);
    }
  }

  // ---- values ------------------------------------------------------------------------------------------------

  private numberText(value: SegmentValue): string {
    if (value.type !== "number") throw new SegmentSqlError(`Expected a number, got ${value.type}`);
    return value.value;
  }

  private stringText(value: SegmentValue): string {
    if (value.type === "string") return value.value;
    if (value.type === "number") return value.value;
    throw new SegmentSqlError(`Expected text, got ${value.type}`);
  }

  private dateValue(value: SegmentValue): DateValue {
    if (!isDateValue(value)) throw new SegmentSqlError(`Expected a date, got ${value.type}`);
    return value;
  }

  private boolean(value: SegmentValue): boolean {
    if (value.type !== "boolean") throw new SegmentSqlError(`Expected true or false, got ${value.type}`);
    return value.value;
  }

  private span(value: SegmentValue) {
    return dateSpan(this.dateValue(value), this.context.now, this.context.timeZone);
  }

  private bindInteger = (value: bigint) => this.p.integer(value);

  // ---- shapes of conditions ----------------------------------------------------------------------------------

  /** Ordered comparison or BETWEEN of a non-null value, through `compare(operator, value)`. */
  private ordered(condition: SegmentCondition, compare: (operator: ComparisonOperator, value: SegmentValue) => string) {
    if (condition.kind === "comparison") return compare(condition.operator, condition.value);
    if (condition.kind === "between") return and([compare(">=", condition.low), compare("<=", condition.high)]);
    throw new SegmentSqlError(`${condition.field} does not take ${condition.kind}`);
  }

  /** A nullable value: comparisons hold only where `present`; IS [NOT] NULL tests it. */
  private nullable(condition: SegmentCondition, present: string, compared: () => string): string {
    if (condition.kind === "nullCheck") return condition.isNull ? not(present) : present;
    return and([present, compared()]);
  }

  private metric(field: SegmentField, column: MetricColumn, condition: SegmentCondition): string {
    const expression = `m."${column}"`;
    if (INTEGER_COLUMNS.has(column) || MONEY_COLUMNS.has(column)) {
      const scale = MONEY_COLUMNS.has(column) ? MONEY_SCALE : 0;
      return this.ordered(condition, (operator, value) =>
        scaledComparison(expression, scale, operator, this.numberText(value), this.bindInteger),
      );
    }
    if (DATE_COLUMNS.has(column)) {
      return this.nullable(condition, `${expression} IS NOT NULL`, () =>
        condition.kind === "between"
          ? and([
              `${expression} >= ${this.p.instant(this.span(condition.low).start.toISOString())}`,
              `${expression} < ${this.p.instant(this.span(condition.high).end.toISOString())}`,
            ])
          : this.ordered(condition, (operator, value) => this.dateComparison(expression, operator, value)),
      );
    }
    // Text columns (marketing states): = and != hold only for a customer who has a value.
    if (condition.kind !== "comparison" || (condition.operator !== "=" && condition.operator !== "!=")) {
      return this.nullable(condition, `${expression} IS NOT NULL`, () => {
        throw new SegmentSqlError(`${field.name} takes only = and !=`);
      });
    }
    return and([
      `${expression} IS NOT NULL`,
      `${expression} ${sqlOperator(condition.operator)} ${this.p.text(this.stringText(condition.value))}`,
    ]);
  }

  /** A day-valued date covers [start, end): `>=` is d ≥ start, `>` d ≥ end, `<` d < start, `<=` d < end. */
  private dateComparison(expression: string, operator: ComparisonOperator, value: SegmentValue): string {
    const { start, end } = this.span(value);
    const at = (instant: Date) => this.p.instant(instant.toISOString());
    switch (operator) {
      case ">=":
        return `${expression} >= ${at(start)}`;
      case ">":
        return `${expression} >= ${at(end)}`;
      case "<":
        return `${expression} < ${at(start)}`;
      case "<=":
        return `${expression} < ${at(end)}`;
      case "=":
        return and([`${expression} >= ${at(start)}`, `${expression} < ${at(end)}`]);
      case "!=":
        return or([`${expression} < ${at(start)}`, `${expression} >= ${at(end)}`]);
    }
  }

  private ranked(condition: SegmentCondition, atLeast: (level: bigint) => string, options: { nullable: boolean }) {
    const compared = () =>
      this.ordered(condition, (operator, value) => rankComparison(operator, this.numberText(value), atLeast));
    if (!options.nullable) {
      if (condition.kind === "nullCheck") return condition.isNull ? SQL_FALSE : SQL_TRUE;
      return compared();
    }
    return this.nullable(condition, HAS_SCORES, compared);
  }

  /**
   * A boolean compared as the reference orders booleans (equal or not): `=`/`<=` hold when equal, `!=`/`>` when
   * not, `>=` always and `<` never.
   */
  private booleanComparison(condition: SegmentCondition, holds: string): string {
    if (condition.kind !== "comparison") throw new SegmentSqlError(`${condition.field} takes = true or = false`);
    const equal = this.boolean(condition.value) ? holds : not(holds);
    switch (condition.operator) {
      case "=":
      case "<=":
        return equal;
      case "!=":
      case ">":
        return not(equal);
      case ">=":
        return SQL_TRUE;
      case "<":
        return SQL_FALSE;
    }
  }

  private rfmGroup(condition: SegmentCondition): string {
    if (condition.kind !== "comparison" || (condition.operator !== "=" && condition.operator !== "!=")) {
      throw new SegmentSqlError("rfm_group takes only = and !=");
    }
    const name = this.stringText(condition.value);
    // Group names compare exactly, as enum values do: another spelling names no group.
    const inGroup = (RFM_GROUP_NAMES as readonly string[]).includes(name)
      ? rfmGroupSql(this.p, this.thresholds, name as RfmGroupName, this.context.rfmGroups)
      : SQL_FALSE;
    return condition.operator === "=" ? inGroup : not(inGroup);
  }

  // ---- lists -------------------------------------------------------------------------------------------------

  /** CONTAINS tests one element; IS NULL means an empty list (`nonEmpty` is the SQL for "has an element"). */
  private list(condition: SegmentCondition, nonEmpty: string, contains: (value: string) => string): string {
    if (condition.kind === "nullCheck") return condition.isNull ? not(nonEmpty) : nonEmpty;
    if (condition.kind !== "contains") throw new SegmentSqlError(`${condition.field} takes CONTAINS`);
    const sql = contains(this.stringText(condition.value));
    return condition.negated ? not(sql) : sql;
  }

  /**
   * Case-insensitive text equality, folding ASCII letters only: SQLite's LOWER knows no other letters, so
   * PostgreSQL is held to the same (TRANSLATE), and both databases answer alike.
   */
  private fold(expression: string): string {
    return this.context.dialect.provider === "sqlite"
      ? `LOWER(${expression})`
      : `TRANSLATE(${expression}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
  }

  private foldedEquals(expression: string, value: string): string {
    return `${this.fold(expression)} = ${this.p.text(foldAscii(value))}`;
  }

  private tagExists(value: string): string {
    return `EXISTS (SELECT 1 FROM ${this.table("CustomerTag")} t WHERE t."shop" = m."shop"
      AND t."customerId" = m."customerId" AND ${this.foldedEquals('t."tag"', value)})`;
  }

  // ---- derived -----------------------------------------------------------------------------------------------

  private derived(definition: DerivedMetric, condition: SegmentCondition): string {
    switch (definition) {
      case "isRepeatCustomer":
        return this.booleanComparison(condition, `m."netOrderCount" >= 2`);
      case "discountCodeOrderShare":
        return this.fraction(condition, `m."discountCodeUseCount"`, `m."netOrderCount"`);
      case "refundRate":
        return this.fraction(condition, `m."refundedAmount"`, `m."grossSpend"`);
      case "daysSinceFirstOrder":
        return this.daysSince(condition, `m."firstOrderAt"`);
      case "daysSinceLastOrder":
        return this.daysSince(condition, `m."lastOrderAt"`);
    }
  }

  /** numerator / denominator op a / 10^k, for a positive denominator: numerator · 10^k op a · denominator. */
  private fraction(condition: SegmentCondition, numerator: string, denominator: string): string {
    return this.nullable(condition, `${denominator} > 0`, () =>
      this.ordered(condition, (operator, value) => {
        const { units, scale } = exactDecimal(this.numberText(value));
        const factor = this.p.integer(10n ** BigInt(scale));
        return `${numerator} * ${factor} ${sqlOperator(operator)} ${this.p.integer(units)} * ${denominator}`;
      }),
    );
  }

  /**
   * Whole shop-local days from the date of `expression` to today's: days ≥ n exactly when the instant is before the
   * midnight that starts the day n − 1 days before today.
   */
  private daysSince(condition: SegmentCondition, expression: string): string {
    const atLeast = (level: bigint) => {
      if (level > MAX_DAYS) return SQL_FALSE;
      if (level < -MAX_DAYS) return SQL_TRUE;
      const midnight = resolveDate(
        { type: "relativeDate", amount: Number(level) - 1, unit: "d" },
        this.context.now,
        this.context.timeZone,
      );
      return `${expression} < ${this.p.instant(midnight.toISOString())}`;
    };
    return this.nullable(condition, `${expression} IS NOT NULL`, () =>
      this.ordered(condition, (operator, value) => rankComparison(operator, this.numberText(value), atLeast)),
    );
  }

  // ---- function fields over CustomerPurchase -----------------------------------------------------------------

  private purchases(field: SegmentField, kind: PurchaseKind, condition: SegmentCondition): string {
    const args = new Map((condition.arguments ?? []).map((argument) => [argument.name, argument]));
    const ids = args.get("id");
    if (ids === undefined) throw new SegmentSqlError(`${field.name} needs id:`);
    const since = args.get("date") ?? args.get("since");
    // A function, not a string: each use binds its own values (a placeholder cannot be reused on SQLite).
    const from = () => {
      const matching = [
        `cp."shop" = m."shop"`,
        `cp."customerId" = m."customerId"`,
        `cp."kind" = ${this.p.text(kind)}`,
        `${this.fold('cp."key"')} IN (${ids.values.map((value) => this.p.text(foldAscii(this.stringText(value)))).join(", ")})`,
        ...(since === undefined ? [] : [`cp."lastAt" >= ${this.p.instant(this.sinceInstant(since))}`]),
      ].join(" AND ");
      return `FROM ${this.table("CustomerPurchase")} cp WHERE ${matching}`;
    };

    // Compared with true/false: whether any row matches; with a number: the sum of the measure over them.
    if (condition.kind === "comparison" && condition.value.type === "boolean") {
      return this.booleanComparison(condition, `EXISTS (SELECT 1 ${from()})`);
    }
    const measureValue = args.get("measure")?.values[0];
    const measure = measureValue?.type === "string" ? measureValue.value : "orders";
    const { column, scale } =
      MEASURE_COLUMNS[
        (PURCHASE_MEASURES as readonly string[]).includes(measure) ? (measure as PurchaseMeasure) : "orders"
      ];
    return this.ordered(condition, (operator, value) =>
      scaledComparison(
        `COALESCE((SELECT SUM(cp."${column}") ${from()}), 0)`,
        scale,
        operator,
        this.numberText(value),
        this.bindInteger,
      ),
    );
  }

  private sinceInstant(argument: FunctionArgument): string {
    const value = argument.values[0];
    if (value === undefined) throw new SegmentSqlError(`${argument.name}: needs a date`);
    return this.span(value).start.toISOString();
  }
}

/** Lower-cases ASCII letters only (see `fold`). */
export function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** The SQL predicate of `tree` over CustomerMetrics `m`, its values added to `p`. */
export function compileSegmentPredicate(tree: SegmentTree, context: SegmentSqlContext, p: Parameters): string {
  return new SegmentCompiler(context, p).tree(tree);
}

/**
 * `SELECT m."customerId" FROM CustomerMetrics m WHERE m."shop" = ? AND <predicate>`, optionally for some customers
 * only (the webhook path evaluates one).
 */
export function segmentMembersSql(
  tree: SegmentTree,
  context: SegmentSqlContext,
  shop: string,
  customerIds?: readonly string[],
): CompiledSql {
  const p = new Parameters(context.dialect);
  const shopParameter = p.text(shop);
  const only =
    customerIds === undefined
      ? ""
      : customerIds.length === 0
        ? ` AND ${SQL_FALSE}`
        : ` AND m."customerId" IN (${customerIds.map((id) => p.text(id)).join(", ")})`;
  const predicate = compileSegmentPredicate(tree, context, p);
  return {
    sql: `SELECT m."customerId" FROM ${context.dialect.table("CustomerMetrics")} m WHERE m."shop" = ${shopParameter}${only} AND ${predicate}`,
    values: p.values,
  };
}
