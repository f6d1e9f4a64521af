/**
 * The reference evaluator: which customers a segment tree selects, in plain TypeScript over in-memory metrics.
 * SQL evaluation is tested against it, so it is written to be obviously right, one customer at a time.
 *
 * Text matching on tags, addresses and purchase keys ignores the case of ASCII letters only (text-fold.ts).
 *
 * Null semantics: a condition on a missing value (no last order, no marketing state, no refund rate) is false,
 * whatever its operator, `!=` included; NOT of it is true. Only IS NULL / IS NOT NULL look at missingness. This is
 * two-valued logic: SQL must wrap each condition as COALESCE(condition, FALSE) before NOT/AND/OR.
 *
 * Field meanings are in segment-fields.ts, scores in shop-thresholds.ts (customers are placed by the thresholds, as
 * the SQL places them), RFM groups in rfm-groups.ts, dates in segment-dates.ts, ratios in derived-metrics.ts.
 */
import { parseMoney, formatMoney } from "../money.js";
import type { CustomerMetricsFacts, PurchaseStat } from "../sync/metrics.js";
import { daysSince, discountCodeOrderShare, type Fraction, isRepeatCustomer, refundRate } from "./derived-metrics.js";
import { compareDecimals, compareFractionWithDecimal } from "./exact-decimal.js";
import { equalsIgnoringAsciiCase } from "./text-fold.js";
import { DEFAULT_RFM_GROUPS, rfmGroupOf, type RfmGroupDefinitions } from "./rfm-groups.js";
import { dateSpan, resolveDate } from "./segment-dates.js";
import { segmentField, type SegmentField } from "./segment-fields.js";
import {
  type ComparisonOperator,
  isDateValue,
  type SegmentCondition,
  type SegmentTree,
  type SegmentValue,
} from "./segment-tree.js";
import { nextMembership, type SegmentBuffer } from "./segment-buffer.js";
import { rfmScoresFromThresholds, type ShopThresholds, spendPercentileFromThresholds } from "./shop-thresholds.js";

export interface SegmentEvaluationContext {
  /** The shop's population: customers with a CustomerMetrics row. */
  customers: readonly CustomerMetricsFacts[];
  thresholds: ShopThresholds;
  rfmGroups?: RfmGroupDefinitions;
  now: Date;
  timeZone: string;
}

/** What a field holds for one customer, typed by how it compares. */
type FieldReading =
  | { kind: "missing" }
  | { kind: "decimal"; value: string }
  | { kind: "fraction"; value: Fraction }
  | { kind: "instant"; value: number }
  | { kind: "text"; value: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "list"; values: string[] };

const missing: FieldReading = { kind: "missing" };
const decimal = (value: number | string): FieldReading => ({ kind: "decimal", value: String(value) });
const text = (value: string | null): FieldReading => (value === null ? missing : { kind: "text", value });
const instant = (value: string | null): FieldReading =>
  value === null ? missing : { kind: "instant", value: Date.parse(value) };
const fraction = (value: Fraction | null): FieldReading => (value === null ? missing : { kind: "fraction", value });
const list = (values: (string | null)[]): FieldReading => ({
  kind: "list",
  values: values.filter((value): value is string => value !== null),
});

