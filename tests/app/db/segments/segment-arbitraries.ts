import { treeArbitraryOf } from "../../domain/segments/segment-tree-arbitrary.js";
/**
 * fast-check arbitraries for the SQL tests: stores whose values collide with the queries' (tags in several cases,
 * amounts on thresholds, instants on shop-local midnights), and trees over every field of the catalog whose values
 * come from the same pools, so conditions select some customers and not others.
 */
import fc from "fast-check";
import { RFM_GROUP_NAMES } from "../../../../app/domain/segments/segment-enums.js";
import { SEGMENT_FIELDS, type SegmentField } from "../../../../app/domain/segments/segment-fields.js";
import {
  DATE_KEYWORDS,
  type ComparisonOperator,
  type FunctionArgument,
  type SegmentCondition,
  type SegmentTree,
  type SegmentValue,
} from "../../../../app/domain/segments/segment-tree.js";
import { metricsRowArb, type MetricsRow, type PurchaseRow } from "./segment-fixtures.js";

const DAY = 86_400_000;
const BASE = Date.parse("2026-01-01T00:00:00.000Z");
/** UTC hours at which some test zone's day starts (New York 5h, Tokyo 15h, Paris 23h, Chatham 10:15 or 11:15). */
const MIDNIGHT_HOURS_UTC = [0, 4, 5, 10.25, 11.25, 15, 23];

/**
 * Instants mostly within 20 days before 2026-01-01 (so the queries' relative dates land on the same days), often a
 * millisecond either side of some zone's midnight; a few up to 400 days back for months and years.
 */
export const boundaryInstantArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.integer({ min: -20, max: 1 }), fc.constantFrom(...MIDNIGHT_HOURS_UTC), fc.constantFrom(-1, 0, 1))
      .map(([days, hour, ms]) => new Date(BASE + days * DAY + hour * 3_600_000 + ms).toISOString()),
  },
  { weight: 2, arbitrary: fc.integer({ min: -20 * DAY, max: DAY }).map((ms) => new Date(BASE + ms).toISOString()) },
  { weight: 1, arbitrary: fc.integer({ min: -400 * DAY, max: 0 }).map((ms) => new Date(BASE + ms).toISOString()) },
);

export const TIME_ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Europe/Paris", "Pacific/Chatham"] as const;
export const timeZoneArb = fc.constantFrom(...TIME_ZONES);
/** "Now": near the stored instants, on midnights and off them. */
export const nowArb = fc
  .tuple(fc.integer({ min: -2, max: 2 }), fc.constantFrom(...MIDNIGHT_HOURS_UTC, 12), fc.constantFrom(-1, 0, 1, 777))
  .map(([days, hour, ms]) => new Date(BASE + days * DAY + hour * 3_600_000 + ms));

const PURCHASE_KEYS = ["1", "2", "3", "Acme", "acme", "web", "POS", "save10", "SAVE10"];
const PURCHASE_KINDS_USED = ["product", "collection", "vendor", "productType", "channel", "discountCode"] as const;

function purchaseArb(customerId: string): fc.Arbitrary<PurchaseRow> {
  return fc
    .record({
      kind: fc.constantFrom(...PURCHASE_KINDS_USED),
      key: fc.constantFrom(...PURCHASE_KEYS),
      orderCount: fc.integer({ min: 1, max: 3 }),
      quantity: fc.integer({ min: 1, max: 5 }),
      amount: fc.oneof(fc.constantFrom(100_000n, 250_000n), fc.bigInt({ min: 0n, max: 2_000_000n })),
      a: boundaryInstantArb,
      b: boundaryInstantArb,
    })
    .map((r) => ({
      customerId,
      kind: r.kind,
      key: r.key,
      orderCount: r.orderCount,
      quantity: r.quantity,
      amount: r.amount,
      firstAt: r.a <= r.b ? r.a : r.b,
      lastAt: r.a <= r.b ? r.b : r.a,
    }));
}

export interface RandomStore {
  metrics: MetricsRow[];
  purchases: PurchaseRow[];
}

function withBoundaryDates(row: MetricsRow): fc.Arbitrary<MetricsRow> {
  if (row.orderCount === 0) return fc.constant(row);
  return fc.tuple(boundaryInstantArb, boundaryInstantArb).map(([a, b]) => ({
    ...row,
    firstOrderAt: a <= b ? a : b,
    lastOrderAt: a <= b ? b : a,
  }));
}

function customerArb(customerId: string) {
  return fc.tuple(
    metricsRowArb(customerId).chain(withBoundaryDates),
    fc
      .uniqueArray(purchaseArb(customerId), { maxLength: 4, selector: (p) => `${p.kind}\u0000${p.key}` })
      .map((rows) => rows),
  );
}

