import type { RfmGroupDefinitions } from "../../domain/segments/rfm-groups.js";
import { compareDecimals } from "../../domain/segments/exact-decimal.js";
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
  /**
   * The shop, when the statement's customers `m` are all of it: purchase conditions on ids (no letters to fold)
   * then read the matching purchases once per statement through CustomerPurchase's (shop, kind, key, customerId)
   * index, instead of a subquery per customer.
   */
  shop?: string;
  /** Restricts those reads to the statement's customers (` AND <column> …`), binding its values in text order. */
  within?: (p: Parameters, column: string) => string;
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

/**
 * How dear a tree is to test per customer: columns of the metrics row cost nothing, RFM groups some arithmetic,
 * tags and purchases a subquery each.
 */
function cost(tree: SegmentTree): number {
  switch (tree.kind) {
    case "and":
    case "or":
      return tree.children.reduce((sum, child) => sum + cost(child), 0);
    case "not":
      return cost(tree.child);
    default: {
      const kind = segmentField(tree.field)?.source.kind;
      if (kind === "purchases") return 4;
      if (kind === "tags") return 3;
      if (kind === "rfmGroup") return 1;
      return 0;
    }
  }
}

/**
 * AND and OR children in the order they are cheapest to test: both databases stop at the first child that decides,
 * so a column test spares the subqueries after it. The predicates are two-valued, so the order changes no answer;
 * the children are compiled in this order, so the bound values stay in text order.
 */
function cheapestFirst(children: readonly SegmentTree[]): SegmentTree[] {
  return children
    .map((child, index) => ({ child, index, cost: cost(child) }))
    .sort((a, b) => a.cost - b.cost || a.index - b.index)
    .map((entry) => entry.child);
}

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
        return and(cheapestFirst(tree.children).map((child) => this.tree(child)));
      case "or":
        return or(cheapestFirst(tree.children).map((child) => this.tree(child)));
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
    const keys = ids.values.map((value) => foldAscii(this.stringText(value)));
    const shop = this.context.shop;
    const exactKeys = keys.every((key) => !/[a-z]/.test(key));
    // A function, not a string: each use binds its own values (a placeholder cannot be reused on SQLite).
    const matching = (customer: string) =>
      [
        customer,
        `cp."kind" = ${this.p.text(kind)}`,
        this.keyIn(keys),
        ...(since === undefined ? [] : [`cp."lastAt" >= ${this.p.instant(this.sinceInstant(since))}`]),
      ].join(" AND ");
    const from = () =>
      `FROM ${this.table("CustomerPurchase")} cp WHERE ${matching(`cp."shop" = m."shop" AND cp."customerId" = m."customerId"`)}`;
    /** The customers with matching purchases (and `having` of their sums), read once for the statement. */
    const buyers =
      shop !== undefined && exactKeys
        ? (having?: () => string) =>
            `m."customerId" IN (SELECT cp."customerId" FROM ${this.table("CustomerPurchase")} cp
            WHERE ${matching(`cp."shop" = ${this.p.text(shop)}`)}${this.context.within?.(this.p, 'cp."customerId"') ?? ""}${
              having === undefined ? "" : ` GROUP BY cp."customerId" HAVING ${having()}`
            })`
        : undefined;

    // Compared with true/false: whether any row matches; with a number: the sum of the measure over them.
    if (condition.kind === "comparison" && condition.value.type === "boolean") {
      return this.booleanComparison(condition, buyers === undefined ? `EXISTS (SELECT 1 ${from()})` : buyers());
    }
    const measureValue = args.get("measure")?.values[0];
    const measure = measureValue?.type === "string" ? measureValue.value : "orders";
    const { column, scale } =
      MEASURE_COLUMNS[
        (PURCHASE_MEASURES as readonly string[]).includes(measure) ? (measure as PurchaseMeasure) : "orders"
      ];
    // `sum` is a function: BETWEEN writes it twice, each with its own bound values.
    const compared = (sum: () => string) => () =>
      this.ordered(condition, (operator, value) =>
        scaledComparison(sum(), scale, operator, this.numberText(value), this.bindInteger),
      );
    if (buyers === undefined) return compared(() => `COALESCE((SELECT SUM(cp."${column}") ${from()}), 0)`)();
    // A customer without matching purchases has a sum of 0: when 0 satisfies the condition, the members are
    // everyone but the buyers whose sums do not.
    const sum = () => `SUM(cp."${column}")`;
    if (!this.holdsAtZero(condition)) return buyers(compared(sum));
    return not(buyers(() => not(compared(sum)())));
  }

  /** Whether a sum of 0 satisfies the comparison or BETWEEN (as `ordered` compares it). */
  private holdsAtZero(condition: SegmentCondition): boolean {
    const holds = (operator: ComparisonOperator, value: SegmentValue) => {
      const order = compareDecimals("0", this.numberText(value));
      switch (operator) {
        case "=":
          return order === 0;
        case "!=":
          return order !== 0;
        case ">":
          return order > 0;
        case ">=":
          return order >= 0;
        case "<":
          return order < 0;
        case "<=":
          return order <= 0;
      }
    };
    if (condition.kind === "comparison") return holds(condition.operator, condition.value);
    if (condition.kind === "between") return holds(">=", condition.low) && holds("<=", condition.high);
    throw new SegmentSqlError(`${condition.field} does not take ${condition.kind}`);
  }

  /**
   * The purchase key is one of `keys` (folded), ignoring ASCII case. Keys without letters (product and collection
   * ids) are equal exactly when their folded forms are, so they are compared as stored, a lookup in the key's index
   * rather than a fold of each of the customer's rows.
   */
  private keyIn(keys: readonly string[]): string {
    const list = () => keys.map((key) => this.p.text(key)).join(", ");
    if (keys.every((key) => !/[a-z]/.test(key))) return `cp."key" IN (${list()})`;
    return `${this.fold('cp."key"')} IN (${list()})`;
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