function read(field: SegmentField, customer: CustomerMetricsFacts, context: SegmentEvaluationContext): FieldReading {
  const source = field.source;
  switch (source.kind) {
    case "metric": {
      const value = customer[source.column];
      if (value === null) return missing;
      if (field.valueType === "date") return instant(value as string);
      if (field.valueType === "enum" || field.valueType === "string") return text(value as string);
      return decimal(value);
    }
    case "tags":
      return list(customer.tags);
    case "address":
      if (source.part === "country") return list([customer.countryCode]);
      if (source.part === "city") return list([customer.city]);
      return list([customer.provinceCode === null ? null : `${customer.countryCode ?? ""}-${customer.provinceCode}`]);
    case "score": {
      if (source.score === "spendPercentile") {
        return decimal(spendPercentileFromThresholds(context.thresholds, customer.netSpend));
      }
      const scores = rfmScoresFromThresholds(context.thresholds, customer);
      if (scores === null) return missing;
      if (source.score === "recencyScore") return decimal(scores.recency);
      if (source.score === "frequencyScore") return decimal(scores.frequency);
      return decimal(scores.monetary);
    }
    case "rfmGroup":
      return text(
        rfmGroupOf(rfmScoresFromThresholds(context.thresholds, customer), context.rfmGroups ?? DEFAULT_RFM_GROUPS),
      );
    case "derived":
      switch (source.definition) {
        case "isRepeatCustomer":
          return { kind: "boolean", value: isRepeatCustomer(customer) };
        case "discountCodeOrderShare":
          return fraction(discountCodeOrderShare(customer));
        case "refundRate":
          return fraction(refundRate(customer));
        case "daysSinceFirstOrder":
        case "daysSinceLastOrder": {
          const at = source.definition === "daysSinceFirstOrder" ? customer.firstOrderAt : customer.lastOrderAt;
          const days = daysSince(at, context.now, context.timeZone);
          return days === null ? missing : decimal(days);
        }
      }
      break;
    case "purchases":
      throw new Error(`${field.name} is a function field`);
  }
  throw new Error(`Unreadable field ${field.name}`);
}

/** The purchase function's reading: whether any row matches, and the sum of its measure over the matching rows. */
function readPurchases(
  field: SegmentField,
  condition: SegmentCondition,
  customer: CustomerMetricsFacts,
  context: SegmentEvaluationContext,
): { any: boolean; total: string } {
  if (field.source.kind !== "purchases") throw new Error(`${field.name} is not a purchase function`);
  const kind = field.source.purchaseKind;
  const args = condition.arguments ?? [];
  const ids = (args.find((argument) => argument.name === "id")?.values ?? []).map(valueText);
  const date = args.find((argument) => argument.name === "date" || argument.name === "since")?.values[0];
  const since =
    date !== undefined && isDateValue(date) ? resolveDate(date, context.now, context.timeZone).getTime() : null;
  const measure = args.find((argument) => argument.name === "measure")?.values[0];
  const measureName = measure?.type === "string" ? measure.value : "orders";
  const rows = customer.purchases.filter(
    (row: PurchaseStat) =>
      row.kind === kind &&
      ids.some((id) => equalsIgnoringAsciiCase(id, row.key)) &&
      (since === null || Date.parse(row.lastAt) >= since),
  );
  const total =
    measureName === "amount"
      ? formatMoney(rows.reduce((sum, row) => sum + parseMoney(row.amount), 0n))
      : String(rows.reduce((sum, row) => sum + (measureName === "quantity" ? row.quantity : row.orderCount), 0));
  return { any: rows.length > 0, total };
}

function valueText(value: SegmentValue): string {
  if (value.type === "number" || value.type === "string") return value.value;
  throw new Error(`Not an id: ${JSON.stringify(value)}`);
}

function holds(order: number, operator: ComparisonOperator): boolean {
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
}

/** reading <op> value, false when the reading is missing. */
function compare(
  reading: FieldReading,
  operator: ComparisonOperator,
  value: SegmentValue,
  context: SegmentEvaluationContext,
): boolean {
  switch (reading.kind) {
    case "missing":
      return false;
    case "decimal":
      if (value.type !== "number") throw new Error(`Cannot compare a number with ${value.type}`);
      return holds(compareDecimals(reading.value, value.value), operator);
    case "fraction":
      if (value.type !== "number") throw new Error(`Cannot compare a ratio with ${value.type}`);
      return holds(
        compareFractionWithDecimal(reading.value.numerator, reading.value.denominator, value.value),
        operator,
      );
    case "instant": {
      if (!isDateValue(value)) throw new Error(`Cannot compare a date with ${value.type}`);
      const span = dateSpan(value, context.now, context.timeZone);
      const start = span.start.getTime();
      const end = span.end.getTime();
      const at = reading.value;
      switch (operator) {
        case "=":
          return start <= at && at < end;
        case "!=":
          return !(start <= at && at < end);
        case ">":
          return at >= end;
        case ">=":
          return at >= start;
        case "<":
          return at < start;
        case "<=":
          return at < end;
      }
      break;
    }
    case "text":
      if (value.type !== "string") throw new Error(`Cannot compare text with ${value.type}`);
      return holds(reading.value === value.value ? 0 : reading.value < value.value ? -1 : 1, operator);
    case "boolean":
      if (value.type !== "boolean") throw new Error(`Cannot compare a boolean with ${value.type}`);
      return holds(reading.value === value.value ? 0 : 1, operator);
    case "list":
      throw new Error("A list field takes CONTAINS");
  }
  throw new Error("Unreachable");
}