export function storeArb(maxCustomers = 25): fc.Arbitrary<RandomStore> {
  return fc
    .integer({ min: 0, max: maxCustomers })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => customerArb(`${1000 + i}`))))
    .map((customers) => ({
      metrics: customers.map(([metrics]) => metrics),
      purchases: customers.flatMap(([, purchases]) => purchases),
    }));
}

/** The same customers with other metrics and purchases (and some gone, some new): a store after a while. */
export function changedStoreArb(store: RandomStore): fc.Arbitrary<RandomStore> {
  const ids = store.metrics.map((row) => row.customerId);
  return fc
    .tuple(
      fc.subarray(ids),
      fc.integer({ min: 0, max: 4 }),
      fc.array(fc.boolean(), { minLength: ids.length, maxLength: ids.length }),
    )
    .chain(([kept, added, changed]) => {
      const keptIds = ids.filter((id) => kept.includes(id));
      const newIds = Array.from({ length: added }, (_, i) => `${2000 + i}`);
      return fc.tuple(
        ...keptIds.map((id) => {
          const index = ids.indexOf(id);
          const same: fc.Arbitrary<[MetricsRow, PurchaseRow[]]> = fc.constant([
            store.metrics[index]!,
            store.purchases.filter((p) => p.customerId === id),
          ]);
          return changed[index] ? customerArb(id) : same;
        }),
        ...newIds.map((id) => customerArb(id)),
      );
    })
    .map((customers) => ({
      metrics: customers.map(([metrics]) => metrics),
      purchases: customers.flatMap(([, purchases]) => purchases),
    }));
}

// ---- trees ---------------------------------------------------------------------------------------------------

const num = (value: string): SegmentValue => ({ type: "number", value });
const str = (value: string): SegmentValue => ({ type: "string", value });

const integerIn = (min: number, max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min, max }).map((n) => num(String(n))) },
    { weight: 1, arbitrary: fc.integer({ min: min * 2, max: max * 2 }).map((n) => num((n / 2).toString())) },
  );

const MONEY_VALUES = ["0", "10", "10.00", "25", "25.0001", "24.9999", "-1", "100.5", "12.34567", "499.99"];
const moneyValueArb = fc.oneof(
  fc.constantFrom(...MONEY_VALUES).map(num),
  fc.integer({ min: -10_000, max: 5_000_000 }).map((units) => num((units / 10_000).toString())),
);
const RATIO_VALUES = ["0", "0.2", "0.25", "0.5", "1", "1.5", "0.333333", "2", "3"];
const ratioValueArb = fc.constantFrom(...RATIO_VALUES).map(num);

const dateValueArb: fc.Arbitrary<SegmentValue> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .integer({ min: 0, max: 25 })
      .map((amount) => ({ type: "relativeDate" as const, amount, unit: "d" as const })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("w" as const, "m" as const, "y" as const), fc.integer({ min: 0, max: 13 }))
      .map(([unit, amount]) => ({
        type: "relativeDate" as const,
        amount: unit === "w" ? amount % 4 : unit === "m" ? amount : amount % 2,
        unit,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...DATE_KEYWORDS).map((keyword) => ({ type: "dateKeyword" as const, keyword })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.integer({ min: -22, max: 2 }),
        fc.option(fc.constantFrom("00:00", "05:00", "13:45", "23:59:59"), { nil: undefined }),
      )
      .map(([days, time]) => {
        const date = new Date(BASE + days * DAY).toISOString().slice(0, 10);
        return time === undefined
          ? { type: "absoluteDate" as const, date }
          : { type: "absoluteDate" as const, date, time };
      }),
  },
);

const LIST_VALUES: Record<string, string[]> = {
  customer_tags: ["vip", "VIP", "Wholesale", "b2b", "o'brien", "late", "none", "ÉTÉ", "été"],
  customer_countries: ["US", "us", "CA", "FR", "DE"],
  customer_regions: ["US-CA", "us-ca", "CA-QC", "-CA", "US-NY", "FR-QC"],
  customer_cities: [
    "paris",
    "PARIS",
    "New York",
    "Montréal",
    "montréal",
    "MONTRÉAL",
    "Berlin",
    "US-NY-NewYork",
    "us-ny-newyork",
    "FR-QC-Paris",
    "CA--Paris",
    "--paris",
    "US-CA-New York",
  ],
};

function valueFor(field: SegmentField): fc.Arbitrary<SegmentValue> {
  switch (field.name) {
    case "number_of_orders":
      return integerIn(-1, 8);
    case "amount_spent_percentile":
      return integerIn(0, 100);
    case "rfm_recency_score":
    case "rfm_frequency_score":
    case "rfm_monetary_score":
      return integerIn(0, 6);
    case "days_since_first_order":
    case "days_since_last_order":
      return fc.oneof(integerIn(-2, 25), integerIn(-5, 420));
    case "rfm_group":
      return fc.constantFrom(...RFM_GROUP_NAMES, "champions").map(str);
  }
  switch (field.valueType) {
    case "integer":
      return integerIn(-2, 10);
    case "money":
      return moneyValueArb;
    case "decimal":
      return ratioValueArb;
    case "date":
      return dateValueArb;
    case "enum":
      return fc.constantFrom(...(field.enumValues ?? [])).map(str);
    case "boolean":
      return fc.boolean().map((value) => ({ type: "boolean" as const, value }));
    case "string":
    case "stringList":
      return fc.constantFrom(...(LIST_VALUES[field.name] ?? ["x"])).map(str);
  }
}

const COMPARISONS = ["=", "!=", ">", ">=", "<", "<="];

function functionArguments(field: SegmentField): fc.Arbitrary<FunctionArgument[]> {
  const dateSpec = field.function!.arguments.find((spec) => spec.valueType === "date");
  const takesMeasure = field.function!.arguments.some((spec) => spec.valueType === "measure");
  return fc
    .tuple(
      fc.uniqueArray(fc.constantFrom(...PURCHASE_KEYS, "9"), { minLength: 1, maxLength: 3 }),
      fc.option(dateValueArb, { nil: undefined }),
      fc.option(fc.constantFrom("orders", "quantity", "amount"), { nil: undefined }),
    )
    .map(([ids, date, measure]) => {
      const args: FunctionArgument[] = [
        { name: "id", values: ids.map((id) => (/^\d+$/.test(id) ? num(id) : str(id))), list: ids.length > 1 },
      ];
      if (date !== undefined && dateSpec) args.push({ name: dateSpec.name, values: [date], list: false });
      if (measure !== undefined && takesMeasure) args.push({ name: "measure", values: [str(measure)], list: false });
      return args;
    });
}

function conditionFor(field: SegmentField): fc.Arbitrary<SegmentCondition> {
  const comparisons = field.operators.filter((op) => COMPARISONS.includes(op)) as ComparisonOperator[];
  if (field.function !== undefined) {
    const counts = field.function.results.includes("count");
    const bool = fc.boolean().map((value): SegmentValue => ({ type: "boolean", value }));
    const count = fc.oneof(integerIn(0, 6), moneyValueArb);
    const compared = fc
      .tuple(functionArguments(field), fc.constantFrom(...comparisons), counts ? fc.oneof(bool, count) : bool)
      .map(([args, operator, value]): SegmentCondition => ({
        kind: "comparison",
        field: field.name,
        arguments: args,
        operator: value.type === "boolean" ? (operator === "!=" ? "!=" : "=") : operator,
        value,
      }));
    if (!counts || !field.operators.includes("BETWEEN")) return compared;
    return fc.oneof(
      compared,
      fc.tuple(functionArguments(field), count, count).map(([args, low, high]): SegmentCondition => ({
        kind: "between",
        field: field.name,
        arguments: args,
        low,
        high,
      })),
    );
  }
  const options: fc.Arbitrary<SegmentCondition>[] = [];
  const value = valueFor(field);
  if (comparisons.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...comparisons), value)
        .map(([operator, v]): SegmentCondition => ({ kind: "comparison", field: field.name, operator, value: v })),
    );
  }
  if (field.operators.includes("BETWEEN")) {
    options.push(
      fc
        .tuple(value, value)
        .map(([low, high]): SegmentCondition => ({ kind: "between", field: field.name, low, high })),
    );
  }
  if (field.operators.includes("IS NULL")) {
    options.push(fc.boolean().map((isNull): SegmentCondition => ({ kind: "nullCheck", field: field.name, isNull })));
  }
  if (field.operators.includes("CONTAINS")) {
    options.push(
      fc
        .tuple(fc.boolean(), value)
        .map(([negated, v]): SegmentCondition => ({ kind: "contains", field: field.name, negated, value: v })),
    );
  }
  return fc.oneof(...options);
}

export const conditionArb: fc.Arbitrary<SegmentCondition> = fc.oneof(...SEGMENT_FIELDS.map(conditionFor));

export const treeArb: fc.Arbitrary<SegmentTree> = treeArbitraryOf(conditionArb);