function between(reading: FieldReading, low: SegmentValue, high: SegmentValue, context: SegmentEvaluationContext) {
  return compare(reading, ">=", low, context) && compare(reading, "<=", high, context);
}

function conditionHolds(
  condition: SegmentCondition,
  customer: CustomerMetricsFacts,
  context: SegmentEvaluationContext,
): boolean {
  const field = segmentField(condition.field);
  if (field === undefined) throw new Error(`Unknown field ${condition.field}`);
  if (field.source.kind === "purchases") {
    const purchases = readPurchases(field, condition, customer, context);
    const reading: FieldReading = { kind: "decimal", value: purchases.total };
    const asBoolean: FieldReading = { kind: "boolean", value: purchases.any };
    switch (condition.kind) {
      case "comparison":
        return compare(
          condition.value.type === "boolean" ? asBoolean : reading,
          condition.operator,
          condition.value,
          context,
        );
      case "between":
        return between(reading, condition.low, condition.high, context);
      default:
        throw new Error(`${condition.kind} does not apply to ${field.name}`);
    }
  }
  const reading = read(field, customer, context);
  switch (condition.kind) {
    case "nullCheck": {
      // Lists do not take IS NULL in the catalog yet; when they do, an empty list is the "doesn't exist" Shopify means.
      const absent = reading.kind === "missing" || (reading.kind === "list" && reading.values.length === 0);
      return absent === condition.isNull;
    }
    case "comparison":
      return compare(reading, condition.operator, condition.value, context);
    case "between":
      return between(reading, condition.low, condition.high, context);
    case "contains": {
      if (reading.kind !== "list" || condition.value.type !== "string") throw new Error(`${field.name} is not a list`);
      const wanted = condition.value.value;
      const found = reading.values.some((value) => equalsIgnoringAsciiCase(value, wanted));
      return condition.negated ? !found : found;
    }
  }
}

export function treeHolds(
  tree: SegmentTree,
  customer: CustomerMetricsFacts,
  context: SegmentEvaluationContext,
): boolean {
  switch (tree.kind) {
    case "and":
      return tree.children.every((child) => treeHolds(child, customer, context));
    case "or":
      return tree.children.some((child) => treeHolds(child, customer, context));
    case "not":
      return !treeHolds(tree.child, customer, context);
    default:
      return conditionHolds(tree, customer, context);
  }
}

/** The ids of the customers the tree selects. */
export function segmentMembers(tree: SegmentTree, context: SegmentEvaluationContext): Set<string> {
  return new Set(
    context.customers.filter((customer) => treeHolds(tree, customer, context)).map((customer) => customer.customerId),
  );
}

/**
 * A segment's members after one evaluation with its buffer (segment-buffer.ts): `current` maps each member to its
 * outsideSince; customers absent from the context (no metrics row) match neither rule. Returns the same shape.
 */
export function nextSegmentMembers(
  tree: SegmentTree,
  buffer: SegmentBuffer | null,
  context: SegmentEvaluationContext,
  current: ReadonlyMap<string, Date | null>,
): Map<string, Date | null> {
  const next = new Map<string, Date | null>();
  const seen = new Set<string>();
  const place = (customerId: string, matchesEnter: boolean, matchesStay: boolean) => {
    const state = nextMembership(
      current.has(customerId),
      matchesEnter,
      matchesStay,
      current.get(customerId) ?? null,
      context.now,
      buffer?.leaveAfterDays ?? null,
    );
    if (state.member) next.set(customerId, state.outsideSince);
  };
  for (const customer of context.customers) {
    seen.add(customer.customerId);
    const enter = treeHolds(tree, customer, context);
    const stay = buffer?.stayWhile === undefined ? enter : treeHolds(buffer.stayWhile.tree, customer, context);
    place(customer.customerId, enter, stay);
  }
  for (const customerId of current.keys()) if (!seen.has(customerId)) place(customerId, false, false);
  return next;
}
